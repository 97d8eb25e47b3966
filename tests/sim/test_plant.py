"""The built-in plants behave like the physics they claim."""

from __future__ import annotations

import pytest

from brewctl.config import Rig
from brewctl.sim import (
    ChestFreezer,
    ChestFreezerParams,
    GlycolJacket,
    Plant,
    fermentation_heat_w,
    plant_for,
)
from brewctl.sim.glycol import FV1000_PARAMS, JACKETED_PLANTS, jacketed_plant

FERMENT = {"total_j": 2.0e6, "lag_s": 8 * 3600.0, "peak_s": 30 * 3600.0}


def test_fermentation_heat_totals_2_mj_and_peaks_near_1_w_per_litre() -> None:
    dt = 60.0
    samples = [fermentation_heat_w(k * dt, **FERMENT) for k in range(int(20 * 86400 / dt))]
    assert sum(samples) * dt == pytest.approx(2.0e6, rel=0.01)
    peak = max(samples)
    assert 15.0 <= peak <= 20.0  # 0.75-1 W/L for 20 L
    assert samples.index(peak) * dt == pytest.approx(30 * 3600.0, abs=600)
    assert fermentation_heat_w(4 * 3600.0, **FERMENT) == 0.0  # lag phase


def test_evaporator_keeps_cooling_after_the_compressor_stops() -> None:
    plant = ChestFreezer(ChestFreezerParams(ferment_total_j=0.0, room_swing_c=0.0, beer_start_c=20.0))
    for _ in range(90):  # 15 min of compressor
        plant.step(10.0, {"cool": 1.0})
    at_stop = plant.chamber_c
    lowest = at_stop
    for _ in range(60):
        plant.step(10.0, {"cool": 0.0})
        lowest = min(lowest, plant.chamber_c)
    assert at_stop - lowest > 0.5, "no overshoot after the stop: the peak estimator would be untested"
    assert plant.evaporator_c < plant.chamber_c + 1.0


def test_probes_lag_and_read_in_sixteenth_degree_steps() -> None:
    plant = ChestFreezer()
    for _ in range(30):
        plant.step(10.0, {"heat": 1.0})
    r = plant.read()
    for role in ("beer", "chamber", "room"):
        value = r[role]
        assert value is not None and (value / 0.0625) == pytest.approx(round(value / 0.0625))
    assert plant.chamber_probe_c < plant.chamber_c  # heating: the probe lags behind


def test_room_swings_daily() -> None:
    plant = ChestFreezer(ChestFreezerParams(start_hour=6.0))  # coldest hour
    temps = []
    for _ in range(24):
        temps.append(plant.room_c)
        plant.step(3600.0, {})
    assert min(temps) == pytest.approx(17.5) and max(temps) == pytest.approx(22.5)


def test_glycol_valve_cools_the_beer_in_proportion_to_its_opening() -> None:
    drops = []
    for opening in (0.0, 0.5, 1.0):
        plant = GlycolJacket()
        plant.step(3600.0, {"valve": opening})
        drops.append(20.0 - plant.beer_c)
    assert drops[0] < drops[1] < drops[2]


@pytest.mark.parametrize("rig", list(Rig))
def test_plant_for_every_rig_honours_the_contract(rig: Rig) -> None:
    plant = plant_for(rig)
    assert isinstance(plant, Plant)
    assert plant.read()["beer"] is not None


@pytest.mark.parametrize("size", sorted(JACKETED_PLANTS))
def test_every_jacketed_size_honours_the_contract_and_cools_when_open(size: str) -> None:
    plant = jacketed_plant(size)
    assert isinstance(plant, Plant)
    closed = jacketed_plant(size)
    plant.step(1800.0, {"valve": 1.0})
    closed.step(1800.0, {"valve": 0.0})
    assert plant.beer_c < closed.beer_c - 0.3


def test_jacket_sizes_differ_tenfold_in_pull_down_rate() -> None:
    rates = {}
    for size in ("20l", "1000l"):
        plant = jacketed_plant(size)
        plant.step(3600.0, {"valve": 1.0})
        rates[size] = 20.0 - plant.beer_c
    assert rates["20l"] > 4 * rates["1000l"]


def test_a_jacket_store_keeps_cooling_after_the_valve_closes() -> None:
    plant = GlycolJacket(FV1000_PARAMS)
    plant.step(1200.0, {"valve": 1.0})
    at_close = plant.beer_c
    plant.step(1200.0, {"valve": 0.0})
    assert plant.beer_c < at_close - 0.01  # the cold jacket went on cooling
    assert plant.jacket_c == pytest.approx(plant.beer_c, abs=0.5)  # and warmed back up to the beer


def test_unknown_size_names_the_sizes() -> None:
    with pytest.raises(KeyError, match="20l"):
        jacketed_plant("5000l")
