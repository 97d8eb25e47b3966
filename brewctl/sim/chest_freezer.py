"""A credible chest-freezer fermenter: the built-in plant of ``brewctl sim``.

Four temperatures (lumped heat capacities) and a room::

    room (daily swing) --UA_room-- chamber (air + liner) --UA_beer-- beer (20 L + fermentation heat)
                                       |  ^ heater
                                    UA_evap
                                       |
                                  evaporator  <- compressor pulls cooler_w while on

The evaporator has its own heat capacity: when the compressor stops it is far below the
chamber and keeps cooling it for several minutes (the overshoot a peak estimator must
anticipate). Probes lag their node (first order) and report in 0.0625 degC steps.
Every parameter is in ``ChestFreezerParams``; override any of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from brewctl.sim.plant import RoomAndBatchParams, quantize

__all__ = ["ChestFreezer", "ChestFreezerParams"]


@dataclass(frozen=True, slots=True)
class ChestFreezerParams(RoomAndBatchParams):
    """Physical parameters (SI units: J/K, W/K, W, s, degC); room and batch from ``RoomAndBatchParams``."""

    beer_c_j_per_k: float = 85_000.0
    """20 L of beer (4.0 kJ/kg K) plus the fermenter."""
    chamber_c_j_per_k: float = 8_000.0
    """Chamber air, inner liner and everything else in the box but the beer."""
    evaporator_c_j_per_k: float = 2_000.0
    """Evaporator plates and refrigerant."""
    beer_chamber_w_per_k: float = 4.0
    """Fermenter wall and air film, 20 L bucket or carboy."""
    chamber_room_w_per_k: float = 1.75
    """Freezer insulation (a 200-300 L chest freezer)."""
    evaporator_chamber_w_per_k: float = 6.0
    """Evaporator to chamber: at full run the plates sit about 20 degC below the air."""
    cooler_w: float = 120.0
    """Heat the compressor pulls from the evaporator while running."""
    heater_w: float = 60.0
    """Heater power at duty 1 (a reptile heat cable or a tube heater)."""
    chamber_probe_lag_s: float = 30.0


class ChestFreezer:
    """A chest freezer with a heater and 20 L of fermenting beer. See ``ChestFreezerParams``."""

    def __init__(self, params: ChestFreezerParams | None = None) -> None:
        p = params or ChestFreezerParams()
        self.params = p
        self.t_s = 0.0
        room = self.room_c
        self.beer_c = p.beer_start_c
        self.chamber_c = room
        self.evaporator_c = room
        self.beer_probe_c = self.beer_c
        self.chamber_probe_c = self.chamber_c

    @property
    def heater_w(self) -> float:
        return self.params.heater_w

    @property
    def room_c(self) -> float:
        return self.params.room_c(self.t_s)

    def fermentation_w(self) -> float:
        return self.params.fermentation_w(self.t_s)

    def read(self) -> Mapping[str, float | None]:
        q = self.params.probe_step_c
        return {
            "beer": quantize(self.beer_probe_c, q),
            "chamber": quantize(self.chamber_probe_c, q),
            "room": quantize(self.room_c, q),
        }

    def step(self, dt: float, outputs: Mapping[str, float]) -> None:
        if dt <= 0:
            return
        p = self.params
        heat = min(1.0, max(0.0, float(outputs.get("heat", 0.0)))) * p.heater_w
        cool = p.cooler_w if outputs.get("cool", 0.0) >= 0.5 else 0.0
        n = max(1, math.ceil(dt / p.max_substep_s))
        h = dt / n
        for _ in range(n):
            room = self.room_c
            q_ferm = self.fermentation_w()
            beer, chamber, evap = self.beer_c, self.chamber_c, self.evaporator_c
            q_beer = p.beer_chamber_w_per_k * (chamber - beer)
            q_evap = p.evaporator_chamber_w_per_k * (chamber - evap)
            q_room = p.chamber_room_w_per_k * (room - chamber)
            self.beer_c = beer + h * (q_ferm + q_beer) / p.beer_c_j_per_k
            self.chamber_c = chamber + h * (q_room - q_beer - q_evap + heat) / p.chamber_c_j_per_k
            self.evaporator_c = evap + h * (q_evap - cool) / p.evaporator_c_j_per_k
            self.beer_probe_c += (self.beer_c - self.beer_probe_c) * min(1.0, h / p.beer_probe_lag_s)
            self.chamber_probe_c += (self.chamber_c - self.chamber_probe_c) * min(1.0, h / p.chamber_probe_lag_s)
            self.t_s += h
