"""FleetClient against a real mosquitto: the merged live view, and fleet ids."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from brewctl.errors import TransientError
from brewctl.model import NodeStatus
from brewctl.mqtt.fleet_client import FleetClient, NodeView, fleet_id, split_fleet_id
from tests.mqtt.conftest import Broker, fermenter, make_config, node_status, until


def test_fleet_ids_split_back() -> None:
    assert split_fleet_id(fleet_id("cellar", "fv1")) == ("cellar", "fv1")
    assert split_fleet_id(fleet_id("a-", "b")) == ("a-", "b")
    with pytest.raises(ValueError, match="not a fleet fermenter id"):
        split_fleet_id("fv1")


async def test_the_stream_follows_every_change_at_once(broker: Broker, start_bridge: Any) -> None:
    r = await start_bridge(make_config(broker.port, node="cellar"))
    r.hub.publish_status(node_status("cellar"))
    await r.wait_connected()
    async with FleetClient(broker.host, broker.port) as fleet:
        await until(
            lambda: len(fleet.nodes.get("cellar", NodeView("")).fermenters) == 2
        )  # the bridge may still publish
        first = await fleet.status()
        assert set(first.fermenters) == {"cellar--fv1", "cellar--fv2"}
        assert first.fermenters["cellar--fv1"].id == "cellar--fv1"
        stream = fleet.stream()
        for value in (12.0, 13.0, 14.0):
            r.hub.publish_status(node_status("cellar", fermenter("fv1", beer_setpoint_c=value), fermenter("fv2")))
            async with asyncio.timeout(2.0):  # well under the stream's 5 s idle wake-up
                while True:
                    item = await anext(stream)
                    if isinstance(item, NodeStatus) and item.fermenters["cellar--fv1"].beer_setpoint_c == value:
                        break
        await stream.aclose()  # type: ignore[attr-defined]


class Library:
    """A daemon's profile lister (``hub.extra["daemon"].list_profiles``), with these names."""

    def __init__(self, *names: str) -> None:
        self.rows = [{"file": f"{n}.toml", "name": n, "steps": 2, "source": "user"} for n in names]

    async def list_profiles(self) -> list[dict[str, Any]]:
        return self.rows


async def test_a_fermenters_profiles_are_its_own_nodes(broker: Broker, start_bridge: Any) -> None:
    """Only the owner's library can start on a fermenter: another node's profile would be refused there."""
    for node, names in (("cellar", ("lager", "house-ale")), ("freezers", ("kveik",))):
        r = await start_bridge(make_config(broker.port, node=node))
        r.hub.extra["daemon"] = Library(*names)
        r.hub.publish_status(node_status(node))
        await r.wait_connected()
    async with FleetClient(broker.host, broker.port) as fleet:
        await until(lambda: all(len(fleet.nodes.get(n, NodeView("")).fermenters) == 2 for n in ("cellar", "freezers")))
        await until(lambda: all(fleet.nodes[n].online for n in ("cellar", "freezers")))
        assert {p["name"] for p in await fleet.profiles("cellar--fv2")} == {"lager", "house-ale"}
        assert {p["name"] for p in await fleet.profiles("freezers--fv1")} == {"kveik"}
        assert {p["name"] for p in await fleet.profiles()} == {"lager", "house-ale", "kveik"}
        fleet.nodes["freezers"].online = False  # as its last will says
        with pytest.raises(TransientError, match="freezers is offline"):
            await fleet.profiles("freezers--fv1")
