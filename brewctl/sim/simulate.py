"""Run the real control core against a plant in accelerated time.

``simulate(profile, plant, *, days)`` steps a ``FermenterController`` (or any object with the
same ``step``) every ``period_s`` of simulated time, applies its outputs to the plant and
returns the trace and the metrics (``SimResult``). Deterministic: same inputs, same result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from brewctl.config import FermenterConfig, Mode
from brewctl.core.control import ControlResult, FermenterController, PlannedStep, Target
from brewctl.core.probes import ProbeFilter
from brewctl.rigs import OUTPUT_ROLES, PROBE_ROLES, RIGS, Rig, probe_field
from brewctl.sim.chest_freezer import ChestFreezer
from brewctl.sim.glycol import GlycolJacket
from brewctl.sim.plant import Plant
from brewctl.sim.valve import DrivenValve

__all__ = [
    "BIG_STEP_C",
    "EXCLUDE_AFTER_STEP_S",
    "EXCLUDE_START_S",
    "Controller",
    "FermenterRun",
    "SetpointFn",
    "SimResult",
    "SimTrace",
    "default_config",
    "plant_for",
    "simulate",
]

SetpointFn = Callable[[float], float | None]
"""elapsed seconds -> beer setpoint (degC), None for free rise."""

EXCLUDE_START_S = 18 * 3600.0
"""Tracking metrics ignore the first 18 h (pull-down to the first setpoint)."""
EXCLUDE_AFTER_STEP_S = 36 * 3600.0
"""... and the 36 h after each setpoint step of more than ``BIG_STEP_C``."""
BIG_STEP_C = 5.0


class Controller(Protocol):
    def step(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> ControlResult: ...


def default_config(rig: Rig = Rig.HEAT_COOL) -> FermenterConfig:
    """A fermenter wired the way the built-in plants are (probe and output names = roles)."""
    rs = RIGS[rig]
    probes: dict[str, Any] = {probe_field(r): r for r in PROBE_ROLES if r != "chamber" or rs.has_chamber}
    # The jacketed plant has a heat belt: wire the optional heater too.
    roles = rs.required + (rs.optional if rs.plant == "glycol-jacket" else ())
    parts = {OUTPUT_ROLES[r].field: r for r in roles}
    return FermenterConfig(name=f"simulated {rig.value}", rig=rig, mode=Mode.PROFILE, **probes, **parts)


def plant_for(rig: Rig) -> Plant:
    """The built-in plant for a rig (its ``RigSpec.plant``): a chest freezer, or a glycol-jacketed conical."""
    if RIGS[rig].plant == "glycol-jacket":
        return GlycolJacket()
    return ChestFreezer()


@dataclass
class SimTrace:
    """Samples every ``trace_every_s``; columns of equal length. A probe reading the controller
    may not trust (NaN, out of range, an 85.0 degC jump) is None, as a missing one."""

    t_s: list[float] = field(default_factory=list)
    beer_c: list[float | None] = field(default_factory=list)
    chamber_c: list[float | None] = field(default_factory=list)
    room_c: list[float | None] = field(default_factory=list)
    beer_setpoint_c: list[float | None] = field(default_factory=list)
    chamber_setpoint_c: list[float | None] = field(default_factory=list)
    outputs: dict[str, list[float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "t_s": self.t_s,
            "beer_c": self.beer_c,
            "chamber_c": self.chamber_c,
            "room_c": self.room_c,
            "beer_setpoint_c": self.beer_setpoint_c,
            "chamber_setpoint_c": self.chamber_setpoint_c,
            "outputs": self.outputs,
        }


@dataclass
class SimResult:
    trace: SimTrace
    metrics: dict[str, float | int | None]
    """JSON-serialisable; see docs/simulation.md for each key."""


def _as_setpoint_fn(profile: object, plant: Plant) -> SetpointFn:
    from brewctl.core.profile import Profile

    if isinstance(profile, Profile):
        from brewctl.sim.profile_adapter import profile_setpoints

        return profile_setpoints(profile, beer_c=plant.read().get("beer"))
    if callable(profile):
        fn: SetpointFn = profile
        return fn
    raise TypeError(f"cannot simulate a {type(profile).__name__}: pass a Profile or a callable elapsed_s -> setpoint")


def simulate(
    profile: object,
    plant: Plant | None = None,
    *,
    days: float,
    config: FermenterConfig | None = None,
    controller: Controller | None = None,
    period_s: float = 10.0,
    trace_every_s: float = 300.0,
    valve_travel_s: float = 30.0,
) -> SimResult:
    """Simulate ``days`` of fermentation following ``profile``.

    ``profile``: a callable ``elapsed_s -> beer setpoint degC | None`` (see
    ``brewctl.sim.inline``) or a ``brewctl.profiles.Profile``. ``plant`` defaults to the
    built-in plant for the config's rig; ``config`` to ``default_config()``; ``controller``
    to ``FermenterController(config)`` (pass a ``Thermostat`` for the yardstick).
    On a motorized-valve rig the plant sees the valve where the driver moves it (``DrivenValve``:
    ``valve_travel_s`` for a full stroke, the driver's dead band), not the wanted opening.
    """
    if days <= 0 or period_s <= 0:
        raise ValueError("days and period_s must be positive")
    run = FermenterRun(
        profile,
        plant,
        config=config,
        controller=controller,
        period_s=period_s,
        trace_every_s=trace_every_s,
        valve_travel_s=valve_travel_s,
    )
    for k in range(round(days * 86400.0 / period_s)):
        run.step(k * period_s)
    return run.result()


class FermenterRun:
    """One fermenter stepped by the simulator: control, plant, and the metrics as it goes.

    ``simulate`` runs one; ``brewctl.sim.brewery`` runs one per fermenter of a config, each
    step told by a shared chiller whether its valve may open (``cooling_allowed``).
    """

    def __init__(
        self,
        profile: object,
        plant: Plant | None = None,
        *,
        config: FermenterConfig | None = None,
        controller: Controller | None = None,
        period_s: float = 10.0,
        trace_every_s: float = 300.0,
        valve_travel_s: float = 30.0,
        mode: Mode = Mode.PROFILE,
    ) -> None:
        cfg = config or default_config()
        self.cfg = cfg
        self.plant = plant if plant is not None else plant_for(cfg.rig)
        self.ctrl: Controller = controller if controller is not None else FermenterController(cfg)
        self.setpoint_at = _as_setpoint_fn(profile, self.plant)
        self.period_s = period_s
        self.mode = mode
        self.heater_w = getattr(self.plant, "heater_w", None)
        rs = RIGS[cfg.rig]
        self.cool_role = rs.cool_role or "cool"
        g = cfg.guards
        self.min_off_s, self.min_on_s = (
            (g.valve_min_off_s, g.valve_min_on_s) if self.cool_role == "valve" else (g.cool_min_off_s, g.cool_min_on_s)
        )
        has_heat = cfg.heater is not None or "heat" in rs.required
        has_cool = rs.cool_role is not None
        self.dead_s = g.heat_cool_dead_time_s if has_heat and has_cool else 0.0
        self.driven = DrivenValve(valve_travel_s) if rs.control == "valve" else None
        self.trace = SimTrace()
        self.trace_every = max(1, round(trace_every_s / period_s))
        self.n_steps = 0
        self.sq_sum, self.n_err, self.max_abs = 0.0, 0, 0.0
        self.exclude_until = EXCLUDE_START_S
        self.prev_sp: float | None = None
        self.crash_sp: float | None = None
        self.crash_min: float | None = None
        self.fall_from: float | None = None
        self.lowest_below_sp_c = 0.0
        """Deepest the beer went below its setpoint (outside no window: the whole run)."""
        self.beer_probe, self.chamber_probe, self.room_probe = ProbeFilter(), ProbeFilter(), ProbeFilter()
        self.starts = self.violations = self.on_violations = self.dead_violations = self.together = 0
        self.cool_s = self.heat_duty_s = 0.0
        self.cooling = self.heating = False
        self.cool_stopped_s = self.cool_started_s = 0.0  # a restart counts as "just switched off"
        self.heat_until_s = 0.0  # end of the last step the heater was on; the start counts as a stop
        self.cooling_since_s = 0.0
        self.last: ControlResult | None = None
        self.last_setpoint_c: float | None = None
        self._planned: tuple[float, Mapping[str, float | None], float | None, PlannedStep] | None = None

    def step(self, now: float, *, cooling_allowed: bool = True) -> ControlResult:
        """Control at ``now``, then the plant for one period with those outputs held."""
        readings, sp = self._read(now)
        result = self.ctrl.step(now, readings, Target(self.mode, sp, cooling_allowed=cooling_allowed))
        return self._advance(now, readings, sp, result)

    def plan(self, now: float) -> PlannedStep:
        """The first half of ``step`` (the controller's ``plan``), for a shared chiller to answer
        this step's demand; ``apply`` completes it. Needs a ``FermenterController``."""
        if not isinstance(self.ctrl, FermenterController):
            raise TypeError("plan() needs the built-in FermenterController")
        readings, sp = self._read(now)
        planned = self.ctrl.plan(now, readings, Target(self.mode, sp))
        self._planned = (now, readings, sp, planned)
        return planned

    def apply(self, *, cooling_allowed: bool = True) -> ControlResult:
        """The second half of ``step``: the guards with the chiller's answer, then the plant."""
        if self._planned is None or not isinstance(self.ctrl, FermenterController):
            raise RuntimeError("apply() without plan()")
        now, readings, sp, planned = self._planned
        self._planned = None
        return self._advance(now, readings, sp, self.ctrl.apply(planned, cooling_allowed=cooling_allowed))

    def _read(self, now: float) -> tuple[Mapping[str, float | None], float | None]:
        readings = self.plant.read()
        sp = self.setpoint_at(now)
        self.last_setpoint_c = sp
        return readings, sp

    def _advance(
        self, now: float, readings: Mapping[str, float | None], sp: float | None, result: ControlResult
    ) -> ControlResult:
        """The plant for one period with the step's outputs held, and the metrics."""
        period_s = self.period_s
        plant, driven, cool_role = self.plant, self.driven, self.cool_role
        k = self.n_steps
        self.n_steps += 1
        self.last = result
        outputs = result.outputs
        if driven is None:
            plant.step(period_s, outputs)
        else:
            for piece_s, opening in driven.advance(outputs.get("valve", 0.0), period_s):
                plant.step(piece_s, {**outputs, "valve": opening})

        beer = self.beer_probe.check(readings.get("beer")).value_c  # a plant may model probe faults
        prev_sp = self.prev_sp
        if sp is not None and prev_sp is not None:
            if abs(sp - prev_sp) > BIG_STEP_C:
                self.exclude_until = max(self.exclude_until, now + EXCLUDE_AFTER_STEP_S)
            if sp < prev_sp:  # a crash: the setpoint falls more than BIG_STEP_C, by a step or a ramp
                self.fall_from = prev_sp if self.fall_from is None else self.fall_from
                if self.fall_from - sp > BIG_STEP_C:
                    self.crash_sp, self.crash_min = sp, None
            elif sp > prev_sp:
                self.fall_from = None
        if self.crash_sp is not None and sp == self.crash_sp and beer is not None:
            self.crash_min = beer if self.crash_min is None else min(self.crash_min, beer)
        if sp is not None and beer is not None:
            self.lowest_below_sp_c = max(self.lowest_below_sp_c, sp - beer)
        if now >= self.exclude_until and sp is not None and beer is not None:
            err = beer - sp
            self.sq_sum += err * err
            self.n_err += 1
            self.max_abs = max(self.max_abs, abs(err))
        self.prev_sp = sp if sp is not None else prev_sp

        cool = outputs.get(cool_role, 0.0) > 0.0
        heat = outputs.get("heat", 0.0)
        if cool and not self.cooling:
            self.starts += 1
            self.cool_started_s = now
            if now - self.cool_stopped_s < self.min_off_s - 1e-9:
                self.violations += 1
            if now - self.heat_until_s < self.dead_s - 1e-9:
                self.dead_violations += 1
        elif self.cooling and not cool:
            self.cool_stopped_s = now
            if now - self.cool_started_s < self.min_on_s - 1e-9:
                self.on_violations += 1
        if (
            heat > 0.0
            and not self.heating
            and not cool
            and not self.cooling
            and now - self.cool_stopped_s < self.dead_s - 1e-9
        ):
            self.dead_violations += 1
        if cool != self.cooling:
            self.cooling_since_s = now
        self.cooling, self.heating = cool, heat > 0.0
        if cool:
            self.cool_s += period_s
        if heat > 0.0:
            self.heat_until_s = now + period_s
            self.heat_duty_s += heat * period_s
            if cool:
                self.together += 1

        if k % self.trace_every == 0:
            trace = self.trace
            trace.t_s.append(now)
            trace.beer_c.append(beer)
            trace.chamber_c.append(self.chamber_probe.check(readings.get("chamber")).value_c)
            trace.room_c.append(self.room_probe.check(readings.get("room")).value_c)
            trace.beer_setpoint_c.append(sp)
            trace.chamber_setpoint_c.append(result.chamber_setpoint_c)
            for role, value in outputs.items():
                trace.outputs.setdefault(role, []).append(value)
        return result

    def result(self) -> SimResult:
        """The trace and the metrics so far."""
        sim_days = max(self.n_steps * self.period_s / 86400.0, 1e-9)
        valve_rig = self.cool_role == "valve"
        n_err, crash_sp, crash_min, heater_w = self.n_err, self.crash_sp, self.crash_min, self.heater_w
        starts, driven = self.starts, self.driven
        metrics: dict[str, float | int | None] = {
            "days": round(sim_days, 4),
            "rms_c": round(math.sqrt(self.sq_sum / n_err), 4) if n_err else None,
            "max_abs_c": round(self.max_abs, 4) if n_err else None,
            "crash_undershoot_c": (
                round(max(0.0, crash_sp - crash_min), 4) if crash_sp is not None and crash_min is not None else None
            ),
            "compressor_starts_per_day": round(starts / sim_days, 3),
            "compressor_starts": starts,
            "min_off_violations": self.violations,
            "min_on_violations": self.on_violations,
            "dead_time_violations": self.dead_violations,
            "heat_and_cool_together": self.together,
            "cool_hours": round(self.cool_s / 3600.0, 3),
            "heat_hours": round(self.heat_duty_s / 3600.0, 3),
            "heat_kwh": round(self.heat_duty_s * heater_w / 3.6e6, 4) if isinstance(heater_w, int | float) else None,
            "valve_openings_per_day": round(starts / sim_days, 3) if valve_rig else None,
            "valve_strokes_per_day": round(driven.strokes / sim_days, 3) if driven is not None else None,
        }
        return SimResult(self.trace, metrics)
