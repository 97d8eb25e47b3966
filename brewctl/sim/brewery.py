"""Simulate a whole brewery: every fermenter of a config, with its rig and its chiller.

``simulate_brewery(config, days=...)`` steps one ``FermenterRun`` per fermenter (the real
control core against the built-in plant for its rig, or one you pass) and one ``ChillerPlant``
per ``[chillers.NAME]``. Every period the chiller coordinator of the core
(``brewctl.core.chiller.coordinate``) decides, from each fermenter's demand and the reservoir
probe, which valves may open; the jackets draw from the reservoir at its temperature, and
the reservoir warms when the draw exceeds the chiller's capacity.

Each fermenter runs what the config says (mode, setpoint) unless ``setpoints`` gives it a
profile or a setpoint function (``brewctl sim --config FILE --profile FV=PROFILE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from brewctl.config import Config, Mode, OutputKind
from brewctl.core.chiller import ChillerState, ValveDemand, chiller_thermostat, coordinate
from brewctl.core.control import PlannedStep
from brewctl.sim.chiller import ChillerParams, ChillerPlant
from brewctl.sim.plant import Plant
from brewctl.sim.simulate import FermenterRun, SimResult, plant_for

__all__ = ["BreweryResult", "simulate_brewery"]


@dataclass
class BreweryResult:
    fermenters: dict[str, SimResult]
    """Per fermenter: the metrics of ``brewctl sim`` (plus ``min_below_setpoint_c``)."""
    chillers: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    """Per chiller: ``reservoir_max_c``, ``overload_hours``, ``alarm_hours``, ``held_valve_hours``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "fermenters": {fid: r.metrics for fid, r in self.fermenters.items()},
            "chillers": self.chillers,
        }


def _schedule(config: Config, fid: str, setpoints: Mapping[str, object]) -> tuple[object, Mode]:
    f = config.fermenters[fid]
    if fid in setpoints:
        return setpoints[fid], Mode.PROFILE
    if f.mode is Mode.OFF:
        return (lambda _t: None), Mode.OFF
    if f.mode is Mode.CHAMBER:
        return (lambda _t: None), Mode.CHAMBER
    sp = f.beer_setpoint_c  # beer mode (and profile mode without a profile: its setpoint)
    return (lambda _t: sp), Mode.BEER


def simulate_brewery(
    config: Config,
    *,
    days: float,
    setpoints: Mapping[str, object] | None = None,
    plants: Mapping[str, Plant] | None = None,
    chiller_plants: Mapping[str, ChillerPlant] | None = None,
    period_s: float = 10.0,
    coordinated: bool = True,
) -> BreweryResult:
    """Simulate every fermenter and chiller of ``config`` for ``days`` (see the module doc).

    ``coordinated=False`` lets every valve open whenever its own control wants (the yardstick)."""
    if days <= 0 or period_s <= 0:
        raise ValueError("days and period_s must be positive")
    setpoints = setpoints or {}
    plants = plants or {}
    unknown = sorted(set(setpoints) - set(config.fermenters))
    if unknown:
        raise ValueError(f"no fermenter named {unknown[0]!r}; have {', '.join(config.fermenters)}")
    runs: dict[str, FermenterRun] = {}
    for fid, f in config.fermenters.items():
        schedule, mode = _schedule(config, fid, setpoints)
        valve = config.outputs.get(f.valve or "")
        travel_s = valve.travel_s if valve is not None and valve.kind is OutputKind.MOTORIZED_VALVE else 30.0
        plant = plants.get(fid) or plant_for(f.rig)
        runs[fid] = FermenterRun(schedule, plant, config=f, period_s=period_s, valve_travel_s=travel_s, mode=mode)
    chillers = {
        cid: (chiller_plants or {}).get(cid) or ChillerPlant(ChillerParams.from_config(c))
        for cid, c in config.chillers.items()
    }
    states = {cid: ChillerState() for cid in config.chillers}
    members = {cid: [fid for fid, f in config.fermenters.items() if f.chiller == cid] for cid in config.chillers}
    output_on = dict.fromkeys(config.chillers, False)
    output_since = dict.fromkeys(config.chillers, 0.0)
    alarm_s = dict.fromkeys(config.chillers, 0.0)
    held_s = dict.fromkeys(config.chillers, 0.0)

    for k in range(round(days * 86400.0 / period_s)):
        now = k * period_s
        # As the daemon's control cycle: every fermenter plans, the chillers answer this step's
        # demands, then every fermenter applies its plan with the answer.
        planned = {fid: run.plan(now) for fid, run in runs.items()}
        allowed: dict[str, bool] = {}
        for cid, chiller in chillers.items():
            reservoir = chiller.read()["reservoir"]
            demands = [_demand(fid, runs[fid], planned[fid]) for fid in members[cid]]
            decision = coordinate(config.chillers[cid], states[cid], now, reservoir, demands, name=cid)
            states[cid] = decision.state
            if coordinated:
                allowed.update(decision.allowed)
            held_s[cid] += period_s * len(decision.waiting) if coordinated else 0.0
            if any(a.code == "chiller_overloaded" for a in decision.alarms):
                alarm_s[cid] += period_s
        loads = dict.fromkeys(chillers, 0.0)
        for fid, run in runs.items():
            feeds = config.fermenters[fid].chiller
            if feeds is not None and hasattr(run.plant, "glycol_c"):
                run.plant.glycol_c = chillers[feeds].reservoir_c
            before = float(getattr(run.plant, "glycol_load_j", 0.0))
            run.apply(cooling_allowed=allowed.get(fid, True))
            if feeds is not None:
                loads[feeds] += float(getattr(run.plant, "glycol_load_j", 0.0)) - before
        for cid, chiller in chillers.items():
            on: bool | None = None
            if config.chillers[cid].output is not None:
                want = chiller_thermostat(
                    config.chillers[cid], output_on[cid], output_since[cid], now, chiller.read()["reservoir"]
                )
                if want != output_on[cid]:
                    output_on[cid], output_since[cid] = want, now
                on = want
            chiller.step(period_s, loads[cid] / period_s, on=on)

    results = {}
    for fid, run in runs.items():
        res = run.result()
        res.metrics["min_below_setpoint_c"] = round(run.lowest_below_sp_c, 4)
        results[fid] = res
    chiller_metrics: dict[str, dict[str, float | int | None]] = {
        cid: {
            "reservoir_max_c": round(c.reservoir_max_c, 3),
            "overload_hours": round(c.overload_s / 3600.0, 3),
            "alarm_hours": round(alarm_s[cid] / 3600.0, 3),
            "held_valve_hours": round(held_s[cid] / 3600.0, 3),
        }
        for cid, c in chillers.items()
    }
    return BreweryResult(results, chiller_metrics)


def _demand(fid: str, run: FermenterRun, planned: PlannedStep) -> ValveDemand:
    """What the coordinator needs from one fermenter: its valve as it is, and this step's plan."""
    beer = run.plant.read().get("beer")
    sp = run.last_setpoint_c
    return ValveDemand(
        fermenter=fid,
        wants=planned.cool_wanted,
        open=run.cooling,
        since_s=run.cooling_since_s,
        min_on_s=run.min_on_s,
        min_off_s=run.min_off_s,
        error_c=beer - sp if beer is not None and sp is not None else None,
    )
