"""Output guards: small pure state machines that protect the compressor and the heater.

Everything here is a frozen value plus a function returning a new value; time is the
caller's monotonic ``now_s``. Guards never switch anything *on* early; they may hold a
switch on (minimum on time) unless the caller forces it off (a probe fault: safety wins
over compressor wear; switching off by choice goes through the guards).

- ``Switch`` + ``guard_switch``: minimum on / minimum off time for one on/off output.
- ``HeatCool`` + ``arbitrate``: a heater and a cooler sharing one chamber: their own minimum
  on/off times, never both at once, and a dead time between one stopping and the other starting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = [
    "HeatCool",
    "HeatCoolLimits",
    "HeatCoolVerdict",
    "Switch",
    "SwitchLimits",
    "Verdict",
    "arbitrate",
    "guard_switch",
]


@dataclass(frozen=True, slots=True)
class SwitchLimits:
    min_on_s: float = 0.0
    min_off_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Switch:
    """An on/off output and when it last changed (monotonic seconds)."""

    on: bool = False
    changed_s: float = 0.0

    def elapsed(self, now_s: float) -> float:
        """Seconds in the current state (0 if the clock went backwards)."""
        return max(0.0, now_s - self.changed_s)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a guard allows: the state, and why it differs from the request (if it does)."""

    on: bool
    blocked_s: float | None = None
    """Seconds until the guard releases the request, or None if not blocked."""
    reason: str = ""
    """'min on' / 'min off' / 'dead time' / 'other output on' when blocked."""


def guard_switch(
    sw: Switch, want_on: bool, now_s: float, limits: SwitchLimits, *, force_off: bool = False
) -> tuple[Switch, Verdict]:
    """Apply minimum on/off times to a request; returns the new switch and the verdict."""
    elapsed = sw.elapsed(now_s)
    if force_off:
        want_on = False
        if sw.on:
            return Switch(False, now_s), Verdict(False)
        return sw, Verdict(False)
    if want_on == sw.on:
        return sw, Verdict(sw.on)
    if sw.on:  # wants off
        left = limits.min_on_s - elapsed
        if left > 0:
            return sw, Verdict(True, left, "min on")
        return Switch(False, now_s), Verdict(False)
    left = limits.min_off_s - elapsed
    if left > 0:
        return sw, Verdict(False, left, "min off")
    return Switch(True, now_s), Verdict(True)


@dataclass(frozen=True, slots=True)
class HeatCoolLimits:
    heat: SwitchLimits
    cool: SwitchLimits
    dead_time_s: float = 0.0
    """Both outputs idle at least this long between heating and cooling (either way)."""


@dataclass(frozen=True, slots=True)
class HeatCool:
    """Heating state and cooling state of one chamber.

    ``HeatCool.start(now_s)`` is the state at (re)start: both just switched off, so every
    minimum off time and the dead time apply from the start.
    """

    heat: Switch
    cool: Switch

    @classmethod
    def start(cls, now_s: float) -> HeatCool:
        return cls(Switch(False, now_s), Switch(False, now_s))


@dataclass(frozen=True, slots=True)
class HeatCoolVerdict:
    heat: Verdict
    cool: Verdict


def _dead_time_left(other: Switch, now_s: float, dead_time_s: float) -> float:
    """Seconds left before this output may start, given the other output's state."""
    if other.on:
        return float("inf")
    return dead_time_s - other.elapsed(now_s)


def arbitrate(
    state: HeatCool,
    want_heat: bool,
    want_cool: bool,
    now_s: float,
    limits: HeatCoolLimits,
    *,
    force_off: bool = False,
) -> tuple[HeatCool, HeatCoolVerdict]:
    """Guard a heating request and a cooling request together.

    Rules: never both on; each output's own minimum on/off time; an output may only start
    once the other has been off for ``dead_time_s``. If both are requested, the one already
    on keeps priority (the other is blocked). ``force_off`` switches both off at once.
    """
    if force_off:
        heat, hv = guard_switch(state.heat, False, now_s, limits.heat, force_off=True)
        cool, cv = guard_switch(state.cool, False, now_s, limits.cool, force_off=True)
        return HeatCool(heat, cool), HeatCoolVerdict(hv, cv)
    if want_heat and want_cool:
        # Prefer whatever already runs; otherwise cooling (a chamber over temperature is the
        # usual hazard: fermentation heat).
        if state.heat.on:
            want_cool = False
        else:
            want_heat = False
    heat_block = _start_block(state.heat, state.cool, want_heat, now_s, limits.dead_time_s)
    cool_block = _start_block(state.cool, state.heat, want_cool, now_s, limits.dead_time_s)
    # Turn-offs first, so a turn-on in the same step sees the other output's new state.
    heat, hv = guard_switch(state.heat, want_heat and heat_block is None, now_s, limits.heat)
    cool, cv = guard_switch(state.cool, want_cool and cool_block is None, now_s, limits.cool)
    if heat_block is not None and not hv.on:
        hv = replace(hv, blocked_s=max(heat_block[0], hv.blocked_s or 0.0), reason=heat_block[1])
    if cool_block is not None and not cv.on:
        cv = replace(cv, blocked_s=max(cool_block[0], cv.blocked_s or 0.0), reason=cool_block[1])
    if heat.on and cool.on:  # cannot happen (dead time, other on); defend anyway
        raise AssertionError("heat and cool both on")
    return HeatCool(heat, cool), HeatCoolVerdict(hv, cv)


def _start_block(me: Switch, other: Switch, want: bool, now_s: float, dead_time_s: float) -> tuple[float, str] | None:
    """Why ``me`` may not start now because of ``other`` (seconds left, reason), or None."""
    if not want or me.on:
        return None
    if other.on:
        return float("inf"), "other output on"
    left = _dead_time_left(other, now_s, dead_time_s)
    if left > 0:
        return left, "dead time"
    return None
