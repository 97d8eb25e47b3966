"""Shared pieces of the importers and exporters."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from brewctl.core.profile import (
    MAX_TEMP_C,
    MIN_TEMP_C,
    FreeRiseStep,
    HoldStep,
    Profile,
    RampStep,
    Step,
)
from brewctl.errors import ProfileError
from brewctl.profiles.files import format_loc, validation_problems
from brewctl.units import f_to_c

__all__ = [
    "DEFAULT_MAX_DURATION_S",
    "IMPORTED_LICENSE",
    "ExportResult",
    "ImportResult",
    "Point",
    "build_profile",
    "guess_units",
    "number",
    "parse_span",
    "pick",
    "points_to_steps",
    "temp_c",
]

DEFAULT_MAX_DURATION_S = 14 * 86400.0
"""Time fallback given to gravity conditions that had none in the source format."""


@dataclass(frozen=True)
class ImportResult:
    """An imported profile and what could not be carried over exactly."""

    profile: Profile
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportResult:
    """Exported text and what the target format could not express."""

    text: str
    warnings: tuple[str, ...] = ()


@dataclass
class Warnings:
    """Collects warnings, each prefixed by where it applies."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)


def number(value: Any, where: str, source: str) -> float:
    """A finite number (numeric strings accepted), or a ProfileError naming ``where``."""
    if isinstance(value, bool):
        raise ProfileError(f"{source}: {where}: expected a number, got {value!r}")
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip().replace(",", "."))
        except ValueError:
            raise ProfileError(f"{source}: {where}: expected a number, got {value!r}") from None
    else:
        raise ProfileError(f"{source}: {where}: expected a number, got {value!r}")
    if not math.isfinite(out):
        raise ProfileError(f"{source}: {where}: expected a finite number, got {value!r}")
    return out


def guess_units(values: Sequence[float]) -> Literal["C", "F"]:
    """A format that names no unit: °F when a value is above the warmest setpoint allowed in °C."""
    return "F" if values and max(values) > MAX_TEMP_C else "C"


def temp_c(value: float, units: Literal["C", "F"], where: str, source: str) -> float:
    """Convert to degC and check the allowed range."""
    c = f_to_c(value) if units == "F" else value
    if not MIN_TEMP_C <= c <= MAX_TEMP_C:
        raise ProfileError(
            f"{source}: {where}: {value:g} °{units} is outside the {MIN_TEMP_C:g}..{MAX_TEMP_C:g} °C a profile may use"
        )
    return c


_CLOCK = re.compile(r"^(?:(\d+)\s*days?,\s*)?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$")
_ISO = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_WORDS = re.compile(r"(\d+(?:\.\d+)?)\s*(weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.I)
_WORD_S = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_span(value: Any, where: str, source: str) -> float:
    """Seconds from the many ways tools write a time span.

    ``"5d 3h"``, ``"5 days 3 hours"``, ``"3 days, 4:00:00"`` (Python timedelta), ``"4:00:00"``,
    ``"P3DT4H"`` (ISO 8601) or a number of seconds.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0 or not math.isfinite(value):
            raise ProfileError(f"{source}: {where}: cannot read time span {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise ProfileError(f"{source}: {where}: cannot read time span {value!r}")
    text = value.strip()
    m = _CLOCK.match(text)
    if m:
        days, hours, minutes, seconds = m.groups()
        return int(days or 0) * 86400.0 + int(hours) * 3600.0 + int(minutes) * 60.0 + float(seconds or 0)
    m = _ISO.match(text.upper())
    if m and text.upper() not in ("P", "PT"):
        w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return w * 604800 + d * 86400 + h * 3600 + mi * 60 + s
    total = 0.0
    pos = 0
    for part in _WORDS.finditer(text):
        if text[pos : part.start()].strip(" ,"):
            break
        total += float(part.group(1)) * _WORD_S[part.group(2)[0].lower()]
        pos = part.end()
    if pos and not text[pos:].strip(" ,"):
        return total
    try:
        return max(0.0, float(text))
    except ValueError:
        raise ProfileError(f"{source}: {where}: cannot read time span {value!r}") from None


def pick(entries: Sequence[Mapping[str, Any]], name: str | None, what: str, source: str) -> Mapping[str, Any]:
    """The entry called ``name``; the only entry when ``name`` is None or matches nothing and there is one."""
    if not entries:
        raise ProfileError(f"{source}: no {what} in this file")
    if name is not None:
        wanted = name.strip().casefold()
        for entry in entries:
            if str(entry.get("name", "")).strip().casefold() == wanted:
                return entry
    if len(entries) == 1:
        return entries[0]
    names = ", ".join(repr(str(e.get("name", "?"))) for e in entries)
    hint = f"no {what} named {name!r}" if name is not None else f"{len(entries)} {what}s in this file"
    raise ProfileError(f"{source}: {hint}; choose one with --name (found {names})")


@dataclass(frozen=True)
class Point:
    """A point of a piecewise-linear schedule: ``at_s`` from the start, ``c`` None = no control."""

    at_s: float
    c: float | None


def points_to_steps(points: Sequence[Point], warnings: Warnings, where: str) -> list[Step]:
    """Linear interpolation between points (BrewPi, Fermentrack) as hold / ramp / free-rise steps."""
    steps: list[Step] = []
    if not points:
        return steps
    previous_end: float | None = None
    for a, b in itertools.pairwise(points):
        length = b.at_s - a.at_s
        if length < 0:
            raise ProfileError(f"{where}: the times go backwards at {a.at_s / 3600:g} h")
        if length == 0:
            continue
        if a.c is None:
            steps.append(FreeRiseStep(name="off", duration_s=length))
            previous_end = None
        elif b.c is None or math.isclose(a.c, b.c, abs_tol=1e-6):
            steps.append(HoldStep(temperature_c=a.c, duration_s=length))
            previous_end = a.c
        else:
            start = None if previous_end is not None and math.isclose(previous_end, a.c, abs_tol=1e-6) else a.c
            steps.append(RampStep(temperature_c=b.c, from_c=start, duration_s=length))
            previous_end = b.c
    last = points[-1]
    if last.c is None:
        warnings.add(where, "the schedule ends 'off'; brewctl holds the last temperature after a profile ends")
    elif not steps:
        steps.append(HoldStep(temperature_c=last.c, duration_s=0.0))
    return steps


IMPORTED_LICENSE = "NOASSERTION"
"""SPDX for "no licence information": an imported schedule is someone else's work, not CC0 by default."""


def build_profile(data: dict[str, Any], source: str) -> Profile:
    """Validate an assembled profile; a failure here is a bug or an unmappable value, reported plainly."""
    data = {"license": IMPORTED_LICENSE, **data}
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{format_loc(loc)}: {msg}" for loc, msg in validation_problems(exc))
        raise ProfileError(f"{source}: the imported profile is not valid: {problems}") from None
