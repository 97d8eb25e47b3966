"""``brewctl run``: start the controller daemon (what the systemd unit runs)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from brewctl.cli import Commands
from brewctl.errors import UserError
from brewctl.paths import DEFAULT_CONFIG_PATH
from brewctl.pins import pin_problems

__all__ = ["MAX_SPEED", "register"]

MAX_SPEED = 3600.0
"""Fastest ``--speed``: the plants are stepped in 1 s pieces, so far beyond this one tick of the
simulation blocks the event loop for seconds (the daemon stops answering, even SIGTERM)."""

log = logging.getLogger("brewctl.run")


def register(commands: Commands) -> None:
    """Add ``brewctl run``."""
    p = commands.top.add_parser(
        "run",
        help="run the controller daemon",
        description="Run the controller: probes, control, outputs, state and the local API. "
        "SIGTERM or Ctrl-C stop it with every output off.",
    )
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="config file (default %(default)s)")
    p.add_argument(
        "--simulate",
        action="store_true",
        help="simulated fermenters behind a fake 1-wire bus and mock GPIO pins (no Pi needed)",
    )
    p.add_argument("--speed", type=float, default=1.0, help="with --simulate: run time this many times faster")
    p.add_argument("--state-dir", type=Path, help="state folder (default: node.state_dir)")
    p.add_argument("--socket", type=Path, help="API socket (default: node.socket_path)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the daemon until SIGTERM/SIGINT (exit 0) or a fatal error (exit 1)."""
    if args.simulate:
        # No 1-wire kernel modules to load: the simulated bus is a folder.
        os.environ.setdefault("W1THERMSENSOR_NO_KERNEL_MODULE", "1")
    from gpiozero.exc import BadPinFactory

    from brewctl.service.clock import Clock, ScaledClock

    try:
        from brewctl.service.daemon import Daemon, DaemonOptions
    except Exception as exc:
        if type(exc).__module__.startswith("w1thermsensor"):
            # w1thermsensor loads the kernel modules when imported, and fails without a bus.
            raise UserError(
                f"1-wire bus: {exc} (enable it with dtoverlay=w1-gpio in /boot/firmware/config.txt, "
                "or try `brewctl run --simulate`)"
            ) from None
        raise

    if not 0 < args.speed <= MAX_SPEED:  # also refuses nan; inf or 1e9 starved the event loop (no SIGTERM)
        raise UserError(f"--speed: must be above 0 and at most {MAX_SPEED:g} (an hour per second), got {args.speed:g}")
    if args.speed != 1.0 and not args.simulate:
        raise UserError("--speed: only with --simulate (real fermenters run in real time)")
    if not logging.getLogger().isEnabledFor(logging.INFO):
        logging.getLogger("brewctl").setLevel(logging.INFO)
    import asyncio

    from brewctl.cli.components import optional_components
    from brewctl.config import load_config

    config = load_config(args.config)
    for problem in pin_problems(config.outputs):  # errors were refused by load_config
        log.warning("%s: %s", args.config, problem)
    clock = ScaledClock(args.speed) if args.simulate and args.speed != 1.0 else Clock()
    options = DaemonOptions(simulate=args.simulate, state_dir=args.state_dir, socket_path=args.socket)
    daemon = Daemon(config, options, clock=clock, components=optional_components)
    try:
        asyncio.run(daemon.run())
    except UserError:
        raise
    except BadPinFactory as exc:
        raise UserError(
            f"GPIO: {exc} (on a Raspberry Pi install python3-lgpio; elsewhere try `brewctl run --simulate`)"
        ) from None
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            return 0
        log.critical("fatal error, every output is off: %s", exc, exc_info=exc)
        return 1
    return 0
