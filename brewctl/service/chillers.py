"""The daemon's side of the shared glycol chillers: demands in, permissions and status out.

One ``ChillerRuntime`` per ``[chillers.NAME]``. Each control cycle, once every fermenter has
planned its step, the daemon asks it which of their valves may open (``decide``: the pure
coordinator of ``brewctl.core.chiller`` on this cycle's demands and the reservoir probe), hands
the answer to each fermenter's ``apply``, and lets it drive the chiller output if one is
configured (``output_command``).
"""

from __future__ import annotations

from collections.abc import Mapping

from brewctl.config import ChillerConfig, FermenterConfig
from brewctl.core.chiller import (
    ChillerDecision,
    ChillerState,
    ValveDemand,
    chiller_thermostat,
    coordinate,
)
from brewctl.core.control import PlannedStep
from brewctl.core.guards import HeatCool
from brewctl.model import Alarm, ChillerStatus

__all__ = ["ChillerRuntime", "valve_demand"]


def valve_demand(
    fid: str, cfg: FermenterConfig, guard: HeatCool | None, planned: PlannedStep, beer_c: float | None
) -> ValveDemand:
    """A fermenter's valve as the coordinator sees it: its guards' state (as the last step left
    them) and what its control wants in this cycle's step (``planned``, not yet applied)."""
    sp = planned.beer_setpoint_c
    return ValveDemand(
        fermenter=fid,
        wants=planned.cool_wanted,
        open=guard.cool.on if guard is not None else False,
        since_s=guard.cool.changed_s if guard is not None else 0.0,
        min_on_s=cfg.guards.valve_min_on_s,
        min_off_s=cfg.guards.valve_min_off_s,
        error_c=beer_c - sp if beer_c is not None and sp is not None else None,
    )


class ChillerRuntime:
    """One chiller's coordinator state, output state and last decision."""

    def __init__(self, cid: str, cfg: ChillerConfig, members: tuple[str, ...], now_s: float) -> None:
        self.cid = cid
        self.cfg = cfg
        self.members = members
        self.state = ChillerState()
        self.decision: ChillerDecision | None = None
        self.reservoir_c: float | None = None
        self.output_on = False
        self.output_since_s = now_s  # a restart counts as "just switched off"
        self.open_valves: tuple[str, ...] = ()

    def decide(self, now_s: float, reservoir_c: float | None, demands: list[ValveDemand]) -> Mapping[str, bool]:
        """Which member valves may be open this cycle."""
        self.reservoir_c = reservoir_c
        self.decision = coordinate(self.cfg, self.state, now_s, reservoir_c, demands, name=self.cid)
        self.state = self.decision.state
        self.open_valves = tuple(d.fermenter for d in demands if d.open)
        return self.decision.allowed

    def output_command(self, now_s: float) -> bool:
        """The chiller output's level for now (thermostat on the reservoir, min on/off kept)."""
        on = chiller_thermostat(self.cfg, self.output_on, self.output_since_s, now_s, self.reservoir_c)
        if on != self.output_on:
            self.output_on, self.output_since_s = on, now_s
        return on

    @property
    def alarms(self) -> tuple[Alarm, ...]:
        return self.decision.alarms if self.decision is not None else ()

    def status(self) -> ChillerStatus:
        return ChillerStatus(
            id=self.cid,
            name=self.cfg.name,
            reservoir_c=self.reservoir_c,
            setpoint_c=self.cfg.setpoint_c,
            high_c=self.cfg.high_c,
            running=self.output_on if self.cfg.output is not None else None,
            budget=self.state.budget,
            open_valves=self.open_valves,
            waiting=self.decision.waiting if self.decision is not None else (),
            alarms=self.alarms,
        )
