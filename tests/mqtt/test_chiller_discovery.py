"""A shared glycol chiller over MQTT: the node document carries it, HA gets a reservoir sensor and
an 'overloaded' problem sensor whose templates render from that document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from brewctl.config import load_config
from brewctl.model import Alarm, ChillerStatus, NodeStatus
from brewctl.mqtt.discovery import discovery_documents
from brewctl.mqtt.state import node_info
from brewctl.mqtt.topics import Topics
from tests.mqtt.ha_schema import problems

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"
TOPICS = Topics("brewctl/pi1")


def _render(template: str, **context: Any) -> str:
    return jinja2.Environment(autoescape=False).from_string(template).render(**context)


def _docs() -> dict[str, dict[str, Any]]:
    cfg = load_config(EXAMPLE)
    docs = discovery_documents("pi1", "0.1.0", TOPICS, cfg.fermenters, cfg.hydrometers, (), chillers=cfg.chillers)
    return {t: d for t, d in docs.items() if "chiller" in t}


def _status(*alarms: Alarm) -> dict[str, Any]:
    chiller = ChillerStatus(id="main", reservoir_c=-1.8125, waiting=("fv3",), alarms=alarms)
    status = NodeStatus(node="pi1", version="0.1.0", chillers={"main": chiller})
    return json.loads(node_info(status, (), 0.0).model_dump_json())


def test_chiller_entities_pass_the_ha_schema_and_sit_on_the_controller() -> None:
    docs = _docs()
    assert set(docs) == {
        "homeassistant/sensor/pi1/chiller_main_reservoir/config",
        "homeassistant/binary_sensor/pi1/chiller_main_overloaded/config",
    }
    for topic, doc in docs.items():
        assert problems(topic, doc) == [], topic
        assert doc["state_topic"] == "brewctl/pi1/status"
        assert doc["device"] == {"identifiers": ["brewctl_pi1"]}


def test_chiller_templates_render_from_the_node_document() -> None:
    docs = _docs()
    reservoir = docs["homeassistant/sensor/pi1/chiller_main_reservoir/config"]
    overloaded = docs["homeassistant/binary_sensor/pi1/chiller_main_overloaded/config"]
    value_json = _status()
    assert value_json["chillers"]["main"]["reservoir_c"] == -1.8, "rounded: no republish per 1/16 °C"
    assert float(_render(reservoir["value_template"], value_json=value_json)) == -1.8
    assert _render(overloaded["value_template"], value_json=value_json) == "OFF"
    alarm = Alarm(code="chiller_overloaded", severity="critical", message="chiller main: it cannot keep up")
    assert _render(overloaded["value_template"], value_json=_status(alarm)) == "ON"
