"""The simulator's motorized valve moves as the driver moves it and counts its strokes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.sim.valve import DrivenValve, mean_opening


def test_a_full_open_and_close_is_two_strokes() -> None:
    valve = DrivenValve(30.0)
    valve.advance(1.0, 60.0)
    assert valve.opening == 1.0
    valve.advance(0.0, 60.0)
    assert valve.opening == 0.0
    assert valve.strokes == pytest.approx(2.0)


def test_moves_at_the_travel_rate_and_stops_at_the_goal() -> None:
    valve = DrivenValve(30.0)
    pieces = valve.advance(0.5, 10.0)
    assert valve.opening == pytest.approx(10.0 / 30.0)  # the end switch holds it at closed: it opens at once
    assert sum(s for s, _ in pieces) == pytest.approx(10.0)
    pieces = valve.advance(0.5, 10.0)
    assert valve.opening == pytest.approx(0.5)  # stopped on the goal, inside the period
    assert pieces[-1][1] == pytest.approx(0.5)


def test_the_driver_dead_band_stops_small_corrections() -> None:
    valve = DrivenValve(30.0)
    valve.advance(0.5, 30.0)
    before = valve.strokes
    valve.advance(0.51, 30.0)  # within the 0.02 dead band: no relay
    assert valve.strokes == before
    valve.advance(0.6, 30.0)
    assert valve.strokes == pytest.approx(before + 0.1)


def test_overdrive_past_an_end_stop_is_no_stroke() -> None:
    valve = DrivenValve(30.0)
    valve.advance(0.0, 60.0)  # already closed: pushes on the end stop
    assert valve.strokes == 0.0 and valve.opening == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.1, 60)), max_size=30))
def test_pieces_cover_the_period_and_strokes_equal_the_travel(moves: list[tuple[float, float]]) -> None:
    valve = DrivenValve(20.0)
    travel = 0.0
    for target, dt in moves:
        before = valve.opening
        pieces = valve.advance(target, dt)
        assert sum(s for s, _ in pieces) == pytest.approx(dt)
        assert all(0.0 <= m <= 1.0 for _, m in pieces)
        assert abs(valve.opening - before) <= dt / 20.0 + 1e-9
        travel += abs(valve.opening - before)
    assert valve.strokes >= travel - 1e-9


def test_mean_opening_clamps_the_virtual_range() -> None:
    assert mean_opening(-0.1, 0.0) == 0.0
    assert mean_opening(1.0, 1.1) == 1.0
    assert mean_opening(0.0, 1.0) == pytest.approx(0.5)
    assert mean_opening(-0.1, 0.1) == pytest.approx(0.025)
