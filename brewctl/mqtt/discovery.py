"""Home Assistant MQTT discovery documents (pure).

One device per fermenter, holding a ``climate`` entity (current = beer, target = beer
setpoint), temperature sensors for the probes it has, a gravity sensor when a hydrometer
feeds it, output duty sensors and a ``running`` binary sensor for the profile. Every entity
reads the fermenter's ``HaView`` topic and is unavailable when the node's last will says
``offline``. Commands from HA go to the same validated command topic as everything else.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from brewctl.config import ChillerConfig, FermenterConfig, HydrometerConfig
from brewctl.limits import SETPOINT_MAX_C, SETPOINT_MIN_C
from brewctl.mqtt.state import ha_hold_mode
from brewctl.mqtt.topics import Topics
from brewctl.rigs import can_heat_cool, probe_field, wired_roles

__all__ = ["MODE_COMMAND_TEMPLATE", "climate_modes", "discovery_documents", "retained_topics", "stale_topics"]

MODE_COMMAND_TEMPLATE = (
    '{"kind": "set_mode", "mode": "'
    "{% if value == 'off' %}off{% elif value == 'auto' %}profile{% else %}beer{% endif %}"
    '"}'
)
"""HA mode -> brewctl command: off -> off, auto -> profile, the rig's hold mode -> beer."""

TEMPERATURE_COMMAND_TEMPLATE = '{"kind": "set_beer", "value_c": {{ value }}}'


_MIN_C = SETPOINT_MIN_C  # HA offers only targets the command validation accepts
_MAX_C = SETPOINT_MAX_C
_PROBE_SENSORS = {"beer": ("current_c", "Beer"), "chamber": ("chamber_c", "Chamber"), "room": ("room_c", "Room")}
"""Probe role -> the HA view's field and the sensor's name."""


def climate_modes(rig: str, profile_loaded: bool) -> list[str]:
    """The HVAC modes a fermenter's climate entity offers now."""
    return ["off", ha_hold_mode(rig), *(["auto"] if profile_loaded else [])]


def _temperature_sensor(key: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "device_class": "temperature",
        "state_class": "measurement",
        "unit_of_measurement": "°C",
        "suggested_display_precision": 1,
        "value_template": f"{{{{ value_json.{key} }}}}",
    }


def _duty_sensor(key: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "state_class": "measurement",
        "unit_of_measurement": "%",
        "icon": "mdi:gauge",
        "value_template": f"{{{{ value_json.{key} }}}}",
    }


def _chiller_documents(
    node: str, topics: Topics, chillers: Mapping[str, ChillerConfig], origin: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Per shared glycol chiller, on the controller's device: the reservoir temperature and an
    'overloaded' problem sensor, both read from the node document (``<base>/status``)."""
    docs: dict[str, dict[str, Any]] = {}
    node_uid = f"brewctl_{node}"
    for cid, c in chillers.items():
        common: dict[str, Any] = {
            "availability_topic": topics.availability,
            "payload_available": "online",
            "payload_not_available": "offline",
            "device": {"identifiers": [node_uid]},
            "origin": origin,
            "qos": 1,
            "state_topic": topics.status,
        }
        label = c.name or f"Chiller {cid}"
        docs[topics.discovery("sensor", node, f"chiller_{cid}_reservoir")] = {
            **common,
            **_temperature_sensor(f"chillers['{cid}'].reservoir_c", f"{label} reservoir"),
            "unique_id": f"{node_uid}_chiller_{cid}_reservoir",
        }
        docs[topics.discovery("binary_sensor", node, f"chiller_{cid}_overloaded")] = {
            **common,
            "unique_id": f"{node_uid}_chiller_{cid}_overloaded",
            "name": f"{label} overloaded",
            "device_class": "problem",
            "value_template": (
                f"{{{{ 'ON' if value_json.chillers['{cid}'].alarms | selectattr('code', 'eq', "
                "'chiller_overloaded') | list else 'OFF' }}"
            ),
        }
    return docs


def discovery_documents(
    node: str,
    version: str,
    topics: Topics,
    fermenters: Mapping[str, FermenterConfig],
    hydrometers: Mapping[str, HydrometerConfig] | None = None,
    profiles_loaded: Collection[str] = (),
    *,
    command_client: str | None = None,
    chillers: Mapping[str, ChillerConfig] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every discovery config this node announces: ``{topic: payload}``.

    A climate entity offers ``auto`` (follow the profile) only if its fermenter is in
    ``profiles_loaded``: without a profile brewctl refuses ``set_mode profile``, on a response
    topic Home Assistant never reads. The bridge announces the climate again when that changes.
    ``command_client`` (Home Assistant's MQTT user, when the node takes commands only from
    configured clients) makes HA publish on ``.../command/<that user>``.
    """
    fed = {h.fermenter for h in (hydrometers or {}).values()}
    node_uid = f"brewctl_{node}"
    origin = {"name": "brewctl", "sw_version": version}
    docs: dict[str, dict[str, Any]] = {
        # The controller itself: a connectivity sensor on the last-will topic. It has no
        # availability topic of its own, so it reads "off" (not "unavailable") when the node dies.
        topics.discovery("binary_sensor", node, "node_online"): {
            "unique_id": f"{node_uid}_online",
            "name": "Controller online",
            "device_class": "connectivity",
            "entity_category": "diagnostic",
            "state_topic": topics.availability,
            "payload_on": "online",
            "payload_off": "offline",
            "device": {
                "identifiers": [node_uid],
                "name": f"brewctl {node}",
                "manufacturer": "brewctl",
                "model": "controller",
                "sw_version": version,
            },
            "origin": origin,
            "qos": 1,
        }
    }
    docs.update(_chiller_documents(node, topics, chillers or {}, origin))
    for fid, f in fermenters.items():
        uid = f"brewctl_{node}_{fid}"
        common: dict[str, Any] = {
            "availability_topic": topics.availability,
            "payload_available": "online",
            "payload_not_available": "offline",
            "device": {
                "identifiers": [uid],
                "name": f.name or fid,
                "manufacturer": "brewctl",
                "model": f"{f.rig.value} fermenter",
                "sw_version": version,
                "via_device": node_uid,
            },
            "origin": origin,
            "qos": 1,
        }
        ha = topics.ha(fid)
        climate = {
            **common,
            "unique_id": uid,
            "name": None,
            "current_temperature_topic": ha,
            "current_temperature_template": "{{ value_json.current_c }}",
            "temperature_state_topic": ha,
            "temperature_state_template": "{{ value_json.target_c }}",
            "temperature_command_topic": topics.command(fid, command_client),
            "temperature_command_template": TEMPERATURE_COMMAND_TEMPLATE,
            "mode_state_topic": ha,
            "mode_state_template": "{{ value_json.mode }}",
            "mode_command_topic": topics.command(fid, command_client),
            "mode_command_template": MODE_COMMAND_TEMPLATE,
            "modes": climate_modes(f.rig.value, fid in profiles_loaded),
            "action_topic": ha,
            "action_template": "{{ value_json.action }}",
            "json_attributes_topic": topics.state(fid),
            "min_temp": _MIN_C,
            "max_temp": _MAX_C,
            "temp_step": 0.1,
            "precision": 0.1,
            "temperature_unit": "C",
        }
        docs[topics.discovery("climate", node, fid)] = climate
        sensors: dict[str, dict[str, Any]] = {}
        for role, (field, label) in _PROBE_SENSORS.items():
            if getattr(f, probe_field(role)) is not None:
                sensors[role] = _temperature_sensor(field, label)
        if fid in fed:
            sensors["gravity"] = {
                "name": "Gravity",
                "state_class": "measurement",
                "unit_of_measurement": "SG",
                "suggested_display_precision": 3,
                "icon": "mdi:water-opacity",
                "value_template": "{{ value_json.sg }}",
            }
        can_heat, can_cool = can_heat_cool(wired_roles(f))
        if can_heat:
            sensors["heat_duty"] = _duty_sensor("heat_duty_pct", "Heater duty")
        if can_cool:
            sensors["cool_duty"] = _duty_sensor("cool_duty_pct", "Cooling duty")
        for key, sensor in sensors.items():
            docs[topics.discovery("sensor", node, f"{fid}_{key}")] = {
                **common,
                **sensor,
                "unique_id": f"{uid}_{key}",
                "state_topic": ha,
            }
        docs[topics.discovery("binary_sensor", node, f"{fid}_profile")] = {
            **common,
            "unique_id": f"{uid}_profile",
            "name": "Profile running",
            "device_class": "running",
            "state_topic": ha,
            "value_template": "{{ value_json.profile }}",
            "payload_on": "ON",
            "payload_off": "OFF",
            "json_attributes_topic": ha,
            "json_attributes_template": '{{ {"step": value_json.profile_step} | tojson }}',
        }
    return docs


def retained_topics(topics: Topics, fermenter_ids: Iterable[str], discovery: Iterable[str]) -> set[str]:
    """Every retained topic this node owns: availability and node document (so a renamed node or
    a new ``base_topic`` leaves no ghost behind), and per fermenter its state, HA view, discovery.
    """
    owned = set(discovery) | {topics.availability, topics.status}
    for fid in fermenter_ids:
        owned.update((topics.state(fid), topics.ha(fid)))
    return owned


def stale_topics(previous: Iterable[str], current: Iterable[str]) -> list[str]:
    """Topics announced before but not any more: clear them with an empty retained payload."""
    return sorted(set(previous) - set(current))
