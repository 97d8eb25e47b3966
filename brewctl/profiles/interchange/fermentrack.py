"""Fermentrack fermentation profile JSON.

``{"name": ..., "profile_type": ..., "notes": ..., "points": [{"ttl": "5d 3h",
"temperature_setting": 18.0, "temp_format": "C"}, ...]}``: ``ttl`` is the time from the
start of the profile to the point (cumulative); Fermentrack interpolates linearly between
points, like BrewPi. ``ttl`` is read in the forms Fermentrack and Django write
(``"3 days, 4:00:00"``, ``"P3DT4H"``) and brewer style (``"5d 3h"``).
"""

from __future__ import annotations

from typing import Any, Literal

from brewctl.errors import ProfileError
from brewctl.profiles.interchange.common import (
    ImportResult,
    Point,
    Warnings,
    build_profile,
    number,
    parse_span,
    points_to_steps,
    temp_c,
)

__all__ = ["import_fermentrack", "looks_like_fermentrack"]

_KNOWN_POINT = {"ttl", "temperature_setting", "temp_format"}


def looks_like_fermentrack(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("points"), list)


def import_fermentrack(data: dict[str, Any], source: str, name: str | None) -> ImportResult:
    """A profile from a Fermentrack profile export."""
    warnings = Warnings()
    raw_points = data["points"]
    if not raw_points:
        raise ProfileError(f"{source}: points: the profile has no points")
    profile_type = str(data.get("profile_type", "Standard"))
    if profile_type.lower() not in ("standard", ""):
        warnings.add("", f"profile_type {profile_type!r} read as a standard time/temperature profile")
    for key in sorted(set(data) - {"name", "notes", "points", "profile_type", "is_pending_delete"}):
        warnings.add("", f"unknown field {key!r} ignored")
    units_seen: set[str] = set()
    points: list[Point] = []
    for i, raw in enumerate(raw_points):
        where = f"points[{i}]"
        if not isinstance(raw, dict):
            raise ProfileError(f"{source}: {where}: expected an object")
        for key in sorted(set(raw) - _KNOWN_POINT):
            warnings.add(where, f"unknown field {key!r} ignored")
        if "ttl" not in raw or "temperature_setting" not in raw:
            raise ProfileError(f"{source}: {where}: needs 'ttl' and 'temperature_setting'")
        fmt = str(raw.get("temp_format", "C")).upper()
        if fmt not in ("C", "F"):
            raise ProfileError(f"{source}: {where}.temp_format: expected 'C' or 'F', got {raw.get('temp_format')!r}")
        units_seen.add(fmt)
        unit: Literal["C", "F"] = "F" if fmt == "F" else "C"
        value = number(raw["temperature_setting"], f"{where}.temperature_setting", source)
        points.append(Point(parse_span(raw["ttl"], f"{where}.ttl", source), temp_c(value, unit, where, source)))
    points.sort(key=lambda p: p.at_s)
    if points[0].at_s > 0:
        warnings.add("points[0]", "the first point is after the start: its temperature is held from the start")
        points.insert(0, Point(0.0, points[0].c))
    if len(units_seen) > 1:
        warnings.add("", "points mix °C and °F; all converted to °C")
    steps = points_to_steps(points, warnings, source)
    data_out: dict[str, Any] = {
        "name": str(name or data.get("name") or "Imported Fermentrack profile")[:80],
        "description": str(data.get("notes") or ""),
        "units": "F" if units_seen == {"F"} else "C",
        "steps": steps,
    }
    return ImportResult(build_profile(data_out, source), tuple(warnings.items))
