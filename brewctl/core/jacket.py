"""Jacketed tanks: a glycol solenoid or a motorized ball valve on the jacket, an optional heat belt.

Pure and clock-injected, like the rest of ``brewctl.core``; ``FermenterController`` owns one
``JacketLoop`` per glycol or valve fermenter and puts its requests through the guards.

Valve wear is the cost that matters on these rigs (every solenoid opening, every ball-valve
stroke), so the loops spend as few of them as the tracking allows:

- **Solenoid** (``PulseLoop``): one opening is one *pulse* sized to take the beer from
  ``setpoint + ripple`` down to ``setpoint - ripple``, the jacket's lag included. Its length
  comes from a model of the jacket learned from the rig's own response (``JacketModel``):
  a pulse of ``t`` s drops the beer by ``(beer - glycol) x (1 - exp(-k t))``. After every
  pulse the loop watches the beer bottom out (the cold jacket and the thermowell go on after
  the valve closes) and moves ``k`` toward what it saw. No per-size tuning: a 20 L and a
  1,000 L tank learn their own ``k`` within a few pulses.
- **Ball valve** (``ModulatingLoop``): a PI finds the opening that carries the load, and the
  valve only moves when the wanted opening is ``valve_step`` away from where it stands. The
  gains are per unit of the learned jacket pull, so the loop is the same on every size.
- **Heat belt** (``HeatBelt``): a PI on the heater duty, engaged only when the beer has fallen
  below the valve's band (the cellar is colder than the beer: heating is the load); it hands
  back to the valve as soon as the beer is above the band.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "HeatBelt",
    "JacketLoop",
    "JacketModel",
    "JacketRequest",
    "ModulatingLoop",
    "PulseLoop",
    "Trend",
]

_PROBE_STEP_C = 0.0625
"""A DS18B20 step: the beer is rising again once it reads one step above its lowest."""
_WATCH_S = 3600.0
"""After a pulse, give up watching for the lowest point after this long."""
_MAX_PULSE_S = 24 * 3600.0
_K_MIN, _K_MAX = 1e-7, 1e-2
"""Bounds of the learned jacket rate (per second): a week to a minute to pull the beer most of the way."""
_APPROACH_S = 3 * 3600.0
"""The ball valve's integral waits while the beer would reach the setpoint within this at its pace."""
_SETTLED_S = 3600.0
"""The valve closed this long and the beer not rising: the load is on the heating side."""


@dataclass(slots=True)
class JacketModel:
    """How fast the open jacket pulls the beer toward the glycol, learned from the rig.

    ``k_per_s``: a fully open valve held ``t`` s drops the beer (as its probe sees it, once it
    has bottomed out) by ``(beer - glycol_c) x (1 - exp(-k t))``. It starts high (short first
    pulses: the safe side) and moves toward each observation geometrically (weight 0.7,
    at most a factor 10 per pulse).
    """

    glycol_c: float = -2.0
    k_per_s: float = 1.0 / 1800.0
    pulses: int = 0
    """Observations so far."""

    def pulse_s(self, beer_c: float, drop_c: float, *, rise_c_per_s: float = 0.0) -> float:
        """Seconds fully open to drop the beer ``drop_c`` from ``beer_c`` against a load that
        raises it by ``rise_c_per_s`` (its trend with the valve closed)."""
        span = beer_c - self.glycol_c
        if drop_c <= 0.0:
            return 0.0
        t = 0.0
        for _ in range(4):  # the load works on while the valve is open: a few fixed-point rounds
            wanted = drop_c + rise_c_per_s * t
            if span <= wanted:
                return _MAX_PULSE_S
            t = min(_MAX_PULSE_S, -math.log(1.0 - wanted / span) / self.k_per_s)
        return t

    def learn(self, beer_c: float, drop_c: float, open_s: float) -> None:
        """The beer at ``beer_c`` fell ``drop_c`` (trend removed) after ``open_s`` fully open."""
        span = beer_c - self.glycol_c
        if open_s <= 0.0 or drop_c < 0.01 or span <= 0.0 or drop_c >= 0.95 * span:
            return  # nothing to learn from (a drop within the probe's noise, or nonsense)
        seen = min(_K_MAX, max(_K_MIN, -math.log(1.0 - drop_c / span) / open_s))
        if self.pulses == 0:  # the first pulse was held open until the probe moved: trust it
            self.k_per_s = seen
        else:
            seen = min(10.0 * self.k_per_s, max(0.1 * self.k_per_s, seen))
            self.k_per_s = math.exp(0.3 * math.log(self.k_per_s) + 0.7 * math.log(seen))
        self.pulses += 1


class Trend:
    """The beer's slope (degC/s) over the last ``window_s``, from samples at least ``every_s`` apart.

    Long enough that the probe's 0.0625 degC steps do not make it jump; None until half the
    window is seen.
    """

    def __init__(self, window_s: float = 1800.0, every_s: float = 60.0) -> None:
        self.window_s = window_s
        self.every_s = every_s
        self._samples: deque[tuple[float, float]] = deque()

    def update(self, now_s: float, beer_c: float) -> float | None:
        samples = self._samples
        if samples and now_s < samples[-1][0]:
            samples.clear()  # the clock went back: start again
        if not samples or now_s - samples[-1][0] >= self.every_s:
            samples.append((now_s, beer_c))
        while len(samples) > 2 and now_s - samples[1][0] >= self.window_s:
            samples.popleft()
        t0, c0 = samples[0]
        if now_s - t0 < 0.5 * self.window_s:
            return None
        return (beer_c - c0) / (now_s - t0)


@dataclass(slots=True)
class _Pulse:
    open_s: float
    beer_c: float
    rise_c_per_s: float
    plan_s: float
    target_c: float
    close_s: float | None = None
    low_c: float = math.inf
    low_s: float = 0.0


class PulseLoop:
    """A glycol solenoid: pulses sized by the learned jacket model (see the module doc)."""

    def __init__(self, model: JacketModel, ripple_c: float, undershoot_c: float = math.inf) -> None:
        self.model = model
        self.ripple_c = ripple_c
        self.undershoot_c = undershoot_c
        self._pulse: _Pulse | None = None
        self._plan: tuple[float, float, float, float] | None = None
        """(beer, rise, seconds, target) of the pulse asked for."""
        self._low: tuple[float, float] | None = None
        """(when, beer) at the last lowest point: the start of the rise the next pulse corrects."""
        self.pulse_s: float | None = None
        """The planned length of the pulse in progress (for the status), None between pulses."""

    def reset(self) -> None:
        """Forget the pulse in progress (mode off, a probe fault); the model is kept."""
        self._pulse = None
        self._plan = None
        self._low = None

    def watching(self) -> bool:
        """A pulse has ended and its lowest point is not seen yet."""
        return self._pulse is not None and self._pulse.close_s is not None

    def step(self, now_s: float, beer_c: float, sp_c: float, *, valve_on: bool, valve_since_s: float) -> bool:
        """Whether the valve should be open; ``valve_on``/``valve_since_s``: the guarded state."""
        b = self.ripple_c
        pulse = self._pulse
        if valve_on:
            if pulse is None or pulse.close_s is not None:
                beer0, rise, plan, target = self._plan if self._plan is not None else (beer_c, 0.0, 0.0, sp_c)
                pulse = self._pulse = _Pulse(valve_since_s, beer0, rise, plan, target)
                self._plan = None
            open_for = now_s - pulse.open_s
            if self.model.pulses == 0:  # nothing learned yet: open until the probe has moved
                want = beer_c > pulse.beer_c - 0.5 * max(_PROBE_STEP_C, pulse.beer_c - sp_c)
                want = want and open_for < _MAX_PULSE_S
            else:
                want = open_for < pulse.plan_s and beer_c > pulse.target_c  # the probe there already: stop
            self.pulse_s = pulse.plan_s if want else None
            return want
        if pulse is not None:
            if pulse.close_s is None:
                pulse.close_s = now_s
                pulse.low_c, pulse.low_s = beer_c, now_s
            if beer_c < pulse.low_c:
                pulse.low_c, pulse.low_s = beer_c, now_s
            if beer_c >= pulse.low_c + _PROBE_STEP_C - 1e-9 or now_s - pulse.close_s >= _WATCH_S:
                self._learn(pulse)
                self._low = (pulse.low_s, pulse.low_c)
                self._pulse = pulse = None
        self.pulse_s = None
        if pulse is not None or beer_c < sp_c + b:
            self._plan = None
            return False
        rise = 0.0
        if self._low is not None and now_s > self._low[0]:
            rise = max(0.0, (beer_c - self._low[1]) / (now_s - self._low[0]))
        error = beer_c - sp_c
        low = min(b, self.undershoot_c)
        target = sp_c - low if error <= 3.0 * b else sp_c  # from far away aim at the setpoint itself
        self._plan = (beer_c, rise, self.model.pulse_s(beer_c, beer_c - target, rise_c_per_s=rise), target)
        return True

    def _learn(self, pulse: _Pulse) -> None:
        assert pulse.close_s is not None
        open_s = pulse.close_s - pulse.open_s
        drop = pulse.beer_c - pulse.low_c + pulse.rise_c_per_s * (pulse.low_s - pulse.open_s)
        self.model.learn(pulse.beer_c, drop, open_s)


class HeatBelt:
    """PI on a heat belt's duty, holding the beer at the setpoint when the cellar is the colder."""

    def __init__(self, *, kp: float, ki_per_h: float) -> None:
        self.kp = kp
        self.ki_per_h = ki_per_h
        self.engaged = False
        self.integral = 0.0
        self._last_s: float | None = None

    def reset(self) -> None:
        self.engaged = False
        self.integral = 0.0
        self._last_s = None

    def step(
        self, now_s: float, beer_c: float, sp_c: float, *, band_c: float, may_engage: bool, settled: bool
    ) -> float:
        """Heater duty 0..1. Engages below ``sp - band - a probe step``, or a probe step below the
        setpoint once ``settled`` (the valve long closed and the beer not rising: the cellar is
        cooling it); lets go above ``sp + band``."""
        dt = 0.0 if self._last_s is None else min(600.0, max(0.0, now_s - self._last_s))
        self._last_s = now_s
        error = sp_c - beer_c  # > 0: too cold
        if not self.engaged:
            below = error > band_c + _PROBE_STEP_C or (settled and error >= _PROBE_STEP_C - 1e-9)
            if not (may_engage and below):
                return 0.0
            self.engaged = True
            self.integral = 0.0
        if beer_c >= sp_c + band_c:
            self.reset()
            return 0.0
        self.integral = min(1.0, max(0.0, self.integral + self.ki_per_h * error * dt / 3600.0))
        return min(1.0, max(0.0, self.kp * error + self.integral))


class ModulatingLoop:
    """A motorized ball valve: PI on the opening, moved only in steps of ``step``."""

    def __init__(self, model: JacketModel, *, kp: float, ki_per_h: float, step: float, band_c: float) -> None:
        self.model = model
        self.kp = kp
        self.ki_per_h = ki_per_h
        self.step_size = step
        self.band_c = band_c
        self.integral = 0.0
        self.opening = 0.0
        self._last_s: float | None = None
        self._trend = Trend()

    def reset(self) -> None:
        self.integral = 0.0
        self.opening = 0.0
        self._last_s = None
        self._trend = Trend()

    def step(self, now_s: float, beer_c: float, sp_c: float) -> float:
        """The opening to hold (0 closed .. 1 open)."""
        dt = 0.0 if self._last_s is None else min(600.0, max(0.0, now_s - self._last_s))
        self._last_s = now_s
        error = beer_c - sp_c  # > 0: too warm
        slope = self._trend.update(now_s, beer_c)
        # Integrate only near the setpoint and while the beer is not already on its way there
        # (would close the gap within _APPROACH_S at its pace): a pull-down or a crash winds nothing up.
        approaching = slope is not None and error * slope < 0.0 and abs(slope) * _APPROACH_S > abs(error)
        if abs(error) < self.band_c and not approaching:
            self.integral = min(1.0, max(0.0, self.integral + self.ki_per_h * error * dt / 3600.0))
        want = min(1.0, max(0.0, self.kp * error + self.integral))
        if want <= 0.0 or want >= 1.0 or abs(want - self.opening) >= self.step_size:
            self.opening = round(want, 3)
        return self.opening


@dataclass(frozen=True, slots=True)
class JacketRequest:
    heat_duty: float
    valve: float
    """Solenoid: 0 or 1; ball valve: the opening."""
    note: Literal["glycol_pulse", "glycol_settling", "heat_belt"] | None = None
    """What the loop does besides (``brewctl.wording`` words it): ``glycol_settling`` while the
    valve stays closed to see how far the last pulse's cold carries the beer."""
    note_value: float | None = None
    """glycol_pulse: the pulse's planned length (s)."""


class JacketLoop:
    """Beer-only control of a jacketed tank: the valve loop plus the heat belt."""

    def __init__(
        self,
        *,
        modulating: bool,
        has_heat: bool,
        ripple_c: float,
        undershoot_c: float,
        glycol_c: float,
        heat_kp: float,
        heat_ki_per_h: float,
        valve_kp: float,
        valve_ki_per_h: float,
        valve_step: float,
    ) -> None:
        self.model = JacketModel(glycol_c=glycol_c)
        self.modulating = modulating
        self.has_heat = has_heat
        self.ripple_c = ripple_c
        self.pulses = PulseLoop(self.model, ripple_c, undershoot_c)
        self.valve = ModulatingLoop(self.model, kp=valve_kp, ki_per_h=valve_ki_per_h, step=valve_step, band_c=0.5)
        self.heater = HeatBelt(kp=heat_kp, ki_per_h=heat_ki_per_h)
        self.trend = Trend()

    def reset(self) -> None:
        self.trend = Trend()
        self.pulses.reset()
        self.valve.reset()
        self.heater.reset()

    def step(self, now_s: float, beer_c: float, sp_c: float, *, valve_on: bool, valve_since_s: float) -> JacketRequest:
        duty = 0.0
        slope = self.trend.update(now_s, beer_c)
        if self.has_heat:
            idle = not valve_on and (self.modulating or not self.pulses.watching())
            settled = idle and now_s - valve_since_s >= _SETTLED_S and slope is not None and slope <= 0.0
            duty = self.heater.step(now_s, beer_c, sp_c, band_c=self.ripple_c, may_engage=idle, settled=settled)
        if self.heater.engaged:
            self.pulses.reset()
            self.valve.reset()
            return JacketRequest(duty, 0.0, "heat_belt" if duty > 0 else None)
        if self.modulating:
            return JacketRequest(0.0, self.valve.step(now_s, beer_c, sp_c))
        want = self.pulses.step(now_s, beer_c, sp_c, valve_on=valve_on, valve_since_s=valve_since_s)
        pulse_s = self.pulses.pulse_s
        if pulse_s is None and not want and self.pulses.watching():
            return JacketRequest(0.0, 0.0, "glycol_settling")
        return JacketRequest(0.0, 1.0 if want else 0.0, "glycol_pulse" if pulse_s is not None else None, pulse_s)
