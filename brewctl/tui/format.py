"""Pure text helpers for the TUI: how a fermenter's status reads to a brewer.

Nothing here touches Textual or the clock: ``now_s`` is passed in. Temperatures arrive in
degC and are shown in the display units (``"C"`` or ``"F"``).
"""

from __future__ import annotations

import time

from brewctl.display import MISSING, PAUSED, WAITING, Units, format_pair, format_temp, from_display_c, to_display_c
from brewctl.display import format_gravity as display_gravity
from brewctl.model import FermenterStatus, GravityStatus, OutputStatus, ProfileStatus
from brewctl.rigs import can_heat_cool
from brewctl.units import format_duration
from brewctl.wording import output_reason

__all__ = [
    "Units",
    "format_clock",
    "format_gravity",
    "format_output",
    "format_profile",
    "format_temp",
    "format_temperatures",
    "from_display_c",
    "to_display_c",
]

NONE = MISSING


def format_temperatures(f: FermenterStatus, units: Units = "C") -> str:
    """``Beer 19.0 → 19.0 °C  Chamber 17.8 → 17.5 °C  Room 21.0 °C`` (one unit per pair, to fit)."""
    parts = [f"Beer {format_pair(f.beer_c, f.beer_setpoint_c, units)}"]
    if f.chamber_c is not None or f.chamber_setpoint_c is not None:
        parts.append(f"Chamber {format_pair(f.chamber_c, f.chamber_setpoint_c, units)}")
    if f.room_c is not None:
        parts.append(f"Room {format_temp(f.room_c, units)}")
    return "  ".join(parts)


def format_output(o: OutputStatus, f: FermenterStatus | None = None) -> str:
    """``Heat 40%: heating``, ``Cool off: compressor resting, 2:40``, ``Valve off: no heater: cannot warm``.

    With the fermenter ``f``, an idle output says why (the beer on target, or out of reach).
    """
    state = f"{o.value:.0%}" if o.active or o.value > 0 else "off"
    text = f"{o.role.capitalize()} {state}"
    error: float | None = None
    can_heat = can_cool = True
    if f is not None:
        if f.beer_c is not None and f.beer_setpoint_c is not None:
            error = f.beer_c - f.beer_setpoint_c
        can_heat, can_cool = can_heat_cool({out.role for out in f.outputs})
    reason = output_reason(o, brief=True, beer_error_c=error, can_heat=can_heat, can_cool=can_cool)
    return f"{text}: {reason}" if reason else text


def format_clock(at_s: float, now_s: float) -> str:
    """A local wall-clock time: ``14:05`` today, ``Sat 14:05`` within 6 days, else the day, ``28 Nov``.

    The minutes of a day a week away mean nothing to a brewer (and at 80 columns they pushed the
    profile line of a card onto two lines).
    """
    at = time.localtime(at_s)
    now = time.localtime(now_s)
    if at.tm_yday == now.tm_yday and at.tm_year == now.tm_year:
        return time.strftime("%H:%M", at)
    if 0 <= at_s - now_s < 6 * 86400:
        return time.strftime("%a %H:%M", at)
    return time.strftime("%d %b", at)


def format_profile(p: ProfileStatus, now_s: float) -> str:
    """``Clean ale: step 2/5 Diacetyl rest, 1d 2h left, ETA Sat 14:05 (4d 2h)``."""
    text = f"{p.name}: step {p.step_index + 1}/{p.step_count}"
    if p.step_name:
        text += f" {p.step_name}"
    if p.finished:
        return f"{p.name}: finished"
    if p.waiting_for_brewer:
        text += f", {WAITING} (press o to confirm)"
    elif p.step_remaining_s is not None:
        text += f", {format_duration(p.step_remaining_s)} left"
    else:
        text += ", until gravity"
    if p.eta_s is not None:
        text += f", ETA {format_clock(now_s + p.eta_s, now_s)} ({format_duration(p.eta_s)})"
    if p.paused:
        text += f" {PAUSED}"
    return text


def format_gravity(g: GravityStatus, *, plato: bool = False) -> str:
    """``1.012 SG (5m ago, red)``."""
    value = display_gravity(g.sg, "plato" if plato else "sg", sg_unit=True)
    age = format_duration(g.age_s) if g.age_s >= 1 else "now"
    source = f", {g.source}" if g.source else ""
    return f"{value} ({age} ago{source})" if age != "now" else f"{value} (now{source})"
