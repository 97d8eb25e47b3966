"""A motorized ball valve as the driver moves it, for the simulator (and its wear metric).

``DrivenValve`` runs the driver's own motion rules (``brewctl.drivers.timing``: dead band,
overdrive past the end stops, stop at the goal) with the driver's event timing: inside a
control period it stops exactly when the goal is reached and rests ``rest_s`` before it moves
again, as ``OutputBank`` does. ``advance(target, dt)`` returns the pieces of the period with the
valve's mean opening over each, for the plant, and adds the travel to ``strokes`` (full-stroke
equivalents of the real opening, 0..1: driving against an end stop moves nothing).
"""

from __future__ import annotations

import math
from dataclasses import replace

from brewctl.drivers.timing import (
    OVERDRIVE,
    ValveEstimate,
    advance_valve,
    driven_from,
    valve_direction,
    valve_time_to_goal,
)

__all__ = ["DrivenValve", "mean_opening"]


def mean_opening(start: float, end: float) -> float:
    """Mean of the real opening (virtual position clamped to 0..1) along a straight move."""
    if end == start:
        return min(1.0, max(0.0, start))
    lo, hi = min(start, end), max(start, end)
    # Integral of clamp(x, 0, 1) over [lo, hi].
    a, b = max(lo, 0.0), min(hi, 1.0)
    inside = 0.5 * (b * b - a * a) if b > a else 0.0
    above = max(0.0, hi - max(lo, 1.0))
    return (inside + above) / (hi - lo)


class DrivenValve:
    """A motorized valve driven like ``OutputBank`` drives it; starts closed (homed)."""

    def __init__(self, travel_s: float, *, deadband: float = 0.02, rest_s: float = 0.5) -> None:
        if travel_s <= 0:
            raise ValueError("travel_s must be positive")
        self.travel_s = travel_s
        self.deadband = deadband
        self.rest_s = rest_s
        self.estimate = ValveEstimate(position=-OVERDRIVE)
        self.strokes = 0.0
        """Full-stroke equivalents of real travel so far."""
        self._since_stop_s = math.inf

    @property
    def opening(self) -> float:
        return self.estimate.opening

    def _direction(self, target: float | None) -> int:
        est = self.estimate
        direction = valve_direction(est, target, self.deadband)
        if est.direction != 0 and direction == 0:
            self._since_stop_s = 0.0
        elif est.direction == 0 and direction != 0 and self._since_stop_s < self.rest_s:
            direction = 0
        return direction

    def advance(self, target: float | None, dt_s: float) -> list[tuple[float, float]]:
        """Drive toward ``target`` for ``dt_s``; ``[(seconds, mean opening), ...]`` covering ``dt_s``."""
        pieces: list[tuple[float, float]] = []
        t = 0.0
        while t < dt_s - 1e-9:
            direction = self._direction(target)
            est = replace(self.estimate, direction=direction)  # type: ignore[arg-type]
            left = dt_s - t
            if direction == 0:
                step = left
                if self._since_stop_s < self.rest_s and valve_direction(est, target, self.deadband) != 0:
                    step = min(left, self.rest_s - self._since_stop_s)
            else:
                step = min(left, max(1e-6, valve_time_to_goal(est, target, self.travel_s, self.deadband)))
            moved = advance_valve(est, step, self.travel_s)
            self.strokes += abs(moved.opening - est.opening)
            pieces.append((step, mean_opening(driven_from(est), moved.position)))
            self.estimate = moved
            if direction == 0:
                self._since_stop_s += step
            t += step
        return pieces
