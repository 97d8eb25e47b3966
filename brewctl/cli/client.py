"""CLI clients of the daemon: ``brewctl status``, ``brewctl set``, ``brewctl profile start|pause|...``.

They talk to ``brewctl run`` over its local API socket: ``--socket``, else ``$BREWCTL_SOCKET``,
else ``node.socket_path`` of ``--config`` (default ``/etc/brewctl/config.toml`` if it exists),
else ``/run/brewctl/brewctl.sock``.

``brewctl status`` is the command a brewer types most: it imports no pydantic model (building
them costs 0.2 s of CPU on a Pi, more than the rest of the command). It reads only
``node.socket_path`` and ``node.units`` of the config (a value that is not plainly right goes
through the whole validation, for its error) and formats the daemon's JSON through a read-only
view (:class:`JsonView`) with the same formatter as a validated ``NodeStatus``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from brewctl.display import PAUSED, WAITING, format_temp
from brewctl.errors import CommandError, TransientError, UserError
from brewctl.modes import Mode
from brewctl.paths import DEFAULT_CONFIG_PATH, DEFAULT_SOCKET_PATH
from brewctl.units import f_to_c, format_duration

if TYPE_CHECKING:  # pydantic models: imported where used, so `brewctl --help` starts fast
    from brewctl.cli import Commands
    from brewctl.model import Command, CommandResult, FermenterStatus, NodeStatus, OutputStatus
    from brewctl.service.client import OneShotApiClient

__all__ = ["JsonView", "format_status", "register"]

T = TypeVar("T")

_TEMPERATURE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*°?\s*([CFcf]?)\s*$")
_PROFILE_ACTIONS = {
    "pause": "pause the running profile (its clock stops; the setpoint is held)",
    "resume": "resume a paused profile",
    "skip": "end the current step now (or --to-step N)",
    "stop": "stop the profile and hold the beer at the current setpoint",
    "confirm": "confirm a wait-for-brewer step (e.g. dry hops are in)",
}


def _add_socket_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--socket", type=Path, help="daemon API socket (default: from the config)")
    p.add_argument(
        "--config",
        type=Path,
        help=f"config file: the socket, display units and [mqtt] login (default {DEFAULT_CONFIG_PATH})",
    )


def register(commands: Commands) -> None:
    """Add ``status``, ``set`` and the daemon actions of ``profile``."""
    p = commands.top.add_parser("status", help="show the running controller's status")
    p.add_argument("--json", action="store_true", help="print the NodeStatus as JSON")
    p.add_argument("--mqtt", metavar="HOST[:PORT]", help="show every node on this MQTT broker instead")
    _add_socket_args(p)
    p.set_defaults(func=cmd_status)

    p = commands.top.add_parser("set", help="change a fermenter's mode or setpoints")
    p.add_argument("fermenter", help="fermenter id (e.g. fv1)")
    p.add_argument("--beer", metavar="T", help="beer setpoint: 19.5 in node.units, or 19.5C / 67F")
    p.add_argument("--chamber", metavar="T", help="chamber setpoint: 4 in node.units, or 4C / 39F")
    p.add_argument("--mode", choices=[m.value for m in Mode], help="control mode")
    _add_socket_args(p)
    p.set_defaults(func=cmd_set)

    p = commands.profile.add_parser("start", help="start a profile on a fermenter (daemon)")
    p.add_argument("fermenter")
    p.add_argument("profile", help="profile name or file in the daemon's profiles folder")
    p.add_argument("--at-step", type=int, default=1, metavar="N", help="start at step N (1-based, default 1)")
    _add_socket_args(p)
    p.set_defaults(func=cmd_profile_start)
    for action, text in _PROFILE_ACTIONS.items():
        p = commands.profile.add_parser(action, help=f"{text} (daemon)")
        p.add_argument("fermenter")
        if action == "skip":
            p.add_argument("--to-step", type=int, metavar="N", help="jump to step N (1-based)")
        _add_socket_args(p)
        p.set_defaults(func=cmd_profile_action, action=action)


# --- plumbing -------------------------------------------------------------------------------


def socket_path(args: argparse.Namespace) -> Path:
    """Where the daemon's API socket is, from the arguments, environment or config."""
    if getattr(args, "socket", None):
        return Path(args.socket)
    env = os.environ.get("BREWCTL_SOCKET")
    if env:
        return Path(env)
    path = _config_path(args)
    return _node_settings(path)[0] if path is not None else DEFAULT_SOCKET_PATH


def _config_path(args: argparse.Namespace) -> Path | None:
    path: Path | None = getattr(args, "config", None)
    if path is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    return path


def _node_settings(path: Path) -> tuple[Path, str]:
    """``node.socket_path`` and ``node.units`` of a config file, read without validating the rest.

    Values that are plainly right (a path, C or F, or absent) are taken as they are; anything
    else goes through ``load_config``, which reports it (file and field) as every command does.
    """
    from brewctl.errors import ConfigError
    from brewctl.userfiles import parse_user_toml, read_user_text

    data = parse_user_toml(
        read_user_text(path, "config file", ConfigError, hint="use --config FILE"), str(path), ConfigError
    )
    node = data.get("node", {})
    if isinstance(node, dict):
        sock, units = node.get("socket_path", str(DEFAULT_SOCKET_PATH)), node.get("units", "C")
        if isinstance(sock, str) and sock and units in ("C", "F"):
            return Path(sock), units
    from brewctl.config import load_config

    cfg = load_config(path)
    return cfg.node.socket_path, cfg.node.units


def display_units(args: argparse.Namespace) -> str:
    """``node.units`` of the config (``--config``, else the default file if it exists), else C."""
    path = _config_path(args)
    return _node_settings(path)[1] if path is not None else "C"


def parse_temperature_c(option: str, text: str, units: str) -> float:
    """A setpoint typed as ``19.5`` (in ``units``), ``19.5C`` or ``67F``, in °C."""
    match = _TEMPERATURE.match(text)
    if match is None:
        raise UserError(f"{option}: {text!r} is not a temperature (for example 19.5, 19.5C or 67F)")
    value = float(match.group(1).replace(",", "."))
    unit = (match.group(2) or units).upper()
    return round(f_to_c(value), 2) if unit == "F" else value


def _with_client(args: argparse.Namespace, work: Callable[[OneShotApiClient], T]) -> T:
    from brewctl.service.client import OneShotApiClient

    try:
        with OneShotApiClient(socket_path(args)) as api:
            return work(api)
    except TransientError as exc:
        raise UserError(str(exc)) from None


def _send(args: argparse.Namespace, fermenter: str, cmds: Sequence[Command], units: str | None = None) -> int:
    units = display_units(args) if units is None else units  # before sending: a config error changes nothing

    def work(api: OneShotApiClient) -> list[CommandResult]:
        results = []
        for cmd in cmds:
            result = api.command(fermenter, cmd)
            results.append(result)
            if not result.ok:
                break
        return results

    results = _with_client(args, work)
    for result in results:
        if not result.ok:
            raise CommandError(f"{fermenter}: {result.error}")
    last = results[-1].status if results else None
    if last is not None:
        print(format_fermenter_line(last, units))
    return 0


def _id() -> str:
    import uuid

    return f"cli-{uuid.uuid4().hex[:16]}"


# --- commands -------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    """``brewctl status``."""
    if not args.mqtt and not args.json:  # the common case: no model is built (see the module's doc)
        units = display_units(args)
        body = _with_client(args, lambda api: api.status_json())
        try:
            text = format_status(cast("NodeStatus", JsonView(body)), units)
        except (AttributeError, KeyError, TypeError, ValueError):  # not the status this brewctl knows
            text = format_status(_validated(body), units)  # the error says which field, or it formats
        print(text)
        return 0
    statuses = _fleet(args.mqtt, args.config) if args.mqtt else [_with_client(args, lambda api: api.status())]
    if args.json:  # JSON stays in °C, as the API
        if args.mqtt:
            print(json.dumps([s.model_dump(mode="json") for s in statuses], indent=2))
        else:
            print(statuses[0].model_dump_json(indent=2))
        return 0
    units = display_units(args)
    print("\n\n".join(format_status(s, units) for s in statuses) if statuses else "no brewctl node on this broker")
    return 0


def _validated(body: dict[str, Any]) -> NodeStatus:
    from pydantic import ValidationError

    from brewctl.model import NodeStatus
    from brewctl.validation import format_loc, validation_problems

    try:
        return NodeStatus.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(f"{format_loc(where)}: {msg}" for where, msg in validation_problems(exc))
        raise UserError(f"status: the daemon's answer is not a status this brewctl reads: {problems}") from None


def _fleet(spec: str, config_path: Path | None = None) -> list[NodeStatus]:
    """Every node on the broker; username, password file and TLS from the config's [mqtt], if any."""
    from brewctl.config import load_config
    from brewctl.mqtt.fleet import read_fleet

    if config_path is None and DEFAULT_CONFIG_PATH.is_file():
        config_path = DEFAULT_CONFIG_PATH
    return read_fleet(spec, load_config(config_path).mqtt if config_path is not None else None)


def _build(option: str, make: Callable[[], T], value_c: float | None = None) -> T:
    """Build a command; a bad value is a user error naming the option."""
    from pydantic import ValidationError

    from brewctl.validation import validation_problems

    try:
        return make()
    except ValidationError as exc:
        problem = validation_problems(exc)[0][1]  # the one formatter's words
        where = f" ({value_c:g} °C)" if value_c is not None else ""
        raise UserError(f"{option}{where}: {problem} °C") from None


def cmd_set(args: argparse.Namespace) -> int:
    """``brewctl set FERMENTER --beer X --chamber Y --mode M`` (temperatures in ``node.units``)."""
    from brewctl.model import SetBeerSetpoint, SetChamberSetpoint, SetMode

    cmds: list[Command] = []
    units = display_units(args)
    if args.beer is not None:
        beer_c = parse_temperature_c("--beer", args.beer, units)
        cmds.append(_build("--beer", lambda: SetBeerSetpoint(id=_id(), value_c=beer_c), beer_c))
    if args.chamber is not None:
        chamber_c = parse_temperature_c("--chamber", args.chamber, units)
        cmds.append(_build("--chamber", lambda: SetChamberSetpoint(id=_id(), value_c=chamber_c), chamber_c))
    if args.mode is not None:
        cmds.append(SetMode(id=_id(), mode=Mode(args.mode)))
    if not cmds:
        raise UserError("set: give --beer, --chamber and/or --mode")
    return _send(args, args.fermenter, cmds, units)


def cmd_profile_start(args: argparse.Namespace) -> int:
    """``brewctl profile start FERMENTER PROFILE [--at-step N]``."""
    from brewctl.model import StartProfile

    if args.at_step < 1:
        raise UserError("--at-step: steps are numbered from 1")
    return _send(args, args.fermenter, [StartProfile(id=_id(), profile=args.profile, at_step=args.at_step - 1)])


def cmd_profile_action(args: argparse.Namespace) -> int:
    """``brewctl profile pause|resume|skip|stop|confirm FERMENTER``."""
    from brewctl.model import ProfileAction

    to_step = getattr(args, "to_step", None)
    if to_step is not None and to_step < 1:
        raise UserError("--to-step: steps are numbered from 1")
    cmd = ProfileAction(
        id=_id(),
        kind=f"profile_{args.action}",
        to_step=None if to_step is None else to_step - 1,
    )
    return _send(args, args.fermenter, [cmd])


# --- formatting -----------------------------------------------------------------------------


class JsonView(Mapping[str, Any]):
    """A read-only view of a model's JSON dump that reads as the model: ``view.fermenters["fv1"].beer_c``.

    Objects are views, lists are tuples, and the rest is as JSON has it (a mode is its string
    value). It lets one formatter serve a validated ``NodeStatus`` and the daemon's raw answer.
    It is hashable (``brewctl.wording`` caches by output reason) and equal to a view of equal data.
    A field named like a ``Mapping`` method (``Alarm.values``) is read as ``view["values"]``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return _view(self._data[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return _view(self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonView) and self._data == other._data

    def __hash__(self) -> int:
        return hash(json.dumps(self._data, sort_keys=True))


def _view(value: Any) -> Any:
    if isinstance(value, Mapping):
        return JsonView(value)
    if isinstance(value, list):
        return tuple(_view(v) for v in value)
    return value


def _t(value_c: float | None, units: str = "C") -> str:
    return format_temp(value_c, units, unit=False)


def _pair(actual: float | None, setpoint: float | None, units: str = "C") -> str:
    return _t(actual, units) if setpoint is None else f"{_t(actual, units)} → {_t(setpoint, units)}"


def _output(o: OutputStatus) -> str:
    if o.role == "heat" and 0.0 < o.value < 1.0:
        state = f"{o.value:.0%}"
    elif o.role == "valve" and 0.0 < o.value < 1.0:
        state = f"{o.value:.0%} open"
    else:
        state = "on" if o.active else "off"
    return f"{o.role} {state}"


def _profile(f: FermenterStatus) -> str:
    p = f.profile
    if p is None:
        return "-"
    if p.finished:
        return f"{p.name}: finished"
    text = f"{p.name}: step {p.step_index + 1}/{p.step_count}"
    if p.step_remaining_s is not None:
        text += f", {format_duration(p.step_remaining_s)} left"
    if p.paused:
        text += f" {PAUSED}"
    if p.waiting_for_brewer:
        text += f" {WAITING}"
    return text


def format_fermenter_line(f: FermenterStatus, units: str = "C") -> str:
    """One line: id, mode, beer and chamber (actual → setpoint, in ``units``), outputs, profile."""
    outputs = ", ".join(_output(o) for o in f.outputs) or "-"
    return (
        f"{f.id:<10} {Mode(f.mode).value:<8} {_pair(f.beer_c, f.beer_setpoint_c, units):<14} "
        f"{_pair(f.chamber_c, f.chamber_setpoint_c, units):<14} {outputs:<24} {_profile(f)}"
    )


def format_status(status: NodeStatus, units: str = "C") -> str:
    """A readable table of a node's fermenters (temperatures in ``units``), then its alarms."""
    from brewctl.wording import output_reason  # not needed for `--help`

    extra = ", simulated" if status.simulated else ""
    lines = [f"{status.node} (brewctl {status.version}, up {format_duration(status.uptime_s)}{extra})"]
    header = f"{'FERMENTER':<10} {'MODE':<8} {'BEER °' + units:<14} {'CHAMBER °' + units:<14} {'OUTPUTS':<24} PROFILE"
    lines.append(header)
    lines.extend(format_fermenter_line(f, units) for f in status.fermenters.values())
    if status.chillers:
        from brewctl.display import chiller_line

        lines.extend(chiller_line(c, units) for c in status.chillers.values())
    alarms = [(None, a) for a in status.alarms] + [(f.id, a) for f in status.fermenters.values() for a in f.alarms]
    for fid, alarm in alarms:
        where = f"{fid}: " if fid else ""
        lines.append(f"  ! {alarm.severity}: {where}{alarm.message}")
    for f in status.fermenters.values():  # a guard holding an output back: why, and for how long
        lines.extend(
            f"  {f.id} {o.role}: {output_reason(o)}" for o in f.outputs if o.blocked_s is not None and output_reason(o)
        )
    return "\n".join(lines)
