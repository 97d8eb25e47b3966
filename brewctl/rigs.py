"""The rig registry: one place that says what each rig has and needs.

A *rig* is how a fermenter is heated and cooled. Each rig has output *roles* (``heat``,
``cool``, ``valve``), each role is wired to a configured output (the fermenter's ``heater``,
``cooler`` or ``valve`` key) of an allowed *output kind*, and the control core, the simulator,
the daemon and the MQTT/Home Assistant state all read the same ``RigSpec`` from ``RIGS``.

Adding a rig: one ``Rig`` member and one ``RIGS`` entry here, its control code in
``brewctl.core.control`` (the ``control`` field names the plan it uses), and a plant in
``brewctl.sim`` if no built-in one fits. Adding an output kind: one ``OutputKind`` member, the
roles that may use it in ``OUTPUT_ROLES``, and one driver class in ``brewctl.drivers.outputs``
(``DRIVERS``). See docs/control.md, "Adding a rig".

Pure data: no I/O, importable from the core.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal, Protocol

__all__ = [
    "COOL_ROLES",
    "HEAT_ROLE",
    "OUTPUT_ROLES",
    "PROBE_ROLES",
    "RIGS",
    "ControlKind",
    "OutputKind",
    "OutputRole",
    "PlantKind",
    "Rig",
    "RigSpec",
    "can_heat_cool",
    "output_roles",
    "probe_field",
    "probe_lost_code",
    "spec",
    "wired_roles",
]


class Rig(StrEnum):
    """How a fermenter is heated and cooled."""

    HEAT_COOL = "heat-cool"
    """A chamber (chest freezer, fridge) with a heater and a compressor."""
    HEAT_ONLY = "heat-only"
    COOL_ONLY = "cool-only"
    GLYCOL = "glycol"
    """A jacketed or coiled vessel cooled by a glycol solenoid valve (direct beer control)."""
    VALVE = "valve"
    """A jacketed vessel cooled through a motorized ball valve (open/close relays)."""


class OutputKind(StrEnum):
    RELAY = "relay"
    """An electromechanical relay (compressor, pump): on/off, guarded."""
    SSR = "ssr"
    """A solid-state relay driving a heater with time-proportioned duty."""
    SOLENOID = "solenoid"
    """A solenoid valve (glycol): on/off."""
    MOTORIZED_VALVE = "motorized-valve"
    """A motorized ball valve with an open relay and a close relay."""


PROBE_ROLES: tuple[str, ...] = ("beer", "chamber", "room")
"""Probe roles; a fermenter's probe for role R is its ``R_probe`` key."""


def probe_lost_code(role: str) -> str:
    """The code of the alarm raised for a lost probe of ``role`` (``beer_probe_lost``)."""
    return f"{role}_probe_lost"


def probe_field(role: str) -> str:
    """The fermenter config key naming the probe of a role (``beer`` -> ``beer_probe``)."""
    return f"{role}_probe"


@dataclass(frozen=True, slots=True)
class OutputRole:
    """An output role: the config key that names its output and the kinds it may be."""

    role: str
    """Key of ``ControlResult.outputs`` and of the plant's inputs: 'heat', 'cool', 'valve'."""
    field: str
    """The fermenter config key naming the output: 'heater', 'cooler', 'valve'."""
    kinds: frozenset[OutputKind]
    verb: str
    """What the output does when on ('heating', 'cooling')."""


OUTPUT_ROLES: Mapping[str, OutputRole] = MappingProxyType(
    {
        "heat": OutputRole("heat", "heater", frozenset({OutputKind.SSR, OutputKind.RELAY}), "heating"),
        "cool": OutputRole("cool", "cooler", frozenset({OutputKind.RELAY, OutputKind.SOLENOID}), "cooling"),
        "valve": OutputRole("valve", "valve", frozenset({OutputKind.SOLENOID, OutputKind.MOTORIZED_VALVE}), "cooling"),
    }
)
"""Role -> its config key and allowed output kinds, in the order outputs are listed."""

ControlKind = Literal["cascade", "direct", "valve"]
"""Which plan of ``brewctl.core.control`` runs a rig: the beer PID over a chamber loop (falls
back to direct beer control without a chamber probe), on/off beer control (a solenoid), or a
proportional beer PID opening a motorized valve."""

PlantKind = Literal["chest-freezer", "glycol-jacket"]
"""The built-in simulated plant for a rig (``brewctl.sim.simulate.plant_for``)."""


@dataclass(frozen=True, slots=True)
class RigSpec:
    """What one rig has and needs."""

    rig: Rig
    required: tuple[str, ...]
    """Output roles the rig must have."""
    optional: tuple[str, ...]
    """Output roles it uses when configured (a heat wrap on a glycol jacket)."""
    cool_role: str | None
    """The role that cools ('cool' or 'valve'), None if it does not cool."""
    needs_beer_probe: bool
    """Controls the beer directly: no chamber to fall back on."""
    has_chamber: bool
    """A chamber (air) around the beer: a chamber probe makes sense, cascade control."""
    control: ControlKind
    valve_kinds: frozenset[OutputKind] | None
    """Narrower kinds allowed for the 'valve' role on this rig (None: the role's own)."""
    plant: PlantKind
    ha_hold_mode: str
    """The Home Assistant HVAC mode that stands for 'hold the beer at the target'."""
    glycol_fed: bool = False
    """Cools through a valve on a glycol loop: may name a ``[chillers.NAME]`` (``chiller = ...``)."""

    @property
    def roles(self) -> tuple[str, ...]:
        """Every output role the rig may have, in ``OUTPUT_ROLES`` order."""
        return tuple(r for r in OUTPUT_ROLES if r in self.required or r in self.optional)

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Config keys that must be set: the required outputs, then the beer probe if needed."""
        outputs = tuple(OUTPUT_ROLES[r].field for r in self.required)
        return outputs + ((probe_field("beer"),) if self.needs_beer_probe else ())

    def allowed_kinds(self, role: str) -> frozenset[OutputKind]:
        """Output kinds the role may be wired to on this rig."""
        if role == "valve" and self.valve_kinds is not None:
            return self.valve_kinds
        return OUTPUT_ROLES[role].kinds


def _spec(
    rig: Rig,
    required: tuple[str, ...],
    *,
    optional: tuple[str, ...] = (),
    control: ControlKind = "cascade",
    valve_kinds: frozenset[OutputKind] | None = None,
    ha_hold_mode: str,
) -> RigSpec:
    cool_role = next((r for r in ("cool", "valve") if r in required + optional), None)
    chamber = control == "cascade"
    return RigSpec(
        rig=rig,
        required=required,
        optional=optional,
        cool_role=cool_role,
        needs_beer_probe=not chamber,
        has_chamber=chamber,
        control=control,
        valve_kinds=valve_kinds,
        plant="chest-freezer" if chamber else "glycol-jacket",
        ha_hold_mode=ha_hold_mode,
        glycol_fed=cool_role == "valve",
    )


RIGS: Mapping[Rig, RigSpec] = MappingProxyType(
    {
        Rig.HEAT_COOL: _spec(Rig.HEAT_COOL, ("heat", "cool"), ha_hold_mode="heat_cool"),
        Rig.HEAT_ONLY: _spec(Rig.HEAT_ONLY, ("heat",), ha_hold_mode="heat"),
        Rig.COOL_ONLY: _spec(Rig.COOL_ONLY, ("cool",), ha_hold_mode="cool"),
        Rig.GLYCOL: _spec(Rig.GLYCOL, ("valve",), optional=("heat",), control="direct", ha_hold_mode="cool"),
        Rig.VALVE: _spec(
            Rig.VALVE,
            ("valve",),
            optional=("heat",),
            control="valve",
            valve_kinds=frozenset({OutputKind.MOTORIZED_VALVE}),
            ha_hold_mode="cool",
        ),
    }
)
"""Every rig's spec. A test checks that each ``Rig`` member has one."""

COOL_ROLES: frozenset[str] = frozenset(s.cool_role for s in RIGS.values() if s.cool_role is not None)
"""The output roles that cool, on any rig."""
HEAT_ROLE = "heat"
"""The output role that heats, on any rig."""


def can_heat_cool(roles: Collection[str]) -> tuple[bool, bool]:
    """Whether outputs with these roles can heat, and whether they can cool."""
    return HEAT_ROLE in roles, not COOL_ROLES.isdisjoint(roles)


def spec(rig: Rig | str) -> RigSpec:
    """The spec of a rig (by member or by value); ``KeyError`` if unknown."""
    return RIGS[Rig(rig)]


def output_roles(rig: Rig, configured: Mapping[str, str | None]) -> dict[str, str]:
    """Role -> output name for the roles a fermenter uses.

    ``configured`` maps config keys ('heater', 'cooler', 'valve') to output names (None =
    not set); a role the rig does not have is left out even if its key is set.
    """
    roles: dict[str, str] = {}
    for role in RIGS[rig].roles:
        name = configured.get(OUTPUT_ROLES[role].field)
        if name is not None:
            roles[role] = name
    return roles


class _Wired(Protocol):
    """A configured fermenter (``brewctl.config.FermenterConfig``): its rig, and its outputs
    under the ``OUTPUT_ROLES`` fields."""

    @property
    def rig(self) -> Rig: ...


def wired_roles(fermenter: _Wired) -> dict[str, str]:
    """Role -> output name for the roles a configured fermenter uses (its rig's, set in its config)."""
    configured = {r.field: getattr(fermenter, r.field, None) for r in OUTPUT_ROLES.values()}
    return output_roles(fermenter.rig, configured)
