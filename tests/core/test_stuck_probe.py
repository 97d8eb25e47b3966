"""Stuck-probe detection (brewctl.core.stuck_probe): properties, the latch, the limits, the simulator."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.config import Mode, Rig
from brewctl.core.control import FermenterController, Target
from brewctl.core.stuck_probe import StuckLimits, StuckProbeMonitor, StuckSample, assess, guarded, limit_target
from brewctl.sim import parse_inline_profile, simulate
from brewctl.sim.faults import StuckProbe
from brewctl.sim.simulate import default_config, plant_for

LIMITS = StuckLimits()
HOUR = 3600.0


def series(
    n: int, *, beer: float = 25.0, chamber: float = 9.0, sp: float = 19.0, cool: float = 0.6
) -> list[StuckSample]:
    return [StuckSample(i * 60.0, beer, chamber, sp, cool=cool) for i in range(n)]


def test_a_beer_reading_flat_and_off_target_while_the_chamber_is_cold_is_suspect() -> None:
    found = assess(series(200), cascade=True)
    assert found == {"beer": {"cause": "chamber_gap", "reading_c": 25.0, "hours": 3.0, "gap_c": 16.0, "side": "colder"}}


def test_not_before_the_window_is_full() -> None:
    assert assess(series(170), cascade=True) == {}


def test_a_chamber_pushing_the_wrong_way_is_no_evidence() -> None:
    assert assess(series(200, chamber=27.0), cascade=True) == {}


def test_stuck_at_the_setpoint_needs_a_chamber_far_off() -> None:
    assert assess(series(200, beer=19.0, chamber=15.0), cascade=True) == {}  # high krausen: normal
    assert set(assess(series(200, beer=19.0, chamber=9.0), cascade=True)) == {"beer"}


def test_direct_rig_uses_the_output_duty() -> None:
    samples = [StuckSample(i * 60.0, 25.0, None, 19.0, cool=0.9) for i in range(40)]
    assert set(assess(samples, cascade=False)) == {"beer"}
    idle = [StuckSample(i * 60.0, 25.0, None, 19.0, cool=0.2) for i in range(40)]
    assert assess(idle, cascade=False) == {}


def test_a_flat_chamber_while_the_beer_cools_in_it_is_suspect() -> None:
    samples = [StuckSample(i * 60.0, 19.0 - i * 0.01, 25.0, 19.0, cool=1.0) for i in range(70)]
    assert set(assess(samples, cascade=True)) == {"chamber"}


readings = st.floats(min_value=-5, max_value=40, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), readings), st.one_of(st.none(), readings), st.floats(0, 1), st.floats(0, 1)),
        min_size=1,
        max_size=260,
    ),
    st.floats(min_value=-5, max_value=40),
    st.booleans(),
    st.floats(min_value=-1e6, max_value=1e6),
)
def test_properties(rows: list[tuple[float, float, float, float]], sp: float, cascade: bool, shift: float) -> None:
    """A probe whose reading moves more than ``flat_c`` in its window is never suspect; the verdict
    does not depend on when the clock started; too little history never gives a verdict."""
    samples = [StuckSample(i * 60.0, b, c, sp, heat=h, cool=k) for i, (b, c, h, k) in enumerate(rows)]
    found = assess(samples, cascade=cascade)
    shifted = [StuckSample(s.t_s + shift, s.beer_c, s.chamber_c, sp, heat=s.heat, cool=s.cool) for s in samples]
    assert set(assess(shifted, cascade=cascade)) == set(found)
    span = {"beer": LIMITS.beer_window_s if cascade else LIMITS.direct_window_s, "chamber": LIMITS.chamber_window_s}
    for role in found:
        window = [s for s in samples if s.t_s >= samples[-1].t_s - span[role]]
        values = [v for s in window if (v := s.beer_c if role == "beer" else s.chamber_c) is not None]
        assert max(values) - min(values) <= LIMITS.flat_c
        assert samples[-1].t_s - samples[0].t_s >= span[role] - LIMITS.sample_s


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(Mode)),
    st.one_of(st.none(), st.floats(min_value=-5, max_value=40)),
    st.one_of(st.none(), readings),
    st.one_of(st.none(), readings),
    st.sets(st.sampled_from(["beer", "chamber"])),
    st.booleans(),
    st.floats(min_value=-5, max_value=5),
)
def test_limits_withhold_every_suspect_reading_and_never_stray_from_the_setpoint(
    mode: Mode,
    sp: float | None,
    beer: float | None,
    chamber: float | None,
    suspects: set[str],
    cascade: bool,
    offset: float,
) -> None:
    target = Target(mode, sp, chamber_setpoint_c=12.0)
    limited_target, limited = limit_target(
        target, {"beer": beer, "chamber": chamber}, dict.fromkeys(suspects), cascade=cascade, hold_offset_c=offset
    )
    assert all(limited[role] is None for role in suspects)
    assert all(limited[role] == value for role, value in (("beer", beer), ("chamber", chamber)) if role not in suspects)
    if limited_target != target:  # only ever: hold the chamber near the beer setpoint
        assert limited_target.mode is Mode.CHAMBER and sp is not None and limited_target.chamber_setpoint_c is not None
        assert abs(limited_target.chamber_setpoint_c - sp) <= 5.0


def test_the_monitor_latches_until_the_reading_moves() -> None:
    m = StuckProbeMonitor(cascade=True)
    for s in series(200):
        m.update(s)
    assert set(m.suspects) == {"beer"}
    m.update(StuckSample(200 * 60.0, 25.1, 19.0, 19.0))  # still at the stuck value: still suspect
    assert set(m.suspects) == {"beer"}
    m.update(StuckSample(201 * 60.0, 21.0, 19.0, 19.0))  # replugged: reads true again
    assert m.suspects == {}


def test_a_missing_reading_when_the_verdict_comes_does_not_crash_the_monitor() -> None:
    # Found by running the daemon at --speed 600 under load: a read blip on the very sample
    # that completed the window raised AssertionError in the control loop (the daemon exited 1).
    probe = StuckProbeMonitor(cascade=True)
    samples = series(300)
    verdict_at = next(i for i, s in enumerate(samples) if probe.update(s))
    m = StuckProbeMonitor(cascade=True)
    for s in samples[:verdict_at]:
        m.update(s)
    blip = StuckSample(samples[verdict_at].t_s, None, 9.0, 19.0)
    assert m.update(blip) == {}  # no reading right now: not latched yet
    assert set(m.update(samples[verdict_at + 1])) == {"beer"}


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.floats(-5, 40)), st.one_of(st.none(), st.floats(-5, 40)), st.floats(0, 1)),
        min_size=1,
        max_size=400,
    ),
    st.booleans(),
    st.sampled_from([20.0, 60.0, 300.0]),
)
@settings(max_examples=60, deadline=None)
def test_the_monitor_takes_any_series_with_missing_readings(
    rows: list[tuple[float | None, float | None, float]], cascade: bool, every_s: float
) -> None:
    m = StuckProbeMonitor(cascade=cascade)
    for i, (beer, chamber, duty) in enumerate(rows):
        suspects = m.update(StuckSample(i * every_s, beer, chamber, 19.0, cool=duty, chamber_setpoint_c=10.0))
        for role, (stuck_at, _) in suspects.items():
            assert role in ("beer", "chamber") and isinstance(stuck_at, float)


def test_the_alarm_is_worded_from_its_code_and_values() -> None:
    from brewctl.wording import alarm_message

    g = guarded(FermenterController(default_config(Rig.HEAT_COOL)))
    result = None
    for s in series(200):
        result = g.step(s.t_s, {"beer": s.beer_c, "chamber": s.chamber_c}, Target(Mode.BEER, 19.0))
    assert result is not None
    (alarm,) = [a for a in result.alarms if a.code == "beer_probe_stuck"]
    assert alarm.role == "beer" and alarm.values["action"] == "hold_chamber"
    assert alarm_message(alarm) == (
        "beer probe reads 25.00 °C, flat for 3.0 h, although the chamber has been 16.0 K colder all along: "
        "not trusted; the chamber is held near the beer setpoint until it reads true again"
    )


def test_no_alarm_on_a_healthy_rig_over_a_ferment() -> None:
    cfg = default_config(Rig.HEAT_COOL)
    g = guarded(FermenterController(cfg))
    simulate(parse_inline_profile("19:1d,2:1d"), days=2.0, config=cfg, controller=g)  # bench: every profile
    assert g.first_alarm_s == {}


@pytest.mark.parametrize("guard", [False, True])
def test_a_beer_probe_stuck_at_25_is_caught_and_the_beer_kept_warm(guard: bool) -> None:
    """Issue #17 defect 3 in the simulator: without detection the real beer falls far."""
    cfg = default_config(Rig.HEAT_COOL)
    plant = StuckProbe(plant_for(Rig.HEAT_COOL), "beer", value_c=25.0, after_s=6 * HOUR)
    ctrl = FermenterController(cfg)
    g = guarded(ctrl)
    simulate(parse_inline_profile("19:2d"), plant, days=1.5, config=cfg, controller=g if guard else ctrl)
    assert plant.beer_min_c is not None
    if guard:
        assert 0 < g.first_alarm_s["beer"] - 6 * HOUR <= 3.5 * HOUR
        assert plant.beer_min_c >= 14.0
    else:
        assert plant.beer_min_c < 12.0
