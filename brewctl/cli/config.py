"""``brewctl config check``: validate a configuration file without starting anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from brewctl.cli.config_init import add_setup_actions
from brewctl.paths import DEFAULT_CONFIG_PATH
from brewctl.pins import pin_problems

if TYPE_CHECKING:
    from brewctl.cli import Commands

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``brewctl config check``."""
    parser = commands.top.add_parser("config", help="write (init), check or show an example configuration file")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check",
        help="validate the config file and summarise it",
        description="Validate the config file and summarise it. Outputs on pins that are not safe at boot "
        "(GPIO 0-3, 14-15; active-high on GPIO 0-8) are refused; other risky pin choices are warned about.",
    )
    check.add_argument(
        "file", type=Path, nargs="?", default=None, metavar="FILE", help="config file (the same as --config)"
    )
    check.add_argument("--config", type=Path, default=None, help=f"config file (default {DEFAULT_CONFIG_PATH})")
    check.set_defaults(func=_check)
    add_setup_actions(sub)  # init, example


def _check(args: argparse.Namespace) -> int:
    from brewctl.config import load_config

    if args.file is not None and args.config is not None and args.file != args.config:
        print(
            f"brewctl: error: two config files given ({args.file} and --config {args.config}): give one",
            file=sys.stderr,
        )
        return 2
    args.config = args.file or args.config or DEFAULT_CONFIG_PATH
    cfg = load_config(args.config)
    print(
        f"{args.config}: ok — node {cfg.node.name!r}, {len(cfg.fermenters)} fermenter(s), "
        f"{len(cfg.probes)} probe(s), {len(cfg.outputs)} output(s)"
    )
    for fid, f in cfg.fermenters.items():
        print(f"  {fid}: {f.name or fid} ({f.rig.value}, mode {f.mode.value})")
    for cid, c in cfg.chillers.items():
        fed = [fid for fid, f in cfg.fermenters.items() if f.chiller == cid]
        print(f"  chiller {cid}: {c.capacity_w:g} W, {c.volume_l:g} L, feeds {', '.join(fed) or 'no fermenter'}")
    for problem in pin_problems(cfg.outputs):  # the errors were refused by load_config: warnings only
        print(f"{args.config}: warning: {problem}")
    if cfg.influx is not None:
        from brewctl.recorder.influx import INFLUX_MISSING, influx_client_installed

        if not influx_client_installed():
            print(f"{args.config}: warning: {INFLUX_MISSING}")
    return 0
