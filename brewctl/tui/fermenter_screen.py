"""One fermenter: its card and a chart of its history, with zoom; the same actions as the dashboard."""

from __future__ import annotations

import re
import time
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Static

from brewctl.errors import BrewctlError
from brewctl.model import Event, FermenterStatus, NodeStatus
from brewctl.profiles import Profile
from brewctl.rigs import COOL_ROLES, HEAT_ROLE
from brewctl.tui.bindings import KEYS_BINDING, KeyBar
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.curve import plan_ahead
from brewctl.tui.events_text import category, event_line
from brewctl.tui.fermenter_actions import FERMENTER_BINDINGS, FermenterActions
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.history import ZOOMS, Series, Zoom, batch_zoom, parse_history
from brewctl.tui.history_chart import HistoryChart
from brewctl.tui.layout import Shape, shape_for

__all__ = ["FermenterScreen"]

REDRAW_MIN_S = 2.0
"""Live points redraw the chart at most this often (wall time): plotting is the costly part."""

STALE_TICK_S = 1.0
"""While the daemon is away, the card's age is redrawn this often."""


class FermenterScreen(FermenterActions):
    """Card on top, chart below. ``z`` cycles the zoom (6 h, 24 h, 7 d, whole batch); Escape goes back."""

    DEFAULT_CSS = """
    FermenterScreen FermenterCard { max-height: 9; }
    FermenterScreen #chart-note { height: 1; padding: 0 1; }
    FermenterScreen #chart-notes { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        KEYS_BINDING,
        Binding("escape", "app.pop_screen", "Back"),
        *FERMENTER_BINDINGS,
        Binding("z", "zoom", "Zoom"),
        Binding("l", "event_log", "Log", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, fid: str) -> None:
        super().__init__()
        self.fid = fid
        self.zoom_index = 1
        self.series = Series()
        self.history_loaded = False
        self.history_problem = ""
        """Why the daemon sent no history ('' when it did); the chart then shows live points only."""
        self._last_draw = 0.0
        self.history_events: list[Event] = []
        """Events of this fermenter in the window, from the daemon's history."""
        self.profile: Profile | None = None
        """The running profile's definition (for its plan ahead), when it was found."""
        self._profile_name = ""
        self._stale_timer: Timer | None = None

    @property
    def zoom(self) -> Zoom:
        zoom = ZOOMS[self.zoom_index]
        if zoom.batch:
            f = self.selected()
            return batch_zoom(f.profile.elapsed_s if f is not None and f.profile is not None else 0.0)
        return zoom

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        status = self.selected()
        assert status is not None
        shape: Shape = "line" if shape_for(self.app.size.width, self.app.size.height) == "line" else "card"
        yield FermenterCard(status, units=self.brew.settings.units, clock=self.brew.clock, shape=shape)
        yield Static("loading history …", id="chart-note")
        yield HistoryChart(units=self.brew.settings.units)
        yield Static("", id="chart-notes")
        yield KeyBar()

    def on_mount(self) -> None:
        self.watch(self.brew, "node", self._node_changed, init=False)
        self.watch(self.brew, "connected", self._connection_changed)
        self.watch(self.brew, "link_state", self._link_state_changed, init=False)
        self.watch(self.brew, "units", self._units_changed, init=False)

    def selected(self) -> FermenterStatus | None:
        node = self.brew.node
        return node.fermenters.get(self.fid) if node is not None else None

    def _now_s(self) -> float:
        """The daemon's idea of now (simulated time in a simulation), else the clock."""
        f = self.selected()
        return f.updated_s if f is not None and f.updated_s > 0 else self.brew.clock()

    # --- updates --------------------------------------------------------------------------
    def _link_state_changed(self, reason: str) -> None:
        if reason and not self.brew.connected:
            self.query_one(ConnectionBar).show_lost(
                reason, self.brew.retry_in_s, ever_connected=self.brew.connections > 0
            )

    def _connection_changed(self, connected: bool) -> None:
        bar = self.query_one(ConnectionBar)
        node = self.brew.node
        if connected and node is not None:
            bar.show_live(node.node, node.version, node.simulated)
            self.load_history()
        elif not connected and self.brew.source_factory is not None and self.brew.link_state:
            bar.show_lost(self.brew.link_state, self.brew.retry_in_s, ever_connected=self.brew.connections > 0)
        if not connected and not self.history_loaded:
            chart = self.query_one(HistoryChart)
            chart.show_problem(self.zoom, "daemon not connected; the chart follows when it is back")
            self.query_one("#chart-note", Static).update(chart.caption)
        # The card dims and says how old it is while the daemon is away, as on the dashboard.
        self._show_age()
        if connected and self._stale_timer is not None:
            self._stale_timer.stop()
            self._stale_timer = None
        elif not connected and self._stale_timer is None and node is not None:
            self._stale_timer = self.set_interval(STALE_TICK_S, self._show_age)

    def _show_age(self) -> None:
        fresh = self.brew.connected or self.brew.source_factory is None
        self.query_one(FermenterCard).set_stale(None if fresh else self.brew.data_age_s())

    def _units_changed(self, units: str) -> None:
        card = self.query_one(FermenterCard)
        card.units = self.brew.settings.units
        card.update_status(card.status)
        self.query_one(HistoryChart).units = self.brew.settings.units
        if self.history_loaded:
            self._draw()

    def _node_changed(self, node: NodeStatus | None) -> None:
        f = node.fermenters.get(self.fid) if node is not None else None
        if f is None:
            return
        self.query_one(FermenterCard).update_status(f)
        name = f.profile.name if f.profile is not None and not f.profile.finished else ""
        if name != self._profile_name:
            self._profile_name = name
            self.load_profile(name)
        if not self.history_loaded:
            return
        if self.series.ts_s and f.updated_s - self.series.ts_s[-1] < self.zoom.step_s:
            return
        heat = max((o.value for o in f.outputs if o.role == HEAT_ROLE), default=0.0)
        cool = max((o.value for o in f.outputs if o.role in COOL_ROLES), default=0.0)
        setpoint = f.beer_setpoint_c if f.beer_setpoint_c is not None else f.chamber_setpoint_c
        gravity = f.gravity.sg if f.gravity is not None else None
        self.series.append(f.updated_s, f.beer_c, f.chamber_c, setpoint, heat, cool, gravity)
        self.series.trim(f.updated_s - self.zoom.span_s)
        chart = self.query_one(HistoryChart)
        if chart.points == 0 or time.monotonic() - self._last_draw >= REDRAW_MIN_S:
            self._draw()

    def _draw(self) -> None:
        self._last_draw = time.monotonic()
        chart = self.query_one(HistoryChart)
        if self.history_problem and not self.series.ts_s:
            chart.show_problem(self.zoom, f"no history ({self.history_problem}); live points will follow")
        else:
            note = "live since opened (no daemon history)" if self.history_problem else ""
            chart.show(self.series, self.zoom, self._now_s(), note=note, plan=self._plan(), events=self._events())
        self.query_one("#chart-note", Static).update(chart.caption)
        notes = [e for e in self._events() if category(e) == "note"][-2:]
        self.query_one("#chart-notes", Static).update("\n".join(f"N {event_line(e, with_day=True)}" for e in notes))

    def _events(self) -> list[Event]:
        """This fermenter's events in the window: the daemon's history and what the stream brought since."""
        since = self._now_s() - self.zoom.span_s
        seen = {(round(e.ts_s, 1), e.kind, e.message) for e in self.history_events}
        live = [
            e for e in self.brew.events if e.fermenter == self.fid and (round(e.ts_s, 1), e.kind, e.message) not in seen
        ]
        return [e for e in [*self.history_events, *live] if e.ts_s >= since]

    def _plan(self) -> list[tuple[float, float | None]]:
        """The running profile's planned setpoint from now on (empty without a profile)."""
        f = self.selected()
        if f is None or f.profile is None or f.profile.finished or self.profile is None:
            return []
        if self.profile.name != f.profile.name or len(self.profile.steps) != f.profile.step_count:
            return []
        return plan_ahead(self.profile, f.profile.step_index, f.profile.step_remaining_s, self._now_s())

    @work(exclusive=True, group="profile")
    async def load_profile(self, name: str) -> None:
        """Find the running profile in the profiles folder, to draw its plan ahead of now."""
        import asyncio

        from brewctl.errors import ProfileError
        from brewctl.profiles.library import find_in_library

        self.profile = None
        if name:
            try:
                self.profile = await asyncio.to_thread(find_in_library, name, self.brew.settings.profiles_dir)
            except (ProfileError, OSError):
                self.profile = None  # not in this machine's folder: no plan, the rest still draws
        if self.history_loaded:
            self._draw()

    @work(exclusive=True, group="history")
    async def load_history(self) -> None:
        """Fetch the zoom window from the daemon's history and draw it."""
        chart = self.query_one(HistoryChart)
        source = self.brew.source
        if source is None:
            chart.show_problem(self.zoom, "not connected")
            self.query_one("#chart-note", Static).update(chart.caption)
            return
        now = self._now_s()
        try:
            self.history_events = await source.events(now - self.zoom.span_s, fermenter=self.fid)
        except BrewctlError:
            self.history_events = []
        try:
            data = await source.history(self.fid, since_s=now - self.zoom.span_s, step_s=self.zoom.step_s)
        except BrewctlError as exc:
            # No history on the daemon (or it failed): keep drawing what the stream brings.
            self.history_problem = re.sub(r"^.*HTTP \d+: ", "", str(exc))
            self.history_loaded = True
            self._draw()
            return
        self.history_problem = ""
        self.series = parse_history(data)
        self.history_loaded = True
        self._draw()

    def action_event_log(self) -> None:
        """This fermenter's event log."""
        from brewctl.tui.event_log_screen import EventLogScreen

        self.app.push_screen(EventLogScreen(self.fid))

    def action_zoom(self) -> None:
        """6 h -> 24 h -> 7 d -> whole batch -> 6 h."""
        self.zoom_index = (self.zoom_index + 1) % len(ZOOMS)
        self.notify(f"Zoom: last {self.zoom.label}", timeout=1.5)
        self.load_history()
