"""Guards: minimum on/off times, dead time, never both, restart safety."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.core.guards import (
    HeatCool,
    HeatCoolLimits,
    Switch,
    SwitchLimits,
    arbitrate,
    guard_switch,
)

LIMITS = SwitchLimits(min_on_s=180, min_off_s=300)
HC = HeatCoolLimits(heat=SwitchLimits(180, 300), cool=SwitchLimits(180, 300), dead_time_s=600)


def test_min_off_blocks_a_start_and_says_how_long() -> None:
    sw, v = guard_switch(Switch(False, 0.0), True, 100.0, LIMITS)
    assert not v.on and not sw.on
    assert v.reason == "min off" and v.blocked_s == 200.0
    sw, v = guard_switch(sw, True, 300.0, LIMITS)
    assert v.on and sw.on and sw.changed_s == 300.0


def test_min_on_holds_but_force_off_wins() -> None:
    on = Switch(True, 0.0)
    sw, v = guard_switch(on, False, 60.0, LIMITS)
    assert v.on and v.reason == "min on" and v.blocked_s == 120.0
    sw, v = guard_switch(on, False, 60.0, LIMITS, force_off=True)
    assert not v.on and not sw.on and sw.changed_s == 60.0


def test_clock_going_backwards_only_waits_longer() -> None:
    _, v = guard_switch(Switch(False, 1000.0), True, 900.0, LIMITS)
    assert not v.on and v.blocked_s == 300.0


def test_restart_applies_min_off_and_dead_time_from_start() -> None:
    state = HeatCool.start(50.0)
    state, v = arbitrate(state, False, True, 50.0, HC)
    assert not v.cool.on and v.cool.reason == "dead time"
    state, v = arbitrate(state, False, True, 50.0 + 599, HC)
    assert not v.cool.on
    state, v = arbitrate(state, False, True, 50.0 + 600, HC)
    assert v.cool.on


def test_dead_time_between_cooling_and_heating() -> None:
    state = HeatCool(heat=Switch(False, -10_000), cool=Switch(True, 0.0))
    state, v = arbitrate(state, True, False, 200.0, HC)  # cooling may stop (min on done); heating must wait
    assert not v.cool.on and not v.heat.on and v.heat.reason == "other output on"
    state, v = arbitrate(state, True, False, 500.0, HC)
    assert not v.heat.on and v.heat.reason == "dead time" and v.heat.blocked_s == 300.0
    state, v = arbitrate(state, True, False, 800.0, HC)
    assert v.heat.on and not v.cool.on


def test_both_requested_keeps_the_running_one() -> None:
    state = HeatCool(heat=Switch(True, 0.0), cool=Switch(False, -10_000))
    state, v = arbitrate(state, True, True, 1000.0, HC)
    assert v.heat.on and not v.cool.on


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 1.0, 10.0, 59.0, 179.0, 180.0, 299.0, 300.0, 601.0, 5000.0]),
            st.booleans(),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=80,
    ),
    st.floats(0, 900),
    st.floats(0, 900),
    st.floats(0, 1800),
)
def test_arbitrate_never_violates_a_guard(
    steps: list[tuple[float, bool, bool, bool]], on: float, off: float, dead: float
) -> None:
    limits = HeatCoolLimits(SwitchLimits(on, off), SwitchLimits(on, off), dead)
    now = 0.0
    state = HeatCool.start(now)
    heat_off_at = cool_off_at = now
    heat_on_at = cool_on_at = None
    for dt, want_heat, want_cool, force in steps:
        now += dt
        new, v = arbitrate(state, want_heat, want_cool, now, limits, force_off=force)
        assert v.heat.on == new.heat.on and v.cool.on == new.cool.on
        assert not (new.heat.on and new.cool.on)
        for was, is_on, off_at, on_at, other_off_at, other_on in (
            (state.heat.on, new.heat.on, heat_off_at, heat_on_at, cool_off_at, state.cool.on),
            (state.cool.on, new.cool.on, cool_off_at, cool_on_at, heat_off_at, state.heat.on),
        ):
            if is_on and not was:  # a start: own min off, other idle for the dead time
                assert now - off_at >= off
                assert not other_on and now - other_off_at >= dead
            if was and not is_on and not force:
                assert on_at is not None and now - on_at >= on
        if new.heat.on and not state.heat.on:
            heat_on_at = now
        if new.cool.on and not state.cool.on:
            cool_on_at = now
        if state.heat.on and not new.heat.on:
            heat_off_at = now
        if state.cool.on and not new.cool.on:
            cool_off_at = now
        if force:
            assert not new.heat.on and not new.cool.on
        state = new
