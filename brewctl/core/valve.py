"""Motorized ball valve: which relay to energise, and where the valve probably is.

A motorized valve has an *open* relay and a *close* relay and no position feedback. The
driver calls ``drive_valve`` every tick with the estimated position, the wanted opening and
the elapsed time; it energises the relay returned and keeps the new estimate. When the target
is fully closed (or open) the valve is driven a little past the end (``overdrive``) so the
estimate re-synchronises with the real end stop; at (re)start assume the position is unknown
and drive it closed: ``ValveMotion(position=1.0)`` with target 0 does that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Relay", "ValveMotion", "drive_valve"]


class Relay(StrEnum):
    NONE = "none"
    OPEN = "open"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class ValveMotion:
    position: float
    """Estimated opening 0..1 (0 closed)."""
    relay: Relay = Relay.NONE
    """The relay to energise until the next call."""
    overdrive_s: float = 0.0
    """Seconds already spent pushing against an end stop."""


def drive_valve(
    position: float,
    target: float,
    travel_s: float,
    dt_s: float,
    *,
    deadband: float = 0.02,
    overdrive_s: float = 0.0,
    overdrive_limit_s: float | None = None,
) -> ValveMotion:
    """Pick the relay for the next ``dt_s`` and predict the position at its end.

    ``position`` and ``target`` are clamped to 0..1. Within ``deadband`` of a target inside
    the travel no relay is energised (no hunting). For a target at an end stop the valve is
    driven there and then pushed on for ``overdrive_limit_s`` (default 10 % of the travel
    time) so the estimate matches the real end; pass back ``overdrive_s`` from the last result.
    """
    if travel_s <= 0:
        raise ValueError("travel_s must be positive")
    pos = min(1.0, max(0.0, position))
    tgt = min(1.0, max(0.0, target))
    dt = max(0.0, dt_s)
    limit = 0.1 * travel_s if overdrive_limit_s is None else overdrive_limit_s
    step = dt / travel_s
    if tgt in (0.0, 1.0) and pos == tgt:
        if overdrive_s < limit:
            relay = Relay.CLOSE if tgt == 0.0 else Relay.OPEN
            return ValveMotion(tgt, relay, overdrive_s + dt)
        return ValveMotion(tgt, Relay.NONE, overdrive_s)
    if tgt not in (0.0, 1.0) and abs(tgt - pos) <= deadband:
        return ValveMotion(pos, Relay.NONE)
    if tgt > pos:
        return ValveMotion(min(tgt, pos + step), Relay.OPEN)
    return ValveMotion(max(tgt, pos - step), Relay.CLOSE)
