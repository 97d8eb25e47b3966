"""Hydrometer readings: iSpindel and JSON topics, SG or Plato, implausible values refused."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brewctl.config import HydrometerConfig
from brewctl.errors import ConfigError
from brewctl.model import GravityStatus
from brewctl.mqtt.hydrometer import SG_MAX, SG_MIN, HydrometerRoute, hydrometer_routes, read_gravity
from brewctl.mqtt.state import ha_view
from brewctl.service.hub import Hub
from brewctl.units import plato_to_sg
from tests.mqtt.conftest import Broker, Recorder, fermenter, make_config, node_status, until


def _route(unit: str = "sg", path: str | None = None) -> HydrometerRoute:
    return HydrometerRoute("h", "fv1", "t", path, unit)  # type: ignore[arg-type]


def test_routes_from_config() -> None:
    routes = hydrometer_routes(
        {
            "red": HydrometerConfig(fermenter="fv1"),
            "blue": HydrometerConfig(fermenter="fv2", name="iSpindel007", unit="plato"),
            "tilt": HydrometerConfig(fermenter="fv2", kind="json", topic="tilt/RED", json_path="data.sg"),
        }
    )
    assert set(routes) == {"ispindel/red/gravity", "ispindel/iSpindel007/gravity", "tilt/RED"}
    assert routes["tilt/RED"][0] == HydrometerRoute("tilt", "fv2", "tilt/RED", "data.sg", "sg")


@pytest.mark.parametrize(
    ("route", "payload", "sg"),
    [
        (_route(), b"1.0512", 1.0512),
        (_route(), b" 1.010\n", 1.010),
        (_route("plato"), b"12.5", plato_to_sg(12.5)),
        (_route(path="data.sg"), b'{"data": {"sg": 1.044, "temp": 19}}', 1.044),
        (_route(path="readings.1.gravity"), b'{"readings": [{}, {"gravity": "1.030"}]}', 1.030),
    ],
)
def test_readings(route: HydrometerRoute, payload: bytes, sg: float) -> None:
    assert read_gravity(route, payload) == pytest.approx(sg)


@pytest.mark.parametrize(
    ("route", "payload", "why"),
    [
        (_route(), b"1050", "implausible"),  # SG x 1000 (some Tilt bridges): refused, not guessed
        (_route(), b"0.5", "implausible"),
        (_route("plato"), b"80", "implausible"),
        (_route(), b"nan", "not a number"),
        (_route(), b"true", "not a number"),
        (_route(), b"\xff", "not a number"),
        (_route(path="data.sg"), b'{"data": {}}', "no 'sg'"),
        (_route(path="data.sg"), b'{"data": {"sg": null}}', "not a number"),
    ],
)
def test_refused_readings(route: HydrometerRoute, payload: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        read_gravity(route, payload)


@given(payload=st.binary(max_size=80), unit=st.sampled_from(["sg", "plato"]), path=st.sampled_from([None, "a.0"]))
def test_any_payload_gives_a_plausible_sg_or_a_value_error(payload: bytes, unit: str, path: str | None) -> None:
    try:
        sg = read_gravity(_route(unit, path), payload)
    except ValueError:
        return
    assert SG_MIN <= sg <= SG_MAX


async def test_gravity_reaches_the_hub(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    hydrometers = {
        "red": {"fermenter": "fv1", "name": "red"},
        "tilt": {"fermenter": "fv2", "kind": "json", "topic": "tilt/RED", "json_path": "SG", "unit": "sg"},
    }
    # The hub keeps one reading a minute: let a minute pass between readings on its clock.
    minutes = itertools.count(0.0, 60.0)
    hub = Hub("testnode", monotonic_clock=lambda: next(minutes))
    r = await start_bridge(make_config(broker.port, hydrometers=hydrometers), hub=hub)
    await r.wait_connected()
    client = recorder.client
    await client.publish("ispindel/red/gravity", "1.0480")
    await client.publish("ispindel/red/gravity", "7")  # implausible: logged and ignored
    await client.publish("ispindel/red/temperature", "19.5")  # not gravity: not subscribed
    await client.publish("tilt/RED", json.dumps({"SG": 1.012, "Temp": 64}))
    await client.publish("tilt/RED", "{}")  # ignored
    await client.publish("ispindel/red/gravity", "1.0470")  # arrives after the others (same connection)
    await recorder.wait("ispindel/red/gravity", where=lambda p: p == b"1.0470")
    await until(lambda: len(r.hub.gravity("fv1")) == 2)  # the bridge got it just after the recorder
    assert [(g.sg, g.source) for g in r.hub.gravity("fv1")] == [(1.048, "hydrometer:red"), (1.047, "hydrometer:red")]
    assert [(g.sg, g.source) for g in r.hub.gravity("fv2")] == [(1.012, "hydrometer:tilt")]


@pytest.mark.parametrize(
    ("hydrometer", "message"),
    [
        ({"fermenter": "fv1", "kind": "json"}, "hydrometers.h: a json hydrometer needs topic"),
        ({"fermenter": "fv1", "topic": "x/y"}, "hydrometers.h: an ispindel hydrometer uses name"),
        ({"fermenter": "fv1", "kind": "json", "topic": "tilt/#"}, "without wildcards"),
        ({"fermenter": "fv9"}, "hydrometers.h.fermenter: no fermenter named 'fv9'"),
    ],
)
def test_bad_hydrometer_config_names_the_key(hydrometer: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_config(1883, hydrometers={"h": hydrometer})


def test_a_stale_gravity_shows_as_unknown_in_home_assistant() -> None:
    f = fermenter("fv1", gravity=GravityStatus(sg=1.012, age_s=7300.0))
    assert ha_view(f).sg == 1.012  # no hydrometer config: shown as it is
    assert ha_view(f, gravity_stale_s=7200.0).sg is None  # a silent iSpindel is not a finished beer
    assert ha_view(f.model_copy(update={"gravity": GravityStatus(sg=1.012, age_s=60.0)}), 7200.0).sg == 1.012


async def test_the_bridge_applies_the_hydrometers_stale_after_s(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    hydrometers = {
        "red": {"fermenter": "fv1", "name": "red", "stale_after_s": 600},
        "blue": {"fermenter": "fv1", "name": "blue", "stale_after_s": 300},  # the shortest wins
    }
    r = await start_bridge(make_config(broker.port, hydrometers=hydrometers))
    old = fermenter("fv1", gravity=GravityStatus(sg=1.030, age_s=400.0))
    fresh = fermenter("fv2", rig="glycol", outputs=(), gravity=GravityStatus(sg=1.010, age_s=400.0))
    r.hub.publish_status(node_status("pi1", old, fresh))
    assert (await recorder.json("brewctl/pi1/fermenters/fv1/ha"))["sg"] is None
    assert (await recorder.json("brewctl/pi1/fermenters/fv2/ha"))["sg"] == 1.010  # no hydrometer configured
    assert (await recorder.json("brewctl/pi1/fermenters/fv1/state"))["gravity"][
        "sg"
    ] == 1.030  # the full state keeps it
