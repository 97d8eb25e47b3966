"""A jacketed conical cooled by glycol: the plant for the glycol and motorized-valve rigs.

The beer exchanges heat with the room through the (uninsulated) stainless wall and with the
glycol through the jacket when the valve is open (a solenoid: 0 or 1; a motorized valve: the
opening scales the flow). An optional heat wrap adds ``heater_w`` at duty 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from brewctl.sim.plant import RoomAndBatchParams, quantize

__all__ = ["GlycolJacket", "GlycolJacketParams"]


@dataclass(frozen=True, slots=True)
class GlycolJacketParams(RoomAndBatchParams):
    beer_c_j_per_k: float = 220_000.0
    """50 L of beer plus the stainless cone."""
    beer_room_w_per_k: float = 3.0
    jacket_w_per_k: float = 40.0
    """Beer to glycol through the jacket, valve fully open."""
    glycol_c: float = -2.0
    heater_w: float = 50.0
    ferment_total_j: float = 5.0e6
    """About 2 MJ per 20 L, scaled to 50 L."""


class GlycolJacket:
    """A glycol-jacketed conical with a beer probe (and a room probe)."""

    def __init__(self, params: GlycolJacketParams | None = None) -> None:
        p = params or GlycolJacketParams()
        self.params = p
        self.t_s = 0.0
        self.beer_c = p.beer_start_c
        self.beer_probe_c = self.beer_c

    @property
    def heater_w(self) -> float:
        return self.params.heater_w

    @property
    def room_c(self) -> float:
        return self.params.room_c(self.t_s)

    def read(self) -> Mapping[str, float | None]:
        q = self.params.probe_step_c
        return {"beer": quantize(self.beer_probe_c, q), "chamber": None, "room": quantize(self.room_c, q)}

    def step(self, dt: float, outputs: Mapping[str, float]) -> None:
        if dt <= 0:
            return
        p = self.params
        opening = min(1.0, max(0.0, float(outputs.get("valve", 0.0))))
        heat = min(1.0, max(0.0, float(outputs.get("heat", 0.0)))) * p.heater_w
        n = max(1, math.ceil(dt / p.max_substep_s))
        h = dt / n
        for _ in range(n):
            q_ferm = p.fermentation_w(self.t_s)
            q = (
                q_ferm
                + heat
                + p.beer_room_w_per_k * (self.room_c - self.beer_c)
                + opening * p.jacket_w_per_k * (p.glycol_c - self.beer_c)
            )
            self.beer_c += h * q / p.beer_c_j_per_k
            self.beer_probe_c += (self.beer_c - self.beer_probe_c) * min(1.0, h / p.beer_probe_lag_s)
            self.t_s += h
