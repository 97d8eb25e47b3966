"""Value objects that cross the daemon's boundary: fermenter status and commands.

The local API, the CLI, MQTT, the history recorder and the TUI all speak these. They are
frozen and self-validating: a command that parses is safe to apply.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from brewctl.limits import SetpointC
from brewctl.modes import Mode

__all__ = [
    "COMMAND_ADAPTER",
    "COMMAND_KINDS",
    "SAFE_OFF_CAUSES",
    "AddNote",
    "Alarm",
    "ChillerStatus",
    "Command",
    "CommandResult",
    "Event",
    "FermenterStatus",
    "GravityStatus",
    "NodeStatus",
    "Note",
    "OffCause",
    "OutputReason",
    "OutputStatus",
    "PidTerms",
    "ProfileAction",
    "ProfileStatus",
    "SetBeerSetpoint",
    "SetChamberSetpoint",
    "SetMode",
    "StartProfile",
]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- status -------------------------------------------------------------------------------


class Alarm(_Value):
    """A standing alarm. ``code`` is stable (for MQTT/automation); ``role`` and ``values`` are its
    data; ``message`` is for people (worded from the rest by ``brewctl.wording``)."""

    code: str = Field(description="e.g. 'beer_probe_lost', 'all_probes_lost', 'beer_off_target'.")
    severity: Literal["info", "warning", "critical"] = "warning"
    message: str = ""
    since_s: float | None = Field(None, description="Unix time the alarm was raised.")
    role: str | None = Field(None, description="The probe or output role it is about ('beer', 'chamber'), if any.")
    values: dict[str, float | str] = Field(
        default_factory=dict, description="Its figures and causes, e.g. {'beer_c': 21.2, 'setpoint_c': 19.0}."
    )


OffCause = Literal["mode_off", "free_rise", "invalid_setpoint", "probe_lost", "beer_probe_lost", "every_probe_lost"]
"""Why the controller keeps an output off (``OutputReason.off``)."""
SAFE_OFF_CAUSES: frozenset[OffCause] = frozenset(
    {"invalid_setpoint", "probe_lost", "beer_probe_lost", "every_probe_lost"}
)
"""The causes that are a fault: every output forced off (``FermenterStatus.safe``)."""


Note = Literal["holding_chamber", "peak_stop", "glycol_pulse", "glycol_settling", "heat_belt", "chiller_turn"]
"""What the controller adds about an output (``OutputReason.note``)."""


class OutputReason(_Value):
    """Why an output is as it is, as codes and values (``brewctl.wording`` words them)."""

    code: Literal["on", "min_on", "blocked", "off", "idle"] = Field(
        description="on; held on by its minimum on time; wanted but held off by a guard; kept off; idle."
    )
    off: OffCause | None = Field(None, description="code 'off': why.")
    guard: str | None = Field(None, description="code 'blocked': the guard ('min off', 'dead time', ...).")
    left_s: float | None = Field(None, description="Seconds until the guard releases it (None: not by itself).")
    duty: float | None = Field(None, description="code 'on': the duty or opening to show, if it is one.")
    note: Note | None = Field(None, description="What the controller does besides.")
    note_value: float | None = Field(
        None, description="peak_stop: the predicted drop (degC); glycol_pulse: the pulse's length (s)."
    )


class OutputStatus(_Value):
    """One output: what it does and why."""

    role: str = Field(description="'heat', 'cool' or 'valve'.")
    value: float = Field(ge=0.0, le=1.0, description="Commanded duty or opening, 0..1.")
    active: bool = Field(description="Energised right now.")
    reason: str = Field("", description="Why, in words, e.g. 'cooling blocked: min off, 2:40 left'.")
    blocked_s: float | None = Field(None, description="Seconds until a guard releases it, if blocked.")
    why: OutputReason | None = Field(None, description="Why, as codes (what ``reason`` says).")


class PidTerms(_Value):
    p: float = 0.0
    i: float = 0.0
    d: float = 0.0


class ProfileStatus(_Value):
    """Progress of the running profile."""

    name: str
    step_index: int = Field(ge=0, description="0-based index of the current step.")
    step_count: int = Field(ge=1)
    step_name: str = ""
    step_kind: str = ""
    step_remaining_s: float | None = Field(None, description="None while waiting on a condition without a bound.")
    eta_s: float | None = Field(None, description="Seconds until the whole profile ends (maximum if conditions).")
    elapsed_s: float = 0.0
    paused: bool = False
    waiting_for_brewer: bool = False
    finished: bool = False


class GravityStatus(_Value):
    sg: float
    age_s: float = Field(ge=0.0, description="Seconds since the reading.")
    source: str = ""


class FermenterStatus(_Value):
    """Everything a brewer (or Home Assistant) wants to know about one fermenter."""

    id: str
    name: str = ""
    rig: str = "heat-cool"
    mode: Mode
    beer_c: float | None = None
    chamber_c: float | None = None
    room_c: float | None = None
    beer_setpoint_c: float | None = Field(None, description="Effective beer setpoint (profile or manual).")
    chamber_setpoint_c: float | None = Field(None, description="Effective chamber setpoint (cascade or manual).")
    outputs: tuple[OutputStatus, ...] = ()
    pid: PidTerms = PidTerms()
    alarms: tuple[Alarm, ...] = ()
    profile: ProfileStatus | None = None
    gravity: GravityStatus | None = None
    safe: bool = Field(False, description="True when the fermenter is forced all-off by a fault.")
    updated_s: float = Field(0.0, description="Unix time of this status.")


class ChillerStatus(_Value):
    """A glycol chiller shared by several jackets: its reservoir and which valves take turns."""

    id: str
    name: str = ""
    reservoir_c: float | None = Field(None, description="Reservoir probe; None = lost.")
    setpoint_c: float = -2.0
    high_c: float = Field(2.0, description="Above this the valves take turns.")
    running: bool | None = Field(None, description="The chiller output; None = not driven by brewctl.")
    budget: int | None = Field(None, description="Valves allowed open at once; None = no limit.")
    open_valves: tuple[str, ...] = Field((), description="Fermenters whose valve is open.")
    waiting: tuple[str, ...] = Field((), description="Fermenters that want cooling and wait their turn.")
    alarms: tuple[Alarm, ...] = ()


class NodeStatus(_Value):
    node: str
    version: str
    uptime_s: float = 0.0
    simulated: bool = False
    fermenters: dict[str, FermenterStatus] = Field(default_factory=dict)
    chillers: dict[str, ChillerStatus] = Field(default_factory=dict)
    alarms: tuple[Alarm, ...] = Field((), description="Node-level alarms (a failing component, ...).")


class Event(_Value):
    """Something that happened: a mode change, a profile step, an alarm raised or cleared, a command."""

    ts_s: float = Field(description="Unix time.")
    fermenter: str | None = Field(None, description="None for node-level events.")
    kind: str = Field(
        description="e.g. 'mode', 'setpoint', 'profile_start', 'profile_step', 'alarm', 'alarm_cleared', "
        "'command_refused'."
    )
    message: str = ""
    data: dict[str, str | float | int | bool | None] = Field(default_factory=dict)


# --- commands -----------------------------------------------------------------------------

CommandId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class _Command(_Value):
    id: CommandId | None = Field(None, description="Idempotency key: a repeated id is not applied twice.")


class SetMode(_Command):
    kind: Literal["set_mode"] = "set_mode"
    mode: Mode


class SetBeerSetpoint(_Command):
    kind: Literal["set_beer"] = "set_beer"
    value_c: SetpointC


class SetChamberSetpoint(_Command):
    kind: Literal["set_chamber"] = "set_chamber"
    value_c: SetpointC


class StartProfile(_Command):
    kind: Literal["profile_start"] = "profile_start"
    profile: str = Field(min_length=1, max_length=200, description="Profile name in the library, or a path.")
    at_step: int = Field(0, ge=0)


class ProfileAction(_Command):
    kind: Literal["profile_pause", "profile_resume", "profile_skip", "profile_stop", "profile_confirm"]
    to_step: int | None = Field(None, ge=0, description="profile_skip: jump to this step instead of the next.")


class AddNote(_Command):
    """A brewer's note ("dry hopped 200 g Citra"): kept in the history as a ``note`` event; changes nothing."""

    kind: Literal["note"] = "note"
    text: str = Field(min_length=1, max_length=200, pattern=r"\S", description="What the brewer did or saw.")


Command = Annotated[
    SetMode | SetBeerSetpoint | SetChamberSetpoint | StartProfile | ProfileAction | AddNote,
    Field(discriminator="kind"),
]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
COMMAND_KINDS: tuple[str, ...] = tuple(
    kind for member in get_args(get_args(Command)[0]) for kind in get_args(member.model_fields["kind"].annotation)
)
"""Every command ``kind``, in order."""


class CommandResult(_Value):
    """The answer to a command: applied, refused with a reason, or a repeat of an earlier id."""

    ok: bool
    error: str | None = None
    duplicate: bool = Field(False, description="The id was seen before; nothing was applied again.")
    status: FermenterStatus | None = None
