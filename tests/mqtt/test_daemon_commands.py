"""The real daemon (``brewctl run --simulate``) under a burst of malformed MQTT commands.

The bridge-level fuzz (test_bridge_commands.py) stubs the controller; this one checks the
whole chain: the daemon answers every bad payload, keeps running, and its fermenter keeps its
mode and setpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from pathlib import Path
from typing import Any

from brewctl.service.client import ApiClient
from tests.mqtt.conftest import DAEMON_CONFIG, Broker, Recorder, start_daemon

BASE = "brewctl/cellar/fermenters/fv7"
KEPT = ("mode", "beer_setpoint_c", "chamber_setpoint_c", "profile")


def _payloads() -> list[bytes]:
    rng = random.Random(6)
    typed = [
        {"kind": "set_beer", "value_c": True},
        {"kind": "set_beer", "value_c": "4"},
        {"kind": "set_beer", "value_c": 99},
        {"kind": "set_beer", "value_c": None},
        {"kind": "set_chamber", "value_c": [4]},
        {"kind": "set_mode", "mode": "warp"},
        {"kind": "set_mode", "mode": 1},
        {"kind": "set_mode", "mode": "off", "extra": 1},
        {"kind": "profile_start", "profile": "/etc/passwd", "id": "p1"},
        {"kind": "profile_start", "profile": "clean-ale"},  # no id: refused
        {"kind": "profile_start", "profile": "clean-ale", "at_step": True, "id": "p2"},
        {"kind": "profile_skip"},
        {"kind": "dance"},
        {"value_c": 4},
    ]
    return [
        *(json.dumps(t).encode() for t in typed),
        b"",
        b"null",
        b"[]",
        b"4",
        b"{",
        b"[" * 100_000 + b"]" * 100_000,  # deep nesting, and far over the size limit
        b"[" * 2000 + b"]" * 2000,  # deep nesting under the size limit
        b'{"kind": "set_beer", "value_c": 4, "id": "' + b"x" * 5000 + b'"}',
        *(rng.randbytes(rng.randrange(1, 64)) for _ in range(40)),
    ]


async def _fermenter(socket: Path) -> dict[str, Any]:
    async with ApiClient(socket) as api:
        status = await api.status()
    return status.fermenters["fv7"].model_dump(mode="json")


async def test_the_daemon_answers_every_malformed_command_and_changes_nothing(
    broker: Broker, recorder: Recorder, tmp_path: Path
) -> None:
    daemon = await start_daemon(tmp_path, DAEMON_CONFIG.replace("{port}", str(broker.port)))
    try:
        await recorder.json(f"{BASE}/state", within_s=20)
        before = await _fermenter(tmp_path / "api.sock")
        assert before["mode"] == "beer"
        for payload in _payloads():
            mark = recorder.mark()
            await recorder.client.publish(f"{BASE}/command", payload, qos=1)
            reply = await recorder.json(f"{BASE}/response", since=mark)
            assert reply["ok"] is False and reply["error"], payload[:80]
        assert daemon.returncode is None
        # A valid command still works afterwards, and the state is what it was before.
        mark = recorder.mark()
        await recorder.client.publish(f"{BASE}/command", '{"kind": "profile_pause"}', qos=1)
        reply = await recorder.json(f"{BASE}/response", since=mark)
        assert reply["error"] == "kind: no profile is running on this fermenter"
        after = await _fermenter(tmp_path / "api.sock")  # the daemon's own word, not a cached state
        assert {k: after[k] for k in KEPT} == {k: before[k] for k in KEPT}
    finally:
        if daemon.returncode is None:
            daemon.terminate()
            with contextlib.suppress(ProcessLookupError):
                async with asyncio.timeout(10):
                    await daemon.wait()
