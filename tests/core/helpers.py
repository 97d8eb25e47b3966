"""Fermenter configs for the core tests."""

from __future__ import annotations

from typing import Any

from brewctl.config import FermenterConfig, Rig


def fermenter(rig: Rig = Rig.HEAT_COOL, **overrides: Any) -> FermenterConfig:
    parts: dict[Rig, dict[str, Any]] = {
        Rig.HEAT_COOL: {"heater": "h", "cooler": "c", "beer_probe": "b", "chamber_probe": "ch"},
        Rig.HEAT_ONLY: {"heater": "h", "beer_probe": "b", "chamber_probe": "ch"},
        Rig.COOL_ONLY: {"cooler": "c", "beer_probe": "b", "chamber_probe": "ch"},
        Rig.GLYCOL: {"valve": "v", "beer_probe": "b"},
        Rig.VALVE: {"valve": "v", "beer_probe": "b"},
    }
    return FermenterConfig(rig=rig, **{**parts[rig], **overrides})
