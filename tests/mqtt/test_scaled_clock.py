"""The daemon's clock reaches every optional component (``--simulate --speed 60``)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from brewctl.alerts.component import AlertsComponent
from brewctl.cli.components import optional_components
from brewctl.config import parse_config
from brewctl.model import Alarm
from brewctl.mqtt.bridge import MqttBridge
from brewctl.recorder.history_component import HistoryComponent
from brewctl.service.clock import ScaledClock
from brewctl.service.hub import Hub
from tests.alerts.test_component import PROBE, Inbox, _status
from tests.mqtt.conftest import Broker, Recorder, make_config, node_status

FAKE_EPOCH = 1_000_000.0
"""The scaled clock's wall time starts here, far from today: a real-time stamp cannot pass for it."""


def _clock(speed: float) -> ScaledClock:
    return ScaledClock(speed, real_wall=lambda: FAKE_EPOCH)


async def test_the_bridge_republishes_and_stamps_alerts_on_the_daemon_clock(
    broker: Broker, recorder: Recorder, tmp_path: Path
) -> None:
    clock = _clock(60)
    [bridge] = [c for c in optional_components(make_config(broker.port), tmp_path, clock) if c.name == "mqtt"]
    assert isinstance(bridge, MqttBridge)
    hub = Hub("pi1", wall_clock=clock.wall, monotonic_clock=clock.monotonic)
    hub.publish_status(node_status())  # once: only the state interval (60 s) makes it go out again
    task = asyncio.create_task(bridge.run(hub))
    try:
        state = "brewctl/pi1/fermenters/fv1/state"
        first = await recorder.wait(state)
        # 60 simulated seconds are 1 real second: republished well within 4 s (not after a real minute).
        await recorder.wait(state, since=recorder.messages.index(first) + 1, within_s=4.0)
        hub.raise_alarm(Alarm(code="outbox_full", severity="warning", message="outbox full"))
        hub.publish_status(node_status())
        alert = await recorder.json("brewctl/pi1/alerts")
        assert FAKE_EPOCH < alert["ts_s"] < FAKE_EPOCH + 3600  # the simulated wall clock, not today
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_the_alert_rate_limit_runs_on_the_daemon_clock(tmp_path: Path) -> None:
    config = parse_config({"node": {"name": "pi1"}, "alerts": {"apprise_urls": ["json://127.0.0.1:9/x"]}})
    clock = _clock(3600)  # the 15 min rate limit lasts 0.25 real seconds
    [alerts] = [c for c in optional_components(config, tmp_path, clock) if c.name == "alerts"]
    assert isinstance(alerts, AlertsComponent)
    inbox = Inbox()
    alerts._notifier = inbox  # the real Apprise is tested in tests/alerts
    hub = Hub("pi1")
    task = asyncio.create_task(alerts.run(hub))
    try:
        hub.publish_status(_status(PROBE))
        await inbox.wait_for(1)
        hub.publish_status(_status())
        await inbox.wait_for(2)
        hub.publish_status(_status(PROBE))  # back at once: held back by the rate limit...
        async with asyncio.timeout(3):  # ...for 900 simulated seconds, not 15 real minutes
            while len(inbox.sent) < 3:
                await asyncio.sleep(0.05)
                hub.publish_status(_status(PROBE))
        assert [event for _, _, event in inbox.sent] == ["critical", "cleared", "critical"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_the_history_recorder_gets_the_daemon_clock(tmp_path: Path) -> None:
    clock = _clock(60)
    [history] = [c for c in optional_components(parse_config({}), tmp_path, clock) if c.name == "history"]
    assert isinstance(history, HistoryComponent)
    assert history._monotonic == clock.monotonic  # commits every commit_interval_s of simulated time
