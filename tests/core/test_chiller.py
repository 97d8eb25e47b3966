"""The chiller coordinator: stagger, danger first, guards never violated, the alarm."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.config import ChillerConfig
from brewctl.core.chiller import ChillerState, ValveDemand, chiller_thermostat, coordinate

LIMITS = ChillerConfig(
    reservoir_probe="glycol",
    capacity_w=3000.0,
    volume_l=100.0,
    setpoint_c=-2.0,
    high_c=2.0,
    alarm_c=4.0,
    alarm_after_s=600.0,
    stagger_s=30.0,
)


def demand(
    fid: str, *, wants: bool = True, open_: bool = False, since: float = -1e6, error: float = 0.5
) -> ValveDemand:
    return ValveDemand(fid, wants=wants, open=open_, since_s=since, min_on_s=30.0, min_off_s=60.0, error_c=error)


def test_openings_are_staggered() -> None:
    ds = [demand(f"fv{i}") for i in range(3)]
    d = coordinate(LIMITS, ChillerState(), 0.0, -2.0, ds)
    first = [f for f, ok in d.allowed.items() if ok]
    assert len(first) == 1
    ds = [demand(f, open_=f in first, since=0.0 if f in first else -1e6) for f in d.allowed]  # it opened
    d2 = coordinate(LIMITS, d.state, 10.0, -2.0, ds)
    assert [f for f, ok in d2.allowed.items() if ok] == first, "no second opening within stagger_s"
    d3 = coordinate(LIMITS, d2.state, 30.0, -2.0, ds)
    assert sum(d3.allowed.values()) == 2


def test_warmest_first_and_a_crash_yields() -> None:
    ds = [demand("krausen", error=1.2), demand("crash", error=15.0), demand("cool", error=0.2)]
    d = coordinate(LIMITS, ChillerState(), 0.0, -2.0, ds)
    assert d.allowed["krausen"] and not d.allowed["crash"]


def test_a_warm_reservoir_sheds_the_crashing_tank_first() -> None:
    ds = [demand("krausen", open_=True, error=1.0), demand("crash", open_=True, error=12.0)]
    d = coordinate(LIMITS, ChillerState(), 0.0, 3.0, ds)
    assert d.state.budget == 1
    assert d.allowed == {"krausen": True, "crash": False} and d.waiting == ("crash",)


def test_alarm_after_the_reservoir_stays_too_warm() -> None:
    state = ChillerState()
    for t in range(0, 700, 10):
        d = coordinate(LIMITS, state, float(t), 5.0, [demand("fv1", open_=True)], name="main")
        state = d.state
        assert bool(d.alarms) == (t >= 600)
    assert d.alarms[0].code == "chiller_overloaded" and "main" in d.alarms[0].message
    assert not coordinate(LIMITS, state, 710.0, 1.0, [demand("fv1")]).alarms


demands_st = st.lists(st.tuples(st.booleans(), st.floats(-3.0, 20.0)), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(
    demands_st,
    st.lists(st.tuples(st.floats(-4.0, 8.0) | st.none(), st.lists(st.booleans(), min_size=5, max_size=5)), max_size=60),
)
def test_guards_stagger_and_priority_hold_over_any_run(
    tanks: list[tuple[bool, float]], steps: list[tuple[float | None, list[bool]]]
) -> None:
    """Valves open iff their control wants and the chiller allows (the controller's guards are modelled
    by min on/off): the chiller never closes a valve inside its min open time, never opens one inside
    its min closed time, opens at most one per stagger_s, and never holds a warm tank for a crashing one."""
    state = ChillerState()
    is_open = [o for o, _ in tanks]
    since = [-1e6] * len(tanks)
    errors = [e for _, e in tanks]
    last_open_t = -1e9
    for k, (reservoir, wants) in enumerate(steps):
        now = k * 10.0
        ds = [
            ValveDemand(f"fv{i}", wants=wants[i], open=is_open[i], since_s=since[i], min_on_s=30.0, min_off_s=60.0,
                        error_c=errors[i])
            for i in range(len(tanks))
        ]  # fmt: skip
        d = coordinate(LIMITS, state, now, reservoir, ds)
        state = d.state
        opened_now = 0
        for i, dm in enumerate(ds):
            ok = d.allowed[dm.fermenter]
            if dm.open and now - dm.since_s < dm.min_on_s:
                assert ok, "closed inside its min open time"
            if not dm.open and ok and dm.wants:
                assert now - dm.since_s >= dm.min_off_s, "opened inside its min closed time"
                opened_now += 1
            new_open = ok and (dm.wants or dm.open)
            if new_open != is_open[i]:
                is_open[i], since[i] = new_open, now
        assert opened_now <= 1
        if opened_now:
            assert now - last_open_t >= LIMITS.stagger_s
            last_open_t = now
        crash_kept = [
            dm for dm in ds
            if d.allowed[dm.fermenter] and dm.open and dm.wants and (dm.error_c or 0) >= LIMITS.crash_gap_c
            and now - dm.since_s >= dm.min_on_s
        ]  # fmt: skip
        warm_held = [
            dm for dm in ds
            if dm.fermenter in d.waiting and dm.open and (dm.error_c or 0) < LIMITS.crash_gap_c
        ]  # fmt: skip
        assert not (crash_kept and warm_held), "a crashing tank kept its slot while a fermenting tank lost its own"


def test_chiller_thermostat_keeps_its_min_times() -> None:
    assert chiller_thermostat(LIMITS, False, 0.0, 1000.0, 0.0) is True
    assert chiller_thermostat(LIMITS, True, 0.0, 60.0, -5.0) is True, "min on"
    assert chiller_thermostat(LIMITS, True, 0.0, 600.0, -5.0) is False
    assert chiller_thermostat(LIMITS, False, 500.0, 600.0, 5.0) is False, "min off"
    assert chiller_thermostat(LIMITS, False, 0.0, 600.0, None) is True, "a lost probe keeps it running"
