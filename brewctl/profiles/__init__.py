"""Fermentation profiles: the file format, loading, finding and writing.

>>> from brewctl.profiles import parse_profile
>>> p = parse_profile('name = "demo"\\n[[steps]]\\ntype = "hold"\\ntemperature = 19\\nduration = "3d"\\n')
>>> p.steps[0].duration_s
259200.0
"""

from __future__ import annotations

from brewctl.profiles.files import dump_profile, find_profile, load_profile, parse_profile
from brewctl.profiles.model import (
    FORMAT_VERSION,
    Attenuation,
    Condition,
    FreeRiseStep,
    GravityAtOrBelow,
    GravityStable,
    HoldStep,
    HoldUntilStep,
    Profile,
    RampStep,
    Step,
    Until,
    WaitForBrewerStep,
)

__all__ = [
    "FORMAT_VERSION",
    "Attenuation",
    "Condition",
    "FreeRiseStep",
    "GravityAtOrBelow",
    "GravityStable",
    "HoldStep",
    "HoldUntilStep",
    "Profile",
    "RampStep",
    "Step",
    "Until",
    "WaitForBrewerStep",
    "dump_profile",
    "find_profile",
    "load_profile",
    "parse_profile",
]
