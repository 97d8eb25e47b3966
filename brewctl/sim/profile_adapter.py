"""A ``brewctl.profiles.Profile`` as a setpoint function for the simulator.

Uses the profile runner's ``PlannedSetpoints``: no gravity is known in a simulation, so
gravity conditions end by their time fallback and a wait-for-brewer step is confirmed at once.
"""

from __future__ import annotations

from brewctl.core.profile import Profile
from brewctl.core.profile_runner import PlannedSetpoints, start, status

__all__ = ["profile_duration_s", "profile_setpoints"]


def profile_setpoints(profile: Profile, *, beer_c: float | None = None) -> PlannedSetpoints:
    """``elapsed_s -> beer setpoint`` along ``profile``; ``beer_c``: where a ramp "from the beer" starts."""
    return PlannedSetpoints(profile, beer_c=beer_c)


def profile_duration_s(profile: Profile) -> float | None:
    """The whole profile's length (the time fallbacks of conditions), None if unbounded."""
    return status(profile, start(profile)).eta_s
