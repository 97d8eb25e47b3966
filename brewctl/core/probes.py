"""Probe plausibility: which readings the control loop may trust.

The daemon hands the core calibrated readings, ``None`` for a missing or stale probe. The
core rejects the rest of what DS18B20 probes are known to produce: NaN or infinity, values
outside a physical range, and the 85.0 degC power-on value when it appears as a jump (a
probe that browned out mid-conversion).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["POWER_ON_C", "ProbeCheck", "ProbeFilter", "check_reading"]

POWER_ON_C = 85.0
"""What a DS18B20 reports before its first conversion."""


@dataclass(frozen=True, slots=True)
class ProbeCheck:
    value_c: float | None
    """The reading if plausible, else None."""
    problem: str | None = None
    """None (good or simply missing), or why the reading was rejected: ``not_a_number``,
    ``power_on`` (the DS18B20's 85.0 degC), ``out_of_range`` (``brewctl.wording`` words them)."""
    reading_c: float | None = None
    """The rejected reading, if it was a number."""


def check_reading(
    value: float | None,
    last_good_c: float | None,
    *,
    min_c: float = -20.0,
    max_c: float = 60.0,
    power_on_jump_c: float = 5.0,
) -> ProbeCheck:
    """Check one reading against the physical range and the last good reading."""
    if value is None:
        return ProbeCheck(None)
    if not isinstance(value, int | float) or math.isnan(value) or math.isinf(value):
        return ProbeCheck(None, "not_a_number")
    v = float(value)
    if v == POWER_ON_C and (last_good_c is None or abs(v - last_good_c) > power_on_jump_c):
        return ProbeCheck(None, "power_on", v)
    if not min_c <= v <= max_c:
        return ProbeCheck(None, "out_of_range", v)
    return ProbeCheck(v)


class ProbeFilter:
    """Remembers a probe's last good reading so power-on jumps can be recognised."""

    __slots__ = ("last_good_c", "max_c", "min_c")

    def __init__(self, *, min_c: float = -20.0, max_c: float = 60.0) -> None:
        self.min_c = min_c
        self.max_c = max_c
        self.last_good_c: float | None = None

    def check(self, value: float | None) -> ProbeCheck:
        result = check_reading(value, self.last_good_c, min_c=self.min_c, max_c=self.max_c)
        if result.value_c is not None:
            self.last_good_c = result.value_c
        return result
