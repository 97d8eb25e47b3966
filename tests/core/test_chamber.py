"""The chamber loop: bands, the peak estimator, the adaptive band, no heating during a crash."""

from __future__ import annotations

import pytest

from brewctl.config import Mode
from brewctl.core import FermenterController, Target
from brewctl.core.chamber import ChamberLoop, PeakEstimator

from .helpers import fermenter


def loop(**kw: object) -> ChamberLoop:
    args: dict[str, object] = {
        "has_heat": True,
        "has_cool": True,
        "hysteresis_c": 1.0,
        "kp": 0.5,
        "peak_estimation": True,
        "heat_hysteresis_c": 0.3,
        "max_hysteresis_c": 4.0,
    }
    args.update(kw)
    return ChamberLoop(**args)  # type: ignore[arg-type]


def test_cooling_band_and_early_stop_by_the_peak_estimate() -> None:
    cl = loop()
    assert not cl.request(10.9, 10.0, heating=False, cooling=False, cool_on_s=0).want_cool
    assert cl.request(11.1, 10.0, heating=False, cooling=False, cool_on_s=0).want_cool
    # running 15 min with a learned 1.0 degC drop: stop at 10.0 (9.0 + drop) instead of 9.0
    req = cl.request(9.9, 10.0, heating=False, cooling=True, cool_on_s=900)
    assert req.want_cool is False and req.peak_drop_c is not None and req.peak_drop_c > 0.05
    assert cl.request(10.1, 10.0, heating=False, cooling=True, cool_on_s=900).want_cool


def test_heating_band_and_proportional_duty() -> None:
    cl = loop()
    assert cl.request(9.8, 10.0, heating=False, cooling=False, cool_on_s=0).heat_duty == 0.0
    assert cl.request(9.0, 10.0, heating=False, cooling=False, cool_on_s=0).heat_duty == pytest.approx(0.5)
    assert cl.request(9.9, 10.0, heating=True, cooling=False, cool_on_s=0).heat_duty == pytest.approx(0.05)
    # right after cooling the chamber dips by itself: heat only below the whole cooling band
    assert cl.request(9.5, 10.0, heating=False, cooling=False, cool_on_s=0, cool_off_s=600).heat_duty == 0.0
    assert cl.request(9.5, 10.0, heating=False, cooling=False, cool_on_s=0, heat_allowed=False).heat_duty == 0.0


def test_full_cooling_runs_on_below_the_band() -> None:
    cl = loop()
    assert not cl.request(8.5, 10.0, heating=False, cooling=True, cool_on_s=0).want_cool
    assert cl.request(8.5, 10.0, heating=False, cooling=True, cool_on_s=0, full_cooling=True).want_cool
    assert not cl.request(7.9, 10.0, heating=False, cooling=True, cool_on_s=0, full_cooling=True).want_cool


@pytest.mark.parametrize("flag", ["at_limit", "full_cooling"])
def test_at_the_chamber_limit_cooling_restarts_at_the_setpoint_not_the_band(flag: str) -> None:
    cl = loop()
    assert not cl.request(10.5, 10.0, heating=False, cooling=False, cool_on_s=0).want_cool  # within the band
    assert cl.request(10.5, 10.0, heating=False, cooling=False, cool_on_s=0, **{flag: True}).want_cool  # type: ignore[arg-type]
    assert not cl.request(9.9, 10.0, heating=False, cooling=False, cool_on_s=0, **{flag: True}).want_cool  # type: ignore[arg-type]


def test_adaptive_band_widens_while_steady_and_narrows_on_ripple() -> None:
    cl = loop()
    for _ in range(20):
        cl.adapt(0.01, 0.15)
    assert cl.band_c == 4.0
    cl.adapt(0.1, 0.15)
    assert cl.band_c == 4.0  # within the target: unchanged
    for _ in range(20):
        cl.adapt(0.5, 0.15)
    assert cl.band_c == 1.0


def test_peak_estimator_learns_the_drop() -> None:
    pe = PeakEstimator(drop_c=1.0)
    pe.stopped(0.0, 5.0, on_s=1800.0)
    for t, c in ((60, 4.5), (120, 3.2), (180, 3.0), (240, 3.1), (300, 3.4)):
        pe.observe(float(t), c, heating=False)
    assert pe.drop_c == pytest.approx(1.5)  # halfway from 1.0 to the 2.0 seen
    assert pe.predicted_drop(450.0) == pytest.approx(0.75)


def test_no_heating_during_a_crash_pull_down() -> None:
    ctrl = FermenterController(fermenter())
    crash = Target(Mode.BEER, beer_setpoint_c=2.0)
    t = 0.0
    for _ in range(2000):  # beer still warm, chamber far below its setpoint after cooling
        t += 10.0
        r = ctrl.step(t, {"beer": 12.0, "chamber": -6.0}, crash)
        assert r.outputs["heat"] == 0.0
