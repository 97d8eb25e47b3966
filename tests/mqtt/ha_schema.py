"""The parts of Home Assistant's MQTT discovery schema our documents must satisfy.

Taken from Home Assistant's MQTT integration (climate, sensor, binary_sensor platform schemas
and the shared entity/device/availability schemas): required keys, allowed values, and the
rule that a device has at least one identifier.
"""

from __future__ import annotations

import re
from typing import Any

HVAC_MODES = {"off", "heat", "cool", "heat_cool", "auto", "dry", "fan_only"}
HVAC_ACTIONS = {"off", "heating", "cooling", "drying", "idle", "fan", "preheating", "defrosting"}
PRECISIONS = {0.1, 0.5, 1.0}
REQUIRED = {
    "climate": set(),  # every climate key is optional; topics come in pairs below
    "sensor": {"state_topic"},
    "binary_sensor": {"state_topic"},
}
PAIRS = {  # HA only acts on a command if it knows where to send it, and templates need their topic
    "climate": [
        ("current_temperature_template", "current_temperature_topic"),
        ("temperature_state_template", "temperature_state_topic"),
        ("mode_state_template", "mode_state_topic"),
        ("action_template", "action_topic"),
        ("temperature_command_template", "temperature_command_topic"),
        ("mode_command_template", "mode_command_topic"),
    ],
    "sensor": [("value_template", "state_topic")],
    "binary_sensor": [("value_template", "state_topic")],
}
DISCOVERY_TOPIC = re.compile(r"^homeassistant/(climate|sensor|binary_sensor)/[a-zA-Z0-9_-]+/[a-zA-Z0-9_-]+/config$")
SUBSCRIBE_TOPIC = re.compile(r"^[^#+]+$")


def problems(topic: str, doc: dict[str, Any]) -> list[str]:
    """Why Home Assistant would refuse this discovery document (empty if it would not)."""
    found: list[str] = []
    m = DISCOVERY_TOPIC.match(topic)
    if m is None:
        return [f"{topic}: not a discovery topic"]
    component = m.group(1)
    found += [f"missing {k}" for k in REQUIRED[component] - doc.keys()]
    for template, topic_key in PAIRS[component]:
        if template in doc and topic_key not in doc:
            found.append(f"{template} without {topic_key}")
    for key, value in doc.items():
        if key.endswith("_topic") and not (isinstance(value, str) and SUBSCRIBE_TOPIC.match(value)):
            found.append(f"{key}: not a valid topic: {value!r}")
    if not isinstance(doc.get("unique_id"), str) or not doc["unique_id"]:
        found.append("unique_id missing (entities without one cannot have a device)")
    device = doc.get("device")
    if not isinstance(device, dict) or not (device.get("identifiers") or device.get("connections")):
        found.append("device must have identifiers or connections")
    if "availability_topic" in doc and "availability" in doc:
        found.append("availability_topic and availability are exclusive")
    if component == "climate":
        modes = doc.get("modes", [])
        if not set(modes) <= HVAC_MODES:
            found.append(f"modes: {set(modes) - HVAC_MODES} are not HVAC modes")
        if "precision" in doc and doc["precision"] not in PRECISIONS:
            found.append(f"precision: {doc['precision']} not in {PRECISIONS}")
        if doc.get("temperature_unit", "C") not in ("C", "F"):
            found.append("temperature_unit must be C or F")
        if "min_temp" in doc and "max_temp" in doc and doc["min_temp"] >= doc["max_temp"]:
            found.append("min_temp must be below max_temp")
    if doc.get("device_class") == "temperature" and doc.get("unit_of_measurement") not in ("°C", "°F", "K"):
        found.append("a temperature sensor needs °C, °F or K")
    return found
