"""The beer setpoint's slope, seen from successive targets (for ramp feed-forward).

A profile ramp moves the beer setpoint a little on every tick; the controller needs its slope
to lead the chamber (the beer lags its chamber by hours). ``SetpointSlope`` measures it over
windows of ``window_s`` and reports a slope only when the last two windows agree in sign
(the smaller of the two): a manual setpoint change is a step, seen in one window only, and
never mistaken for a ramp. A ramp is seen one to two windows after it starts; its end within
one window. A jump larger than ``step_c`` between two calls restarts the measurement.
"""

from __future__ import annotations

import math

__all__ = ["SetpointSlope"]


class SetpointSlope:
    """Slope of a setpoint in degC per hour; feed ``update`` every tick."""

    __slots__ = ("_anchor", "_last", "_window_slope", "slope_c_per_h", "step_c", "window_s")

    def __init__(self, *, window_s: float = 600.0, step_c: float = 0.25) -> None:
        self.window_s = window_s
        self.step_c = step_c
        self._anchor: tuple[float, float] | None = None
        self._last: float | None = None
        self._window_slope = 0.0
        self.slope_c_per_h = 0.0

    def reset(self) -> None:
        self._anchor = None
        self._last = None
        self._window_slope = 0.0
        self.slope_c_per_h = 0.0

    def update(self, now_s: float, setpoint_c: float) -> float:
        """Record the setpoint in force at ``now_s``; return the slope (degC/h)."""
        if not math.isfinite(setpoint_c) or not math.isfinite(now_s):
            self.reset()
            return 0.0
        if self._last is not None and abs(setpoint_c - self._last) > self.step_c:
            self.reset()
        self._last = setpoint_c
        if self._anchor is None or now_s < self._anchor[0]:
            self._anchor = (now_s, setpoint_c)
            return self.slope_c_per_h
        t0, sp0 = self._anchor
        if now_s - t0 >= self.window_s:
            slope = (setpoint_c - sp0) / (now_s - t0) * 3600.0
            prev = self._window_slope
            self.slope_c_per_h = min(slope, prev, key=abs) if slope * prev > 0 else 0.0
            self._window_slope = slope
            self._anchor = (now_s, setpoint_c)
        return self.slope_c_per_h
