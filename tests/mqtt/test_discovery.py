"""Home Assistant discovery: documents HA accepts, templates that render, announce and removal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import pytest

from brewctl.config import Mode
from brewctl.model import COMMAND_ADAPTER, GravityStatus, OutputStatus, ProfileStatus, SetBeerSetpoint, SetMode
from brewctl.mqtt.discovery import discovery_documents, retained_topics, stale_topics
from brewctl.mqtt.fleet import fleet_status
from brewctl.mqtt.state import ha_view
from brewctl.mqtt.topics import Topics
from tests.mqtt.conftest import Broker, Recorder, fermenter, make_config, node_status, recording
from tests.mqtt.ha_schema import HVAC_ACTIONS, problems

TOPICS = Topics("brewctl/pi1")
HYDROMETERS = {"red": {"fermenter": "fv1", "name": "red"}}


def _docs(profiles_loaded: tuple[str, ...] = ("fv1", "fv2")) -> dict[str, dict[str, Any]]:
    cfg = make_config(1883, hydrometers=HYDROMETERS)
    return discovery_documents("pi1", "0.1.0", TOPICS, cfg.fermenters, cfg.hydrometers, profiles_loaded)


def _render(template: str, **context: Any) -> str:
    # Home Assistant renders these with Jinja2 (plus its own helpers, which we do not use).
    return jinja2.Environment(autoescape=False).from_string(template).render(**context)


def test_every_document_passes_the_ha_schema() -> None:
    docs = _docs()
    for topic, doc in docs.items():
        assert problems(topic, doc) == [], topic
    uids = [d["unique_id"] for d in docs.values()]
    assert len(uids) == len(set(uids))
    node = docs.pop("homeassistant/binary_sensor/pi1/node_online/config")
    assert (node["state_topic"], node["payload_off"], node["device_class"]) == (
        "brewctl/pi1/availability",
        "offline",
        "connectivity",
    )
    assert "availability_topic" not in node  # it must read 'off', not 'unavailable', when the node dies
    assert all(d["availability_topic"] == "brewctl/pi1/availability" for d in docs.values())
    assert all(d["device"]["via_device"] == node["device"]["identifiers"][0] for d in docs.values())


def test_entities_follow_the_configured_hardware() -> None:
    objects = {t.split("/")[1] + ":" + t.split("/")[3] for t in _docs()}
    assert objects == {
        "binary_sensor:node_online",  # the controller's own device: its last will, as connectivity
        "climate:fv1",
        "sensor:fv1_beer",
        "sensor:fv1_chamber",
        "sensor:fv1_room",
        "sensor:fv1_gravity",  # the iSpindel 'red' feeds fv1
        "sensor:fv1_heat_duty",
        "sensor:fv1_cool_duty",
        "binary_sensor:fv1_profile",
        "climate:fv2",
        "sensor:fv2_beer",
        "sensor:fv2_cool_duty",  # a glycol valve is a cooler
        "binary_sensor:fv2_profile",
    }
    docs = _docs()
    assert docs["homeassistant/climate/pi1/fv1/config"]["modes"] == ["off", "heat_cool", "auto"]
    assert docs["homeassistant/climate/pi1/fv2/config"]["modes"] == ["off", "cool", "auto"]
    without = _docs(profiles_loaded=("fv1",))  # no profile on fv2: HA must not offer auto (brewctl refuses it)
    assert without["homeassistant/climate/pi1/fv2/config"]["modes"] == ["off", "cool"]


@pytest.mark.parametrize(
    ("status", "mode", "action"),
    [
        (fermenter("fv1"), "heat_cool", "cooling"),
        (fermenter("fv1", mode=Mode.OFF, outputs=()), "off", "off"),
        (fermenter("fv1", mode=Mode.PROFILE, outputs=()), "auto", "idle"),
        (
            fermenter("fv1", mode=Mode.CHAMBER, outputs=(OutputStatus(role="heat", value=0.4, active=True),)),
            "heat_cool",
            "heating",
        ),
        (
            fermenter("fv2", rig="glycol", outputs=(OutputStatus(role="valve", value=1, active=True),)),
            "cool",
            "cooling",
        ),
        (fermenter("fv1", safe=True), "heat_cool", "off"),
    ],
)
def test_state_templates_render_what_ha_expects(status: Any, mode: str, action: str) -> None:
    docs = _docs()
    climate = docs[f"homeassistant/climate/pi1/{status.id}/config"]
    value_json = json.loads(ha_view(status).model_dump_json())
    assert _render(climate["mode_state_template"], value_json=value_json) == mode
    assert mode in climate["modes"]
    rendered_action = _render(climate["action_template"], value_json=value_json)
    assert rendered_action == action and rendered_action in HVAC_ACTIONS
    assert float(_render(climate["current_temperature_template"], value_json=value_json)) == status.beer_c
    assert float(_render(climate["temperature_state_template"], value_json=value_json)) == status.beer_setpoint_c


def test_sensor_templates_render_numbers_and_the_profile_switch() -> None:
    docs = _docs()
    status = fermenter(
        "fv1",
        gravity=GravityStatus(sg=1.0123, age_s=5),
        profile=ProfileStatus(name="ale", step_index=1, step_count=3, step_name="free rise"),
    )
    value_json = json.loads(ha_view(status).model_dump_json())
    expect = {"beer": 19.25, "chamber": 17.5, "room": 21.0, "gravity": 1.0123, "heat_duty": 0.0, "cool_duty": 100.0}
    for key, value in expect.items():
        doc = docs[f"homeassistant/sensor/pi1/fv1_{key}/config"]
        assert float(_render(doc["value_template"], value_json=value_json)) == value, key
    profile = docs["homeassistant/binary_sensor/pi1/fv1_profile/config"]
    assert _render(profile["value_template"], value_json=value_json) == profile["payload_on"]
    assert json.loads(_render(profile["json_attributes_template"], value_json=value_json)) == {"step": "free rise"}
    idle = json.loads(ha_view(fermenter("fv1")).model_dump_json())
    assert _render(profile["value_template"], value_json=idle) == profile["payload_off"]


def test_command_templates_make_valid_commands() -> None:
    docs = _docs()
    for fid, hold in (("fv1", "heat_cool"), ("fv2", "cool")):
        climate = docs[f"homeassistant/climate/pi1/{fid}/config"]
        assert climate["mode_command_topic"] == climate["temperature_command_topic"] == TOPICS.command(fid)
        to_mode = {"off": Mode.OFF, hold: Mode.BEER, "auto": Mode.PROFILE}
        for ha_mode in climate["modes"]:
            payload = _render(climate["mode_command_template"], value=ha_mode)
            assert COMMAND_ADAPTER.validate_json(payload) == SetMode(mode=to_mode[ha_mode])
        payload = _render(climate["temperature_command_template"], value=18.5)
        assert COMMAND_ADAPTER.validate_json(payload) == SetBeerSetpoint(value_c=18.5)
        # HA may only offer targets the command validation accepts.
        for bound in (climate["min_temp"], climate["max_temp"]):
            COMMAND_ADAPTER.validate_json(_render(climate["temperature_command_template"], value=bound))


def test_stale_topics_are_the_ones_no_longer_owned() -> None:
    docs = _docs()
    before = retained_topics(TOPICS, ["fv1", "fv2"], docs)
    after = retained_topics(TOPICS, ["fv1"], {t: d for t, d in docs.items() if "/fv2" not in t})
    gone = stale_topics(before, after)
    assert "brewctl/pi1/fermenters/fv2/state" in gone and "homeassistant/climate/pi1/fv2/config" in gone
    assert not any("fv1" in t for t in gone)


async def test_discovery_is_announced_and_reannounced_when_ha_comes_online(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    r = await start_bridge(make_config(broker.port))
    await r.wait_connected()
    first = await recorder.json("homeassistant/climate/pi1/fv1/config")
    assert first["unique_id"] == "brewctl_pi1_fv1"
    mark = recorder.mark()
    await recorder.client.publish("homeassistant/status", "online", qos=1)
    again = await recorder.json("homeassistant/climate/pi1/fv1/config", since=mark)
    assert again == first
    await recorder.wait("homeassistant/binary_sensor/pi1/fv2_profile/config", since=mark)


async def test_a_fermenter_removed_from_the_config_disappears(
    broker: Broker, tmp_path: Path, start_bridge: Any
) -> None:
    first = await start_bridge(make_config(broker.port), state_dir=tmp_path)
    first.hub.publish_status(node_status())
    async with recording(broker) as rec:
        await rec.wait("brewctl/pi1/fermenters/fv2/ha")
    await first.stop()
    saved = json.loads((tmp_path / "mqtt-retained.json").read_text())["topics"]
    assert "homeassistant/climate/pi1/fv2/config" in saved

    second = await start_bridge(make_config(broker.port, fermenters=("fv1",)), state_dir=tmp_path)
    await second.wait_connected()
    async with recording(broker) as late:  # what a new client (or a restarted HA) finds
        await late.wait("homeassistant/climate/pi1/fv1/config")
        await late.wait("brewctl/pi1/availability", where=lambda p: p == b"online")
        assert not [m.topic.value for m in late.messages if "fv2" in m.topic.value]
        assert late.on("brewctl/pi1/fermenters/fv1/state")  # fv1's state stays
    saved = json.loads((tmp_path / "mqtt-retained.json").read_text())["topics"]
    assert not [t for t in saved if "fv2" in t]


async def test_a_renamed_node_leaves_no_ghost(broker: Broker, tmp_path: Path, start_bridge: Any) -> None:
    first = await start_bridge(make_config(broker.port, node="pi1"), state_dir=tmp_path)
    first.hub.publish_status(node_status("pi1"))
    async with recording(broker) as rec:
        await rec.wait("brewctl/pi1/status")
    await first.stop()  # retained: availability 'offline', the node document, states, discovery

    second = await start_bridge(make_config(broker.port, node="cellar"), state_dir=tmp_path)
    second.hub.publish_status(node_status("cellar"))
    await second.wait_connected()
    async with recording(broker) as late:  # what `brewctl status --mqtt` or HA finds now
        await late.wait("brewctl/cellar/status")
        assert not [m.topic.value for m in late.messages if "pi1" in m.topic.value]
    assert [n.node for n in await fleet_status(broker.host, broker.port)] == ["cellar"]


async def test_auto_is_offered_only_while_a_profile_is_loaded(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    climate = "homeassistant/climate/pi1/fv1/config"
    r = await start_bridge(make_config(broker.port))
    r.hub.publish_status(node_status())  # no profile anywhere
    await r.wait_connected()
    doc = await recorder.json(climate)
    assert doc["modes"] == ["off", "heat_cool"]  # HA cannot offer what brewctl would refuse
    await recorder.wait("homeassistant/climate/pi1/fv2/config")

    mark = recorder.mark()
    loaded = fermenter("fv1", profile=ProfileStatus(name="ale", step_index=0, step_count=3, step_name="primary"))
    r.hub.publish_status(node_status("pi1", loaded, fermenter("fv2", rig="glycol", outputs=())))
    doc = await recorder.json(climate, since=mark)
    assert doc["modes"] == ["off", "heat_cool", "auto"]
    assert not recorder.on("homeassistant/climate/pi1/fv2/config", since=mark)  # unchanged: not re-announced

    mark = recorder.mark()
    r.hub.publish_status(node_status())  # the profile was stopped and unloaded
    doc = await recorder.json(climate, since=mark)
    assert doc["modes"] == ["off", "heat_cool"]


def test_home_assistant_commands_on_its_own_topic_when_clients_are_configured() -> None:
    cfg = make_config(1883)
    docs = discovery_documents("pi1", "0.1.0", TOPICS, cfg.fermenters, command_client="homeassistant")
    climate = docs["homeassistant/climate/pi1/fv1/config"]
    assert (
        climate["mode_command_topic"] == climate["temperature_command_topic"] == TOPICS.command("fv1", "homeassistant")
    )
    assert TOPICS.request(climate["mode_command_topic"]) == ("fv1", "homeassistant")
