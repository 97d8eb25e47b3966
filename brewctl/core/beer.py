"""The outer (beer) loop of the cascade: a simple-pid PID whose output is the chamber offset.

``chamber setpoint = beer setpoint + PID(beer)``, clamped to ``beer setpoint +- span`` and to
the chamber limits. Details that matter in a fermenter:

- the clock is injected (``time_fn`` returns the caller's ``now_s``); the PID runs every
  ``pid_period_s`` on a smoothed beer reading (the probe's 0.0625 degC steps would otherwise
  make the derivative jump);
- derivative on measurement (a setpoint step does not kick the chamber);
- anti-windup: the integral only runs while the beer is within ``integrator_band_c`` of the
  setpoint, and it never leaves the output limits (simple-pid clamps it there);
- gains are in brewers' units: ``ki`` per hour, ``kd`` times the beer slope in degC/h.
"""

from __future__ import annotations

import math

from simple_pid import PID

from brewctl.config import TuningConfig
from brewctl.model import PidTerms

__all__ = ["BeerPid"]


class BeerPid:
    """Beer PID: call ``update`` every control tick; it recomputes every ``pid_period_s``."""

    def __init__(self, tuning: TuningConfig, now_s: float, *, starting_offset_c: float = 0.0) -> None:
        self.tuning = tuning
        self._now = now_s
        self._pid = PID(
            Kp=tuning.kp,
            Ki=tuning.ki / 3600.0,
            Kd=-tuning.kd * 3600.0,
            sample_time=None,
            output_limits=(-tuning.span_c, tuning.span_c),
            differential_on_measurement=True,
            time_fn=self._time,
            starting_output=starting_offset_c,
        )
        self._filtered: float | None = None
        self._last_filter_s = now_s
        self._last_pid_s: float | None = None
        self.offset_c = starting_offset_c
        self.terms = PidTerms(i=starting_offset_c)

    def _time(self) -> float:
        return self._now

    @property
    def filtered_c(self) -> float | None:
        """The smoothed beer reading the PID works on."""
        return self._filtered

    def update(self, now_s: float, beer_c: float, setpoint_c: float, lo_c: float, hi_c: float) -> float:
        """Return the chamber offset (degC, within ``lo_c..hi_c``) for this beer reading."""
        t = self.tuning
        dt = max(0.0, now_s - self._last_filter_s)
        self._last_filter_s = now_s
        if self._filtered is None or t.beer_filter_s <= 0:
            self._filtered = beer_c
        else:
            self._filtered += (beer_c - self._filtered) * (1.0 - math.exp(-dt / t.beer_filter_s))
        self._now = now_s
        hi_c = max(lo_c, hi_c)
        self._pid.output_limits = (lo_c, hi_c)
        due = self._last_pid_s is None or now_s - self._last_pid_s >= t.pid_period_s
        if due:
            pid_dt = t.pid_period_s if self._last_pid_s is None else now_s - self._last_pid_s
            pid_dt = min(max(pid_dt, 1e-3), 5.0 * t.pid_period_s)  # a clock jump must not dump into I
            self._last_pid_s = now_s
            self._pid.setpoint = setpoint_c
            self._pid.Ki = t.ki / 3600.0 if abs(setpoint_c - self._filtered) < t.integrator_band_c else 0.0
            out = self._pid(self._filtered, dt=pid_dt)
            if out is not None:
                self.offset_c = float(out)
            p, i, d = self._pid.components
            self.terms = PidTerms(p=float(p), i=float(i), d=float(d))
        self.offset_c = min(hi_c, max(lo_c, self.offset_c))
        return self.offset_c
