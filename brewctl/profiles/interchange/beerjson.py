"""BeerJSON 1.0: fermentation procedures (``fermentations``) and recipes (``recipes[].fermentation``).

A step maps to:

- ``free_rise: true`` -> free rise for ``step_time`` (its temperatures are not control targets);
- different ``start_temperature`` and ``end_temperature`` -> a ramp over ``step_time``;
- otherwise a hold; with ``end_gravity`` a hold-until (gravity at or below it) whose maximum
  is ``step_time``.

``start_gravity``, pH, ``vessel`` and the microorganism fields have no brewctl equivalent:
each is listed as a warning.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal, assert_never

from brewctl.core.profile import (
    FreeRiseStep,
    GravityAtOrBelow,
    HoldStep,
    HoldUntilStep,
    Profile,
    RampStep,
    Step,
    Until,
    WaitForBrewerStep,
)
from brewctl.errors import ProfileError
from brewctl.profiles.interchange.common import (
    DEFAULT_MAX_DURATION_S,
    ExportResult,
    ImportResult,
    Warnings,
    build_profile,
    number,
    pick,
    temp_c,
)
from brewctl.units import c_to_f, plato_to_sg

__all__ = ["export_beerjson", "import_beerjson", "looks_like_beerjson"]

_TIME_S = {"sec": 1.0, "min": 60.0, "hr": 3600.0, "day": 86400.0, "week": 604800.0}
_IGNORED = ("start_gravity", "start_ph", "end_ph", "vessel", "microorganism_type", "microorganism_name")


def looks_like_beerjson(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("beerjson"), dict)


def _temperature(value: Any, where: str, source: str) -> float:
    if not isinstance(value, dict) or "value" not in value:
        raise ProfileError(f'{source}: {where}: expected {{"unit": "C"|"F", "value": N}}')
    unit = str(value.get("unit", "C")).upper()
    if unit not in ("C", "F"):
        raise ProfileError(f"{source}: {where}: unknown temperature unit {value.get('unit')!r} (C or F)")
    units: Literal["C", "F"] = "F" if unit == "F" else "C"
    return temp_c(number(value["value"], where, source), units, where, source)


def _time(value: Any, where: str, source: str) -> float:
    if not isinstance(value, dict) or "value" not in value:
        raise ProfileError(f'{source}: {where}: expected {{"unit": "day", "value": N}}')
    unit = str(value.get("unit", "")).lower()
    if unit not in _TIME_S:
        raise ProfileError(f"{source}: {where}: unknown time unit {value.get('unit')!r} (sec, min, hr, day, week)")
    seconds = number(value["value"], where, source) * _TIME_S[unit]
    if seconds < 0:
        raise ProfileError(f"{source}: {where}: a step time cannot be negative")
    return seconds


def _gravity(value: Any, where: str, source: str, warnings: Warnings) -> float:
    if not isinstance(value, dict) or "value" not in value:
        raise ProfileError(f'{source}: {where}: expected {{"unit": "sg", "value": N}}')
    unit = str(value.get("unit", "sg")).lower()
    raw = number(value["value"], where, source)
    if unit == "sg":
        sg = raw
    elif unit in ("plato", "brix"):
        if unit == "brix":
            warnings.add(
                where, "Brix read as Plato (the same for wort; a refractometer reading after fermentation is not)"
            )
        sg = plato_to_sg(raw)
    else:
        raise ProfileError(f"{source}: {where}: unknown gravity unit {value.get('unit')!r} (sg, plato, brix)")
    if not 0.98 <= sg <= 1.2:
        raise ProfileError(f"{source}: {where}: gravity {raw:g} {unit} is out of range")
    return sg


def _step(raw: Any, i: int, source: str, warnings: Warnings) -> Step:
    where = f"fermentation_steps[{i}]"
    if not isinstance(raw, dict):
        raise ProfileError(f"{source}: {where}: expected an object")
    name = str(raw.get("name", ""))[:80]
    label = f"{where} ({name})" if name else where
    for key in _IGNORED:
        if key in raw:
            warnings.add(label, f"{key} {json.dumps(raw[key])} not mapped (no brewctl equivalent)")
    known = {
        "name",
        "description",
        "start_temperature",
        "end_temperature",
        "step_time",
        "free_rise",
        "end_gravity",
        *_IGNORED,
    }
    for key in sorted(set(raw) - known):
        warnings.add(label, f"unknown field {key!r} ignored")
    if raw.get("description"):
        warnings.add(label, "description kept only in the profile's description")
    start = (
        _temperature(raw["start_temperature"], f"{where}.start_temperature", source)
        if "start_temperature" in raw
        else None
    )
    end = _temperature(raw["end_temperature"], f"{where}.end_temperature", source) if "end_temperature" in raw else None
    seconds = _time(raw["step_time"], f"{where}.step_time", source) if "step_time" in raw else None
    end_sg = _gravity(raw["end_gravity"], f"{where}.end_gravity", source, warnings) if "end_gravity" in raw else None

    if raw.get("free_rise") is True:
        if seconds is None:
            raise ProfileError(f"{source}: {where}: a free-rise step needs step_time")
        if start is not None or end is not None:
            warnings.add(label, "free rise: start/end temperatures are not controlled (not mapped)")
        until = Until(conditions=(GravityAtOrBelow(sg=end_sg),)) if end_sg is not None else None
        return FreeRiseStep(name=name, duration_s=seconds, until=until)
    target = end if end is not None else start
    if target is None:
        raise ProfileError(f"{source}: {where}: no start_temperature or end_temperature to control to")
    if start is not None and end is not None and not math.isclose(start, end, abs_tol=1e-6):
        if seconds is None:
            raise ProfileError(f"{source}: {where}: a step from {start:g} to {end:g} °C needs step_time")
        if end_sg is not None:
            warnings.add(label, "end_gravity not used: the step is a ramp, which ends by time")
        return RampStep(name=name, temperature_c=end, from_c=start, duration_s=seconds)
    if end_sg is not None:
        if seconds is None:
            warnings.add(
                label, f"no step_time: the gravity condition gets a {DEFAULT_MAX_DURATION_S / 86400:g}-day fallback"
            )
        until = Until(conditions=(GravityAtOrBelow(sg=end_sg),))
        return HoldUntilStep(
            name=name, temperature_c=target, until=until, max_duration_s=seconds or DEFAULT_MAX_DURATION_S
        )
    if seconds is None:
        raise ProfileError(f"{source}: {where}: no step_time (and no end_gravity) to end the step")
    return HoldStep(name=name, temperature_c=target, duration_s=seconds)


def _procedure(proc: Any, source: str, warnings: Warnings, extra: dict[str, Any]) -> Profile:
    if not isinstance(proc, dict):
        raise ProfileError(f"{source}: fermentation: expected an object")
    steps_raw = proc.get("fermentation_steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise ProfileError(f"{source}: fermentation {proc.get('name', '')!r} has no fermentation_steps")
    steps = [_step(s, i, source, warnings) for i, s in enumerate(steps_raw)]
    description = "\n\n".join(str(proc[k]) for k in ("description", "notes") if proc.get(k))
    step_notes = [f"{s.get('name', i)}: {s['description']}" for i, s in enumerate(steps_raw) if s.get("description")]
    if step_notes:
        description = "\n".join([description, *step_notes]).strip()
    units: Literal["C", "F"] = "C"
    for s in steps_raw:
        for key in ("start_temperature", "end_temperature"):
            if isinstance(s.get(key), dict) and str(s[key].get("unit", "")).upper() == "F":
                units = "F"
    data: dict[str, Any] = {
        "name": str(proc.get("name") or "Imported from BeerJSON")[:80],
        "description": description,
        "units": units,
        "steps": steps,
    }
    data.update(extra)
    return build_profile(data, source)


def _list_at(node: dict[str, Any], key: str, where: str, source: str) -> list[Any]:
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProfileError(f"{source}: {where}: expected a list, got {type(value).__name__}")
    return value


def import_beerjson(data: Any, source: str, name: str | None) -> ImportResult:
    """A profile from a BeerJSON document: a fermentation procedure, or a recipe's."""
    root = data["beerjson"]
    warnings = Warnings()
    candidates: list[dict[str, Any]] = []
    for proc in _list_at(root, "fermentations", "beerjson.fermentations", source):
        if isinstance(proc, dict):
            candidates.append({"name": proc.get("name", ""), "proc": proc, "extra": {}})
    for recipe in _list_at(root, "recipes", "beerjson.recipes", source):
        if isinstance(recipe, dict) and isinstance(recipe.get("fermentation"), dict):
            extra: dict[str, Any] = {}
            style = recipe.get("style")
            if isinstance(style, dict) and style.get("name"):
                extra["styles"] = (str(style["name"]),)
            ingredients = recipe.get("ingredients")
            cultures = ingredients.get("culture_additions") if isinstance(ingredients, dict) else None
            if not isinstance(cultures, list):
                cultures = []
            yeasts = tuple(str(c["name"]) for c in cultures if isinstance(c, dict) and c.get("name"))
            if yeasts:
                extra["yeasts"] = yeasts
            if recipe.get("author"):
                extra["author"] = str(recipe["author"])
            candidates.append({"name": recipe.get("name", ""), "proc": recipe["fermentation"], "extra": extra})
    chosen = pick(candidates, name, "fermentation procedure or recipe", source)
    proc = dict(chosen["proc"])
    proc["name"] = name or chosen["name"] or proc.get("name")
    profile = _procedure(proc, source, warnings, chosen["extra"])
    return ImportResult(profile, tuple(warnings.items))


# --- export -------------------------------------------------------------------------------


def _time_out(seconds: float) -> dict[str, Any]:
    s = round(seconds)
    for unit in ("week", "day", "hr", "min"):
        size = int(_TIME_S[unit])
        if s and s % size == 0 and abs(seconds - s) < 1e-6:
            return {"unit": unit, "value": s // size}
    return {"unit": "sec", "value": s}


def _temp_out(c: float, units: str) -> dict[str, Any]:
    return {"unit": units, "value": round(c_to_f(c) if units == "F" else c, 2)}


def export_beerjson(profile: Profile) -> ExportResult:
    """A BeerJSON document holding the profile as one fermentation procedure."""
    warnings = Warnings()
    u = profile.units
    out_steps: list[dict[str, Any]] = []
    previous: float | None = None
    for i, step in enumerate(profile.steps):
        label = f"step {i + 1}" + (f" ({step.name})" if step.name else "")
        item: dict[str, Any] = {"name": step.name or f"Step {i + 1}"}
        match step:
            case FreeRiseStep():
                item["free_rise"] = True
                item["step_time"] = _time_out(step.duration_s)
                if step.min_c is not None or step.max_c is not None:
                    warnings.add(label, "free-rise alarm bounds are not expressible in BeerJSON (dropped)")
                if step.until is not None:
                    warnings.add(
                        label, "the free rise's early-end conditions are not expressible in BeerJSON (dropped)"
                    )
                previous = None
            case HoldStep():
                item["start_temperature"] = item["end_temperature"] = _temp_out(step.temperature_c, u)
                item["step_time"] = _time_out(step.duration_s)
            case RampStep():
                start = step.from_c if step.from_c is not None else previous
                if start is None:
                    raise ProfileError(
                        f"{label}: a ramp from the beer's temperature cannot be written to BeerJSON; give it 'from'"
                    )
                item["start_temperature"] = _temp_out(start, u)
                item["end_temperature"] = _temp_out(step.temperature_c, u)
                item["step_time"] = _time_out(step.duration_from(start))
            case HoldUntilStep():
                item["start_temperature"] = item["end_temperature"] = _temp_out(step.temperature_c, u)
                item["step_time"] = _time_out(step.max_duration_s)
                gravities = [c for c in step.until.conditions if isinstance(c, GravityAtOrBelow)]
                others = [c for c in step.until.conditions if not isinstance(c, GravityAtOrBelow)]
                if gravities:
                    item["end_gravity"] = {"unit": "sg", "value": round(min(g.sg for g in gravities), 4)}
                if others or len(gravities) > 1 or (step.until.combine == "all" and len(step.until.conditions) > 1):
                    kinds = ", ".join(sorted({c.type for c in others})) or "combined conditions"
                    kept = "end_gravity and step_time" if gravities else "step_time (the maximum)"
                    warnings.add(label, f"{kinds} not expressible in BeerJSON: written as {kept} only")
            case WaitForBrewerStep():
                item["start_temperature"] = item["end_temperature"] = _temp_out(step.temperature_c, u)
                item["step_time"] = {"unit": "sec", "value": 0}
                item["description"] = f"Wait for the brewer: {step.message}".strip(": ")
                warnings.add(label, "wait-for-brewer written as a zero-length step with a description")
            case _:
                assert_never(step)
        if not isinstance(step, FreeRiseStep):
            previous = step.temperature_c
        out_steps.append(item)
    proc: dict[str, Any] = {"name": profile.name, "fermentation_steps": out_steps}
    if profile.description:
        proc["description"] = profile.description
    doc = {"beerjson": {"version": 1.0, "fermentations": [proc]}}
    return ExportResult(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", tuple(warnings.items))
