"""The ``brewctl`` command line.

Each subcommand lives in its own module of this package and exposes
``register(commands: Commands) -> None``; it adds its parsers and sets ``func`` (a callable
taking the parsed ``argparse.Namespace`` and returning an exit code). User errors
(``brewctl.errors.UserError``) are printed without a traceback and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from brewctl import __version__
from brewctl.errors import UserError

__all__ = ["Commands", "main"]

# Subcommand modules, in the order they appear in --help.
MODULES = (
    "run", "sim", "sim_fault", "client", "sensors", "outputs", "profile", "recipe", "history", "tui", "config",
    "service", "doctor",
)  # fmt: skip
# The modules that register each command: only these are imported to run it (a fast start for
# `brewctl status` and `brewctl tui`; the simulator and the importers are not loaded for them).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "run": ("run",),
    "sim": ("sim",),
    "sim-fault": ("sim_fault",),
    "status": ("client",),
    "set": ("client",),
    "sensors": ("sensors",),
    "outputs-off": ("sensors",),
    "outputs": ("outputs",),
    "profile": ("profile", "client"),
    "recipe": ("recipe",),
    "history": ("history",),
    "tui": ("tui",),
    "config": ("config",),
    "service": ("service",),
    "doctor": ("doctor",),
}

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Commands:
    """Where subcommand modules attach their parsers."""

    top: argparse._SubParsersAction[argparse.ArgumentParser]
    """``brewctl <command>``."""
    profile: argparse._SubParsersAction[argparse.ArgumentParser]
    """``brewctl profile <action>`` (file tools and daemon actions share it)."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every subcommand, or only what ``command`` needs when it is known."""
    parser = argparse.ArgumentParser(
        prog="brewctl",
        description="Fermentation controller for the Raspberry Pi.",
    )
    parser.add_argument("--version", action="version", version=f"brewctl {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    top = parser.add_subparsers(dest="command", metavar="COMMAND")
    profile = top.add_parser("profile", help="fermentation profiles: validate, import, export, show, start, ...")
    profile_sub = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    commands = Commands(top=top, profile=profile_sub)
    for name in COMMAND_MODULES.get(command or "", MODULES):
        module_name = f"{__name__}.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``brewctl`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    func: Handler | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return func(args)
    except UserError as exc:
        print(f"brewctl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `brewctl status --json | head`: the reader left, not a bug
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
