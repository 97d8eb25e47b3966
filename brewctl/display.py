"""How temperatures and profile states read, for the CLI, the TUI and the daemon's one-liners (pure).

One formatter so that ``brewctl status``, the TUI and ``systemctl status`` show a value the same
way: degC or degF to one decimal, a dash for a missing probe, ``[PAUSED]`` for a paused profile.
"""

from __future__ import annotations

from typing import Literal

from brewctl.units import c_to_f

__all__ = [
    "MISSING",
    "PAUSED",
    "WAITING",
    "Units",
    "format_pair",
    "format_temp",
    "from_display_c",
    "to_display_c",
    "with_unit",
]

Units = Literal["C", "F"]

MISSING = "—"
"""A value nobody knows (a missing probe, no setpoint)."""
PAUSED = "[PAUSED]"
"""Marks a paused profile."""
WAITING = "WAITING FOR YOU"
"""Marks a profile waiting for the brewer's confirmation."""


def to_display_c(value_c: float, units: Units | str) -> float:
    """A degC value in display units."""
    return c_to_f(value_c) if units == "F" else value_c


def from_display_c(value: float, units: Units | str) -> float:
    """A value typed in display units, back to degC."""
    return (value - 32.0) * 5.0 / 9.0 if units == "F" else value


def with_unit(text: str, units: Units | str = "C", *, per: str = "") -> str:
    """``19`` -> ``19 °C`` (``per="/h"``: ``19 °C/h``): the SI form, a space before the unit, everywhere."""
    return f"{text} °{units}{per}"


def format_temp(value_c: float | None, units: Units | str = "C", *, digits: int = 1, unit: bool = True) -> str:
    """``19.0 °C`` (``unit=False``: ``19.0``); ``MISSING`` when unknown."""
    if value_c is None:
        return MISSING
    text = f"{to_display_c(value_c, units):.{digits}f}"
    return with_unit(text, units) if unit else text


def format_pair(
    actual_c: float | None, setpoint_c: float | None, units: Units | str = "C", *, arrow: str = " → "
) -> str:
    """``19.2 → 19.0 °C``: a reading and its setpoint share one unit (``19.2 °C`` with no setpoint)."""
    if setpoint_c is None:
        return format_temp(actual_c, units)
    return f"{format_temp(actual_c, units, unit=False)}{arrow}{format_temp(setpoint_c, units)}"
