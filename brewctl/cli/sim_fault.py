"""``brewctl sim-fault PROBE unplug|stuck|plug``: break (and mend) a probe of a simulated daemon.

``unplug`` cuts its cable; ``stuck [--at TEMP]`` freezes its reading (at TEMP, else where it
reads now) while the simulated beer goes on; ``plug`` mends either. It calls
``POST /v1/simulation/probes/{probe}/{unplug|stuck|plug}`` on the daemon's local API; a
daemon that is not simulated refuses (exit 1). Handy to try alerts, Home Assistant
automations and the fleet TUI end to end.
"""

from __future__ import annotations

import argparse
import sys

from brewctl.cli import Commands

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``sim-fault``."""
    from brewctl.cli.client import _add_socket_args

    p = commands.top.add_parser(
        "sim-fault", help="unplug, freeze or mend a probe of a simulated daemon (--simulate only)"
    )
    p.add_argument("probe", help="probe name from the config's [probes] (e.g. fv1_beer)")
    p.add_argument(
        "action",
        choices=("unplug", "stuck", "plug"),
        help="unplug: a cut cable; stuck: the reading freezes while the beer goes on; plug: mend either",
    )
    p.add_argument(
        "--at", metavar="TEMP", help="with stuck: the frozen reading (19.5 in the config's units, 19.5C, 67F)"
    )
    _add_socket_args(p)
    p.set_defaults(func=cmd_sim_fault)


def cmd_sim_fault(args: argparse.Namespace) -> int:
    from brewctl.cli.client import _with_client, display_units, parse_temperature_c
    from brewctl.display import format_temp
    from brewctl.errors import UserError

    value_c: float | None = None
    units = display_units(args)
    if args.at is not None:
        if args.action != "stuck":
            raise UserError("--at: only with stuck")
        value_c = parse_temperature_c("--at", args.at, units)
    answer = _with_client(args, lambda api: api.simulation_probe(args.probe, args.action, value_c))
    if not answer.get("ok"):
        print(f"brewctl: refused: {answer.get('error')}", file=sys.stderr)
        return 1
    if args.action == "stuck":
        frozen = answer.get("stuck_c")
        at = f"at {format_temp(frozen, units)}" if isinstance(frozen, (int, float)) else "at its next reading"
        print(f"{args.probe}: stuck {at} (the simulated beer goes on; `plug` mends it)")
    else:
        print(f"{args.probe}: {'plugged back in' if answer.get('plugged') else 'unplugged'}")
    return 0
