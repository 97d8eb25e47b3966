"""``brewctl sim-fault PROBE unplug|plug``: break (and mend) a probe of a simulated daemon.

It calls ``POST /v1/simulation/probes/{probe}/{unplug|plug}`` on the daemon's local API; a
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

    p = commands.top.add_parser("sim-fault", help="unplug or plug a probe of a simulated daemon (--simulate only)")
    p.add_argument("probe", help="probe name from the config's [probes] (e.g. fv1_beer)")
    p.add_argument("action", choices=("unplug", "plug"))
    _add_socket_args(p)
    p.set_defaults(func=cmd_sim_fault)


def cmd_sim_fault(args: argparse.Namespace) -> int:
    from brewctl.cli.client import _with_client

    answer = _with_client(args, lambda api: api.simulation_probe(args.probe, args.action))
    if not answer.get("ok"):
        print(f"brewctl: refused: {answer.get('error')}", file=sys.stderr)
        return 1
    print(f"{args.probe}: {'plugged back in' if answer.get('plugged') else 'unplugged'}")
    return 0
