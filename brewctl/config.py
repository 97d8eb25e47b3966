"""The configuration file: one TOML document, validated into frozen models.

``load_config(path)`` returns a ``Config`` or raises ``ConfigError`` whose message names the
file, the key path and what is wrong, e.g.
``/etc/brewctl/config.toml: fermenters.fv1.cooler: no output named 'cooler2'``.
The annotated example is ``config.example.toml`` at the top of the repository.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from brewctl.errors import ConfigError
from brewctl.limits import SetpointC
from brewctl.modes import Mode
from brewctl.paths import DEFAULT_CONFIG_PATH, DEFAULT_SOCKET_PATH
from brewctl.pins import pin_problems
from brewctl.rigs import OUTPUT_ROLES, PROBE_ROLES, RIGS, OutputKind, Rig, probe_field
from brewctl.userfiles import parse_user_toml, read_user_text
from brewctl.validation import format_loc, validation_problems

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "AlertsConfig",
    "ChillerConfig",
    "Config",
    "FermenterConfig",
    "GuardConfig",
    "HistoryConfig",
    "HydrometerConfig",
    "InfluxConfig",
    "Mode",
    "MqttConfig",
    "NodeConfig",
    "OutputConfig",
    "OutputKind",
    "ProbeConfig",
    "Rig",
    "TuningConfig",
    "format_validation_error",
    "load_config",
    "parse_config",
]


BcmPin = Annotated[int, Field(ge=0, le=27, description="BCM GPIO number (0-27).")]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$")]


class _Frozen(BaseModel):
    # TOML has nan and inf; no setting means either (a nan gain made the beer PID steer blind).
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class NodeConfig(_Frozen):
    """This controller (one Raspberry Pi)."""

    name: Name = Field(default_factory=lambda: _hostname(), description="Node name in MQTT topics and tags.")
    state_dir: Path = Field(Path("/var/lib/brewctl"), description="Persistent state and history.")
    socket_path: Path = Field(DEFAULT_SOCKET_PATH, description="Local API socket.")
    socket_group: str | None = Field(None, description="Group that may use the API socket (mode 0660).")
    probe_period_s: float = Field(5.0, ge=1.0, le=300.0, description="Seconds between probe reads.")
    stale_after_s: float = Field(30.0, ge=2.0, le=3600.0, description="A probe silent this long is lost.")
    units: Literal["C", "F"] = Field("C", description="Display units for the CLI and TUI.")
    profiles_dir: Path = Field(Path("profiles"), description="Folder of profile files (relative to the config file).")
    recipes_dir: Path = Field(Path("recipes"), description="Folder of recipe files (relative to the config file).")
    onewire_pin: BcmPin = Field(4, description="GPIO of the 1-wire bus (w1-gpio gpiopin); no output may use it.")

    @model_validator(mode="after")
    def _stale_spans_reads(self) -> Self:
        if self.stale_after_s < 2 * self.probe_period_s:  # else every probe is "lost" between two reads
            raise ValueError(f"stale_after_s must be at least twice probe_period_s ({2 * self.probe_period_s:g} s)")
        return self


class ProbeConfig(_Frozen):
    """A DS18B20 probe on the 1-wire bus."""

    id: str = Field(pattern=r"^28-[0-9a-f]{12}$", description="Bus id, as listed by `brewctl sensors`.")
    offset_c: float = Field(0.0, ge=-5.0, le=5.0, description="Calibration offset added to readings.")
    description: str = ""


class OutputConfig(_Frozen):
    """A GPIO-driven output."""

    kind: OutputKind
    pin: BcmPin | None = Field(None, description="GPIO pin (all kinds but motorized-valve).")
    open_pin: BcmPin | None = Field(None, description="Motorized valve: relay that opens it.")
    close_pin: BcmPin | None = Field(None, description="Motorized valve: relay that closes it.")
    active_high: bool = Field(True, description="False for the usual active-low relay boards.")
    period_s: float = Field(10.0, ge=1.0, le=120.0, description="SSR time-proportioning period.")
    travel_s: float = Field(30.0, ge=1.0, le=600.0, description="Motorized valve full travel time.")
    description: str = ""

    @model_validator(mode="after")
    def _pins_fit_kind(self) -> Self:
        if self.kind is OutputKind.MOTORIZED_VALVE:
            if self.open_pin is None or self.close_pin is None:
                raise ValueError("a motorized-valve needs open_pin and close_pin")
            if self.open_pin == self.close_pin:
                raise ValueError("open_pin and close_pin must differ")
            if self.pin is not None:
                raise ValueError("a motorized-valve uses open_pin/close_pin, not pin")
        else:
            if self.pin is None:
                raise ValueError(f"a {self.kind.value} output needs pin")
            if self.open_pin is not None or self.close_pin is not None:
                raise ValueError("open_pin/close_pin are only for motorized-valve outputs")
        return self

    @property
    def pins(self) -> tuple[int, ...]:
        """Every GPIO pin this output drives."""
        return tuple(p for p in (self.pin, self.open_pin, self.close_pin) if p is not None)


class TuningConfig(_Frozen):
    """Control loop tuning (see docs/control.md). Defaults were tuned on the simulated chest freezer."""

    kp: float = Field(6.0, ge=0.0, description="Beer PID proportional gain (degC chamber per degC beer error).")
    ki: float = Field(4.0, ge=0.0, description="Beer PID integral gain (per hour).")
    kd: float = Field(0.0, description="Beer PID derivative gain on the beer slope (degC/h).")
    span_c: float = Field(10.0, ge=0.5, le=30.0, description="Chamber setpoint stays within beer setpoint +- span.")
    integrator_band_c: float = Field(0.5, ge=0.0, le=5.0, description="Integrate only while |error| is below this.")
    chamber_kp: float = Field(0.5, ge=0.0, description="Chamber loop: heater duty per degC below setpoint.")
    chamber_hysteresis_c: float = Field(
        2.0, ge=0.0, le=10.0, description="Chamber cooling band (+-), and the least the adaptive band narrows to."
    )
    max_hysteresis_c: float = Field(
        10.0, ge=0.0, le=15.0, description="Cascade: the cooling band widens up to this while the beer stays steady."
    )
    ripple_c: float = Field(0.15, ge=0.0, le=2.0, description="Cascade: beer ripple allowed before the band narrows.")
    ramp_lead_h: float = Field(
        6.0,
        ge=0.0,
        le=48.0,
        description="Ramp feed-forward: chamber lead = this x setpoint slope (beer time constant; 0 = off).",
    )
    heat_hysteresis_c: float = Field(
        0.3, ge=0.0, le=10.0, description="Chamber heating starts this far below setpoint."
    )
    pid_period_s: float = Field(60.0, ge=1.0, le=3600.0, description="Beer PID update period.")
    beer_filter_s: float = Field(
        600.0, ge=0.0, le=7200.0, description="Beer reading smoothing (time constant) for the PID."
    )
    direct_hysteresis_c: float = Field(
        0.1, ge=0.0, le=5.0, description="Beer-only on/off control (chamber rig, no chamber probe): dead band."
    )
    valve_kp: float = Field(1.0, ge=0.0, description="Motorized valve: opening per degC beer above setpoint.")
    valve_ki: float = Field(1.0, ge=0.0, description="Motorized valve: integral gain (per hour).")
    valve_step: float = Field(
        0.1, ge=0.02, le=1.0, description="Motorized valve: least move (fraction of the travel); fewer strokes."
    )
    glycol_ripple_c: float = Field(
        0.2,
        ge=0.02,
        le=2.0,
        description="Jacketed rigs: a solenoid pulse starts this far above the setpoint (and aims as far "
        "below it, at most glycol_undershoot_c); the heat belt takes over below it.",
    )
    glycol_undershoot_c: float = Field(
        0.15,
        ge=0.02,
        le=2.0,
        description="Glycol solenoid: a pulse never aims the beer lower than this below the setpoint.",
    )
    glycol_c: float = Field(
        -2.0, ge=-20.0, le=15.0, description="Jacketed rigs: glycol temperature the learned jacket model assumes."
    )
    heat_belt_kp: float = Field(8.0, ge=0.0, description="Jacketed rigs: heat belt duty per degC below setpoint.")
    heat_belt_ki: float = Field(6.0, ge=0.0, description="Jacketed rigs: heat belt integral gain (per hour).")


class GuardConfig(_Frozen):
    """Compressor and heater protection. Defaults follow BrewPi."""

    cool_min_off_s: float = Field(300.0, ge=0.0, le=3600.0)
    cool_min_on_s: float = Field(180.0, ge=0.0, le=3600.0)
    heat_min_off_s: float = Field(300.0, ge=0.0, le=3600.0)
    heat_min_on_s: float = Field(180.0, ge=0.0, le=3600.0)
    heat_cool_dead_time_s: float = Field(600.0, ge=0.0, le=7200.0, description="Idle time between heating and cooling.")
    peak_estimation: bool = Field(True, description="Stop cooling early (the evaporator cools on after a stop).")
    valve_min_on_s: float = Field(30.0, ge=0.0, le=3600.0, description="Glycol solenoid minimum open time.")
    valve_min_off_s: float = Field(60.0, ge=0.0, le=3600.0, description="Glycol solenoid minimum closed time.")


class FermenterConfig(_Frozen):
    """A fermenter and the probes and outputs it uses."""

    name: str = ""
    rig: Rig = Rig.HEAT_COOL
    beer_probe: str | None = None
    chamber_probe: str | None = None
    room_probe: str | None = None
    heater: str | None = None
    cooler: str | None = None
    valve: str | None = None
    mode: Mode = Mode.OFF
    beer_setpoint_c: SetpointC = 19.0
    chamber_setpoint_c: SetpointC = 18.0
    chamber_min_c: float = Field(-2.0, ge=-10.0, le=40.0, description="Lowest chamber setpoint allowed.")
    chamber_max_c: float = Field(35.0, ge=-10.0, le=50.0, description="Highest chamber setpoint allowed.")
    alarm_delta_c: float = Field(2.0, ge=0.2, le=20.0, description="Alarm when the beer is this far off for too long.")
    alarm_after_s: float = Field(3600.0, ge=60.0, description="How long off-target before the alarm.")
    tuning: TuningConfig = TuningConfig()
    guards: GuardConfig = GuardConfig()
    chiller: Name | None = Field(None, description="The [chillers.NAME] feeding this jacket (glycol and valve rigs).")

    @model_validator(mode="after")
    def _rig_has_parts(self) -> Self:
        missing = [k for k in RIGS[self.rig].required_fields if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.rig.value} fermenter needs {', '.join(missing)}")
        if self.beer_probe is None and self.chamber_probe is None:
            raise ValueError("a fermenter needs beer_probe or chamber_probe")
        if self.chamber_min_c >= self.chamber_max_c:
            raise ValueError("chamber_min_c must be below chamber_max_c")
        return self


class ChillerConfig(_Frozen):
    """A glycol chiller (reservoir, pump loop) shared by the jackets of several fermenters. See docs/control.md."""

    name: str = ""
    reservoir_probe: str = Field(description="Probe in the glycol reservoir.")
    output: str | None = Field(None, description="Relay powering the chiller; None = it runs its own thermostat.")
    capacity_w: float = Field(ge=50.0, le=500_000.0, description="Cooling power the chiller can remove (W).")
    volume_l: float = Field(ge=5.0, le=20_000.0, description="Glycol in the reservoir (L).")
    setpoint_c: float = Field(-2.0, ge=-15.0, le=10.0, description="Reservoir temperature the chiller holds.")
    band_c: float = Field(1.0, ge=0.1, le=5.0, description="Chiller thermostat band (+-).")
    high_c: float = Field(2.0, ge=-10.0, le=15.0, description="Above this the valves take turns.")
    alarm_c: float = Field(
        4.0, ge=-10.0, le=20.0, description="Reservoir this warm for alarm_after_s: chiller_overloaded."
    )
    alarm_after_s: float = Field(900.0, ge=0.0, le=86400.0, description="How long too warm before the alarm.")
    stagger_s: float = Field(
        30.0, ge=0.0, le=3600.0, description="At most one valve starts opening per this many seconds."
    )
    crash_gap_c: float = Field(
        3.0, ge=0.5, le=30.0, description="A tank this far above its setpoint is pulling down (a crash): it yields."
    )
    min_on_s: float = Field(180.0, ge=0.0, le=3600.0, description="Chiller output: minimum on time.")
    min_off_s: float = Field(300.0, ge=0.0, le=3600.0, description="Chiller output: minimum off time.")

    @model_validator(mode="after")
    def _thresholds_rise(self) -> Self:
        if not self.setpoint_c < self.high_c <= self.alarm_c:
            raise ValueError("need setpoint_c < high_c <= alarm_c")
        return self


_TOPIC = r"^[^/#+\x00]+(/[^/#+\x00]+)*$"  # an MQTT topic to publish under: no wildcard, no empty level
_LEVEL = r"^[^/#+\x00]{1,64}$"  # one topic level (an MQTT user name in a topic)


class MqttConfig(_Frozen):
    """MQTT broker connection (optional)."""

    host: str = "localhost"
    port: int = Field(1883, ge=1, le=65535)
    base_topic: str | None = Field(None, pattern=_TOPIC, description="Default brewctl/<node name>; no + # or //.")
    username: str | None = None
    password_file: Path | None = Field(None, description="File holding the password (never in this file).")
    tls: bool = False
    ca_file: Path | None = None
    discovery: bool = Field(True, description="Publish Home Assistant discovery.")
    discovery_prefix: str = Field("homeassistant", pattern=_TOPIC)
    state_interval_s: float = Field(60.0, ge=5.0, le=3600.0, description="Republish state at least this often.")
    watch_nodes: tuple[str, ...] = Field(
        (), description="Other brewctl nodes whose last will ('offline') raises an alarm here; '*' = all."
    )
    command_clients: tuple[Annotated[str, Field(pattern=_LEVEL)], ...] = Field(
        (),
        description="MQTT users allowed to command this node (on .../command/<user>, enforced by the broker ACL); "
        "empty = anyone who may publish on .../command.",
    )
    ha_client: str = Field(
        "homeassistant", pattern=_LEVEL, description="Home Assistant's MQTT user (its command topic suffix)."
    )


class InfluxConfig(_Frozen):
    """InfluxDB / VictoriaMetrics (optional): v2 write API, line protocol."""

    url: str = Field(pattern=r"^https?://[^/\s]+", description="http(s)://host:port (a URL without it never sends).")
    org: str = "brewctl"
    bucket: str = "brewctl"
    token_file: Path | None = Field(None, description="File holding the API token (never logged).")
    batch_s: float = Field(10.0, ge=1.0, le=3600.0)
    outbox_max_points: int = Field(5_000_000, ge=1000, description="Past this, oldest points drop (alarm).")


class HistoryConfig(_Frozen):
    """Local SQLite history in the state dir."""

    enabled: bool = Field(True, description="Record history (the TUI charts and `brewctl history` need it).")
    raw_days: float = Field(14.0, ge=0.5, le=3650.0)
    downsampled_days: float = Field(365.0, ge=1.0, le=36500.0)
    commit_interval_s: float = Field(60.0, ge=1.0, le=3600.0, description="Batch commits (SD cards wear out).")


class HydrometerConfig(_Frozen):
    """A hydrometer feeding gravity to a fermenter over MQTT."""

    fermenter: str
    kind: Literal["ispindel", "json"] = "ispindel"
    name: str | None = Field(None, description="iSpindel name (topic ispindel/<name>/gravity).")
    topic: str | None = Field(None, description="Topic for kind=json (e.g. a Tilt bridge).")
    json_path: str | None = Field(None, description="Dotted path to the gravity value in the JSON payload.")
    unit: Literal["sg", "plato"] = "sg"
    stale_after_s: float = Field(7200.0, ge=60.0)

    @model_validator(mode="after")
    def _topic_fits_kind(self) -> Self:
        if self.kind == "json" and not self.topic:
            raise ValueError("a json hydrometer needs topic (and usually json_path)")
        if self.kind == "ispindel" and (self.topic or self.json_path):
            raise ValueError("an ispindel hydrometer uses name (topic ispindel/<name>/gravity), not topic/json_path")
        if self.topic is not None and any(c in self.topic for c in "#+\0"):
            raise ValueError(f"topic: {self.topic!r} must be a plain topic, without wildcards")
        return self


class IspindelHttpConfig(_Frozen):
    """An HTTP listener for iSpindel's generic "HTTP" service (off unless enabled)."""

    enabled: bool = Field(False, description="Listen for iSpindel HTTP posts.")
    host: str = Field("127.0.0.1", description="Bind address; 0.0.0.0 (or the Pi's LAN address) for devices on Wi-Fi.")
    port: int = Field(9501, ge=1, le=65535, description="TCP port (the iSpindel's 'Server Port').")
    max_body_bytes: int = Field(4096, ge=256, le=65536, description="Larger posts are refused (413).")


class AlertsConfig(_Frozen):
    """Where alarms go besides MQTT."""

    apprise_urls: tuple[str, ...] = Field((), description="Apprise URLs (ntfy://, tgram://, mailto://, ...).")
    min_interval_s: float = Field(900.0, ge=0.0, description="Rate limit per alarm.")


class Config(_Frozen):
    """The whole configuration file."""

    node: NodeConfig = Field(default_factory=NodeConfig)
    probes: dict[Name, ProbeConfig] = Field(default_factory=dict)
    outputs: dict[Name, OutputConfig] = Field(default_factory=dict)
    fermenters: dict[Name, FermenterConfig] = Field(default_factory=dict)
    mqtt: MqttConfig | None = None
    influx: InfluxConfig | None = None
    history: HistoryConfig = HistoryConfig()
    hydrometers: dict[Name, HydrometerConfig] = Field(default_factory=dict)
    chillers: dict[Name, ChillerConfig] = Field(default_factory=dict)
    ispindel_http: IspindelHttpConfig = IspindelHttpConfig()
    alerts: AlertsConfig = AlertsConfig()

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        problems: list[str] = []
        used_outputs: dict[str, str] = {}
        for fid, f in self.fermenters.items():
            for key in map(probe_field, PROBE_ROLES):
                ref = getattr(f, key)
                if ref is not None and ref not in self.probes:
                    problems.append(f"fermenters.{fid}.{key}: no probe named {ref!r}")
            for role in OUTPUT_ROLES.values():
                key, kinds, rig_kinds = role.field, role.kinds, RIGS[f.rig].allowed_kinds(role.role)
                ref = getattr(f, key)
                if ref is None:
                    continue
                out = self.outputs.get(ref)
                if out is None:
                    problems.append(f"fermenters.{fid}.{key}: no output named {ref!r}")
                    continue
                if out.kind not in kinds:
                    allowed = " or ".join(sorted(k.value for k in kinds))
                    problems.append(f"fermenters.{fid}.{key}: output {ref!r} is a {out.kind.value}, expected {allowed}")
                elif out.kind not in rig_kinds:  # the rig narrows the role's kinds (a valve rig: motorized only)
                    wanted = " or ".join(sorted(k.value for k in rig_kinds))
                    problems.append(f"fermenters.{fid}.{key}: a {f.rig.value} rig needs a {wanted} output")
                if ref in used_outputs:
                    problems.append(f"fermenters.{fid}.{key}: output {ref!r} is already used by {used_outputs[ref]}")
                used_outputs[ref] = f"fermenters.{fid}"
            if f.chiller is not None:
                if f.chiller not in self.chillers:
                    problems.append(f"fermenters.{fid}.chiller: no chiller named {f.chiller!r}")
                if not RIGS[f.rig].glycol_fed:
                    problems.append(f"fermenters.{fid}.chiller: a {f.rig.value} rig has no glycol jacket")
        for cid, c in self.chillers.items():
            if c.reservoir_probe not in self.probes:
                problems.append(f"chillers.{cid}.reservoir_probe: no probe named {c.reservoir_probe!r}")
            if c.output is not None:
                out = self.outputs.get(c.output)
                if out is None:
                    problems.append(f"chillers.{cid}.output: no output named {c.output!r}")
                elif out.kind is not OutputKind.RELAY:
                    problems.append(f"chillers.{cid}.output: output {c.output!r} is a {out.kind.value}, expected relay")
                elif c.output in used_outputs:
                    problems.append(
                        f"chillers.{cid}.output: output {c.output!r} is already used by {used_outputs[c.output]}"
                    )
                used_outputs[c.output] = f"chillers.{cid}"
        pins: dict[int, str] = {}
        for oid, o in self.outputs.items():
            for p in o.pins:
                if p == self.node.onewire_pin:
                    problems.append(f"outputs.{oid}: GPIO {p} is the 1-wire bus (node.onewire_pin)")
                elif p in pins:
                    problems.append(f"outputs.{oid}: GPIO {p} is already used by outputs.{pins[p]}")
                pins[p] = oid
        problems += [str(p) for p in pin_problems(self.outputs) if p.severity == "error"]
        ids: dict[str, str] = {}
        for probe_name, probe in self.probes.items():
            if probe.id in ids:
                problems.append(f"probes.{probe_name}.id: {probe.id} is already probe {ids[probe.id]!r}")
            ids[probe.id] = probe_name
        for hid, h in self.hydrometers.items():
            if h.fermenter not in self.fermenters:
                problems.append(f"hydrometers.{hid}.fermenter: no fermenter named {h.fermenter!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _hostname() -> str:
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname())[:32]
    return name or "brewctl"


def format_validation_error(source: str, exc: ValidationError) -> str:
    """One line per problem: ``source: key.path: what is wrong``."""
    lines = []
    for where, msg in validation_problems(exc):
        loc = format_loc(where)
        for part in msg.split("; "):
            # Root-level (cross-reference) messages carry their own key path.
            lines.append(f"{source}: {loc}: {part}" if loc else f"{source}: {part}")
    return "\n".join(lines)


def parse_config(data: dict[str, Any], source: str = "<config>") -> Config:
    """Validate an already-parsed TOML document."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc)) from None


def load_config(path: Path | str = DEFAULT_CONFIG_PATH) -> Config:
    """Read and validate a config file. Relative folders are resolved against its location."""
    path = Path(path)
    text = read_user_text(path, "config file", ConfigError, hint="use --config FILE")
    data = parse_user_toml(text, str(path), ConfigError)
    cfg = parse_config(data, str(path))
    base = path.resolve().parent
    node = cfg.node.model_copy(
        update={
            "profiles_dir": base / cfg.node.profiles_dir,
            "recipes_dir": base / cfg.node.recipes_dir,
        }
    )
    return cfg.model_copy(update={"node": node})
