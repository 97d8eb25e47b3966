"""``brewctl tui``: the terminal UI, a client of the daemon's local API (and an offline file editor).

Build it with :func:`brewctl.tui.app.make_app`; the CLI and the tests share that factory.
"""

from __future__ import annotations

from brewctl.tui.app import BrewApp, Settings, make_app

__all__ = ["BrewApp", "Settings", "make_app"]
