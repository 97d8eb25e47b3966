"""Pure encoding of fermenter and chiller statuses into compact history rows, and 1-minute aggregation.

Values are stored as scaled integers (SQLite packs small integers into 1-3 bytes, a float
always takes 8): temperatures and P/I/D terms in hundredths, duties in thousandths, gravity
in ten-thousandths of SG, timestamps in milliseconds. Nothing here does I/O or reads a clock:
time comes from ``FermenterStatus.updated_s``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from brewctl.config import Mode
from brewctl.model import ChillerStatus, FermenterStatus

__all__ = [
    "AGGREGATE_FIELDS",
    "MODE_CODES",
    "SAMPLE_FIELDS",
    "SCALES",
    "MinuteAggregator",
    "MinuteRow",
    "Sample",
    "decode",
    "encode_chiller",
    "encode_status",
    "mode_from_code",
]

MODE_CODES: dict[Mode, int] = {Mode.OFF: 0, Mode.CHAMBER: 1, Mode.BEER: 2, Mode.PROFILE: 3}
"""Stable integer codes for modes (history and InfluxDB ``mode`` field)."""
_MODES_BY_CODE = {code: mode for mode, code in MODE_CODES.items()}

SAMPLE_FIELDS = (
    "beer",
    "chamber",
    "room",
    "beer_sp",
    "chamber_sp",
    "heat",
    "cool",
    "valve",
    "p",
    "i",
    "d",
    "gravity",
    "mode",
    "step",
    "reservoir",
    "open_valves",
    "waiting",
    "overloaded",
)
"""Value columns of a raw history row, in schema order (the last four: chillers only)."""

SCALES: dict[str, int] = {
    "beer": 100,
    "chamber": 100,
    "room": 100,
    "beer_sp": 100,
    "chamber_sp": 100,
    "heat": 1000,
    "cool": 1000,
    "valve": 1000,
    "p": 100,
    "i": 100,
    "d": 100,
    "gravity": 10000,
    "mode": 1,
    "step": 1,
    "reservoir": 100,
    "open_valves": 100,
    "waiting": 100,
    "overloaded": 100,
}
"""Stored integer = round(value * scale); one per ``SAMPLE_FIELDS`` column (a test checks)."""

_LAST_FIELDS = ("gravity", "mode", "step")
"""Columns that keep their last value per minute."""
AGGREGATE_FIELDS = tuple(name for name in SAMPLE_FIELDS if name not in _LAST_FIELDS)
"""Columns averaged per minute (beer and chamber also keep min and max): every other column."""
_AGGREGATE_AT = tuple(SAMPLE_FIELDS.index(name) for name in AGGREGATE_FIELDS)
_LAST_AT = tuple(SAMPLE_FIELDS.index(name) for name in _LAST_FIELDS)


class Sample(NamedTuple):
    """One fermenter's control cycle, encoded. ``values`` follow ``SAMPLE_FIELDS``."""

    ts_ms: int
    values: tuple[int | None, ...]


def _scaled(value: float | None, scale: int) -> int | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value * scale)


def decode(name: str, stored: int | float | None) -> float | None:
    """A stored integer back to its unit (degC, 0..1 duty, SG, ...)."""
    if stored is None:
        return None
    return stored / SCALES[name]


def mode_from_code(code: int | None) -> str | None:
    """``2`` -> ``'beer'``; None or an unknown code -> None."""
    mode = _MODES_BY_CODE.get(round(code)) if code is not None else None
    return mode.value if mode is not None else None


def encode_status(status: FermenterStatus) -> Sample:
    """Encode one fermenter status as a history sample (pure)."""
    outputs = {o.role: o.value for o in status.outputs}
    raw: dict[str, float | None] = {
        "beer": status.beer_c,
        "chamber": status.chamber_c,
        "room": status.room_c,
        "beer_sp": status.beer_setpoint_c,
        "chamber_sp": status.chamber_setpoint_c,
        "heat": outputs.get("heat"),
        "cool": outputs.get("cool"),
        "valve": outputs.get("valve"),
        "p": status.pid.p,
        "i": status.pid.i,
        "d": status.pid.d,
        "gravity": status.gravity.sg if status.gravity is not None else None,
        "mode": MODE_CODES[status.mode],
        "step": status.profile.step_index if status.profile is not None else None,
    }
    values = tuple(_scaled(raw.get(name), SCALES[name]) for name in SAMPLE_FIELDS)
    return Sample(ts_ms=round(status.updated_s * 1000), values=values)


def encode_chiller(chiller: ChillerStatus, updated_s: float) -> Sample:
    """Encode a shared chiller at the cycle's time ``updated_s`` (pure); fermenter columns stay None."""
    raw: dict[str, float | None] = {
        "reservoir": chiller.reservoir_c,
        "open_valves": len(chiller.open_valves),
        "waiting": len(chiller.waiting),
        "overloaded": float(any(a.code == "chiller_overloaded" for a in chiller.alarms)),
    }
    values = tuple(_scaled(raw.get(name), SCALES[name]) for name in SAMPLE_FIELDS)
    return Sample(ts_ms=round(updated_s * 1000), values=values)


class MinuteRow(NamedTuple):
    """A finished 1-minute aggregate, ready to store. Integers are scaled like ``Sample``."""

    minute_s: int
    n: int
    means: tuple[int | None, ...]
    """Per ``AGGREGATE_FIELDS``."""
    beer_min: int | None
    beer_max: int | None
    chamber_min: int | None
    chamber_max: int | None
    last: tuple[int | None, ...]
    """gravity, mode, step: the last value seen in the minute."""


@dataclass
class _Bucket:
    minute_s: int
    n: int = 0
    sums: list[int] = field(default_factory=lambda: [0] * len(AGGREGATE_FIELDS))
    counts: list[int] = field(default_factory=lambda: [0] * len(AGGREGATE_FIELDS))
    lows: dict[str, int] = field(default_factory=dict)
    highs: dict[str, int] = field(default_factory=dict)
    last: tuple[int | None, ...] = (None, None, None)

    def add(self, values: Sequence[int | None]) -> None:
        self.n += 1
        for k, (name, at) in enumerate(zip(AGGREGATE_FIELDS, _AGGREGATE_AT, strict=True)):
            v = values[at]
            if v is None:
                continue
            self.sums[k] += v
            self.counts[k] += 1
            if name in ("beer", "chamber"):
                self.lows[name] = min(self.lows.get(name, v), v)
                self.highs[name] = max(self.highs.get(name, v), v)
        self.last = tuple(values[at] for at in _LAST_AT)

    def row(self) -> MinuteRow:
        means = tuple(round(s / c) if c else None for s, c in zip(self.sums, self.counts, strict=True))
        return MinuteRow(
            minute_s=self.minute_s,
            n=self.n,
            means=means,
            beer_min=self.lows.get("beer"),
            beer_max=self.highs.get("beer"),
            chamber_min=self.lows.get("chamber"),
            chamber_max=self.highs.get("chamber"),
            last=self.last,
        )


class MinuteAggregator:
    """Folds samples of one series (a fermenter or a chiller) into 1-minute mean/min/max rows (pure, no clock)."""

    def __init__(self) -> None:
        self._bucket: _Bucket | None = None

    def add(self, sample: Sample) -> MinuteRow | None:
        """Add a sample; returns the previous minute's row when this sample starts a new minute."""
        minute_s = (sample.ts_ms // 60_000) * 60
        done: MinuteRow | None = None
        if self._bucket is not None and self._bucket.minute_s != minute_s:
            done = self._bucket.row()
            self._bucket = None
        if self._bucket is None:
            self._bucket = _Bucket(minute_s)
        self._bucket.add(sample.values)
        return done

    def take_partial(self) -> MinuteRow | None:
        """The unfinished minute (on shutdown); stored rows of the same minute are merged."""
        bucket, self._bucket = self._bucket, None
        return bucket.row() if bucket is not None and bucket.n else None
