"""``brewctl doctor``: check what usually goes wrong on a new Pi and say how to fix it."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from brewctl.paths import DEFAULT_CONFIG_PATH

if TYPE_CHECKING:
    from brewctl.cli import Commands

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``brewctl doctor``."""
    p = commands.top.add_parser(
        "doctor",
        help="check the Pi: 1-wire bus, probes, gpio group, service, socket, clock, disk",
        description="Check what usually goes wrong on a new Pi (1-wire overlay, probes, gpio group, "
        "the service, the API socket's permissions, the clock, free disk) and say how to fix each. "
        "Exit 1 when a problem was found.",
    )
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, metavar="FILE", help="config file")
    p.add_argument("--root", type=Path, default=Path("/"), metavar="DIR", help="check the system mounted at DIR")
    p.set_defaults(func=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    from brewctl.setup.doctor import Probes, format_findings, run_checks
    from brewctl.setup.system import System

    system = System(root=args.root)
    user = os.environ.get("SUDO_USER") or getpass.getuser()
    extra: frozenset[str] = frozenset()
    if user == getpass.getuser():  # groups of this process count even before a new login would list them
        import grp

        extra = frozenset(grp.getgrgid(g).gr_name for g in os.getgroups() if _known_gid(g))
    config = PurePosixPath(args.config if args.config.is_absolute() else args.config.resolve())
    findings = run_checks(system, Probes(user=user, extra_groups=extra), config)
    print(format_findings(findings))
    return 1 if any(f.level == "problem" for f in findings) else 0


def _known_gid(gid: int) -> bool:
    import grp

    try:
        grp.getgrgid(gid)
    except KeyError:
        return False
    return True
