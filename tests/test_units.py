"""Durations, temperatures and gravity conversions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brewctl.units import c_to_f, f_to_c, format_duration, parse_duration, plato_to_sg, sg_to_plato


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3d 12h", 302400.0),
        ("90m", 5400.0),
        ("1w", 604800.0),
        ("45s", 45.0),
        ("1.5h", 5400.0),
        ("2D3H", 183600.0),
        ("600", 600.0),
        (120, 120.0),
    ],
)
def test_parse_duration(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "3x", "d3", "3d junk", "-5", "h"])
def test_parse_duration_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=10**7))
def test_format_then_parse_is_close(seconds: int) -> None:
    # format_duration keeps the two largest units: the error is below the third unit's size.
    back = parse_duration(format_duration(seconds))
    assert abs(back - seconds) < max(3600.0, seconds * 0.02)


def test_format_duration_examples() -> None:
    assert format_duration(302400) == "3d 12h"
    assert format_duration(160) == "2m 40s"
    assert format_duration(0) == "0s"


@given(st.floats(min_value=-50, max_value=120))
def test_temperature_round_trip(c: float) -> None:
    assert f_to_c(c_to_f(c)) == pytest.approx(c)


def test_gravity_conversions_match_known_points() -> None:
    assert sg_to_plato(1.040) == pytest.approx(10.0, abs=0.1)
    assert plato_to_sg(12.0) == pytest.approx(1.048, abs=0.001)
    assert plato_to_sg(sg_to_plato(1.060)) == pytest.approx(1.060, abs=0.0005)
