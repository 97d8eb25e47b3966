"""Setpoint slope (ramp feed-forward): ramps seen, steps never mistaken for ramps."""

from __future__ import annotations

import pytest

from brewctl.config import Mode
from brewctl.core import FermenterController, Target
from brewctl.core.ramp import SetpointSlope

from .helpers import fermenter


def feed(slope: SetpointSlope, sp_at: object, start: float, end: float, dt: float = 10.0) -> float:
    assert callable(sp_at)
    t = start
    out = slope.update(t, sp_at(t))
    while t < end:
        t += dt
        out = slope.update(t, sp_at(t))
    return out


def test_a_ramp_is_seen_within_two_windows() -> None:
    s = SetpointSlope(window_s=600.0)
    assert feed(s, lambda t: 20.0 - 0.5 * t / 3600.0, 0.0, 1100.0) == 0.0  # one window: not yet
    assert feed(s, lambda t: 20.0 - 0.5 * t / 3600.0, 1110.0, 1300.0) == pytest.approx(-0.5, rel=0.02)


def test_a_ramp_end_is_seen_within_one_window() -> None:
    s = SetpointSlope(window_s=600.0)
    ramp_then_hold = lambda t: max(19.0, 20.0 - 0.5 * t / 3600.0)  # noqa: E731
    assert feed(s, ramp_then_hold, 0.0, 7000.0) == pytest.approx(-0.5, rel=0.02)
    assert feed(s, ramp_then_hold, 7010.0, 7200.0 + 1300.0) == 0.0


@pytest.mark.parametrize("step_c", [0.1, 0.2, 1.0, 10.0])
def test_a_setpoint_step_is_not_a_ramp(step_c: float) -> None:
    s = SetpointSlope(window_s=600.0)
    seen = []
    t = 0.0
    while t < 4 * 3600.0:
        seen.append(s.update(t, 19.0 + (step_c if t >= 3000.0 else 0.0)))
        t += 10.0
    assert seen == [0.0] * len(seen)


def test_the_controller_leads_the_chamber_on_a_ramp() -> None:
    """Beer exactly on a falling ramp: the chamber setpoint goes ~ramp_lead_h x slope below it."""
    ctrl = FermenterController(fermenter(tuning={"ramp_lead_h": 6.0, "ki": 0.0}))
    result = None
    for k in range(0, 3600, 10):
        t = float(k)
        sp = 15.0 - 0.5 * t / 3600.0
        # the beer right on its ramp; its smoothed value lags by the filter time, as the PID expects
        result = ctrl.step(t, {"beer": sp, "chamber": sp - 3.0}, Target(Mode.BEER, sp))
    assert result is not None and result.beer_setpoint_c is not None and result.chamber_setpoint_c is not None
    lead = result.chamber_setpoint_c - result.beer_setpoint_c
    assert lead == pytest.approx(-3.0, abs=0.3)


def test_a_known_slope_in_the_target_is_used_at_once() -> None:
    ctrl = FermenterController(fermenter(tuning={"ki": 0.0}))
    r = ctrl.step(0.0, {"beer": 15.0, "chamber": 15.0}, Target(Mode.BEER, 15.0, beer_setpoint_slope_c_per_h=-0.5))
    assert r.chamber_setpoint_c is not None
    # ramp_lead_h 6 x -0.5 = -3; the PID compares with the setpoint 10 min ago (15.083): P +0.5.
    assert r.chamber_setpoint_c == pytest.approx(15.0 - 3.0 + 6.0 * 0.5 * 600.0 / 3600.0, abs=0.01)
    flat = FermenterController(fermenter(tuning={"ki": 0.0, "ramp_lead_h": 0.0}))
    r = flat.step(0.0, {"beer": 15.0, "chamber": 15.0}, Target(Mode.BEER, 15.0, beer_setpoint_slope_c_per_h=-0.5))
    assert r.chamber_setpoint_c is not None and r.chamber_setpoint_c > 14.0


def test_unusable_setpoints_and_times_give_no_slope() -> None:
    s = SetpointSlope(window_s=60.0)
    assert feed(s, lambda t: 20.0 - t / 3600.0, 0.0, 600.0) == pytest.approx(-1.0)
    assert s.update(610.0, float("nan")) == 0.0
    assert s.update(float("inf"), 19.0) == 0.0
    assert feed(s, lambda t: 19.0, 700.0, 800.0) == 0.0
