"""Fermenter simulation: plants, the simulator and the thermostat yardstick.

>>> from brewctl.sim import parse_inline_profile, simulate
>>> result = simulate(parse_inline_profile("19:1d"), days=0.1)
>>> result.metrics["heat_and_cool_together"]
0

The plant contract (``brewctl.sim.plant.Plant``) is public: model your own rig with it.
"""

from __future__ import annotations

from brewctl.sim.chest_freezer import ChestFreezer, ChestFreezerParams
from brewctl.sim.glycol import JACKETED_PLANTS, GlycolJacket, GlycolJacketParams, jacketed_plant
from brewctl.sim.inline import InlineProfile, parse_inline_profile
from brewctl.sim.plant import Plant, fermentation_heat_w
from brewctl.sim.simulate import SimResult, SimTrace, default_config, plant_for, simulate
from brewctl.sim.thermostat import Thermostat
from brewctl.sim.valve import DrivenValve

__all__ = [
    "JACKETED_PLANTS",
    "ChestFreezer",
    "ChestFreezerParams",
    "DrivenValve",
    "GlycolJacket",
    "GlycolJacketParams",
    "InlineProfile",
    "Plant",
    "SimResult",
    "SimTrace",
    "Thermostat",
    "default_config",
    "fermentation_heat_w",
    "jacketed_plant",
    "parse_inline_profile",
    "plant_for",
    "simulate",
]
