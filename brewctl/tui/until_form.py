"""The hold-until conditions as form fields instead of TOML (pure).

"gravity ≤ [1.012]", "stable within [1] pt for [24] h", "attenuation ≥ [75] %", "days ≥ [3]"
(the step's minimum time: with "all", gravity cannot end it sooner), combined by
any (OR) or all (AND). Each field is checked on its own and a problem names its field, so a
brewer typing ``1.0x`` on a phone reads "gravity ≤: type a gravity like 1.012", not a TOML
parser's column number. Conditions the form cannot show (two gravity conditions, an OG of
its own) keep the TOML field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from brewctl.units import format_duration, parse_duration

__all__ = ["UNTIL_KEYS", "UNTIL_LABELS", "until_from_texts", "until_texts"]

UNTIL_KEYS: tuple[str, ...] = ("gravity_le", "stable_points", "stable_hours", "attenuation_ge", "days_ge")
"""The form's condition fields, in order."""

UNTIL_LABELS: dict[str, str] = {
    "gravity_le": "gravity ≤",
    "stable_points": "stable within",
    "stable_hours": "  for (hours)",
    "attenuation_ge": "attenuation ≥",
    "days_ge": "days ≥",
}
MAX_DAYS = 365.0
"""The longest minimum time the form takes (a year; the file allows more)."""
HINTS: dict[str, str] = {
    "gravity_le": "e.g. 1.012 (empty: not used)",
    "stable_points": "SG points, 1 = 0.001 (empty: not used)",
    "stable_hours": "e.g. 24",
    "attenuation_ge": "percent, e.g. 75 (empty: not used)",
    "days_ge": "step time, e.g. 3 (empty: not used)",
}


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", ".").rstrip("%"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def until_texts(until: Any) -> dict[str, str] | None:
    """The form's texts for a file's ``until`` list, or None when the form cannot show it."""
    texts = dict.fromkeys(UNTIL_KEYS, "")
    if until is None:
        return texts
    if not isinstance(until, list):
        return None
    for cond in until:
        if not isinstance(cond, Mapping):
            return None
        kind = cond.get("type")
        keys = set(cond) - {"type"}
        if kind == "gravity" and keys == {"at_or_below"} and not texts["gravity_le"]:
            texts["gravity_le"] = f"{cond['at_or_below']}"
        elif kind == "stable" and keys == {"within_points", "period"} and not texts["stable_points"]:
            texts["stable_points"] = (
                f"{cond['within_points']:g}" if isinstance(cond["within_points"], int | float) else ""
            )
            try:
                hours = parse_duration(cond["period"]) / 3600.0
            except ValueError:
                return None
            texts["stable_hours"] = f"{hours:g}"
        elif kind == "attenuation" and keys == {"percent"} and not texts["attenuation_ge"]:
            texts["attenuation_ge"] = f"{cond['percent']:g}" if isinstance(cond["percent"], int | float) else ""
        elif kind == "step_time" and keys == {"at_least"} and not texts["days_ge"]:
            try:
                days = parse_duration(cond["at_least"]) / 86400.0
            except (ValueError, TypeError):
                return None
            texts["days_ge"] = f"{days:g}"
        else:
            return None
    return texts


def until_from_texts(
    texts: Mapping[str, str], *, plato: bool = False
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The ``until`` list from the form's texts, and ``(field, problem)`` for each bad field.

    An empty field is a condition not used; at least one is needed.
    """
    conditions: list[dict[str, Any]] = []
    problems: list[tuple[str, str]] = []
    gravity = texts.get("gravity_le", "").strip()
    if gravity:
        value = _number(gravity)
        if plato:
            if value is None or not 0 <= value <= 40:
                problems.append(("gravity_le", "type a gravity in °P like 3.0"))
            else:
                conditions.append({"type": "gravity", "at_or_below": value})
        elif value is None or not 0.98 <= value <= 1.2:
            problems.append(("gravity_le", "type a gravity like 1.012 (0.980 to 1.200)"))
        else:
            conditions.append({"type": "gravity", "at_or_below": value})
    points, hours = texts.get("stable_points", "").strip(), texts.get("stable_hours", "").strip()
    if points or hours:
        p, h = _number(points), _number(hours)
        if p is None or not 0 < p <= 20:
            problems.append(("stable_points", "type SG points above 0 and at most 20, e.g. 1"))
        if h is None or not 0 < h <= 24 * 30:
            problems.append(("stable_hours", "type the hours it must hold, e.g. 24"))
        if not any(key in {"stable_points", "stable_hours"} for key, _ in problems) and p is not None and h is not None:
            conditions.append(
                {"type": "stable", "within_points": p, "period": format_duration(h * 3600).replace(" ", "")}
            )
    attenuation = texts.get("attenuation_ge", "").strip()
    if attenuation:
        value = _number(attenuation)
        if value is None or not 0 < value <= 100:
            problems.append(("attenuation_ge", "type a percent above 0 and at most 100, e.g. 75"))
        else:
            conditions.append({"type": "attenuation", "percent": value})
    days = texts.get("days_ge", "").strip()
    if days:
        value = _number(days)
        if value is None or not 0 < value <= MAX_DAYS:
            problems.append(("days_ge", f"type the days the step runs at least, above 0 and at most {MAX_DAYS:g}"))
        else:
            conditions.append({"type": "step_time", "at_least": f"{value:g}d"})
    if not conditions and not problems:
        problems.append(("gravity_le", "fill in at least one condition (gravity, stable, attenuation or days)"))
    return conditions, problems


def problem_lines(problems: Sequence[tuple[str, str]]) -> list[str]:
    """``gravity ≤: type a gravity like 1.012`` lines."""
    return [f"{UNTIL_LABELS[key].strip()}: {text}" for key, text in problems]
