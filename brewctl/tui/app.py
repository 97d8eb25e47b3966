"""The brewctl terminal UI: the app, its connection to the daemon, and ``make_app``.

The app owns the state (the latest ``NodeStatus``, recent events, whether the daemon is
there); screens read it and ask the app to send commands ("attributes down, messages up").
One worker follows the daemon's event stream and reconnects with backoff when it is lost;
nothing polls.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.timer import Timer

from brewctl.errors import BrewctlError, TransientError
from brewctl.model import Command, CommandResult, Event, NodeStatus
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.format import Units
from brewctl.tui.history import parse_history
from brewctl.tui.source import DataSource, SourceFactory, api_source, backoff_s
from brewctl.tui.terminal import terminal_gone

__all__ = ["BrewApp", "Settings", "make_app"]

log = logging.getLogger(__name__)

TERMINAL_CHECK_S = 2.0
"""How often the app checks that its terminal is still there."""

TREND_STEP_S = 900.0
"""One sparkline point per quarter hour of the daemon's time ..."""
TREND_POINTS = 96
"""... for the last day (a card shows as many of the latest as fit)."""

RECENT_EVENTS_S = 86400.0
"""On connecting, the last day of the daemon's events fills the last-event line (and the log's live part)."""

MIN_REDRAW_S = 0.5
"""Statuses arriving faster than this (a fast simulation) are coalesced: the latest wins."""


@dataclass(frozen=True)
class Settings:
    """What the TUI needs to know beyond the daemon."""

    units: Units = "C"
    """Display units for temperatures."""
    profiles_dir: Path = Path("profiles")
    """Where the profile editor opens and saves files."""
    recipes_dir: Path = Path("recipes")
    """Where the recipe editor opens and saves files."""
    where: str = "the daemon"
    """How to name the daemon in messages (the socket path)."""
    backoff_first_s: float = 0.5
    """First reconnect delay; it doubles up to ``backoff_max_s``."""
    backoff_max_s: float = 10.0


class BrewApp(App[None]):
    """Dashboard, fermenter detail and editors. Build it with :func:`make_app`."""

    TITLE = "brewctl"
    ENABLE_COMMAND_PALETTE = False  # its footer hint would crowd out our keys at 80 columns
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False),
        Binding("question_mark,f1", "toggle_keys", "All keys", show=False),
    ]

    node: reactive[NodeStatus | None] = reactive(None, always_update=True)
    """The latest status from the daemon (None before the first one)."""
    connected: reactive[bool] = reactive(False)
    """True while the event stream is flowing."""
    link_state: reactive[str] = reactive("", always_update=True)
    """Why the connection is down, '' when fine."""
    event_count: reactive[int] = reactive(0)
    """Events received so far (screens watch it to show the latest)."""
    units: reactive[str] = reactive("C")
    """The display units (``settings.units``; the screens redraw when it changes)."""

    def __init__(
        self,
        source: SourceFactory | None,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.source_factory = source
        self.settings = settings
        self.clock = clock
        self.source: DataSource | None = None
        self.events: collections.deque[Event] = collections.deque(maxlen=50)
        self.retry_in_s = 0.0
        self.connections = 0
        """How many times the stream was (re)established; tests and the status line use it."""
        self._pending: NodeStatus | None = None
        self._flush_timer: Timer | None = None
        self._last_flush = 0.0
        self._last_status_mono = 0.0
        self._trends: dict[str, collections.deque[tuple[float, float | None]]] = {}
        self.set_reactive(BrewApp.units, settings.units)

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen())
        if self.source_factory is not None:
            # After the first frame: the brewer sees the UI while the client loads and connects.
            self.call_after_refresh(self.run_worker, self._follow(), name="daemon-link", group="link", exclusive=True)
        if not self.is_headless and sys.__stdin__ is not None and os.isatty(sys.__stdin__.fileno()):
            self.set_interval(TERMINAL_CHECK_S, self._check_terminal)

    def _check_terminal(self) -> None:
        """Quit when the terminal has gone away (see :mod:`brewctl.tui.terminal`)."""
        if sys.__stdin__ is not None and terminal_gone(sys.__stdin__.fileno()):
            log.warning("the terminal hung up: quitting")
            self.exit(return_code=129)

    def action_toggle_keys(self) -> None:
        """Show (or hide) every key of the current screen, including those the footer leaves out."""
        from brewctl.tui.keys_screen import KeysScreen

        if isinstance(self.screen, KeysScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(KeysScreen(self.screen))

    def toggle_units(self) -> None:
        """Show temperatures in the other unit (°C <-> °F) on every screen."""
        units: Units = "F" if self.settings.units == "C" else "C"
        self.settings = dataclasses.replace(self.settings, units=units)
        self.units = units

    def data_age_s(self) -> float:
        """Seconds (wall clock) since the last status arrived."""
        return time.monotonic() - self._last_status_mono if self._last_status_mono else 0.0

    def trend(self, fid: str) -> list[float | None]:
        """Recent beer temperatures of ``fid`` (degC, oldest first), one per :data:`TREND_STEP_S`."""
        return [v for _, v in self._trends.get(fid, ())]

    def _add_trend(self, status: NodeStatus) -> None:
        for fid, f in status.fermenters.items():
            points = self._trends.setdefault(fid, collections.deque(maxlen=TREND_POINTS))
            if not points or f.updated_s - points[-1][0] >= TREND_STEP_S:
                points.append((f.updated_s, f.beer_c))

    async def _load_trends(self, source: DataSource, status: NodeStatus) -> None:
        """Fill the sparklines from the daemon's history (when it keeps one)."""
        for fid, f in status.fermenters.items():
            now = f.updated_s or self.clock()
            try:
                data = await source.history(fid, since_s=now - TREND_POINTS * TREND_STEP_S, step_s=TREND_STEP_S)
            except BrewctlError:
                return  # no history here: the sparklines fill from the stream
            series = parse_history(data)
            points: collections.deque[tuple[float, float | None]] = collections.deque(maxlen=TREND_POINTS)
            points.extend(zip(series.ts_s, series.beer_c, strict=True))
            for point in self._trends.get(fid, ()):
                if not points or point[0] - points[-1][0] >= TREND_STEP_S:
                    points.append(point)
            self._trends[fid] = points
        self.node = self.node  # redraw with the trends

    async def _load_recent_events(self, source: DataSource, status: NodeStatus) -> None:
        """What happened before the UI connected: the daemon's events of the last day (no toasts)."""
        now = max((f.updated_s for f in status.fermenters.values()), default=0.0) or self.clock()
        try:
            recent = await source.events(now - RECENT_EVENTS_S)
        except BrewctlError:
            return  # no history here: the line fills from the stream
        known = {_event_key(e) for e in self.events}
        earlier = [e for e in recent if _event_key(e) not in known]
        if earlier:
            merged = sorted([*earlier, *self.events], key=lambda e: e.ts_s)
            self.events.clear()
            self.events.extend(merged[-(self.events.maxlen or len(merged)) :])
            self.event_count += 1

    # --- the connection -------------------------------------------------------------------
    async def _follow(self) -> None:
        """Follow the daemon's stream forever; on loss, say so and reconnect with backoff."""
        assert self.source_factory is not None
        prepare = getattr(self.source_factory, "prepare", None)
        if prepare is not None:
            await prepare()
        attempt = 0
        while True:
            reason = "the daemon closed the stream"
            try:
                async with self.source_factory() as source:
                    first = await source.status()
                    self._last_status_mono = time.monotonic()
                    self._add_trend(first)
                    self.node = first
                    self.source = source
                    self.connections += 1
                    self.link_state = ""
                    self.connected = True
                    attempt = 0
                    self.run_worker(self._load_trends(source, first), group="trends", exclusive=True)
                    self.run_worker(self._load_recent_events(source, first), group="recent", exclusive=True)
                    async for item in source.stream():
                        if isinstance(item, NodeStatus):
                            self._offer(item)
                        else:
                            self._event(item)
            except (TransientError, OSError) as exc:
                reason = str(exc) or type(exc).__name__
            except Exception as exc:  # the link must outlive any client failure; the bar shows it
                reason = f"{type(exc).__name__}: {exc}"
                log.warning("daemon link failed: %s", reason)  # to Textual's log while the UI runs
            finally:
                self.source = None
            self.retry_in_s = backoff_s(
                attempt, first_s=self.settings.backoff_first_s, max_s=self.settings.backoff_max_s
            )
            attempt += 1
            self.connected = False
            self.link_state = reason
            await asyncio.sleep(self.retry_in_s)

    def _offer(self, status: NodeStatus) -> None:
        """Show ``status`` now, or at the end of the current redraw interval (latest wins)."""
        self._pending = status
        self._last_status_mono = time.monotonic()
        self._add_trend(status)
        if self._flush_timer is not None:
            return  # already due: it will show the latest
        delay = self._last_flush + MIN_REDRAW_S - time.monotonic()
        if delay <= 0:
            self._show_pending()
        else:
            self._flush_timer = self.set_timer(delay, self._show_pending)

    def _show_pending(self) -> None:
        self._flush_timer = None
        self._last_flush = time.monotonic()
        if self._pending is not None:
            self.node, self._pending = self._pending, None

    def _event(self, event: Event) -> None:
        self.events.append(event)
        self.event_count += 1
        # Raised alarms pop up (notices do not: they would bury the real ones); the cards keep
        # showing them while they stand.
        if event.kind == "alarm" and event.data.get("severity") != "info":
            critical = event.data.get("severity") == "critical"
            self.notify(
                event.message or event.kind, title=event.fermenter or "", severity="error" if critical else "warning"
            )

    # --- commands -------------------------------------------------------------------------
    async def send(self, fid: str, command: Command, done: str) -> CommandResult | None:
        """Send ``command`` to fermenter ``fid``; tell the brewer how it went."""
        source = self.source
        if source is None:
            self.notify("Not connected to the daemon: nothing was changed.", severity="error")
            return None
        command = command.model_copy(update={"id": f"tui-{uuid.uuid4().hex[:16]}"})
        try:
            result = await source.command(fid, command)
        except BrewctlError as exc:
            self.notify(f"Not sent: {exc}", severity="error")
            return None
        if result.ok:
            self.notify(done)
            if result.status is not None and self.node is not None:
                fermenters = dict(self.node.fermenters)
                fermenters[fid] = result.status
                self.node = self.node.model_copy(update={"fermenters": fermenters})
        else:
            self.notify(f"Refused: {result.error}", severity="error")
        return result


def _event_key(event: Event) -> tuple[float, str, str]:
    """The same event from the daemon's history and from its stream."""
    return (round(event.ts_s, 1), event.kind, event.message)


def make_app(
    *,
    socket_path: Path | str | None = None,
    source: SourceFactory | None = None,
    settings: Settings | None = None,
    clock: Callable[[], float] = time.time,
) -> BrewApp:
    """The TUI, talking to the daemon on ``socket_path`` (or through ``source``).

    With neither, the TUI runs offline: the editors work on files, the dashboard says so.
    """
    settings = settings or Settings()
    if source is None and socket_path is not None:
        source = api_source(socket_path)
        if settings.where == Settings.where:
            settings = dataclasses.replace(settings, where=str(socket_path))
    return BrewApp(source, settings, clock=clock)
