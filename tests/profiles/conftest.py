"""Helpers shared by the profile tests."""

from __future__ import annotations

import textwrap

import pytest

from brewctl.profiles import Profile, parse_profile


def profile_from(text: str) -> Profile:
    """Parse a dedented TOML profile."""
    return parse_profile(textwrap.dedent(text), "test.toml")


@pytest.fixture
def lager() -> Profile:
    return profile_from(
        """
        name = "Test lager"
        [[steps]]
        type = "hold"
        name = "primary"
        temperature = 10
        duration = "2d"
        [[steps]]
        type = "ramp"
        temperature = 16
        rate = 1
        [[steps]]
        type = "hold_until"
        temperature = 16
        max_duration = "5d"
        combine = "all"
        until = [
          { type = "gravity", at_or_below = 1.012 },
          { type = "stable", within_points = 1, period = "24h" },
        ]
        [[steps]]
        type = "wait_for_brewer"
        temperature = 16
        message = "dry hop"
        [[steps]]
        type = "hold"
        temperature = 2
        duration = "3d"
        """
    )
