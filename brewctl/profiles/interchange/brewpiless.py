"""BrewPiLess beer profiles: ``{"s": start, "u": "C", "t": [{"c", "d", "t", "g", "s", "x"}, ...]}``.

Each step has a condition ``c`` over time (``d`` days), gravity (``g``: SG, Plato or
``"70%"`` attenuation) and stability (``s`` hours within ``x`` points):

=====  =========================  =================================================
``c``  BrewPiLess                  brewctl
=====  =========================  =================================================
t      time                        hold ``d`` days
r      ramp (previous -> next)     ramp to the next step's temperature over ``d`` days
g      gravity                     hold-until gravity (14-day fallback, warned)
s      stable                      hold-until stable (14-day fallback, warned)
o/u/e  time OR gravity/stable/both  hold-until (any) with ``max_duration`` = ``d``
b      gravity OR stable           hold-until (any) (14-day fallback, warned)
x      gravity AND stable          hold-until (all) (14-day fallback, warned)
a/v/w  time AND ...                hold-until (all) with ``step_time`` >= ``d`` (fallback, warned)
=====  =========================  =================================================
"""

from __future__ import annotations

from typing import Any, Literal

from brewctl.core.profile import (
    AnyCondition,
    Attenuation,
    GravityAtOrBelow,
    GravityStable,
    HoldStep,
    HoldUntilStep,
    RampStep,
    Step,
    StepTimeAtLeast,
    Until,
)
from brewctl.errors import ProfileError
from brewctl.profiles.interchange.common import (
    DEFAULT_MAX_DURATION_S,
    ImportResult,
    Warnings,
    build_profile,
    number,
    temp_c,
)
from brewctl.units import plato_to_sg

__all__ = ["import_brewpiless", "looks_like_brewpiless"]

# condition -> (uses time, uses gravity, uses stable, combine)
_CONDITIONS: dict[str, tuple[bool, bool, bool, Literal["any", "all"]]] = {
    "g": (False, True, False, "any"),
    "s": (False, False, True, "any"),
    "o": (True, True, False, "any"),
    "u": (True, False, True, "any"),
    "e": (True, True, True, "any"),
    "b": (False, True, True, "any"),
    "x": (False, True, True, "all"),
    "a": (True, True, False, "all"),
    "v": (True, False, True, "all"),
    "w": (True, True, True, "all"),
}
_DEFAULT_STABLE_POINTS = 1.0


def looks_like_brewpiless(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("t"), list) and "u" in data


def _gravity_condition(raw: Any, where: str, source: str, plato: bool) -> GravityAtOrBelow | Attenuation:
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return Attenuation(percent=number(raw.strip()[:-1], where, source))
    value = number(raw, where, source)
    sg = plato_to_sg(value) if plato or value > 1.2 else value
    if not 0.98 <= sg <= 1.2:
        raise ProfileError(f"{source}: {where}: gravity {value:g} is out of range")
    return GravityAtOrBelow(sg=sg)


def import_brewpiless(data: dict[str, Any], source: str, name: str | None) -> ImportResult:
    """A profile from a BrewPiLess beer profile."""
    warnings = Warnings()
    unit = str(data.get("u", "C")).upper()
    if unit not in ("C", "F"):
        raise ProfileError(f"{source}: u: expected 'C' or 'F', got {data.get('u')!r}")
    units: Literal["C", "F"] = "F" if unit == "F" else "C"
    for key in sorted(set(data) - {"s", "u", "t", "v"}):
        warnings.add("", f"unknown field {key!r} ignored")
    if "s" in data:
        warnings.add("", f"start date {data['s']!r} not kept: a brewctl profile starts when you start it")
    raw_steps = data["t"]
    if not raw_steps:
        raise ProfileError(f"{source}: t: the profile has no steps")
    temps: list[float | None] = []
    for i, raw in enumerate(raw_steps):
        if not isinstance(raw, dict):
            raise ProfileError(f"{source}: t[{i}]: expected an object")
        temps.append(temp_c(number(raw["t"], f"t[{i}].t", source), units, f"t[{i}].t", source) if "t" in raw else None)
    plato = bool(data.get("plato", False))
    steps: list[Step] = []
    for i, raw in enumerate(raw_steps):
        where = f"t[{i}]"
        cond = str(raw.get("c", "t")).lower()
        for key in sorted(set(raw) - {"c", "d", "t", "g", "s", "x"}):
            warnings.add(where, f"unknown field {key!r} ignored")
        days = number(raw.get("d", 0), f"{where}.d", source)
        if days < 0:
            raise ProfileError(f"{source}: {where}.d: days cannot be negative")
        seconds = days * 86400.0
        if cond == "r":
            if i == 0 or i == len(raw_steps) - 1:
                raise ProfileError(f"{source}: {where}: a ramp ('r') must sit between two steps")
            target = temps[i + 1]
            if target is None:
                raise ProfileError(f"{source}: t[{i + 1}].t: the step after a ramp needs a temperature")
            steps.append(RampStep(name="Ramp", temperature_c=target, duration_s=seconds))
            continue
        temp = temps[i]
        if temp is None:
            raise ProfileError(f"{source}: {where}.t: missing temperature")
        if cond == "t":
            steps.append(HoldStep(temperature_c=temp, duration_s=seconds))
            continue
        if cond not in _CONDITIONS:
            raise ProfileError(
                f"{source}: {where}.c: unknown condition {raw.get('c')!r} (t, r, g, s, a, o, u, v, b, x, w, e)"
            )
        uses_time, uses_gravity, uses_stable, combine = _CONDITIONS[cond]
        conditions: list[AnyCondition] = []
        if uses_gravity:
            if "g" not in raw:
                raise ProfileError(f"{source}: {where}.g: condition {cond!r} needs a gravity")
            conditions.append(_gravity_condition(raw["g"], f"{where}.g", source, plato))
        if uses_stable:
            if "s" not in raw:
                raise ProfileError(f"{source}: {where}.s: condition {cond!r} needs a stable time (hours)")
            hours = number(raw["s"], f"{where}.s", source)
            if "x" in raw:
                points = number(raw["x"], f"{where}.x", source)
            else:
                points = _DEFAULT_STABLE_POINTS
                warnings.add(
                    where, f"no stable threshold 'x': using {points:g} point (BrewPiLess takes it from its settings)"
                )
            conditions.append(GravityStable(within_points=points, period_s=max(hours, 0.1) * 3600.0))
        if uses_time and combine == "any":
            if seconds <= 0:
                raise ProfileError(f"{source}: {where}.d: condition {cond!r} needs days above zero")
            until = Until(combine="any", conditions=tuple(conditions))
            steps.append(HoldUntilStep(temperature_c=temp, until=until, max_duration_s=seconds))
            continue
        if uses_time:  # time AND ...: a minimum step time, one condition among the others
            if seconds <= 0:
                raise ProfileError(f"{source}: {where}.d: condition {cond!r} needs days above zero")
            conditions.append(StepTimeAtLeast(duration_s=seconds))
        until = Until(combine=combine if len(conditions) > 1 else "any", conditions=tuple(conditions))
        warnings.add(
            where,
            f"condition {cond!r} has no time limit in BrewPiLess: brewctl adds a "
            f"{DEFAULT_MAX_DURATION_S / 86400:g}-day fallback (edit max_duration to taste)",
        )
        steps.append(HoldUntilStep(temperature_c=temp, until=until, max_duration_s=DEFAULT_MAX_DURATION_S))
    if any(isinstance(c, Attenuation) for s in steps if isinstance(s, HoldUntilStep) for c in s.until.conditions):
        warnings.add(
            "", "attenuation uses the recipe's OG or the highest gravity seen (BrewPiLess: the OG you entered)"
        )
    data_out = {"name": (name or "Imported BrewPiLess profile")[:80], "units": units, "steps": steps}
    return ImportResult(build_profile(data_out, source), tuple(warnings.items))
