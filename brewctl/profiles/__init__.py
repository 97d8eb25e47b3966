"""Fermentation profiles: the file format, loading, finding and writing.

>>> from brewctl.profiles import parse_profile
>>> p = parse_profile('name = "demo"\\n[[steps]]\\ntype = "hold"\\ntemperature = 19\\nduration = "3d"\\n')
>>> p.steps[0].duration_s
259200.0

The names below are imported on first use (PEP 562): ``brewctl --help`` reads
``brewctl.profiles.formats`` without loading the pydantic models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brewctl.core.profile import (
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
        StepTimeAtLeast,
        Until,
        WaitForBrewerStep,
    )
    from brewctl.profiles.files import dump_profile, find_profile, load_profile, parse_profile

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
    "StepTimeAtLeast",
    "Until",
    "WaitForBrewerStep",
    "dump_profile",
    "find_profile",
    "load_profile",
    "parse_profile",
]

# Public name -> the module that defines it (keep in step with the imports above; a test checks).
_SOURCES = {name: "files" for name in ("dump_profile", "find_profile", "load_profile", "parse_profile")} | {
    name: "model" for name in __all__ if not name.endswith("_profile")
}


def __getattr__(name: str) -> object:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
