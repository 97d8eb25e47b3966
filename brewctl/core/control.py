"""One fermenter's control loop: readings + target in, outputs + explanations + alarms out.

Pure: no asyncio, no I/O, no wall clock. The caller passes monotonic seconds (``now_s``);
``FermenterController.step`` may be called at any pace (the simulator and the daemon use a
5-10 s period). See docs/control.md for the design and the tuning.

Outputs by rig (``ControlResult.outputs`` keys) are the roles of the rig's entry in
``brewctl.rigs.RIGS``: its required roles, plus its optional ones when configured:

- heat-cool: ``heat`` (duty 0..1) and ``cool`` (0 or 1); heat-only: ``heat``; cool-only: ``cool``;
- glycol: ``valve`` (solenoid, 0 or 1), plus ``heat`` if a heater is configured;
- valve: ``valve`` (wanted opening 0..1 of a motorized valve; the driver reaches it, see
  ``brewctl.drivers.timing``), plus ``heat`` if a heater is configured.

A new rig's control code goes here: a plan chosen by its ``RigSpec.control``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from brewctl.config import FermenterConfig, Mode
from brewctl.core.beer import BeerPid
from brewctl.core.chamber import ChamberLoop
from brewctl.core.guards import HeatCool, HeatCoolLimits, SwitchLimits, Verdict, arbitrate
from brewctl.core.jacket import JacketLoop
from brewctl.core.probes import ProbeFilter
from brewctl.core.ramp import SetpointSlope
from brewctl.model import SAFE_OFF_CAUSES, Alarm, Note, OffCause, OutputReason, OutputStatus, PidTerms
from brewctl.rigs import PROBE_ROLES, RIGS, probe_field, probe_lost_code, wired_roles

__all__ = ["PROBE_ROLES", "ControlResult", "FermenterController", "PlannedStep", "Target"]

Severity = Literal["info", "warning", "critical"]
_BEER_GAP_S = 600.0
"""A beer probe back within this keeps the beer PID's state (filter, integral)."""
_JACKET_GAP_S = 120.0
"""A jacketed loop not run for this long (mode off, free rise, a fault) starts afresh."""
_VALVE_OPEN_MIN = 0.02
"""A motorized valve opening below this counts as closed."""


@dataclass(frozen=True, slots=True)
class Target:
    """What the fermenter should do now."""

    mode: Mode
    beer_setpoint_c: float | None = None
    """BEER/PROFILE. None in PROFILE means free rise: no control, all off, no alarm."""
    chamber_setpoint_c: float | None = None
    """CHAMBER."""
    beer_setpoint_slope_c_per_h: float | None = None
    """BEER/PROFILE: the setpoint's slope if the caller knows it (a profile ramp); None = the
    controller measures it from successive setpoints (``brewctl.core.ramp``)."""
    cooling_allowed: bool = True
    """False while a shared glycol chiller holds this fermenter's valve shut (``brewctl.core.chiller``)."""


@dataclass(frozen=True, slots=True)
class ControlResult:
    outputs: Mapping[str, float]
    """Role -> 0..1 for the roles the rig has: 'heat', 'cool', 'valve'."""
    output_status: tuple[OutputStatus, ...]
    pid: PidTerms
    beer_setpoint_c: float | None
    """Effective beer setpoint."""
    chamber_setpoint_c: float | None
    """Effective chamber setpoint (cascade output, or manual)."""
    alarms: tuple[Alarm, ...]
    safe: bool
    """True when a fault forced every output off."""
    cool_wanted: bool = False
    """The control wanted to cool (before the guards and a chiller's answer): a chiller's demand."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """What this step controls (before the guards)."""

    heat_duty: float = 0.0
    want_cool: bool = False
    valve_opening: float = 0.0
    force_off: bool = False
    off_reason: OffCause | None = None
    note: Note | None = None
    note_value: float | None = None
    beer_sp: float | None = None
    chamber_sp: float | None = None


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A step planned but not yet applied: what the control wants (``FermenterController.plan``),
    before the guards and a shared chiller's answer (``FermenterController.apply``)."""

    now_s: float
    plan: _Plan
    alarms: tuple[Alarm, ...]
    chamber_c: float | None
    """The filtered chamber reading (the peak estimator's)."""

    @property
    def cool_wanted(self) -> bool:
        """The control wants to cool now: a chiller's demand for this cycle."""
        return (self.plan.want_cool or self.plan.valve_opening >= _VALVE_OPEN_MIN) and not self.plan.force_off

    @property
    def beer_setpoint_c(self) -> float | None:
        """The effective beer setpoint of this step."""
        return self.plan.beer_sp


class FermenterController:
    """The control loop of one fermenter. Create one per fermenter at daemon start.

    ``step`` runs one tick. A caller that must answer for several fermenters at once (a shared
    chiller) splits it: ``plan`` each (what the control wants now), decide, then ``apply`` each
    with the answer; ``step`` is exactly ``apply(plan(...), cooling_allowed=...)``.
    """

    def __init__(self, cfg: FermenterConfig) -> None:
        self.cfg = cfg
        self.spec = spec = RIGS[cfg.rig]
        wired = wired_roles(cfg)
        self.roles: tuple[str, ...] = tuple(r for r in spec.roles if r in spec.required or r in wired)
        self.has_heat = "heat" in self.roles
        self.has_cool = "cool" in self.roles
        self.has_valve = "valve" in self.roles
        g, t = cfg.guards, cfg.tuning
        cooler_limits = (
            SwitchLimits(g.valve_min_on_s, g.valve_min_off_s)
            if self.has_valve
            else SwitchLimits(g.cool_min_on_s, g.cool_min_off_s)
        )
        both = self.has_heat and (self.has_cool or self.has_valve)
        self.limits = HeatCoolLimits(
            heat=SwitchLimits(g.heat_min_on_s, g.heat_min_off_s),
            cool=cooler_limits,
            dead_time_s=g.heat_cool_dead_time_s if both else 0.0,
        )
        cools = self.has_cool or self.has_valve
        self._filters = {role: ProbeFilter() for role in PROBE_ROLES}
        self._chamber_loop = ChamberLoop(
            has_heat=self.has_heat,
            has_cool=cools,
            hysteresis_c=t.chamber_hysteresis_c,
            heat_hysteresis_c=t.heat_hysteresis_c,
            max_hysteresis_c=t.max_hysteresis_c,
            kp=t.chamber_kp,
            peak_estimation=g.peak_estimation and self.has_cool,
        )
        self._direct_loop = ChamberLoop(
            has_heat=self.has_heat,
            has_cool=cools,
            hysteresis_c=t.direct_hysteresis_c,
            kp=t.chamber_kp,
            peak_estimation=False,
        )
        self._state: HeatCool | None = None
        self._beer_pid: BeerPid | None = None
        self._beer_lost_s: float | None = None
        self._jacket = JacketLoop(
            modulating=spec.control == "valve",
            has_heat=self.has_heat,
            ripple_c=t.glycol_ripple_c,
            undershoot_c=t.glycol_undershoot_c,
            glycol_c=t.glycol_c,
            heat_kp=t.heat_belt_kp,
            heat_ki_per_h=t.heat_belt_ki,
            valve_kp=t.valve_kp,
            valve_ki_per_h=t.valve_ki,
            valve_step=t.valve_step,
        )
        self._jacket_last_s: float | None = None
        self._now_s = 0.0
        self._cooled = False
        self._ripple: tuple[float, float] | None = None
        self._slope = SetpointSlope()
        self._pid_sp: float | None = None
        self._ramp_slope = 0.0
        self._last_chamber_sp: float | None = None
        self._prev_beer_sp: float | None = None
        self._off_since: tuple[float, float] | None = None
        self._off_raised = False
        """beer_off_target stands (until the beer is back within alarm_delta_c, or the plan changes)."""
        self._alarm_cache: dict[tuple[str, str, str | None, tuple[tuple[str, float | str], ...]], Alarm] = {}
        self._status_cache: dict[tuple[str, float, tuple[tuple[str, Any], ...], float | None], OutputStatus] = {}
        self._planned: PlannedStep | None = None
        """The step ``plan`` made and ``apply`` has not yet applied."""

    # --- public -------------------------------------------------------------------------

    @property
    def guard_state(self) -> HeatCool | None:
        """The guards' view of the heating and cooling (or valve) state; None before the first step."""
        return self._state

    def step(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> ControlResult:
        """Run one control tick."""
        return self.apply(self.plan(now_s, readings, target), cooling_allowed=target.cooling_allowed)

    def plan(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> PlannedStep:
        """The first half of a tick: filter the readings and plan (the loops' state advances).

        Follow it with ``apply`` before the next ``plan``; ``target.cooling_allowed`` is not read
        here (``apply`` takes the answer)."""
        if self._planned is not None:
            raise RuntimeError("plan() twice without apply(): the last step was never applied")
        self._now_s = now_s
        if self._state is None:
            self._state = HeatCool.start(now_s)  # restart = everything just switched off
        alarms: list[Alarm] = []
        good: dict[str, float | None] = {}
        for role in PROBE_ROLES:
            check = self._filters[role].check(readings.get(role))
            good[role] = check.value_c
            if check.problem is not None and self._configured(role):
                values: dict[str, float | str] = {"problem": check.problem}
                if check.reading_c is not None:
                    values.update(reading_c=check.reading_c, min_c=self._filters[role].min_c)
                    values["max_c"] = self._filters[role].max_c
                alarms.append(self._alarm("probe_implausible", "warning", role=role, **values))
        setpoints = (target.beer_setpoint_c, target.chamber_setpoint_c)
        if any(sp is not None and not math.isfinite(sp) for sp in setpoints):
            # A caller bug, never a brewer's input: the clamps would turn NaN into chamber_min_c.
            alarms.append(self._alarm("invalid_setpoint", "critical"))
            plan = _Plan(force_off=True, off_reason="invalid_setpoint")
        else:
            plan = self._plan(now_s, good, target, alarms)
        if plan.force_off:
            self._beer_pid = None
            self._jacket_last_s = None
        self._planned = PlannedStep(now_s, plan, tuple(alarms), good["chamber"])
        return self._planned

    def apply(self, planned: PlannedStep, *, cooling_allowed: bool = True) -> ControlResult:
        """The second half of a tick: the guards, with a shared chiller's answer, and the outputs."""
        if planned is not self._planned:
            raise RuntimeError("apply() takes the step of the last plan(), once")
        self._planned = None
        assert self._state is not None
        now_s, plan, alarms = planned.now_s, planned.plan, list(planned.alarms)
        prev = self._state
        want_heat = plan.heat_duty > 0.0
        want_cool = plan.want_cool or plan.valve_opening >= _VALVE_OPEN_MIN
        cool_wanted = planned.cool_wanted
        if want_cool and not cooling_allowed:
            want_cool = False  # the guards still keep a valve open through its minimum open time
            plan = replace(plan, note="chiller_turn")
        state, verdict = arbitrate(prev, want_heat, want_cool, now_s, self.limits, force_off=plan.force_off)
        self._state = state
        self._cooled = self._cooled or state.cool.on
        self._track_ripple(prev, state, plan)
        self._track_peak(now_s, prev, state, planned.chamber_c, forced=plan.force_off)

        outputs: dict[str, float] = {}
        statuses: list[OutputStatus] = []
        if self.has_heat:
            duty = round(plan.heat_duty, 4) if verdict.heat.on else 0.0
            outputs["heat"] = duty
            statuses.append(self._status("heat", duty, verdict.heat, want_heat, plan))
        cool_role = self.spec.cool_role
        if cool_role is not None:
            if not verdict.cool.on:
                value = 0.0
            elif self.spec.control == "valve":
                value = round(max(plan.valve_opening, _VALVE_OPEN_MIN), 4)
            else:
                value = 1.0
            outputs[cool_role] = value
            statuses.append(self._status(cool_role, value, verdict.cool, want_cool, plan))
        pid = self._beer_pid.terms if self._beer_pid is not None else PidTerms()
        safe = plan.force_off and plan.off_reason in SAFE_OFF_CAUSES
        return ControlResult(
            outputs, tuple(statuses), pid, plan.beer_sp, plan.chamber_sp, tuple(alarms), safe, cool_wanted
        )

    # --- planning -----------------------------------------------------------------------

    def _configured(self, role: str) -> bool:
        return getattr(self.cfg, probe_field(role)) is not None

    def _plan(self, now_s: float, good: Mapping[str, float | None], target: Target, alarms: list[Alarm]) -> _Plan:
        cfg = self.cfg
        beer, chamber = good["beer"], good["chamber"]
        beer_cfg, chamber_cfg = cfg.beer_probe is not None, cfg.chamber_probe is not None
        beer_lost = beer_cfg and beer is None
        chamber_lost = chamber_cfg and chamber is None
        if target.mode is Mode.OFF:
            self._off_since = None
            return _Plan(off_reason="mode_off")  # through the guards: a running compressor finishes its min on
        if target.mode is Mode.CHAMBER:
            self._off_since = None
            sp = target.chamber_setpoint_c if target.chamber_setpoint_c is not None else cfg.chamber_setpoint_c
            sp = self._clamp_chamber(sp)
            self._last_chamber_sp = sp
            probe = chamber if chamber_cfg else beer
            if probe is None:
                alarms.append(self._lost_alarm("chamber" if chamber_cfg else "beer"))
                alarms.append(self._alarm("all_probes_lost", "critical", cause="no_usable_probe"))
                return _Plan(force_off=True, off_reason="probe_lost", chamber_sp=sp)
            loop = self._chamber_loop if chamber_cfg else self._direct_loop
            return self._chamber_plan(loop, probe, sp, chamber_sp=sp)

        # BEER or PROFILE
        sp_beer = target.beer_setpoint_c
        if sp_beer is None:
            if target.mode is Mode.PROFILE:
                self._off_since = None
                return _Plan(off_reason="free_rise")
            sp_beer = cfg.beer_setpoint_c
        if beer_lost:
            alarms.append(self._lost_alarm("beer"))
        if chamber_lost:
            alarms.append(self._lost_alarm("chamber"))
        self._off_target(now_s, beer, sp_beer, alarms)
        slope = self._slope.update(now_s, sp_beer)
        if target.beer_setpoint_slope_c_per_h is not None and math.isfinite(target.beer_setpoint_slope_c_per_h):
            slope = target.beer_setpoint_slope_c_per_h

        if self.spec.control != "cascade":  # glycol / motorized valve: the beer probe alone
            if beer is None:
                alarms.append(self._alarm("all_probes_lost", "critical", cause="beer_probe_lost"))
                return _Plan(force_off=True, off_reason="beer_probe_lost", beer_sp=sp_beer)
            return self._jacket_plan(now_s, beer, sp_beer)

        if beer is not None and chamber is not None:
            if self._beer_lost_s is not None and now_s - self._beer_lost_s > _BEER_GAP_S:
                self._beer_pid = None  # a long gap: start afresh (bumpless from the chamber hold)
            self._beer_lost_s = None
            return self._cascade_plan(now_s, beer, chamber, sp_beer, slope)
        if beer is None and chamber is not None and self._beer_pid is not None:
            # A glitch (one CRC error, an 85.0 jump) must not reset the PID: hold the chamber
            # and keep the PID's state for when the beer comes back soon.
            self._beer_lost_s = now_s if self._beer_lost_s is None else self._beer_lost_s
        else:
            self._beer_pid = None
        if beer is not None:  # no chamber probe (or lost): control the beer directly
            return self._chamber_plan(self._direct_loop, beer, sp_beer, beer_sp=sp_beer)
        if chamber is not None:  # no beer probe (or lost): hold the chamber
            hold = self._last_chamber_sp if (beer_lost and self._last_chamber_sp is not None) else sp_beer
            hold = self._clamp_chamber(hold)
            self._last_chamber_sp = hold
            note: Literal["holding_chamber"] | None = "holding_chamber" if beer_lost else None
            return self._chamber_plan(self._chamber_loop, chamber, hold, beer_sp=sp_beer, chamber_sp=hold, note=note)
        alarms.append(self._alarm("all_probes_lost", "critical", cause="every_probe_lost"))
        return _Plan(force_off=True, off_reason="every_probe_lost", beer_sp=sp_beer)

    def _clamp_chamber(self, sp: float) -> float:
        return min(self.cfg.chamber_max_c, max(self.cfg.chamber_min_c, sp))

    def _offset_limits(self, sp_beer: float) -> tuple[float, float]:
        span = self.cfg.tuning.span_c
        lo = max(-span, self.cfg.chamber_min_c - sp_beer)
        hi = min(span, self.cfg.chamber_max_c - sp_beer)
        if lo > hi:  # the chamber limits win over the span
            lo = hi = lo if self.cfg.chamber_min_c - sp_beer > span else hi
        return lo, hi

    def _cascade_plan(self, now_s: float, beer: float, chamber: float, sp_beer: float, slope_c_per_h: float) -> _Plan:
        """Beer PID plus ramp feed-forward -> chamber setpoint -> chamber loop.

        On a ramp the chamber leads the beer setpoint by ``ramp_lead_h`` x the slope (the beer
        follows its chamber with that time constant), and the PID compares the smoothed beer
        with the setpoint as it was one filter time constant ago (the smoothing lags a ramp).
        """
        t = self.cfg.tuning
        if self._ramp_slope != 0.0 and slope_c_per_h == 0.0:  # a ramp ended: a hold's band starts narrow
            self._chamber_loop.band_c = self._chamber_loop.hysteresis_c
        self._ramp_slope = slope_c_per_h
        lo, hi = self._offset_limits(sp_beer)
        ff = min(hi, max(lo, t.ramp_lead_h * slope_c_per_h))
        pid_sp = sp_beer - slope_c_per_h * t.beer_filter_s / 3600.0
        self._pid_sp = pid_sp
        if self._beer_pid is None:
            start = 0.0
            if self._last_chamber_sp is not None:  # bumpless from a chamber hold
                start = self._last_chamber_sp - sp_beer - ff
            self._beer_pid = BeerPid(t, now_s, starting_offset_c=min(hi - ff, max(lo - ff, start)))
        pid_lo, pid_hi = lo - ff, hi - ff
        pid = self._beer_pid.update(now_s, beer, pid_sp, pid_lo, pid_hi)
        sp_chamber = self._clamp_chamber(sp_beer + ff + pid)
        self._last_chamber_sp = sp_chamber
        at_limit = pid <= pid_lo + 1e-9 and pid_lo < 0.0  # the beer wants the chamber colder than allowed
        full = at_limit and self._beer_pid.terms.p <= pid_lo  # saturated by the error, not by I
        smoothed = self._beer_pid.filtered_c
        warm = smoothed is not None and smoothed > pid_sp + t.integrator_band_c
        return self._chamber_plan(
            self._chamber_loop,
            chamber,
            sp_chamber,
            beer_sp=sp_beer,
            chamber_sp=sp_chamber,
            full_cooling=full,
            at_limit=at_limit,
            heat_allowed=not warm,
        )

    def _chamber_plan(
        self,
        loop: ChamberLoop,
        temp_c: float,
        sp_c: float,
        *,
        beer_sp: float | None = None,
        chamber_sp: float | None = None,
        note: Literal["holding_chamber"] | None = None,
        full_cooling: bool = False,
        at_limit: bool = False,
        heat_allowed: bool = True,
    ) -> _Plan:
        assert self._state is not None
        st = self._state
        req = loop.request(
            temp_c,
            sp_c,
            heating=st.heat.on,
            cooling=st.cool.on,
            cool_on_s=st.cool.elapsed(self._now_s),
            cool_off_s=self._cool_off_s(),
            full_cooling=full_cooling,
            at_limit=at_limit,
            heat_allowed=heat_allowed,
        )
        return _Plan(
            heat_duty=req.heat_duty,
            want_cool=req.want_cool,
            note="peak_stop" if req.peak_drop_c is not None else note,
            note_value=req.peak_drop_c,
            beer_sp=beer_sp,
            chamber_sp=chamber_sp,
        )

    def _cool_off_s(self) -> float:
        """Seconds since cooling stopped; infinite if it never ran since the start."""
        st = self._state
        if st is None or st.cool.on or not self._cooled:
            return float("inf")
        return st.cool.elapsed(self._now_s)

    def _jacket_plan(self, now_s: float, beer: float, sp_beer: float) -> _Plan:
        """Glycol solenoid or motorized valve plus heat belt: ``brewctl.core.jacket``."""
        st = self._state
        assert st is not None
        if self._jacket_last_s is None or now_s - self._jacket_last_s > _JACKET_GAP_S:
            self._jacket.reset()  # back from off, a free rise or a fault: start afresh (the model stays)
        self._jacket_last_s = now_s
        req = self._jacket.step(now_s, beer, sp_beer, valve_on=st.cool.on, valve_since_s=st.cool.changed_s)
        if self.spec.control == "valve":
            opening = req.valve if req.valve >= _VALVE_OPEN_MIN else 0.0
            return _Plan(
                heat_duty=req.heat_duty,
                valve_opening=opening,
                beer_sp=sp_beer,
                note=req.note,
                note_value=req.note_value,
            )
        return _Plan(
            heat_duty=req.heat_duty,
            want_cool=req.valve > 0.0,
            beer_sp=sp_beer,
            note=req.note,
            note_value=req.note_value,
        )

    # --- bookkeeping ----------------------------------------------------------------------

    def _track_peak(
        self, now_s: float, prev: HeatCool, state: HeatCool, chamber: float | None, *, forced: bool
    ) -> None:
        peak = self._chamber_loop.peak
        if prev.cool.on and not state.cool.on:
            if forced or chamber is None:
                peak.cancel()
            else:
                peak.stopped(now_s, chamber, now_s - prev.cool.changed_s)
        elif not state.cool.on:
            peak.observe(now_s, chamber, state.heat.on)

    def _track_ripple(self, prev: HeatCool, state: HeatCool, plan: _Plan) -> None:
        """Beer ripple (half the swing of the smoothed beer) over each cooling cycle, start to
        start, adapts the chamber cooling band."""
        pid = self._beer_pid
        beer = pid.filtered_c if pid is not None and self._beer_lost_s is None else None
        if beer is None or self._pid_sp is None or plan.beer_sp is None or plan.chamber_sp is None:
            self._ripple = None
            return
        err = beer - self._pid_sp  # the error, not the beer: a ramp's drift is not ripple
        if state.cool.on and not prev.cool.on:
            if self._ripple is not None:
                lo, hi = min(self._ripple[0], err), max(self._ripple[1], err)
                far = max(abs(lo), abs(hi)) > self.cfg.tuning.integrator_band_c
                if not far:  # a pull-down or a ramp start is not ripple
                    self._chamber_loop.adapt((hi - lo) / 2.0, self.cfg.tuning.ripple_c)
            self._ripple = (err, err)
        elif self._ripple is not None:
            self._ripple = (min(self._ripple[0], err), max(self._ripple[1], err))

    def _off_target(self, now_s: float, beer: float | None, sp: float, alarms: list[Alarm]) -> None:
        """Raise beer_off_target when the beer stays too far off and does not come closer.

        Once raised it stands until the beer is back within ``alarm_delta_c``: a beer still
        5 degC off that creeps closer must not clear and re-raise it (one notice, not four).
        """
        cfg = self.cfg
        if beer is None:
            return
        err = abs(beer - sp)
        if err < cfg.alarm_delta_c:
            self._off_since, self._off_raised = None, False
            return
        raised = self._off_raised and self._off_since is not None  # reset with _off_since by a mode change
        if not raised and (self._off_since is None or err < self._off_since[1] - 0.5):  # closing in: restart
            self._off_since = (now_s, err)
            return
        assert self._off_since is not None
        if raised or now_s - self._off_since[0] >= cfg.alarm_after_s:
            self._off_raised = True
            alarms.append(
                self._alarm(
                    "beer_off_target",
                    "warning",
                    role="beer",
                    beer_c=round(beer, 1),
                    error_c=round(err, 1),
                    setpoint_c=round(sp, 1),
                )
            )

    def _lost_alarm(self, role: str) -> Alarm:
        return self._alarm(probe_lost_code(role), "warning", role=role)

    def _alarm(self, code: str, severity: Severity, *, role: str | None = None, **values: float | str) -> Alarm:
        """An alarm as codes and values (``brewctl.wording`` words its message)."""
        key = (code, severity, role, tuple(sorted(values.items())))
        alarm = self._alarm_cache.get(key)
        if alarm is None:
            if len(self._alarm_cache) > 256:
                self._alarm_cache.clear()
            alarm = Alarm(code=code, severity=severity, role=role, values=values)
            self._alarm_cache[key] = alarm
        return alarm

    def _status(self, role: str, value: float, v: Verdict, wanted: bool, plan: _Plan) -> OutputStatus:
        """What the output does and why, as codes (``brewctl.wording.output_reason`` words them)."""
        blocked: float | None = None
        why: dict[str, Any]
        if plan.force_off:
            why = {"code": "off", "off": plan.off_reason}
        elif v.on and value > 0:
            duty = value if role == "heat" or self.spec.control == "valve" else None
            why = {"code": "on", "duty": duty}
            if v.reason == "min on":
                why = {"code": "min_on", "left_s": v.blocked_s or 0.0}
                blocked = v.blocked_s
        elif v.on:
            why = {"code": "min_on", "left_s": v.blocked_s or 0.0}
            blocked = v.blocked_s
        elif plan.off_reason is not None:
            why = {"code": "off", "off": plan.off_reason}
        elif wanted and v.blocked_s is not None:
            why = {"code": "blocked", "guard": v.reason}
            if v.blocked_s != float("inf"):
                why["left_s"] = v.blocked_s
                blocked = round(v.blocked_s, 1)
        else:
            why = {"code": "idle"}
        if plan.note is not None and role != "heat":
            why.update(note=plan.note, note_value=plan.note_value)
        key = (role, value, tuple(why.items()), blocked)
        status = self._status_cache.get(key)
        if status is None:
            if len(self._status_cache) > 1024:
                self._status_cache.clear()
            reason = OutputReason(**why)
            status = OutputStatus(role=role, value=value, active=value > 0, blocked_s=blocked, why=reason)
            self._status_cache[key] = status
        return status
