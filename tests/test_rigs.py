"""The rig registry: every rig has a spec, and what the config, core, simulator and HA read agrees."""

from __future__ import annotations

import pytest

from brewctl.config import Config, FermenterConfig, Rig
from brewctl.core.control import FermenterController
from brewctl.drivers.outputs import DRIVERS
from brewctl.mqtt.state import ha_hold_mode
from brewctl.rigs import OUTPUT_ROLES, RIGS, OutputKind, can_heat_cool, output_roles, spec, wired_roles
from brewctl.sim import plant_for
from brewctl.sim.simulate import default_config


def test_every_rig_has_a_spec() -> None:
    assert set(RIGS) == set(Rig)
    for rig, rs in RIGS.items():
        assert rs.rig is rig
        assert spec(rig.value) is rs
        assert set(rs.required) <= set(OUTPUT_ROLES)
        assert rs.cool_role is None or rs.cool_role in rs.roles


def test_every_output_kind_has_a_driver_and_a_role() -> None:
    assert set(DRIVERS) == set(OutputKind)
    assert {k for r in OUTPUT_ROLES.values() for k in r.kinds} == set(OutputKind)


@pytest.mark.parametrize("rig", list(Rig))
def test_default_config_wires_the_required_roles(rig: Rig) -> None:
    cfg = default_config(rig)
    ctrl = FermenterController(cfg)
    # The simulated jacketed tank has a heat belt: its default fermenter wires the optional heater.
    wired = RIGS[rig].roles if RIGS[rig].plant == "glycol-jacket" else RIGS[rig].required
    assert ctrl.roles == wired
    assert set(output_roles(rig, {r.field: getattr(cfg, r.field) for r in OUTPUT_ROLES.values()})) == set(wired)
    assert ha_hold_mode(rig.value) == RIGS[rig].ha_hold_mode
    assert plant_for(rig) is not None


@pytest.mark.parametrize("rig", [Rig.GLYCOL, Rig.VALVE])
def test_optional_heat_is_used_when_configured(rig: Rig) -> None:
    cfg = default_config(rig).model_copy(update={"heater": "heat"})
    assert FermenterController(cfg).roles == ("heat", "valve")


def test_a_heat_only_rig_ignores_a_configured_cooler() -> None:
    cfg = FermenterConfig(rig=Rig.HEAT_ONLY, heater="h", cooler="c", beer_probe="b")
    assert FermenterController(cfg).roles == ("heat",)
    assert output_roles(Rig.HEAT_ONLY, {"heater": "h", "cooler": "c"}) == {"heat": "h"}


@pytest.mark.parametrize("rig", list(Rig))
def test_missing_parts_are_named_from_the_registry(rig: Rig) -> None:
    with pytest.raises(ValueError, match=f"a {rig.value} fermenter needs") as err:
        FermenterConfig(rig=rig, chamber_probe="c")
    for field in RIGS[rig].required_fields:
        assert field in str(err.value)


def test_the_valve_rig_narrows_the_valve_kinds() -> None:
    data = {
        "probes": {"beer": {"id": "28-000000000001"}},
        "outputs": {"v": {"kind": "solenoid", "pin": 17}},
        "fermenters": {"fv": {"rig": "valve", "valve": "v", "beer_probe": "beer"}},
    }
    with pytest.raises(ValueError, match="a valve rig needs a motorized-valve output"):
        Config.model_validate(data)
    data["fermenters"] = {"fv": {"rig": "glycol", "valve": "v", "beer_probe": "beer"}}
    Config.model_validate(data)


def test_wired_roles_are_the_rigs_roles_set_in_the_config() -> None:
    """A cooler set on a heat-only fermenter is no role of it: it neither cools nor gets a HA duty sensor."""
    f = FermenterConfig(rig=Rig.HEAT_ONLY, beer_probe="b", heater="h", cooler="c")
    assert wired_roles(f) == {"heat": "h"}
    assert can_heat_cool(wired_roles(f)) == (True, False)
    g = FermenterConfig(rig=Rig.GLYCOL, beer_probe="b", valve="v")
    assert wired_roles(g) == {"valve": "v"}
    assert can_heat_cool(wired_roles(g)) == (False, True)
    assert can_heat_cool(["cool"]) == (False, True) and can_heat_cool([]) == (False, False)
