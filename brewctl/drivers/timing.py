"""Pure timing helpers for outputs: software time-proportioning and motorized-valve motion.

No clock, no I/O: every function takes the time or the elapsed time. ``OutputBank`` (in
``outputs.py``) calls these with its injected clock; the tests call them directly.

Time-proportioning turns a duty 0..1 into on/off over a period in *seconds* (an SSR on a
heater switches at mains zero crossings; gpiozero's PWM is in Hz and far too fast for that).

A motorized ball valve has an "open" relay and a "close" relay and no position feedback. Its
opening is estimated by integrating drive time over the full travel time. The estimate lives in
a *virtual* range that extends ``OVERDRIVE`` of a travel past each end stop: asking for fully
closed (or open) keeps driving that much past where the estimate says the end is, so the
valve's own end switch stops it and any drift is wiped out. Past an end stop the valve itself
sits *at* the end, so driving back moves it from there at once (``driven_from``): the estimate
never carries the overdrive into the next movement. A valve whose position is unknown
(start-up) is assumed fully open, so closing it drives closed for the whole travel plus the
overdrive: that is the re-homing. (The control core may grow its own valve model in
``brewctl/core/``; this one is the driver's.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

__all__ = [
    "OVERDRIVE",
    "ValveEstimate",
    "advance_valve",
    "clamp_unit",
    "driven_from",
    "time_proportion",
    "time_to_next_edge",
    "valve_direction",
    "valve_time_to_goal",
]

OVERDRIVE = 0.1
"""Fraction of the travel driven past an end stop when asked for fully closed or open."""

Direction = Literal[-1, 0, 1]


def clamp_unit(value: float) -> float:
    """``value`` clamped to 0..1; NaN counts as 0 (off is the safe reading of nonsense)."""
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def time_proportion(duty: float, period_s: float, t_s: float) -> bool:
    """Whether a time-proportioned output is on at ``t_s``: on for the first ``duty`` of each period."""
    duty = clamp_unit(duty)
    if duty <= 0.0:
        return False
    if duty >= 1.0:
        return True
    return math.fmod(t_s, period_s) % period_s < duty * period_s


def time_to_next_edge(duty: float, period_s: float, t_s: float) -> float | None:
    """Seconds from ``t_s`` until ``time_proportion`` changes, or None if it never does."""
    duty = clamp_unit(duty)
    if duty <= 0.0 or duty >= 1.0:
        return None
    phase = math.fmod(t_s, period_s) % period_s
    on_s = duty * period_s
    return on_s - phase if phase < on_s else period_s - phase


@dataclass(frozen=True)
class ValveEstimate:
    """Where a motorized valve is believed to be and which way it is being driven."""

    position: float = 1.0 + OVERDRIVE
    """Virtual opening in ``-OVERDRIVE .. 1 + OVERDRIVE``; the default (unknown) is 'fully open'."""
    direction: Direction = 0
    """-1 closing, 0 stopped, +1 opening."""

    @property
    def opening(self) -> float:
        """Estimated opening, 0 (closed) .. 1 (open)."""
        return min(1.0, max(0.0, self.position))


def driven_from(estimate: ValveEstimate) -> float:
    """Where a movement in ``estimate.direction`` starts: an estimate past an end stop is at that
    end (the end switch stopped the valve there), so driving back starts from the end."""
    if estimate.direction > 0:
        return max(0.0, estimate.position)
    if estimate.direction < 0:
        return min(1.0, estimate.position)
    return estimate.position


def advance_valve(estimate: ValveEstimate, dt_s: float, travel_s: float) -> ValveEstimate:
    """The estimate after driving in ``estimate.direction`` for ``dt_s`` seconds."""
    if estimate.direction == 0 or dt_s <= 0.0:
        return estimate
    moved = driven_from(estimate) + estimate.direction * dt_s / travel_s
    return replace(estimate, position=min(1.0 + OVERDRIVE, max(-OVERDRIVE, moved)))


def _goal(target: float, deadband: float) -> float:
    """Virtual position to drive to: past the end stop for targets at (or within deadband of) an end."""
    target = clamp_unit(target)
    if target <= deadband:
        return -OVERDRIVE
    if target >= 1.0 - deadband:
        return 1.0 + OVERDRIVE
    return target


def valve_direction(estimate: ValveEstimate, target: float | None, deadband: float = 0.02) -> Direction:
    """Which way to drive now. ``None`` target = hold (both relays off).

    A stopped valve starts only if it is more than ``deadband`` off its goal; a moving one keeps
    going until it reaches the goal; a valve moving away from its goal stops first (the reverse
    starts on the next step, never with both relays on).
    """
    if target is None:
        return 0
    goal = _goal(target, deadband)
    if estimate.direction != 0:
        error = goal - driven_from(estimate)
        return estimate.direction if error * estimate.direction > 1e-9 else 0
    # A stopped valve past an end stop is at the end: an opening inside 0..1 is reached from there.
    error = goal - (clamp_unit(estimate.position) if 0.0 <= goal <= 1.0 else estimate.position)
    if abs(error) <= deadband:
        return 0
    return 1 if error > 0 else -1


def valve_time_to_goal(estimate: ValveEstimate, target: float | None, travel_s: float, deadband: float = 0.02) -> float:
    """Seconds of driving in ``estimate.direction`` until the goal is reached (inf if stopped)."""
    if estimate.direction == 0 or target is None:
        return math.inf
    return max(0.0, (_goal(target, deadband) - driven_from(estimate)) * estimate.direction * travel_s)
