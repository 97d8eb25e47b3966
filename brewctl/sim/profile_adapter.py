"""Adapter: a ``brewctl.profiles.Profile`` as a setpoint function (filled in below)."""

from __future__ import annotations

from brewctl.sim.simulate import SetpointFn

__all__ = ["profile_setpoints"]


def profile_setpoints(profile: object) -> SetpointFn:
    raise TypeError(f"cannot simulate a {type(profile).__name__}: pass a callable elapsed_s -> setpoint")
