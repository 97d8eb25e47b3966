"""What a fermenter controls (a light module: the CLI reads it to build its help)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Mode"]


class Mode(StrEnum):
    """What a fermenter controls."""

    OFF = "off"
    """Every output off."""
    CHAMBER = "chamber"
    """Hold the chamber (fridge air) at ``chamber_setpoint_c``."""
    BEER = "beer"
    """Hold the beer at ``beer_setpoint_c`` (cascade: beer PID drives the chamber setpoint)."""
    PROFILE = "profile"
    """Follow the active fermentation profile."""
