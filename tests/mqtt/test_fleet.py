"""Many Pis, one broker: the fleet view, and the last will of a controller that dies."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

import pytest

from brewctl.errors import ConfigError, TransientError, UserError
from brewctl.model import Alarm, NodeStatus
from brewctl.mqtt.bridge import peer_alarm_code
from brewctl.mqtt.fleet import OFFLINE_ALARM, fleet_status, format_fleet, parse_broker, read_fleet
from tests.mqtt.conftest import (
    DAEMON_CONFIG,
    Broker,
    Recorder,
    fermenter,
    free_port,
    make_config,
    node_status,
    start_daemon,
    until,
)


async def test_the_last_will_says_offline_when_the_daemon_is_killed(
    broker: Broker, recorder: Recorder, tmp_path: Path, start_bridge: Any
) -> None:
    # A second node watches this one: its alarm is how a brewery hears of a dead controller.
    watcher = await start_bridge(make_config(broker.port, node="office", mqtt={"watch_nodes": ["cellar"]}))
    daemon = await start_daemon(tmp_path, DAEMON_CONFIG.replace("{port}", str(broker.port)))
    try:
        await recorder.wait("brewctl/cellar/availability", where=lambda p: p == b"online", within_s=20)
        state = await recorder.json("brewctl/cellar/fermenters/fv7/state", within_s=20)
        assert state["id"] == "fv7" and state["mode"] == "beer"
        mark = recorder.mark()
        daemon.send_signal(signal.SIGKILL)  # no goodbye: the broker publishes the will
        await daemon.wait()
        will = await recorder.wait("brewctl/cellar/availability", since=mark)
        assert will.payload == b"offline"
        await until(lambda: any(a.code == peer_alarm_code("cellar") for a in watcher.hub.node_alarms))
        [alarm] = [a for a in watcher.hub.node_alarms if a.code == peer_alarm_code("cellar")]
        assert alarm.severity == "critical" and "cellar is offline" in alarm.message
        nodes = await fleet_status(broker.host, broker.port, timeout_s=5)
        [cellar] = [n for n in nodes if n.node == "cellar"]
        assert [a.code for a in cellar.fermenters["fv7"].alarms][-1] == OFFLINE_ALARM
    finally:
        if daemon.returncode is None:
            daemon.kill()
            with contextlib.suppress(ProcessLookupError):
                await daemon.wait()


async def test_fleet_status_lists_every_fermenter_of_every_node(broker: Broker, start_bridge: Any) -> None:
    pi1 = await start_bridge(make_config(broker.port, node="pi1"))
    pi2 = await start_bridge(make_config(broker.port, node="pi2", fermenters=("fv1",)))
    pi1.hub.publish_status(node_status("pi1"))
    pi2.hub.publish_status(node_status("pi2", fermenter("fv1", beer_c=4.0, beer_setpoint_c=2.0)))
    await pi1.wait_connected()
    await pi2.wait_connected()

    async def both_published() -> list[Any]:
        while True:
            nodes = await fleet_status(broker.host, broker.port, timeout_s=5)
            if sum(len(n.fermenters) for n in nodes) == 3:
                return nodes
            await asyncio.sleep(0.02)

    nodes = await asyncio.wait_for(both_published(), 5)
    assert [(n.node, sorted(n.fermenters)) for n in nodes] == [("pi1", ["fv1", "fv2"]), ("pi2", ["fv1"])]
    assert nodes[1].fermenters["fv1"].beer_c == 4.0
    assert nodes[0].version == "0.1.0"
    assert 10.0 <= nodes[0].uptime_s < 15.0  # 10 s at publish, plus the time since (extrapolated)
    assert not any(f.alarms for n in nodes for f in n.fermenters.values())

    await pi2.stop()  # a clean stop says offline too
    nodes = await fleet_status(broker.host, broker.port, timeout_s=5)
    assert [a.code for a in nodes[1].fermenters["fv1"].alarms] == [OFFLINE_ALARM]
    table = format_fleet(nodes).splitlines()
    assert table[0].split() == ["NODE", "FERMENTER", "MODE", "BEER", "SET", "CHAMBER", "OUTPUTS", "PROFILE", "ALARMS"]
    assert table[3].split() == ["pi2", "fv1", "beer", "4.0", "2.0", "17.5", "cool:100%", OFFLINE_ALARM]


async def test_a_watched_node_coming_back_clears_the_alarm(broker: Broker, start_bridge: Any) -> None:
    watcher = await start_bridge(make_config(broker.port, node="office", mqtt={"watch_nodes": ["*"]}))
    pi2 = await start_bridge(make_config(broker.port, node="pi2"))
    await pi2.wait_connected()
    await watcher.wait_connected()
    await pi2.stop()
    await until(lambda: [a.code for a in watcher.hub.node_alarms] == [peer_alarm_code("pi2")])
    again = await start_bridge(make_config(broker.port, node="pi2"))
    await again.wait_connected()
    await until(lambda: not watcher.hub.node_alarms)
    await watcher.stop()  # its own last will is not an alarm for anyone but others
    assert not watcher.hub.node_alarms


async def test_fleet_status_of_an_unreachable_broker_is_a_transient_error() -> None:
    with pytest.raises(TransientError, match=r"MQTT broker 127\.0\.0\.1"):
        await fleet_status("127.0.0.1", free_port(), timeout_s=2)


async def test_fleet_status_of_an_empty_broker_is_empty(broker: Broker) -> None:
    assert await fleet_status(broker.host, broker.port, timeout_s=2) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("mqtt.lan", ("mqtt.lan", 1883)),
        ("mqtt.lan:8883", ("mqtt.lan", 8883)),
        ("[::1]:1884", ("::1", 1884)),
        ("[fd00::2]", ("fd00::2", 1883)),
        ("fd00::2", ("fd00::2", 1883)),  # a bare IPv6 address has no port
    ],
)
def test_broker_spec(spec: str, expected: tuple[str, int]) -> None:
    assert parse_broker(spec) == expected


@pytest.mark.parametrize(("spec", "error"), [("h:x", "bad port"), ("h:0", "bad port"), (":1883", "no host")])
def test_bad_broker_spec_is_a_user_error(spec: str, error: str) -> None:
    with pytest.raises(UserError, match=error):
        parse_broker(spec)


async def test_fleet_logs_in_like_the_daemon_and_shows_node_alarms(
    auth_broker: Broker, tmp_path: Path, start_bridge: Any
) -> None:
    secret = tmp_path / "mqtt-password"
    secret.write_text("s3cret\n")
    config = make_config(auth_broker.port, node="cellar", mqtt={"username": "brewctl", "password_file": str(secret)})
    r = await start_bridge(config)
    r.hub.raise_alarm(Alarm(code="outbox_full", message="InfluxDB outbox full"))
    r.hub.publish_status(node_status("cellar"))
    await r.wait_connected()
    spec = f"{auth_broker.host}:{auth_broker.port}"

    async def listed() -> list[NodeStatus]:
        while True:  # the bridge publishes its first status right after connecting
            nodes = await asyncio.to_thread(read_fleet, spec, config.mqtt)
            if nodes and len(nodes[0].fermenters) == 2:
                return nodes
            await asyncio.sleep(0.02)

    async with asyncio.timeout(5):
        [cellar] = await listed()
    assert sorted(cellar.fermenters) == ["fv1", "fv2"]
    assert [a.code for a in cellar.alarms] == ["outbox_full"]  # node alarms travel too
    with pytest.raises(UserError, match="Not authorized"):  # anonymous: refused, said plainly
        await asyncio.to_thread(read_fleet, spec, None)
    secret.unlink()
    with pytest.raises(ConfigError, match=r"mqtt\.password_file: cannot read"):
        await asyncio.to_thread(read_fleet, spec, config.mqtt)
