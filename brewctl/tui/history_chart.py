"""A fermenter's history as a chart widget (see :mod:`brewctl.tui.chart` for the drawing)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from brewctl.model import Event
from brewctl.tui.chart import ChartData, Marker, chart_key, render_chart
from brewctl.tui.events_text import category
from brewctl.tui.format import Units, to_display_c
from brewctl.tui.history import Series, Zoom

__all__ = ["AHEAD_FRACTION", "HistoryChart", "chart_data"]

AHEAD_FRACTION = 0.25
"""With a profile running, the chart looks this far ahead (a share of the window) at its plan."""


def chart_data(
    series: Series,
    zoom: Zoom,
    now_s: float,
    units: Units,
    *,
    plan: Sequence[tuple[float, float | None]] = (),
    events: Sequence[Event] = (),
) -> ChartData:
    """The chart's data: ``series`` over the zoom window ending at ``now_s``, and ``plan`` ahead of it."""
    ahead = 0.0
    if plan:
        ahead = plan[-1][0] - now_s if zoom.batch else zoom.span_s * AHEAD_FRACTION
        ahead = max(0.0, ahead)

    def temps(column: Sequence[float | None]) -> list[tuple[float, float | None]]:
        return [(t, None if v is None else to_display_c(v, units)) for t, v in zip(series.ts_s, column, strict=True)]

    end = now_s + ahead
    shown_plan: list[tuple[float, float | None]] = []
    for t, v in plan:  # up to the first corner past the right edge (the canvas clips the line there)
        shown_plan.append((t, None if v is None else to_display_c(v, units)))
        if t > end:
            break
    markers = []
    for e in events:
        kind = category(e)
        if kind in {"alarm", "note", "step", "command"}:
            markers.append(Marker(e.ts_s, kind))
    return ChartData(
        start_s=now_s - zoom.span_s,
        end_s=end,
        now_s=now_s,
        beer=temps(series.beer_c),
        chamber=temps(series.chamber_c),
        setpoint=temps(series.setpoint_c),
        plan=shown_plan,
        gravity=list(zip(series.ts_s, series.gravity_sg, strict=True)),
        heat=list(zip(series.ts_s, series.heat, strict=True)),
        cool=list(zip(series.ts_s, series.cool, strict=True)),
        markers=markers,
        units=units,
        axis_unit_s=zoom.axis_unit_s,
    )


class HistoryChart(Widget):
    """Call :meth:`show` with a series; x is hours (days from 7 d) from ``now_s``."""

    DEFAULT_CSS = """
    HistoryChart { height: 1fr; min-height: 8; }
    """

    def __init__(self, *, units: Units = "C", id: str | None = None) -> None:
        super().__init__(id=id)
        self.units: Units = units
        self.message = "loading history …"
        self.caption: Text = Text(self.message)
        """One line for above the chart: the window and the key, or why there is no chart."""
        self.data: ChartData | None = None
        self.points = 0
        self.heat_periods = 0
        """Points drawn with the heater on (and below, the cooler): what the chart shows, for tests."""
        self.cool_periods = 0
        self.x_left = 0.0
        """The left end of the x axis (-24 for the last 24 h in hours, -7 for 7 days)."""

    def show(
        self,
        series: Series,
        zoom: Zoom,
        now_s: float,
        *,
        note: str = "",
        plan: Sequence[tuple[float, float | None]] = (),
        events: Sequence[Event] = (),
    ) -> None:
        """Draw ``series`` over the zoom window ending at ``now_s``; ``note`` replaces the window in the caption."""
        self.data = chart_data(series, zoom, now_s, self.units, plan=plan, events=events)
        self.points = len(series.ts_s)
        self.heat_periods = sum(1 for h in series.heat if h > 0)
        self.cool_periods = sum(1 for c in series.cool if c > 0)
        self.x_left = -zoom.span_s / zoom.axis_unit_s
        has_gravity = any(g is not None for g in series.gravity_sg)
        window = zoom.label if zoom.batch else f"last {zoom.label}"
        head = note or f"{window}, °{self.units}"  # the x axis is headed hours or days
        has_chamber = any(v is not None for v in series.chamber_c)
        key = chart_key(has_gravity, bool(plan), has_chamber=has_chamber)
        if len(head) + 3 + len(key.plain) > self.app.size.width - 2 and not note:
            head = ""  # 60 columns: the key alone must fit (the axes carry the window and the units)
        if not any(v is not None for v in (*series.beer_c, *series.chamber_c, *series.setpoint_c)) and not plan:
            self.message = "no history yet"
            self.caption = Text(f"{window}: no history yet")
        else:
            self.message = ""
            self.caption = Text(f"{head} · " if head else "").append_text(key)
        self.refresh()

    def show_problem(self, zoom: Zoom, problem: str) -> None:
        """No chart: say why (history disabled, connection lost)."""
        self.data = None
        self.message = problem
        self.caption = Text(f"last {zoom.label}: {problem}")
        self.points = 0
        self.refresh()

    def render(self) -> RenderableType:
        if self.data is None or self.message:
            return Text(self.message, style="dim")
        return Group(*render_chart(self.data, self.size.width, self.size.height))
