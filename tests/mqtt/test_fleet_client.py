"""FleetClient against a real mosquitto: the merged live view, and fleet ids."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

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
