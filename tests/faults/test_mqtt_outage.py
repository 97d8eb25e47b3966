"""Defect 9: ``mqtt_unreachable`` comes ``alarm_after_s`` after the loss, not at the next attempt."""

from __future__ import annotations

import time
from typing import Any

import pytest

from brewctl.backoff import Backoff
from brewctl.mqtt import bridge as bridge_module
from brewctl.mqtt.bridge import UNREACHABLE_ALARM
from tests.mqtt.conftest import free_port, make_config, until

pytestmark = pytest.mark.faults


async def test_the_alarm_is_on_time_while_the_attempts_thin_out(
    start_bridge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The production backoff (1 s doubling to 60 s, 120 s alarm) scaled down 40x, jitter pinned.

    Attempts end at 0.03, 0.08, 0.18, 0.38, 0.78, 1.58, 3.08 s: before the fix the alarm of
    1.6 s was raised after the attempt at 3.08 s (~90 % late, like 120 -> ~180 s).
    """
    monkeypatch.setattr(bridge_module.random, "random", lambda: 1.0)
    r = await start_bridge(make_config(free_port()), backoff=Backoff(initial_s=0.025, max_s=1.5), alarm_after_s=1.6)
    started = time.monotonic()
    await until(lambda: any(a.code == UNREACHABLE_ALARM for a in r.hub.node_alarms), within_s=5)
    assert 1.5 <= time.monotonic() - started <= 2.2
