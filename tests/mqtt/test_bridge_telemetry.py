"""Against a real mosquitto: retained state, availability, alerts, reconnection."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import aiomqtt
import pytest

import brewctl.mqtt.bridge as bridge_module
from brewctl.config import MqttConfig
from brewctl.model import Alarm, FermenterStatus
from brewctl.mqtt.bridge import CONFIG_ALARM, UNREACHABLE_ALARM, MqttBridge
from brewctl.service.hub import Hub
from tests.mqtt.conftest import Broker, Recorder, fermenter, free_port, make_config, node_status, recording, until


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_state_is_retained_and_availability_is_online(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    r = await start_bridge(make_config(broker.port))
    r.hub.publish_status(node_status())
    await recorder.wait("brewctl/pi1/fermenters/fv2/ha")  # the last one the bridge publishes
    async with recording(broker) as late:  # a client that connects afterwards sees retained state
        msg = await late.wait("brewctl/pi1/fermenters/fv1/state")
        assert msg.retain
        assert FermenterStatus.model_validate_json(msg.payload) == fermenter("fv1")  # type: ignore[arg-type]
        availability = await late.wait("brewctl/pi1/availability")
        assert availability.retain and availability.payload == b"online"
        ha = await late.json("brewctl/pi1/fermenters/fv1/ha")
        assert (ha["mode"], ha["action"], ha["current_c"], ha["target_c"]) == ("heat_cool", "cooling", 19.25, 19.0)
        info = await late.json("brewctl/pi1/status")
        assert info["fermenters"] == ["fv1", "fv2"] and info["version"] == "0.1.0"


async def test_state_is_published_on_change_and_every_interval(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    clock = FakeClock()
    r = await start_bridge(make_config(broker.port), clock=clock)
    topic = "brewctl/pi1/fermenters/fv1/state"
    r.hub.publish_status(node_status())
    await recorder.wait(topic)
    await recorder.wait("brewctl/pi1/fermenters/fv2/state")
    # A new cycle where fv1 only has timers and PID terms moved (nothing new to say) and fv2
    # changed: once fv2's state arrives, the bridge has seen this status and skipped fv1.
    mark = recorder.mark()
    fv2 = fermenter("fv2", rig="glycol", outputs=(), beer_c=11.0)
    r.hub.publish_status(node_status("pi1", fermenter("fv1", updated_s=1005.0), fv2, uptime_s=15))
    await recorder.wait("brewctl/pi1/fermenters/fv2/state", since=mark)
    assert recorder.on(topic, mark) == [], "the unchanged fv1 must not have been republished"
    # A real change (the setpoint) is published at once...
    r.hub.publish_status(node_status("pi1", fermenter("fv1", beer_setpoint_c=12.0), fv2))
    msg = await recorder.json(topic, since=mark)
    assert msg["beer_setpoint_c"] == 12.0
    # ...and an unchanged state again once state_interval_s (60 s) has passed.
    clock.now = 61.0
    mark = recorder.mark()
    r.hub.publish_status(node_status("pi1", fermenter("fv1", beer_setpoint_c=12.0, updated_s=1061.0), fv2))
    assert (await recorder.json(topic, since=mark))["updated_s"] == 1061.0


async def test_alarms_go_to_the_alerts_topic_raised_then_cleared(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    r = await start_bridge(make_config(broker.port))
    lost = Alarm(code="beer_probe_lost", severity="critical", message="FV1 beer probe lost")
    r.hub.publish_status(node_status("pi1", fermenter("fv1", alarms=(lost,))))
    raised = await recorder.json("brewctl/pi1/alerts")
    assert (raised["event"], raised["fermenter"], raised["code"], raised["node"]) == (
        "raised",
        "fv1",
        "beer_probe_lost",
        "pi1",
    )
    mark = recorder.mark()
    r.hub.publish_status(node_status("pi1", fermenter("fv1")))
    cleared = await recorder.json("brewctl/pi1/alerts", since=mark)
    assert (cleared["event"], cleared["code"]) == ("cleared", "beer_probe_lost")
    state = await recorder.json("brewctl/pi1/fermenters/fv1/state", where=lambda p: b"beer_probe_lost" in p)
    assert state["alarms"][0]["code"] == "beer_probe_lost"  # the state carries standing alarms too


async def test_broker_restart_reconnects_and_republishes(broker: Broker, start_bridge: Any) -> None:
    r = await start_bridge(make_config(broker.port))
    r.hub.publish_status(node_status())
    await r.wait_connected()
    async with recording(broker) as rec:
        await rec.wait("brewctl/pi1/fermenters/fv1/state")
    broker.stop()  # persistence false: every retained message is gone
    await until(lambda: not r.bridge.connected.is_set())
    r.hub.publish_status(node_status())  # control goes on meanwhile; publishing must not block
    broker.start()
    await r.wait_connected()
    async with recording(broker) as rec:
        state = await rec.json("brewctl/pi1/fermenters/fv1/state")
        assert state["id"] == "fv1"
        assert (await rec.wait("brewctl/pi1/availability")).payload == b"online"
        await rec.wait("homeassistant/climate/pi1/fv1/config")
    assert not r.task.done()


async def test_unreachable_broker_raises_a_node_alarm_and_clears_it(tmp_path: Path, start_bridge: Any) -> None:
    port = free_port()  # nothing listens here yet
    r = await start_bridge(make_config(port), alarm_after_s=0.0)
    await until(lambda: any(a.code == UNREACHABLE_ALARM for a in r.hub.node_alarms))
    r.hub.publish_status(node_status())  # the hub never waits on the bridge
    assert r.hub.latest is not None
    b = Broker(port=port, workdir=tmp_path)
    b.start()
    try:
        await r.wait_connected()
        assert not any(a.code == UNREACHABLE_ALARM for a in r.hub.node_alarms)
    finally:
        await r.stop()
        b.stop()


async def test_clean_stop_says_offline(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    r = await start_bridge(make_config(broker.port))
    await r.wait_connected()
    await recorder.wait("brewctl/pi1/availability", where=lambda p: p == b"online")
    mark = recorder.mark()
    await r.stop()
    assert (await recorder.wait("brewctl/pi1/availability", since=mark)).payload == b"offline"
    async with recording(broker) as late:
        msg = await late.wait("brewctl/pi1/availability")
        assert (msg.payload, msg.retain) == (b"offline", True)


@pytest.mark.parametrize("where", ["connect", "subscribe"])
async def test_a_stop_that_aiomqtt_swallowed_still_stops_the_bridge(
    broker: Broker, start_bridge: Any, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """SIGTERM hung a simulated daemon (about 1 start in 30 under load): the stop came in the loop turn
    where the broker's CONNACK arrived, aiomqtt's ``wait_for`` (3.11) returned the connection and
    dropped the cancellation, and the bridge served on. Emulated here the way ``wait_for`` does it:
    the task is cancelled and the CancelledError is eaten, leaving ``cancelling()`` raised."""
    original = aiomqtt.Client.__aenter__ if where == "connect" else aiomqtt.Client.subscribe

    async def swallowing(self: aiomqtt.Client, *args: Any, **kwargs: Any) -> Any:
        result = await original(self, *args, **kwargs)
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # what wait_for does when the result and the cancel meet
            await asyncio.sleep(0)
        return result

    monkeypatch.setattr(aiomqtt.Client, "__aenter__" if where == "connect" else "subscribe", swallowing)
    r = await start_bridge(make_config(broker.port))
    await asyncio.wait({r.task}, timeout=10)  # (no second cancellation, as awaiting under a timeout would)
    assert r.task.cancelled(), "the bridge went on after its stop"
    assert not r.bridge.connected.is_set()


async def test_username_and_password_file(tmp_path: Path, auth_broker: Broker, start_bridge: Any) -> None:
    b = auth_broker
    secret = tmp_path / "mqtt-password"
    secret.write_text("s3cret\n")
    wrong = tmp_path / "wrong-password"
    wrong.write_text("nope\n")
    ok = await start_bridge(make_config(b.port, mqtt={"username": "brewctl", "password_file": str(secret)}))
    await ok.wait_connected()
    bad = await start_bridge(
        make_config(b.port, node="pi2", mqtt={"username": "brewctl", "password_file": str(wrong)}),
        alarm_after_s=0.0,
    )
    await until(lambda: any(a.code == UNREACHABLE_ALARM for a in bad.hub.node_alarms))
    assert not bad.task.done(), "a refused login is retried, not fatal"
    async with aiomqtt.Client(b.host, b.port, username="brewctl", password="s3cret") as c:
        await c.subscribe("brewctl/+/availability")
        async with asyncio.timeout(5):
            async for m in c.messages:
                assert (m.topic.value, m.payload) == ("brewctl/pi1/availability", b"online")
                break
    with pytest.raises(aiomqtt.MqttError):  # and the broker really does check
        async with aiomqtt.Client(b.host, b.port, username="brewctl", password="nope"):
            pass


async def test_missing_password_file_is_a_node_alarm_until_it_appears(
    auth_broker: Broker,
    tmp_path: Path,
    start_bridge: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[object] = []
    original = bridge_module.connection_files

    def counted(mqtt: MqttConfig) -> object:
        attempts.append(mqtt)
        return original(mqtt)

    monkeypatch.setattr("brewctl.mqtt.bridge.connection_files", counted)
    secret = tmp_path / "secret"
    config = make_config(auth_broker.port, mqtt={"username": "brewctl", "password_file": str(secret)})
    r = await start_bridge(config)
    await until(lambda: any(a.code == CONFIG_ALARM for a in r.hub.node_alarms))
    (alarm,) = [a for a in r.hub.node_alarms if a.code == CONFIG_ALARM]
    assert alarm.message.startswith(f"mqtt.password_file: cannot read {secret}: No such file or directory")
    await until(lambda: len(attempts) >= 4)  # several retries: one log line, no traceback
    logged = [rec for rec in caplog.records if "mqtt.password_file" in rec.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is None
    assert not r.task.done()
    secret.write_text("s3cret\n")  # fixed without a restart
    await r.wait_connected()
    assert not any(a.code == CONFIG_ALARM for a in r.hub.node_alarms)


@dataclass
class DroppingClient:
    """Stands in for a connection that drops while the first alert is being published."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    drop_next_alert: bool = True

    async def publish(self, topic: str, payload: str, **_: Any) -> None:
        if topic.endswith("/alerts") and self.drop_next_alert:
            self.drop_next_alert = False
            raise aiomqtt.MqttError("Disconnected during message iteration")
        self.sent.append((topic, payload))


async def test_an_alert_the_broker_did_not_take_goes_out_after_reconnecting() -> None:
    bridge = MqttBridge(make_config(1883))
    hub = Hub("pi1")
    lost = Alarm(code="beer_probe_lost", message="beer probe lost")
    status = node_status("pi1", fermenter("fv1", alarms=(lost,)))
    client = DroppingClient()
    with pytest.raises(aiomqtt.MqttError):
        await bridge.publish_status(cast(aiomqtt.Client, client), hub, status)
    await bridge.publish_status(cast(aiomqtt.Client, client), hub, status)  # the next session
    alerts = [json.loads(p) for t, p in client.sent if t == "brewctl/pi1/alerts"]
    assert [(a["event"], a["code"]) for a in alerts] == [("raised", "beer_probe_lost")]
