"""``brewctl tui``: the terminal UI (dashboard, charts, profile and recipe editors)."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from brewctl.errors import UserError
from brewctl.paths import DEFAULT_CONFIG_PATH

if TYPE_CHECKING:
    from brewctl.cli import Commands
    from brewctl.tui.fleet_source import FleetSource

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``brewctl tui``."""
    parser = commands.top.add_parser(
        "tui",
        help="terminal UI: all fermenters, charts, actions, profile and recipe editors",
        description="The terminal UI. Works at 80x24 over SSH; the editors also work without a daemon (--offline).",
    )
    parser.add_argument("--socket", type=Path, help="the daemon's API socket (default: from the config)")
    parser.add_argument(
        "--config", type=Path, help=f"config file for the socket, units and folders (default: {DEFAULT_CONFIG_PATH})"
    )
    parser.add_argument("--profiles-dir", type=Path, help="folder the profile editor works in")
    parser.add_argument("--recipes-dir", type=Path, help="folder the recipe editor works in")
    parser.add_argument("--offline", action="store_true", help="no daemon: edit profiles and recipes only")
    parser.add_argument(
        "--mqtt",
        metavar="HOST[:PORT]",
        help="the fleet: every node on this MQTT broker (login and TLS from the config's [mqtt])",
    )
    parser.set_defaults(func=_tui)


def _fleet_source(spec: str, config_path: Path | None) -> FleetSource:
    """The fleet view's source: host and port from ``--mqtt``, login and TLS from the config's ``[mqtt]``."""
    from brewctl.config import load_config
    from brewctl.mqtt.credentials import connection_files
    from brewctl.mqtt.fleet import parse_broker
    from brewctl.tui.fleet_source import FleetSource

    host, port = parse_broker(spec)
    mqtt = load_config(config_path).mqtt if config_path is not None else None
    password, tls = connection_files(mqtt) if mqtt is not None else (None, None)
    return FleetSource(host, port, username=mqtt.username if mqtt is not None else None, password=password, tls=tls)


def _tui(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the UI would read end-of-file in a loop, at half a core, forever.
        raise UserError("brewctl tui needs a terminal (stdin and stdout); without one use `brewctl status`")
    from textual.logging import TextualHandler

    from brewctl.config import load_config
    from brewctl.tui.app import Settings, make_app

    config_path: Path | None = args.config
    if config_path is None and DEFAULT_CONFIG_PATH.is_file():
        config_path = DEFAULT_CONFIG_PATH
    settings = Settings()
    socket_path: Path = args.socket or Path("/run/brewctl/brewctl.sock")
    if config_path is not None:
        cfg = load_config(config_path)
        settings = Settings(units=cfg.node.units, profiles_dir=cfg.node.profiles_dir, recipes_dir=cfg.node.recipes_dir)
        socket_path = args.socket or cfg.node.socket_path
    settings = Settings(
        units=settings.units,
        profiles_dir=args.profiles_dir or settings.profiles_dir,
        recipes_dir=args.recipes_dir or settings.recipes_dir,
        where=str(socket_path),
    )
    if args.mqtt and not args.offline:
        app = make_app(
            source=_fleet_source(args.mqtt, config_path), settings=replace(settings, where=f"MQTT {args.mqtt}")
        )
    else:
        app = make_app(socket_path=None if args.offline else socket_path, settings=settings)
    # Log lines written to the terminal would tear the screen: send them to Textual's log
    # (`textual console` shows them) while the UI runs.
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [TextualHandler()]
    try:
        app.run()
    finally:
        root.handlers = saved
    return app.return_code or 0
