"""``brewctl service install|uninstall``: run the daemon as a hardened systemd service."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from brewctl.paths import DEFAULT_CONFIG_PATH

if TYPE_CHECKING:
    from brewctl.cli import Commands
    from brewctl.setup.system import System

__all__ = ["register"]

_CONFIG = DEFAULT_CONFIG_PATH


def register(commands: Commands) -> None:
    """Add ``brewctl service``."""
    parser = commands.top.add_parser("service", help="install or remove the systemd service (run with sudo)")
    sub = parser.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "install",
        help="system user, state folder, hardened unit for this Python; enable and start it",
        description="Create the brewctl system user (in group gpio) and /var/lib/brewctl, write "
        "/etc/systemd/system/brewctl.service for the Python that runs this command, then "
        "daemon-reload, enable and start it. Safe to run again (after an upgrade, say): only "
        "what is missing or changed is done.",
    )
    p.add_argument("--config", type=Path, default=_CONFIG, metavar="FILE", help="the config it runs (%(default)s)")
    _common(p)
    p.set_defaults(func=_install)
    p = sub.add_parser(
        "uninstall",
        help="stop, disable and remove the service (keeps config, state and history unless --purge)",
    )
    p.add_argument("--purge", action="store_true", help="also delete /var/lib/brewctl (history!) and the brewctl user")
    _common(p)
    p.set_defaults(func=_uninstall)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--root",
        type=Path,
        default=Path("/"),
        metavar="DIR",
        help="install into the system mounted at DIR (an SD card image): nothing is started",
    )
    p.add_argument("--dry-run", action="store_true", help="print what would be done; change nothing")


def _system(args: argparse.Namespace) -> System:
    from brewctl.errors import UserError
    from brewctl.setup.system import System

    system = System(root=args.root)
    if system.live and not args.dry_run and os.geteuid() != 0:
        raise UserError(f"needs root: sudo brewctl service {args.service_command} (or --dry-run to see the steps)")
    return system


def _install(args: argparse.Namespace) -> int:
    from brewctl.setup.service import apply, plan_install

    system = _system(args)
    login = os.environ.get("SUDO_USER")
    config = PurePosixPath(args.config if args.config.is_absolute() else args.config.resolve())
    steps = plan_install(system, python=sys.executable, config=config, login=login)
    print(f"brewctl service install{' (dry run)' if args.dry_run else ''}:")
    apply(steps, system, dry_run=args.dry_run, say=print)
    if not args.dry_run:
        if system.live:
            print("done: systemctl status brewctl; journalctl -u brewctl -f; brewctl doctor")
        else:
            print(f"done: the service starts at the next boot of the system in {system.root}")
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from brewctl.setup.service import apply, plan_uninstall

    system = _system(args)
    print(f"brewctl service uninstall{' (dry run)' if args.dry_run else ''}:")
    apply(plan_uninstall(system, purge=args.purge), system, dry_run=args.dry_run, say=print)
    return 0
