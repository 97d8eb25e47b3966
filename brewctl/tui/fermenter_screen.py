"""One fermenter: its card and a chart of its history, with zoom; the same actions as the dashboard."""

from __future__ import annotations

import re
import time
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from brewctl.errors import BrewctlError
from brewctl.model import FermenterStatus, NodeStatus
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.fermenter_actions import FERMENTER_BINDINGS, FermenterActions
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.history import ZOOMS, Series, Zoom, parse_history
from brewctl.tui.history_chart import HistoryChart

__all__ = ["FermenterScreen"]

REDRAW_MIN_S = 2.0
"""Live points redraw the chart at most this often (wall time): plotting is the costly part."""


class FermenterScreen(FermenterActions):
    """Card on top, chart below. ``z`` cycles the zoom (6 h, 24 h, 7 d); Escape goes back."""

    DEFAULT_CSS = """
    FermenterScreen FermenterCard { max-height: 9; }
    FermenterScreen #chart-note { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
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

    @property
    def zoom(self) -> Zoom:
        return ZOOMS[self.zoom_index]

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        status = self.selected()
        assert status is not None
        yield FermenterCard(status, units=self.brew.settings.units, clock=self.brew.clock)
        yield Static("loading history …", id="chart-note")
        yield HistoryChart(units=self.brew.settings.units)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.brew, "node", self._node_changed, init=False)
        self.watch(self.brew, "connected", self._connection_changed)
        self.watch(self.brew, "link_state", self._link_state_changed, init=False)
        self.query_one(FermenterCard).focus()

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

    def _node_changed(self, node: NodeStatus | None) -> None:
        f = node.fermenters.get(self.fid) if node is not None else None
        if f is None:
            return
        self.query_one(FermenterCard).update_status(f)
        if not self.history_loaded:
            return
        if self.series.ts_s and f.updated_s - self.series.ts_s[-1] < self.zoom.step_s:
            return
        heat = max((o.value for o in f.outputs if o.role == "heat"), default=0.0)
        cool = max((o.value for o in f.outputs if o.role in {"cool", "valve"}), default=0.0)
        setpoint = f.beer_setpoint_c if f.beer_setpoint_c is not None else f.chamber_setpoint_c
        self.series.append(f.updated_s, f.beer_c, f.chamber_c, setpoint, heat, cool)
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
            chart.show(self.series, self.zoom, self._now_s(), note=note)
        self.query_one("#chart-note", Static).update(chart.caption)

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
        """6 h -> 24 h -> 7 d -> 6 h."""
        self.zoom_index = (self.zoom_index + 1) % len(ZOOMS)
        self.notify(f"Zoom: last {self.zoom.label}", timeout=1.5)
        self.load_history()
