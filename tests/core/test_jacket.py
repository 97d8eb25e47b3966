"""Jacketed-tank loops: the learned jacket model, solenoid pulses, the heat belt, the ball valve's
steps, and the guards (minimum open/closed times) never violated whatever the beer does."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.config import GuardConfig, Mode, Rig
from brewctl.core import FermenterController, Target
from brewctl.core.jacket import HeatBelt, JacketModel, ModulatingLoop, PulseLoop, Trend

from .helpers import fermenter


class FirstOrderTank:
    """Beer pulled toward -2 degC glycol at k per second while the valve is open; a steady load."""

    def __init__(self, k_per_s: float, load_c_per_s: float, beer_c: float = 19.0) -> None:
        self.k = k_per_s
        self.load = load_c_per_s
        self.beer_c = beer_c

    def step(self, dt: float, valve: float) -> None:
        for _ in range(int(dt)):
            self.beer_c += self.load - valve * self.k * (self.beer_c + 2.0)


def test_pulse_length_grows_with_the_drop_and_the_load() -> None:
    model = JacketModel(k_per_s=1e-4)
    short, long_ = model.pulse_s(19.0, 0.2), model.pulse_s(19.0, 0.4)
    assert 0 < short < long_
    assert model.pulse_s(19.0, 0.2, rise_c_per_s=1e-4) > short  # the load works on while open
    assert model.pulse_s(19.0, 0.0) == 0.0
    assert model.pulse_s(1.0, 5.0) == 24 * 3600.0  # below the glycol: as long as it may


def test_the_model_learns_an_exact_first_order_jacket_from_one_pulse() -> None:
    model = JacketModel()
    true_k = 2.3e-5  # a 1,000 L tank
    drop = 21.0 * (1.0 - math.exp(-true_k * 1200.0))
    model.learn(19.0, drop, 1200.0)
    assert model.k_per_s == pytest.approx(true_k, rel=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(-5, 40), st.floats(-1, 30), st.floats(0, 1e5), st.integers(0, 3))
def test_learning_never_breaks_the_model(beer: float, drop: float, open_s: float, pulses: int) -> None:
    model = JacketModel(pulses=pulses)
    model.learn(beer, drop, open_s)
    assert math.isfinite(model.k_per_s) and model.k_per_s > 0
    assert model.pulse_s(beer, abs(drop)) >= 0.0


@pytest.mark.parametrize("k_per_s", [1.3e-4, 2.3e-5])  # a 20 L and a 1,000 L jacket
def test_pulses_settle_into_the_band_on_any_size_without_tuning(k_per_s: float) -> None:
    """The same loop, untuned, on jackets five times apart: a swing between -0.15 and +0.2."""
    tank = FirstOrderTank(k_per_s, load_c_per_s=0.3 / 3600.0)
    loop = PulseLoop(JacketModel(), ripple_c=0.2, undershoot_c=0.15)
    on, since, now = False, 0.0, 0.0
    lows, opens = [], 0
    for _ in range(8 * 360):  # 8 hours in 10-second steps
        want = loop.step(now, round(tank.beer_c / 0.0625) * 0.0625, 19.0, valve_on=on, valve_since_s=since)
        if want != on:
            on, since = want, now
            opens += want
        tank.step(10.0, 1.0 if on else 0.0)
        now += 10.0
        if now > 4 * 3600.0:
            lows.append(tank.beer_c)
    assert loop.model.pulses >= 2
    assert min(lows) >= 19.0 - 0.15 - 0.07
    assert max(lows) <= 19.0 + 0.2 + 0.07


def test_heat_belt_holds_the_beer_when_the_cellar_is_colder() -> None:
    belt = HeatBelt(kp=8.0, ki_per_h=6.0)
    beer, now = 18.7, 0.0
    for _ in range(6 * 360):
        duty = belt.step(now, beer, 19.0, band_c=0.2, may_engage=True, settled=False)
        beer += 10.0 * (duty * 1.0 - 0.3) / 3600.0  # belt 1 degC/h at full duty, cellar pulls 0.3 degC/h
        now += 10.0
    assert belt.engaged
    assert beer == pytest.approx(19.0, abs=0.02)


def test_heat_belt_lets_go_above_the_band_and_waits_below_it() -> None:
    belt = HeatBelt(kp=8.0, ki_per_h=6.0)
    assert belt.step(0.0, 18.9, 19.0, band_c=0.2, may_engage=True, settled=False) == 0.0  # inside the band
    assert belt.step(10.0, 18.9, 19.0, band_c=0.2, may_engage=True, settled=True) > 0.0  # settled: the cellar cools
    assert belt.step(20.0, 19.25, 19.0, band_c=0.2, may_engage=True, settled=True) == 0.0
    assert not belt.engaged


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=200), st.floats(0.02, 0.3))
def test_the_ball_valve_moves_only_in_steps_or_to_an_end(errors: list[float], step: float) -> None:
    loop = ModulatingLoop(JacketModel(), kp=1.0, ki_per_h=1.0, step=step, band_c=0.5)
    last = 0.0
    for k, e in enumerate(errors):
        opening = loop.step(60.0 * k, 19.0 + e, 19.0)
        assert 0.0 <= opening <= 1.0
        if opening != last:
            assert abs(opening - last) >= step - 1e-3 or opening in (0.0, 1.0)
        last = opening


def test_trend_reads_a_slow_rise_through_the_probe_steps() -> None:
    trend = Trend()
    assert trend.update(0.0, 19.0) is None
    slope = None
    for k in range(1, 31):
        slope = trend.update(60.0 * k, 19.0 + 0.0625 * (k // 10))
    assert slope is not None and 0.25 < slope * 3600.0 < 0.5  # 0.0625 every 10 min: 0.375 degC/h


# --- the guards hold whatever the beer does ---------------------------------------------------

limits = st.sampled_from([0.0, 30.0, 60.0, 180.0, 600.0])
walk = st.lists(
    st.tuples(
        st.sampled_from([1.0, 10.0, 30.0, 60.0, 600.0]), st.floats(-0.3, 0.3), st.sampled_from([None, 2.0, 19.0])
    ),
    min_size=1,
    max_size=150,
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([Rig.GLYCOL, Rig.VALVE]), st.booleans(), limits, limits, limits, walk)
def test_valve_minimum_open_and_closed_times_are_never_violated(
    rig: Rig, heater: bool, min_on: float, min_off: float, dead: float, steps: list[tuple[float, float, float | None]]
) -> None:
    guards = GuardConfig(valve_min_on_s=min_on, valve_min_off_s=min_off, heat_cool_dead_time_s=dead)
    cfg = fermenter(rig, guards=guards, **({"heater": "h"} if heater else {}))
    ctrl = FermenterController(cfg)
    now, beer, sp = 1000.0, 19.5, 19.0
    on, changed = False, now
    heat_stopped = now
    for dt, move, new_sp in steps:
        now += dt
        beer += move
        sp = new_sp if new_sp is not None else sp
        r = ctrl.step(
            now, {"beer": round(beer / 0.0625) * 0.0625, "chamber": None, "room": None}, Target(Mode.BEER, sp)
        )
        valve = r.outputs["valve"] > 0.0
        heat = r.outputs.get("heat", 0.0) > 0.0
        assert not (valve and heat)
        if valve and not on:
            assert now - changed >= min_off, "valve min closed violated"
            assert now - heat_stopped >= dead or not heater, "heat->valve dead time violated"
        if on and not valve:
            assert now - changed >= min_on, "valve min open violated"
        if valve != on:
            on, changed = valve, now
        state = ctrl.guard_state
        assert state is not None
        if state.heat.on:
            heat_stopped = now


def test_between_pulses_the_valve_says_the_last_pulse_is_still_working() -> None:
    """Closed while the last pulse's cold still reaches the beer: not 'idle' with the beer 3 °C over."""
    from brewctl.core.jacket import JacketLoop

    loop = JacketLoop(
        modulating=False, has_heat=False, ripple_c=0.2, undershoot_c=0.15, glycol_c=-2.0,
        heat_kp=8.0, heat_ki_per_h=6.0, valve_kp=0.5, valve_ki_per_h=0.5, valve_step=0.1,
    )  # fmt: skip
    tank = FirstOrderTank(2.3e-5, load_c_per_s=0.3 / 3600.0, beer_c=22.0)
    on, since, now, settling = False, 0.0, 0.0, 0
    for _ in range(4 * 360):  # 4 hours in 10-second steps
        req = loop.step(now, round(tank.beer_c / 0.0625) * 0.0625, 19.0, valve_on=on, valve_since_s=since)
        if req.valve > 0:
            assert req.note == ("glycol_pulse" if on else None)  # the pulse's length is known once open
        elif loop.pulses.watching():
            assert req.note == "glycol_settling"
            settling += 1
        else:
            assert req.note is None
        if (req.valve > 0) != on:
            on, since = req.valve > 0, now
        tank.step(10.0, 1.0 if on else 0.0)
        now += 10.0
    assert settling > 0
