"""Pure timing helpers: time-proportioning and motorized-valve motion."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brewctl.drivers.timing import (
    OVERDRIVE,
    ValveEstimate,
    advance_valve,
    clamp_unit,
    time_proportion,
    time_to_next_edge,
    valve_direction,
    valve_time_to_goal,
)

duties = st.floats(min_value=0.0, max_value=1.0)
periods = st.floats(min_value=1.0, max_value=120.0)


def test_time_proportion_basics() -> None:
    assert [time_proportion(0.3, 10.0, t) for t in (0.0, 2.9, 3.0, 9.9, 10.0, 12.9, 13.1)] == [
        True, True, False, False, True, True, False,
    ]  # fmt: skip
    assert not any(time_proportion(0.0, 10.0, t / 10) for t in range(200))
    assert all(time_proportion(1.0, 10.0, t / 10) for t in range(200))
    assert not time_proportion(math.nan, 10.0, 1.0), "nonsense is off"
    assert clamp_unit(-2.0) == 0.0 and clamp_unit(7.0) == 1.0


@given(duties, periods, st.integers(min_value=1, max_value=5), st.floats(min_value=0.01, max_value=0.5))
def test_duty_over_whole_periods_matches_within_one_tick_per_edge(
    duty: float, period_s: float, periods_n: int, tick_s: float
) -> None:
    """Sampling every tick over whole periods, the on-time is the requested duty within a tick per period."""
    ticks = math.floor(periods_n * period_s / tick_s)  # the sampled window is short of whole periods by < 1 tick
    on_s = sum(tick_s for i in range(ticks) if time_proportion(duty, period_s, i * tick_s))
    assert abs(on_s - duty * periods_n * period_s) <= (periods_n + 1) * tick_s + 1e-6


@given(duties, periods, st.floats(min_value=0.0, max_value=1e5))
def test_next_edge_is_where_the_output_flips(duty: float, period_s: float, t_s: float) -> None:
    edge = time_to_next_edge(duty, period_s, t_s)
    if edge is None:
        assert duty in (0.0, 1.0) or time_proportion(duty, period_s, t_s) == time_proportion(
            duty, period_s, t_s + period_s / 3
        )
        return
    assert 0.0 < edge <= period_s + 1e-9
    shortest_phase_s = min(duty, 1.0 - duty) * period_s
    if edge > 1e-6 and shortest_phase_s > 1e-6:  # below that, float rounding decides
        before = time_proportion(duty, period_s, t_s + edge * 0.5)
        assert before == time_proportion(duty, period_s, t_s)
        assert time_proportion(duty, period_s, t_s + edge + shortest_phase_s / 2) != before


def test_valve_opens_to_a_target_and_stops() -> None:
    est = ValveEstimate(position=0.0)
    assert valve_direction(est, 0.5) == 1
    est = ValveEstimate(position=0.0, direction=1)
    assert valve_time_to_goal(est, 0.5, travel_s=20.0) == pytest.approx(10.0)
    est = advance_valve(est, 10.0, travel_s=20.0)
    assert est.position == pytest.approx(0.5)
    assert valve_direction(est, 0.5) == 0


def test_valve_deadband_keeps_a_stopped_valve_still() -> None:
    est = ValveEstimate(position=0.5)
    assert valve_direction(est, 0.51) == 0
    assert valve_direction(est, 0.55) == 1
    assert valve_direction(est, None) == 0, "None means hold"


def test_valve_reversal_stops_first() -> None:
    est = ValveEstimate(position=0.6, direction=1)
    assert valve_direction(est, 0.2) == 0
    assert valve_direction(ValveEstimate(position=0.6), 0.2) == -1


def test_closed_target_overdrives_past_the_end_stop_and_resyncs() -> None:
    est = ValveEstimate(position=0.05, direction=-1)
    assert valve_time_to_goal(est, 0.0, travel_s=10.0) == pytest.approx((0.05 + OVERDRIVE) * 10.0)
    est = advance_valve(est, 100.0, travel_s=10.0)
    assert est.position == -OVERDRIVE and est.opening == 0.0
    assert valve_direction(est, 0.0) == 0


def test_unknown_position_homes_for_the_full_travel_plus_overdrive() -> None:
    est = ValveEstimate()
    assert est.opening == 1.0
    d = valve_direction(est, 0.0)
    assert d == -1
    est = ValveEstimate(est.position, d)
    assert valve_time_to_goal(est, 0.0, travel_s=30.0) == pytest.approx((1 + OVERDRIVE) * 30.0)


def test_driving_back_from_past_an_end_stop_starts_at_the_end() -> None:
    """The end switch held the valve at 0 while the estimate went to -OVERDRIVE: 0.5 is half a travel away."""
    est = ValveEstimate(position=-OVERDRIVE)
    assert valve_direction(est, 0.5) == 1
    est = ValveEstimate(est.position, 1)
    assert valve_time_to_goal(est, 0.5, travel_s=20.0) == pytest.approx(10.0)
    assert advance_valve(est, 10.0, travel_s=20.0).position == pytest.approx(0.5)
    assert valve_direction(ValveEstimate(position=1 + OVERDRIVE), 0.99) == 0, "within the dead band of the end"
    closing = ValveEstimate(1 + OVERDRIVE, valve_direction(ValveEstimate(position=1 + OVERDRIVE), 0.95))
    assert valve_time_to_goal(closing, 0.95, travel_s=20.0) == pytest.approx(1.0), "0.05 of a travel from open"
    assert valve_direction(ValveEstimate(position=-OVERDRIVE), 0.03) == 1


@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.lists(st.tuples(st.none() | duties, st.floats(min_value=0.0, max_value=40.0)), max_size=30),
)
def test_a_real_valve_is_where_the_estimate_says_once_homed(
    start: float, moves: list[tuple[float | None, float]]
) -> None:
    """A valve stopped by its end switches, driven by what the estimate asks, sits at the estimate's opening."""
    travel_s = 10.0
    real = start
    est = ValveEstimate()  # unknown: home first
    plan = [(0.0, 40.0), *moves]
    for target, dt in plan:
        est = ValveEstimate(est.position, valve_direction(est, target))
        left = dt
        while left > 0:  # stop at the goal, as the output bank does
            piece = min(left, valve_time_to_goal(est, target, travel_s))
            real = min(1.0, max(0.0, real + est.direction * piece / travel_s))
            est = advance_valve(est, piece, travel_s)
            left -= piece
            if left > 0:
                est = ValveEstimate(est.position, valve_direction(est, target))
                if est.direction == 0:
                    break
        assert real == pytest.approx(est.opening, abs=1e-9)


@given(
    st.floats(min_value=-OVERDRIVE, max_value=1 + OVERDRIVE),
    st.lists(st.tuples(st.none() | duties, st.floats(min_value=0.0, max_value=20.0)), max_size=30),
)
def test_valve_stays_in_range_and_converges(start: float, moves: list[tuple[float | None, float]]) -> None:
    """Whatever the targets, the estimate stays in range; holding a target long enough reaches it."""
    travel_s = 10.0
    est = ValveEstimate(position=start)
    for target, dt in moves:
        est = ValveEstimate(est.position, valve_direction(est, target))
        est = advance_valve(est, dt, travel_s)
        assert -OVERDRIVE <= est.position <= 1 + OVERDRIVE
        assert 0.0 <= est.opening <= 1.0
    final = 0.4
    for _ in range(4):  # stop, (maybe) reverse, drive, stop
        est = ValveEstimate(est.position, valve_direction(est, final))
        est = advance_valve(est, valve_time_to_goal(est, final, travel_s) if est.direction else 0.0, travel_s)
    assert abs(est.opening - final) <= 0.02 + 1e-9
