"""BrewPi temperature profiles: CSV ``date,temperature[,days]`` with absolute timestamps.

BrewPi interpolates linearly between rows; an empty temperature means "off" (no control).
brewpi-www writes a third column ``days`` (days since the first row, derived from the dates):
it is checked against the dates and written on export.
Times become relative to the first row. The CSV carries no unit: pass ``units`` (C or F),
else values above 40 are taken as degF and the assumption is listed as a warning.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from typing import Literal, assert_never

from brewctl.core.profile import FreeRiseStep, HoldStep, HoldUntilStep, Profile, RampStep, WaitForBrewerStep
from brewctl.errors import ProfileError
from brewctl.profiles.interchange.common import (
    ExportResult,
    ImportResult,
    Point,
    Warnings,
    build_profile,
    guess_units,
    number,
    points_to_steps,
    temp_c,
)
from brewctl.units import c_to_f

__all__ = ["export_brewpi_csv", "import_brewpi_csv", "looks_like_brewpi_csv"]

_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def looks_like_brewpi_csv(text: str) -> bool:
    first = text.lstrip("\ufeff").strip().splitlines()[:1]
    if not first:
        return False
    head = first[0].replace(" ", "").lower()
    return head.startswith("date,temp")


def _when(text: str, where: str, source: str) -> datetime:
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        else:
            raise ProfileError(f"{source}:{where}: cannot read the date {value!r} (use 2024-05-01T12:00:00)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def import_brewpi_csv(text: str, source: str, name: str | None, units: Literal["C", "F"] | None = None) -> ImportResult:
    """A profile from a BrewPi CSV temperature profile."""
    warnings = Warnings()
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:  # a field over 131,072 characters, a NUL byte
        raise ProfileError(f"{source}: not a readable CSV file: {exc}") from None
    body = [(i + 1, r) for i, r in enumerate(rows) if r and any(c.strip() for c in r)]
    known = 2
    if body and not body[0][1][0].strip()[:1].isdigit():
        header = [c.strip().lower() for c in body[0][1]]
        known = 3 if header[2:3] == ["days"] else 2
        body = body[1:]  # the header
    if len(body) < 1:
        raise ProfileError(f"{source}: no rows (expected 'date,temperature' lines)")
    raw: list[tuple[int, datetime, float | None]] = []
    for line, row in body:
        if len(row) < 2:
            raise ProfileError(f"{source}:{line}: expected 'date,temperature', got {','.join(row)!r}")
        if len(row) > known and any(c.strip() for c in row[known:]):
            warnings.add(f"line {line}", f"extra columns ignored: {','.join(row[known:])!r}")
        when = _when(row[0], str(line), source)
        if known == 3 and len(row) > 2 and row[2].strip() and raw:
            days = number(row[2], f"{line}: days", source)
            from_dates = (when - raw[0][1]).total_seconds() / 86400.0
            if abs(days - from_dates) > 1.0 / 24:
                warnings.add(
                    f"line {line}", f"days {days:g} disagrees with the date ({from_dates:.2f} days): the date is used"
                )
        cell = row[1].strip()
        raw.append((line, when, None if cell == "" else number(cell, f"{line}: temperature", source)))
    values = [v for _, _, v in raw if v is not None]
    if units is None:
        units = guess_units(values)
        warnings.add("", f"BrewPi CSV has no unit: read as °{units} (use --units to choose)")
    start = raw[0][1]
    points: list[Point] = []
    for line, when, value in raw:
        at = (when - start).total_seconds()
        if at < 0 or (points and at < points[-1].at_s):
            raise ProfileError(f"{source}:{line}: the dates go backwards")
        c = None if value is None else temp_c(value, units, f"line {line}", source)
        points.append(Point(at, c))
    steps = points_to_steps(points, warnings, source)
    if not steps:
        raise ProfileError(f"{source}: the rows describe no time at all")
    if any(isinstance(s, FreeRiseStep) for s in steps):
        warnings.add("", "empty temperatures ('off') became free-rise steps: no heating or cooling")
    data = {
        "name": (name or "Imported BrewPi profile")[:80],
        "description": f"Imported from a BrewPi CSV that started {start.isoformat()}.",
        "units": units,
        "steps": steps,
    }
    return ImportResult(build_profile(data, source), tuple(warnings.items))


def export_brewpi_csv(profile: Profile, start: datetime | None = None) -> ExportResult:
    """BrewPi CSV rows from ``start`` (default: today at midnight UTC), in the profile's units."""
    warnings = Warnings()
    t0 = start or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    u = profile.units
    rows: list[tuple[float, float | None]] = []
    at = 0.0
    previous: float | None = None

    def fmt(c: float | None) -> str:
        return "" if c is None else f"{(c_to_f(c) if u == 'F' else c):.2f}".rstrip("0").rstrip(".")

    def add(at_s: float, c: float | None) -> None:
        if rows and math.isclose(rows[-1][0], at_s) and rows[-1][1] == c:
            return
        rows.append((at_s, c))

    for i, step in enumerate(profile.steps):
        label = f"step {i + 1}" + (f" ({step.name})" if step.name else "")
        match step:
            case FreeRiseStep():
                add(at, None)
                at += step.duration_s
                add(at, None)
                if step.until is not None or step.min_c is not None or step.max_c is not None:
                    warnings.add(label, "free-rise bounds and conditions dropped (BrewPi only has 'off')")
                previous = None
                continue
            case RampStep():
                begin = step.from_c if step.from_c is not None else previous
                if begin is None:
                    raise ProfileError(
                        f"{label}: a ramp from the beer's temperature cannot be written as CSV; give it 'from'"
                    )
                add(at, begin)
                at += step.duration_from(begin)
            case HoldStep():
                add(at, step.temperature_c)
                at += step.duration_s
            case HoldUntilStep():
                add(at, step.temperature_c)
                at += step.max_duration_s
                warnings.add(label, "gravity conditions dropped: written as a hold for the maximum duration")
            case WaitForBrewerStep():
                add(at, step.temperature_c)
                warnings.add(label, "wait-for-brewer dropped (BrewPi cannot wait for a confirmation)")
            case _:
                assert_never(step)
        add(at, step.temperature_c)
        previous = step.temperature_c
    lines = ["date,temperature,days"]  # as brewpi-www writes it
    for at_s, c in rows:
        when = (t0 + timedelta(seconds=round(at_s))).strftime("%Y-%m-%dT%H:%M:%S")
        days = f"{round(at_s) / 86400.0:.4f}".rstrip("0").rstrip(".")
        lines.append(f"{when},{fmt(c)},{days}")
    warnings.add("", f"temperatures in °{u}; BrewPi must use the same unit")
    return ExportResult("\n".join(lines) + "\n", tuple(warnings.items))
