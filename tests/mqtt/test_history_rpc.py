"""History over MQTT 5 request/response: a node answers for its own fermenters, bounded."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import aiomqtt

from brewctl.mqtt.history_rpc import bounded, parse_request
from brewctl.recorder.history_component import HistoryComponent
from brewctl.service.hub import Hub
from tests.mqtt.conftest import Broker, ask, make_config, until
from tests.recorder.helpers import settle
from tests.recorder.statuses import T0, wavy

BASE = "brewctl/pi1/fermenters/fv1"


async def test_a_remote_client_gets_a_fermenters_history_from_its_node(
    broker: Broker, tmp_path: Path, start_bridge: Any
) -> None:
    hub = Hub("pi1", wall_clock=lambda: T0)
    history = HistoryComponent(tmp_path)
    recorder = asyncio.create_task(history.run(hub))
    try:
        await until(lambda: "history" in hub.extra)
        for i in range(30):
            hub.publish_status(wavy(("fv1", "fv2"), T0 + 5 * i))
            await settle()
        hub.event("alarm", "beer probe lost", fermenter="fv1", code="beer_probe_lost")
        await history.flush()
        r = await start_bridge(make_config(broker.port), hub=hub)
        await r.wait_connected()
        async with aiomqtt.Client(broker.host, broker.port, protocol=aiomqtt.ProtocolVersion.V5) as client:
            rows = await ask(client, "me", f"{BASE}/history", json.dumps({"since_s": T0 - 1}))
            assert rows["ok"] is True and rows["fermenter"] == "fv1" and len(rows["rows"]) == 30
            assert "beer_c" in rows["columns"]
            events = await ask(client, "me", f"{BASE}/history", json.dumps({"what": "events", "since_s": 0}))
            assert [e["message"] for e in events["events"]] == ["beer probe lost"]
            bad = await ask(client, "me", f"{BASE}/history", json.dumps({"since_s": "yesterday"}))
            assert bad["ok"] is False and bad["error"].startswith("since_s:")
            other = await ask(client, "me", "brewctl/pi1/fermenters/fv9/history", json.dumps({"since_s": 0}))
            assert other["ok"] is False and other["error"].startswith("fermenter:")
    finally:
        recorder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await recorder


def test_answers_are_bounded() -> None:
    rows = [[T0 + i, 19.0 + i / 1000, 18.0, 19.0, 0.5, 0.0] for i in range(20_000)]
    text = bounded({"ok": True, "rows": rows}, limit=64 * 1024)
    body = json.loads(text)
    assert len(text) <= 64 * 1024 and body["thinned"] >= 2 and body["rows"][0] == rows[0]
    events = [{"message": "x" * 100, "n": i} for i in range(5000)]
    body = json.loads(bounded({"ok": True, "events": events}, limit=16 * 1024))
    assert body["truncated"] is True and body["events"][-1]["n"] == 4999  # the newest are kept


def test_requests_are_validated() -> None:
    assert isinstance(parse_request(b'{"since_s": 0, "step_s": 60}'), object)
    assert parse_request(b'{"since_s": 0, "step_s": 0.5}').startswith("step_s:")  # type: ignore[union-attr]
    assert parse_request(b'{"since_s": 0, "rm": 1}').startswith("rm:")  # type: ignore[union-attr]
    assert parse_request(b"x" * 5000).startswith("payload: too large")  # type: ignore[union-attr]
