"""How temperatures and profile states read, for the CLI, the TUI and the daemon's one-liners (pure).

One formatter so that ``brewctl status``, the TUI and ``systemctl status`` show a value the same
way: degC or degF to one decimal, a dash for a missing probe, ``[PAUSED]`` for a paused profile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from brewctl.units import c_to_f, sg_to_plato

if TYPE_CHECKING:
    from brewctl.model import ChillerStatus

__all__ = [
    "MISSING",
    "PAUSED",
    "WAITING",
    "Units",
    "chiller_line",
    "format_gravity",
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


def chiller_line(c: ChillerStatus, units: str = "C") -> str:
    """One line per shared glycol chiller (``brewctl status``, the TUI):
    ``chiller main: reservoir -1.9 → -2.0 °C, valves open: fv2, waiting: fv3``."""

    def temp(value_c: float | None) -> str:
        if value_c is None:
            return "--"
        return f"{to_display_c(value_c, units):.1f}"

    text = f"chiller {c.id}: reservoir {temp(c.reservoir_c)} → {with_unit(temp(c.setpoint_c), units)}"
    if c.running is not None:
        text += ", running" if c.running else ", idle"
    text += f", valves open: {', '.join(c.open_valves) or 'none'}"
    if c.budget is not None:
        text += f" (at most {c.budget} at once)"
    if c.waiting:
        text += f", waiting: {', '.join(c.waiting)}"
    return text


def format_gravity(sg: float | None, units: str = "sg", *, sg_unit: bool = False) -> str:
    """``1.012`` (``sg_unit=True``: ``1.012 SG``) or, in ``plato`` units, ``3.1 °P``; ``MISSING`` when unknown."""
    if sg is None:
        return MISSING
    if units == "plato":
        return f"{sg_to_plato(sg):.1f} °P"
    return f"{sg:.3f} SG" if sg_unit else f"{sg:.3f}"
