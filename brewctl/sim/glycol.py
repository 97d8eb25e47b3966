"""A jacketed conical cooled by glycol: the plant for the glycol and motorized-valve rigs.

The beer exchanges heat with the room (the cellar) through the tank wall and with the glycol
through the jacket. A solenoid valve is 0 or 1; a motorized valve's opening scales the flow.
An optional heat belt adds ``heater_w`` at duty 1.

Two jacket models:

- ``jacket_c_j_per_k = 0`` (the default, the original built-in plant): the jacket is at the
  glycol's temperature while the valve is open and takes ``opening x jacket_w_per_k x
  (glycol - beer)`` from the beer; nothing once it closes.
- ``jacket_c_j_per_k > 0``: the jacket (its glycol and wall) is a node of its own. Open, the
  glycol flow (``glycol_flow_w_per_k`` at full opening) pulls it toward the glycol; closed,
  the cold jacket keeps cooling the beer for minutes (the undershoot a controller must expect).

``JACKETED_PLANTS`` holds the sizes the benchmarks use (20 L, 50 L built-in, 1,000 L).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from brewctl.sim.plant import RoomAndBatchParams, quantize

__all__ = [
    "FV20_PARAMS",
    "FV1000_PARAMS",
    "JACKETED_PLANTS",
    "GlycolJacket",
    "GlycolJacketParams",
    "jacketed_plant",
]


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
    jacket_c_j_per_k: float = 0.0
    """Glycol held in the jacket plus the jacket wall; 0 = no store (see the module doc)."""
    glycol_flow_w_per_k: float = 400.0
    """Glycol flow through a fully open valve (mass flow x heat capacity); with a jacket store only."""


FV20_PARAMS = GlycolJacketParams(
    beer_c_j_per_k=90_000.0,  # 20 L of beer plus a small stainless conical
    beer_room_w_per_k=1.5,
    jacket_w_per_k=12.0,  # about 250 W at full pull-down
    jacket_c_j_per_k=400.0,  # a dimple jacket: 0.1 L of glycol plus its steel
    glycol_flow_w_per_k=150.0,
    heater_w=30.0,
    ferment_total_j=2.0e6,
    room_mean_c=16.0,
    room_swing_c=1.0,
    beer_probe_lag_s=60.0,  # a short thermowell
)
"""A 20 L jacketed fermenter in a 16 degC cellar: fast (the jacket pulls the beer ~10 degC/h)."""

FV1000_PARAMS = GlycolJacketParams(
    beer_c_j_per_k=4_400_000.0,  # 1,000 L of beer plus the tank
    beer_room_w_per_k=10.0,  # clad and insulated
    jacket_w_per_k=120.0,  # about 2.5 kW at full pull-down
    jacket_c_j_per_k=20_000.0,  # dimple jackets: about 5 L of glycol plus their steel
    glycol_flow_w_per_k=1_200.0,  # ~5 L/min of glycol per jacket
    heater_w=300.0,
    ferment_total_j=100.0e6,  # about 0.85 W/L at high krausen
    room_mean_c=16.0,
    room_swing_c=1.0,
    beer_probe_lag_s=180.0,  # a long thermowell into a big tank
)
"""A 1,000 L jacketed tank in a 16 degC cellar: slow (about 2 degC/h at full pull-down)."""


class GlycolJacket:
    """A glycol-jacketed conical with a beer probe (and a room probe)."""

    def __init__(self, params: GlycolJacketParams | None = None) -> None:
        p = params or GlycolJacketParams()
        self.params = p
        self.t_s = 0.0
        self.beer_c = p.beer_start_c
        self.beer_probe_c = self.beer_c
        self.jacket_c = self.beer_c
        """The jacket node's temperature (only moves with ``jacket_c_j_per_k > 0``)."""
        self.glycol_c = p.glycol_c
        """The glycol supplied to the jacket: a shared chiller's reservoir sets it (``brewctl.sim.chiller``)."""
        self.glycol_load_j = 0.0
        """Heat handed to the glycol so far (what a chiller must take away)."""

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
        store = p.jacket_c_j_per_k > 0.0
        # The jacket node is stiff while glycol flows: keep each sub-step well inside its time constant.
        limit = p.max_substep_s
        if store:
            limit = min(limit, 0.5 * p.jacket_c_j_per_k / (p.jacket_w_per_k + opening * p.glycol_flow_w_per_k))
        n = max(1, math.ceil(dt / limit))
        h = dt / n
        for _ in range(n):
            q_ferm = p.fermentation_w(self.t_s)
            if store:
                q_jacket = p.jacket_w_per_k * (self.jacket_c - self.beer_c)
                q_flow = opening * p.glycol_flow_w_per_k * (self.glycol_c - self.jacket_c)
                self.jacket_c += h * (q_flow - q_jacket) / p.jacket_c_j_per_k
                self.glycol_load_j -= h * q_flow
            else:
                q_jacket = opening * p.jacket_w_per_k * (self.glycol_c - self.beer_c)
                self.glycol_load_j -= h * q_jacket
            q = q_ferm + heat + p.beer_room_w_per_k * (self.room_c - self.beer_c) + q_jacket
            self.beer_c += h * q / p.beer_c_j_per_k
            self.beer_probe_c += (self.beer_c - self.beer_probe_c) * min(1.0, h / p.beer_probe_lag_s)
            self.t_s += h


JACKETED_PLANTS: Mapping[str, Callable[[], GlycolJacket]] = {
    "20l": lambda: GlycolJacket(FV20_PARAMS),
    "50l": GlycolJacket,
    "1000l": lambda: GlycolJacket(FV1000_PARAMS),
}
"""Jacketed plant sizes by name: ``50l`` is the built-in ``GlycolJacket()``."""


def jacketed_plant(size: str) -> GlycolJacket:
    """A fresh jacketed plant of a size in ``JACKETED_PLANTS``; KeyError names the sizes."""
    try:
        return JACKETED_PLANTS[size]()
    except KeyError:
        raise KeyError(f"no jacketed plant {size!r}; have {', '.join(JACKETED_PLANTS)}") from None
