"""Probe plausibility."""

from __future__ import annotations

import math

import pytest

from brewctl.core.probes import ProbeFilter, check_reading


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (math.nan, "not_a_number"),
        (math.inf, "not_a_number"),
        (-40.0, "out_of_range"),
        (127.0, "out_of_range"),
        (85.0, "power_on"),
    ],
)
def test_implausible_readings_are_rejected(value: float, problem: str) -> None:
    result = check_reading(value, 19.0)
    assert result.value_c is None
    assert result.problem == problem


def test_missing_is_not_a_problem_just_missing() -> None:
    assert check_reading(None, 19.0) == check_reading(None, None)
    assert check_reading(None, None).problem is None


def test_good_reading_passes_and_is_remembered() -> None:
    f = ProbeFilter()
    assert f.check(18.9375).value_c == 18.9375
    assert f.last_good_c == 18.9375
    assert f.check(85.0).value_c is None
    assert f.last_good_c == 18.9375


def test_power_on_value_within_a_wide_range_is_accepted_without_a_jump() -> None:
    f = ProbeFilter(max_c=100.0)  # e.g. a mash probe: 85 degC can be real
    f.check(84.5)
    assert f.check(85.0).value_c == 85.0
    g = ProbeFilter(max_c=100.0)
    g.check(20.0)
    assert g.check(85.0).value_c is None
