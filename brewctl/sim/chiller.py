"""A glycol chiller for the simulator: one reservoir feeding several jackets.

The reservoir (``volume_l`` of 30 % propylene glycol, about 3.8 kJ/(L K)) takes the heat every
open jacket hands the glycol (``GlycolJacket.glycol_load_j``), gains a little from the room,
and loses ``capacity_w`` while the chiller runs. The chiller runs its own thermostat
(setpoint +- band) unless the controller drives its output (``step(..., on=...)``). When
too many valves draw at once the load exceeds the capacity and the reservoir warms: every
jacket then cools less.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from brewctl.config import ChillerConfig
from brewctl.sim.plant import quantize

__all__ = ["GLYCOL_J_PER_L_K", "ChillerParams", "ChillerPlant"]

GLYCOL_J_PER_L_K = 3800.0
"""30 % propylene glycol: about 3.8 kJ per litre and kelvin."""


@dataclass(frozen=True, slots=True)
class ChillerParams:
    capacity_w: float = 3000.0
    volume_l: float = 100.0
    setpoint_c: float = -2.0
    band_c: float = 1.0
    room_c: float = 16.0
    room_w_per_k: float = 4.0
    """Heat gained from the room by the (insulated) reservoir and pipes."""
    probe_step_c: float = 0.0625

    @classmethod
    def from_config(cls, cfg: ChillerConfig, *, room_c: float = 16.0) -> ChillerParams:
        return cls(
            capacity_w=cfg.capacity_w,
            volume_l=cfg.volume_l,
            setpoint_c=cfg.setpoint_c,
            band_c=cfg.band_c,
            room_c=room_c,
        )


class ChillerPlant:
    """The reservoir of a glycol chiller (starts at its setpoint)."""

    def __init__(self, params: ChillerParams | None = None) -> None:
        self.params = p = params or ChillerParams()
        self.reservoir_c = p.setpoint_c
        self.running = False
        self.overload_s = 0.0
        """Seconds the load exceeded the capacity (the reservoir warmed whatever the chiller did)."""
        self.reservoir_max_c = self.reservoir_c

    def read(self) -> Mapping[str, float | None]:
        return {"reservoir": quantize(self.reservoir_c, self.params.probe_step_c)}

    def step(self, dt: float, load_w: float, *, on: bool | None = None) -> None:
        """Advance ``dt`` s with the jackets handing ``load_w`` to the glycol; ``on``: the chiller
        output as the controller drives it (None: the chiller's own thermostat)."""
        if dt <= 0:
            return
        p = self.params
        if on is None:
            if self.reservoir_c > p.setpoint_c + p.band_c:
                self.running = True
            elif self.reservoir_c < p.setpoint_c - p.band_c:
                self.running = False
        else:
            self.running = on
        cooling_w = p.capacity_w if self.running else 0.0
        if load_w > p.capacity_w:
            self.overload_s += dt
        q = load_w + p.room_w_per_k * (p.room_c - self.reservoir_c) - cooling_w
        self.reservoir_c += dt * q / (p.volume_l * GLYCOL_J_PER_L_K)
        self.reservoir_max_c = max(self.reservoir_max_c, self.reservoir_c)
