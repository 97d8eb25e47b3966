"""Hydrometers on MQTT: which topics to read and how to turn a payload into SG (pure).

An iSpindel publishes plain numbers on ``ispindel/<name>/<field>`` (``gravity`` in SG or
degrees Plato, as set on the device; ``temperature``, ``battery``, ``tilt``, ...: ignored
here). TiltBridge publishes JSON on ``<prefix>/tilt_<Color>`` (``{"Color": "Red", "SG": "1.0500",
"Temp": "68.0", "tempunits": "F", "fermunits": "SG", "WoB": "1", "timeStamp": ...}``; ``SG`` is a
string): a ``json`` hydrometer with ``json_path = "SG"`` reads it, as anything else publishing
JSON (``json_path`` picks the value, e.g. ``gravity`` or ``data.0.sg``). An iSpindel's HTTP
posts (``brewctl.mqtt.ispindel_http``) take the same route as its MQTT ``gravity`` topic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from brewctl.config import HydrometerConfig
from brewctl.units import plato_to_sg

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "SG_MAX",
    "SG_MIN",
    "HydrometerRoute",
    "gravity_value",
    "hydrometer_routes",
    "ispindel_topic",
    "read_gravity",
]

MAX_PAYLOAD_BYTES = 4096
"""A hydrometer reading is a few hundred bytes; larger payloads are refused unparsed."""

SG_MIN = 0.980
"""Below this a reading is not beer (or wort): a sensor or unit mistake."""
SG_MAX = 1.200


@dataclass(frozen=True)
class HydrometerRoute:
    """One hydrometer: the topic it publishes on and where its readings go."""

    hydrometer: str
    fermenter: str
    topic: str
    json_path: str | None
    unit: Literal["sg", "plato"]


def hydrometer_routes(hydrometers: Mapping[str, HydrometerConfig]) -> dict[str, list[HydrometerRoute]]:
    """``{topic: [routes]}`` for every configured hydrometer (an iSpindel without ``name`` uses its key)."""
    routes: dict[str, list[HydrometerRoute]] = {}
    for hid, h in hydrometers.items():
        if h.kind == "ispindel":
            topic, path = ispindel_topic(h.name or hid), None
        else:
            if h.topic is None:
                continue  # rejected by config validation; never here
            topic, path = h.topic, h.json_path
        routes.setdefault(topic, []).append(HydrometerRoute(hid, h.fermenter, topic, path, h.unit))
    return routes


def ispindel_topic(name: str) -> str:
    """Where an iSpindel named ``name`` publishes its gravity over MQTT (its HTTP posts use the same route)."""
    return f"ispindel/{name}/gravity"


def _pick(doc: object, path: str) -> object:
    for part in path.split("."):
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            raise ValueError(f"no {part!r} at {path!r} in the payload")
    return doc


def read_gravity(route: HydrometerRoute, payload: bytes) -> float:
    """The specific gravity in ``payload``; ``ValueError`` says why a payload is refused."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"too large ({len(payload)} bytes, at most {MAX_PAYLOAD_BYTES})")
    try:
        doc: object = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, nested too deeply
        raise ValueError(f"not a number or JSON: {payload[:40]!r}") from None
    if route.json_path:
        doc = _pick(doc, route.json_path)
    return gravity_value(route, doc)


def gravity_value(route: HydrometerRoute, doc: object) -> float:
    """The specific gravity a decoded value stands for (a number, or a numeric string as
    TiltBridge sends); ``ValueError`` if it is not a plausible one.
    """
    if isinstance(doc, str):
        try:
            doc = float(doc)
        except ValueError:
            raise ValueError(f"not a number: {str(doc)[:40]!r}") from None
    if isinstance(doc, bool) or not isinstance(doc, int | float) or not math.isfinite(doc):
        raise ValueError(f"not a number: {str(doc)[:40]!r}")
    value = float(doc)
    sg = plato_to_sg(value) if route.unit == "plato" else value
    if not SG_MIN <= sg <= SG_MAX:
        unit = "°P" if route.unit == "plato" else "SG"
        raise ValueError(f"implausible gravity {value:g} {unit} (expected SG {SG_MIN}..{SG_MAX})")
    return sg
