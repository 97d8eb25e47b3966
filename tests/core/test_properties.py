"""Property tests: whatever the readings, setpoints, modes and time steps, the controller never
heats and cools together, never violates a guard, and switches off when inputs are unusable."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.config import Mode, Rig
from brewctl.core import FermenterController, Target

from .helpers import fermenter

reading = st.one_of(
    st.none(),
    st.just(math.nan),
    st.just(85.0),
    st.sampled_from([1e9, -1e9, math.inf, -273.15, 61.0, -21.0]),
    st.floats(-5.0, 40.0),
    st.floats(15.0, 25.0),
)
setpoint = st.one_of(st.none(), st.floats(-5.0, 40.0))
step = st.tuples(
    st.sampled_from([0.0, 1.0, 5.0, 10.0, 60.0, 179.0, 181.0, 299.0, 301.0, 601.0, 3600.0, 86400.0]),
    reading,
    reading,
    st.sampled_from(list(Mode)),
    setpoint,
    setpoint,
)


def usable(v: float | None) -> bool:
    return v is not None and math.isfinite(v) and -20.0 <= v <= 60.0


@settings(max_examples=250, deadline=None)
@given(
    st.sampled_from([Rig.HEAT_COOL, Rig.COOL_ONLY, Rig.HEAT_ONLY, Rig.GLYCOL, Rig.VALVE]),
    st.booleans(),
    st.lists(step, min_size=1, max_size=60),
)
def test_controller_invariants(rig: Rig, glycol_heater: bool, steps: list[tuple]) -> None:  # type: ignore[type-arg]
    extra = {"heater": "h"} if glycol_heater and rig in (Rig.GLYCOL, Rig.VALVE) else {}
    cfg = fermenter(rig, **extra)
    g = cfg.guards
    ctrl = FermenterController(cfg)
    cooler = "valve" if rig in (Rig.GLYCOL, Rig.VALVE) else "cool"
    min_on, min_off = (
        (g.valve_min_on_s, g.valve_min_off_s) if cooler == "valve" else (g.cool_min_on_s, g.cool_min_off_s)
    )
    both = ctrl.has_heat and cooler in ctrl.roles
    dead = g.heat_cool_dead_time_s if both else 0.0

    now = 1000.0
    cool_on = heat_on = False
    cool_changed = heat_changed = now  # at start: just switched off
    for dt, beer, chamber, mode, beer_sp, chamber_sp in steps:
        now += dt
        target = Target(mode, beer_setpoint_c=beer_sp, chamber_setpoint_c=chamber_sp)
        r = ctrl.step(now, {"beer": beer, "chamber": chamber, "room": None}, target)
        out = r.outputs
        assert set(out) == set(ctrl.roles)
        assert all(0.0 <= v <= 1.0 and math.isfinite(v) for v in out.values())
        heat = out.get("heat", 0.0) > 0.0
        cool = out.get(cooler, 0.0) > 0.0
        assert not (heat and cool), "heat and cool together"

        if cool and not cool_on:
            assert now - cool_changed >= min_off, "cooler min off violated"
            assert not heat_on and now - heat_changed >= dead, "heat->cool dead time violated"
        if heat and not heat_on:
            assert not cool_on and now - cool_changed >= dead, "cool->heat dead time violated"
        # Only a fault cuts a running compressor short; switching off by choice honours min on.
        if cool_on and not cool and not r.safe:
            assert now - cool_changed >= min_on, "cooler min on violated"

        cascade = rig in (Rig.HEAT_COOL, Rig.COOL_ONLY, Rig.HEAT_ONLY)
        if mode is Mode.CHAMBER:
            unusable = not usable(chamber if cascade else beer)
        else:
            unusable = not usable(beer) and (not cascade or not usable(chamber))
        if mode is Mode.OFF or (mode is Mode.PROFILE and beer_sp is None):
            # Off by choice (mode off, free rise): heating stops at once, a running cooler
            # only until its minimum on time is over.
            assert out.get("heat", 0.0) == 0.0, "heating while off"
            if cool:
                assert cool_on and now - cool_changed < min_on, "cooler on while off, past its min on"
        elif unusable:
            assert not any(out.values()), f"outputs on with unusable inputs: {out}"
            assert r.safe
            assert any(a.severity == "critical" for a in r.alarms)

        if cool != cool_on:
            cool_on, cool_changed = cool, now
        state = ctrl.guard_state
        assert state is not None
        # The heater's guards act on its heating state (the SSR's duty pulses within it).
        if state.heat.on and not heat_on:
            assert now - heat_changed >= g.heat_min_off_s, "heater min off violated"
        if heat_on and not state.heat.on and not r.safe:
            assert now - heat_changed >= g.heat_min_on_s, "heater min on violated"
        if heat and not state.heat.on:
            raise AssertionError("heater output on outside its heating state")
        if state.heat.on != heat_on:
            heat_on, heat_changed = state.heat.on, now
