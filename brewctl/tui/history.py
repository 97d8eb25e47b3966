"""Pure helpers for the history chart: zoom levels and the daemon's history table as series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BATCH_ROWS", "ZOOMS", "Series", "Zoom", "batch_zoom", "parse_history", "segments"]


@dataclass(frozen=True)
class Zoom:
    """A chart window: its label, span, the row step asked of the daemon, and the x axis unit."""

    label: str
    span_s: float
    step_s: float
    axis_unit: str = "h"
    """The x axis counts these back from now: ``h`` (hours) or ``d`` (days)."""
    batch: bool = False
    """The whole batch: from the profile's start (the span and step follow from it)."""

    @property
    def axis_unit_s(self) -> float:
        """Seconds in one x axis unit."""
        return 86400.0 if self.axis_unit == "d" else 3600.0


ZOOMS: tuple[Zoom, ...] = (
    Zoom("6 h", 6 * 3600.0, 60.0),
    Zoom("24 h", 24 * 3600.0, 300.0),
    Zoom("7 d", 7 * 86400.0, 1800.0, axis_unit="d"),  # -7..0 days reads better than -168..0 hours
    Zoom("whole batch", 14 * 86400.0, 3600.0, axis_unit="d", batch=True),
)
"""The zoom levels, narrowest first; 24 h is the default."""

BATCH_ROWS = 400
"""Rows asked for the whole batch (the step follows from its length)."""


def batch_zoom(elapsed_s: float) -> Zoom:
    """The whole-batch window for a profile ``elapsed_s`` in (14 days without a profile)."""
    span = max(elapsed_s, 3600.0) if elapsed_s > 0 else 14 * 86400.0
    return Zoom("whole batch", span, max(60.0, round(span / BATCH_ROWS / 60) * 60), axis_unit="d", batch=True)


@dataclass
class Series:
    """Columns of the history, times in seconds (Unix); None where a value is missing."""

    ts_s: list[float] = field(default_factory=list)
    beer_c: list[float | None] = field(default_factory=list)
    chamber_c: list[float | None] = field(default_factory=list)
    setpoint_c: list[float | None] = field(default_factory=list)
    heat: list[float] = field(default_factory=list)
    cool: list[float] = field(default_factory=list)
    gravity_sg: list[float | None] = field(default_factory=list)

    def append(
        self,
        ts_s: float,
        beer_c: float | None,
        chamber_c: float | None,
        setpoint_c: float | None,
        heat: float,
        cool: float,
        gravity_sg: float | None = None,
    ) -> None:
        """Add one point (a live status between history fetches)."""
        self.ts_s.append(ts_s)
        self.beer_c.append(beer_c)
        self.chamber_c.append(chamber_c)
        self.setpoint_c.append(setpoint_c)
        self.heat.append(heat)
        self.cool.append(cool)
        self.gravity_sg.append(gravity_sg)

    def trim(self, since_s: float) -> None:
        """Drop points older than ``since_s``."""
        keep = next((i for i, t in enumerate(self.ts_s) if t >= since_s), len(self.ts_s))
        for column in (
            self.ts_s, self.beer_c, self.chamber_c, self.setpoint_c, self.heat, self.cool, self.gravity_sg
        ):  # fmt: skip
            del column[:keep]


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def parse_history(data: Mapping[str, Any]) -> Series:
    """The daemon's ``{"columns": [...], "rows": [...]}`` as a :class:`Series`.

    Heat and cool are duties 0..1; a glycol or ball valve counts as cooling.
    """
    columns: Sequence[str] = data.get("columns", [])
    index = {name: i for i, name in enumerate(columns)}

    def get(row: Sequence[Any], name: str) -> float | None:
        i = index.get(name)
        return _num(row[i]) if i is not None and i < len(row) else None

    series = Series()
    for row in data.get("rows", []):
        ts = get(row, "ts_s")
        if ts is None:
            continue
        cool = max(get(row, "cool") or 0.0, get(row, "valve") or 0.0)
        series.append(
            ts,
            get(row, "beer_c"),
            get(row, "chamber_c"),
            get(row, "beer_setpoint_c") if get(row, "beer_setpoint_c") is not None else get(row, "chamber_setpoint_c"),
            get(row, "heat") or 0.0,
            cool,
            get(row, "gravity_sg"),
        )
    return series


def segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[tuple[list[float], list[float]]]:
    """Split a line at missing values, so a lost probe shows as a gap, not a dive to zero."""
    out: list[tuple[list[float], list[float]]] = []
    cur_x: list[float] = []
    cur_y: list[float] = []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if cur_x:
                out.append((cur_x, cur_y))
                cur_x, cur_y = [], []
            continue
        cur_x.append(x)
        cur_y.append(y)
    if cur_x:
        out.append((cur_x, cur_y))
    return out
