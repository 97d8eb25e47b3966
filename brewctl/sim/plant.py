"""The plant contract: what ``brewctl.sim.simulate`` drives. Model your own rig with it.

A plant is any object with two methods::

    def read(self) -> Mapping[str, float | None]: ...
        # probe role -> degC as the probe reports it ("beer", "chamber", "room"); None = missing
    def step(self, dt: float, outputs: Mapping[str, float]) -> None: ...
        # advance dt seconds with each output held: role -> 0..1 ("heat", "cool", "valve")

Optionally ``heater_w`` (a float attribute) lets the simulator report heater energy in kWh.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["Plant", "RoomAndBatchParams", "daily_room_c", "fermentation_heat_w", "quantize"]


@runtime_checkable
class Plant(Protocol):
    """A simulated fermenter: probes to read, outputs to apply."""

    def read(self) -> Mapping[str, float | None]: ...

    def step(self, dt: float, outputs: Mapping[str, float]) -> None: ...


def quantize(value_c: float, step_c: float) -> float:
    """Round to the probe resolution (DS18B20 at 12 bits: 0.0625 degC)."""
    return round(value_c / step_c) * step_c if step_c > 0 else value_c


def fermentation_heat_w(t_s: float, *, total_j: float, lag_s: float, peak_s: float, shape: float = 4.0) -> float:
    """Heat released by fermentation at ``t_s`` after pitching (W).

    A gamma-shaped curve: nothing during the lag, a rise to the peak at ``peak_s`` (high
    krausen) and a long tail; its integral is ``total_j``. With 2 MJ, lag 8 h and peak at
    30 h the peak is 17 W (0.85 W/L for 20 L).
    """
    x = t_s - lag_s
    if x <= 0.0 or total_j <= 0.0:
        return 0.0
    theta = max(1.0, (peak_s - lag_s) / (shape - 1.0))
    u = x / theta
    return total_j * float(u ** (shape - 1.0)) * math.exp(-u) / (math.gamma(shape) * theta)


def daily_room_c(t_s: float, *, mean_c: float, swing_c: float, coldest_h: float, start_hour: float) -> float:
    """Room temperature ``t_s`` after the start: a daily sine, coldest at ``coldest_h`` o'clock."""
    hour = start_hour + t_s / 3600.0
    return mean_c - swing_c * math.cos(2 * math.pi * (hour - coldest_h) / 24.0)


@dataclass(frozen=True, slots=True)
class RoomAndBatchParams:
    """What the built-in plants share: the room, the fermenting batch and the probes."""

    room_mean_c: float = 20.0
    room_swing_c: float = 2.5
    """Amplitude of the daily room swing (peak to peak is twice this)."""
    room_coldest_h: float = 6.0
    """Hour of the day the room is coldest."""
    start_hour: float = 12.0
    """Hour of the day the simulation starts."""
    ferment_total_j: float = 2.0e6
    """Heat released by the whole fermentation (about 2 MJ for 20 L of 1.050 wort)."""
    ferment_lag_s: float = 8 * 3600.0
    ferment_peak_s: float = 30 * 3600.0
    """High krausen, measured from the start of the simulation."""
    beer_start_c: float = 20.0
    beer_probe_lag_s: float = 120.0
    """Thermowell."""
    probe_step_c: float = 0.0625
    max_substep_s: float = 10.0
    """Longest integration step; ``step(dt)`` is cut into pieces no longer than this."""

    def room_c(self, t_s: float) -> float:
        """Room temperature ``t_s`` after the start."""
        return daily_room_c(
            t_s,
            mean_c=self.room_mean_c,
            swing_c=self.room_swing_c,
            coldest_h=self.room_coldest_h,
            start_hour=self.start_hour,
        )

    def fermentation_w(self, t_s: float) -> float:
        """Heat the batch releases ``t_s`` after the start."""
        return fermentation_heat_w(
            t_s, total_j=self.ferment_total_j, lag_s=self.ferment_lag_s, peak_s=self.ferment_peak_s
        )
