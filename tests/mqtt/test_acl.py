"""The documented mosquitto ACL, run as written: only configured clients command a node."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from brewctl.mqtt.fleet import fleet_status
from tests.mqtt.conftest import Broker, ask, free_port, make_config, node_status

DOCS = Path(__file__).resolve().parents[2] / "docs" / "mqtt.md"
USERS = {"brewctl-cellar": "node-pw", "fleet": "fleet-pw", "guest": "guest-pw", "homeassistant": "ha-pw"}
BASE = "brewctl/cellar/fermenters/fv1"


def documented_acl() -> str:
    """The ACL block of docs/mqtt.md, exactly."""
    [block] = re.findall(r"```text\n(# brewctl ACL.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return str(block)


@pytest.fixture
def acl_broker(tmp_path: Path) -> Iterator[Broker]:
    passwd = tmp_path / "passwd"
    for i, (user, password) in enumerate(USERS.items()):
        args = ["mosquitto_passwd", "-b", *(["-c"] if i == 0 else []), str(passwd), user, password]
        subprocess.run(args, check=True)
    passwd.chmod(0o600)
    acl = tmp_path / "acl"
    acl.write_text(documented_acl())
    acl.chmod(0o600)
    b = Broker(port=free_port(), workdir=tmp_path, extra_config=f"password_file {passwd}\nacl_file {acl}")
    b.start()
    try:
        yield b
    finally:
        b.stop()


def _client(broker: Broker, user: str) -> aiomqtt.Client:
    return aiomqtt.Client(
        broker.host, broker.port, username=user, password=USERS[user], protocol=aiomqtt.ProtocolVersion.V5
    )


async def test_only_the_configured_client_commands_the_node(
    acl_broker: Broker, tmp_path: Path, start_bridge: Any
) -> None:
    (tmp_path / "node-pw").write_text("node-pw\n")
    mqtt = {"username": "brewctl-cellar", "password_file": str(tmp_path / "node-pw"), "command_clients": ["fleet"]}
    r = await start_bridge(make_config(acl_broker.port, node="cellar", mqtt=mqtt))
    r.hub.publish_status(node_status("cellar"))
    await r.wait_connected()
    set_beer = '{"kind": "set_beer", "value_c": 18.5}'

    async with _client(acl_broker, "fleet") as fleet:  # an ordinary login, not the broker's admin
        reply = await ask(fleet, "fleet", f"{BASE}/command/fleet", set_beer)
        assert reply["ok"] is True
        assert [(fid, c.kind) for fid, c, _ in r.controller.calls] == [("fv1", "set_beer")]
        # Reading every node works with the same login (the fleet view's marker is in its own area).
        [node] = await fleet_status(acl_broker.host, acl_broker.port, username="fleet", password="fleet-pw")
        assert node.node == "cellar" and set(node.fermenters) == {"fv1", "fv2"}

    async with _client(acl_broker, "guest") as guest:
        # Posing as the fleet UI: the broker drops it (ACL), so the node never sees it.
        assert await ask(guest, "guest", f"{BASE}/command/fleet", set_beer, within_s=1.0) is None
        # As itself: the node refuses and says why.
        reply = await ask(guest, "guest", f"{BASE}/command/guest", set_beer)
        assert (
            reply["ok"] is False and reply["error"] == "client: 'guest' may not command cellar (mqtt.command_clients)"
        )
        # The plain topic: the ACL drops it.
        assert await ask(guest, "guest", f"{BASE}/command", set_beer, within_s=1.0) is None
    assert len(r.controller.calls) == 1

    async with _client(acl_broker, "homeassistant") as ha:  # HA may command only if configured
        reply = await ask(ha, "homeassistant", f"{BASE}/command/homeassistant", set_beer)
        assert reply["ok"] is False and reply["error"].startswith("client: 'homeassistant' may not")


async def test_the_plain_command_topic_is_refused_when_clients_are_configured(
    broker: Broker, start_bridge: Any
) -> None:
    r = await start_bridge(make_config(broker.port, node="cellar", mqtt={"command_clients": ["fleet"]}))
    r.hub.publish_status(node_status("cellar"))
    await r.wait_connected()
    async with aiomqtt.Client(broker.host, broker.port, protocol=aiomqtt.ProtocolVersion.V5) as anyone:
        reply = await ask(anyone, "anyone", f"{BASE}/command", '{"kind": "profile_pause"}')
    assert reply["ok"] is False and reply["error"].startswith("client: cellar takes commands only from")
    assert r.controller.calls == []
