"""Faults injected into a simulated plant: a stuck probe (see docs/control.md, "Stuck probes").

``StuckProbe(plant, "beer", value_c=25.0, after_s=86400)`` is a plant whose beer probe reads
25.0 °C from day 1 on (``value_c=None``: frozen at whatever it read then), while the real
beer goes on. ``true_min_c`` / ``true_max_c`` say where the real temperature of the probe's
role went after the fault, and ``true_other`` the other role's (the beer, when the chamber
probe is stuck).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brewctl.sim.plant import Plant

__all__ = ["StuckProbe"]


class StuckProbe:
    """A plant wrapper (the simulation contract: ``read`` and ``step``) with one probe stuck."""

    def __init__(self, plant: Plant, role: str, *, value_c: float | None = None, after_s: float = 0.0) -> None:
        self.plant = plant
        self.role = role
        self.value_c = value_c
        self.after_s = after_s
        self.elapsed_s = 0.0
        self.true_min_c: float | None = None
        self.true_max_c: float | None = None
        self.beer_min_c: float | None = None
        self.beer_max_c: float | None = None
        """The real beer after the fault (whichever probe is stuck)."""

    def __getattr__(self, name: str) -> Any:  # heater_w and the like
        return getattr(self.plant, name)

    def read(self) -> Mapping[str, float | None]:
        values = dict(self.plant.read())
        if self.elapsed_s < self.after_s:
            return values
        true = values.get(self.role)
        if true is not None:
            self.true_min_c = true if self.true_min_c is None else min(self.true_min_c, true)
            self.true_max_c = true if self.true_max_c is None else max(self.true_max_c, true)
        beer = values.get("beer")
        if beer is not None:
            self.beer_min_c = beer if self.beer_min_c is None else min(self.beer_min_c, beer)
            self.beer_max_c = beer if self.beer_max_c is None else max(self.beer_max_c, beer)
        if self.value_c is None:
            self.value_c = true
        values[self.role] = self.value_c
        return values

    def step(self, dt: float, outputs: Mapping[str, float]) -> None:
        self.plant.step(dt, outputs)
        self.elapsed_s += dt
