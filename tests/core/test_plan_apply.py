"""A control step in two halves (``plan`` then ``apply``), as the daemon runs it for a shared
chiller: the same as ``step``, the chiller's answer honoured, the halves used only in order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.config import Mode, Rig
from brewctl.core import FermenterController, Target

from .helpers import fermenter
from .test_properties import step as any_step


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([Rig.HEAT_COOL, Rig.COOL_ONLY, Rig.GLYCOL, Rig.VALVE]),
    st.lists(st.tuples(any_step, st.booleans()), min_size=1, max_size=50),
)
def test_plan_then_apply_is_step_and_a_held_valve_stays_shut(rig: Rig, steps: list[tuple]) -> None:  # type: ignore[type-arg]
    one, two = FermenterController(fermenter(rig)), FermenterController(fermenter(rig))
    cooler = "valve" if rig in (Rig.GLYCOL, Rig.VALVE) else "cool"
    now = 1000.0
    for (dt, beer, chamber, mode, beer_sp, chamber_sp), allowed in steps:
        now += dt
        readings = {"beer": beer, "chamber": chamber, "room": None}
        target = Target(mode, beer_setpoint_c=beer_sp, chamber_setpoint_c=chamber_sp)
        was_on = two.guard_state is not None and two.guard_state.cool.on
        stepped = one.step(now, readings, Target(mode, beer_sp, chamber_sp, cooling_allowed=allowed))
        planned = two.plan(now, readings, target)
        applied = two.apply(planned, cooling_allowed=allowed)
        assert applied.outputs == stepped.outputs
        assert applied.cool_wanted == stepped.cool_wanted == planned.cool_wanted
        assert two.guard_state == one.guard_state
        if not allowed and not was_on:
            assert applied.outputs.get(cooler, 0.0) == 0.0, "a valve the chiller holds shut opened"


def test_the_halves_go_in_order() -> None:
    ctrl = FermenterController(fermenter(Rig.GLYCOL))
    readings = {"beer": 20.0, "chamber": None, "room": None}
    planned = ctrl.plan(1000.0, readings, Target(Mode.BEER, 12.0))
    with pytest.raises(RuntimeError, match="never applied"):
        ctrl.plan(1005.0, readings, Target(Mode.BEER, 12.0))
    ctrl.apply(planned)
    with pytest.raises(RuntimeError, match="once"):
        ctrl.apply(planned)
    ctrl.step(1010.0, readings, Target(Mode.BEER, 12.0))  # and step still works between
