"""A fermenter's recent history: beer, chamber and setpoint lines, heating and cooling periods."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from brewctl.tui.format import Units, to_display_c
from brewctl.tui.history import Series, Zoom, segments

__all__ = ["HistoryChart"]


class HistoryChart(PlotextPlot):
    """Call :meth:`show` with a series; x is hours (days at 7 d) before ``now_s``."""

    DEFAULT_CSS = """
    HistoryChart { height: 1fr; min-height: 8; }
    """

    def __init__(self, *, units: Units = "C", id: str | None = None) -> None:
        super().__init__(id=id)
        self.units: Units = units
        self.message = "loading history …"
        self.caption = self.message
        """One line for above the chart: the window and the colours, or why there is no chart."""
        self.points = 0
        self.heat_periods = 0
        """Points drawn with the heater on (and below, the cooler): what the chart shows, for tests."""
        self.cool_periods = 0
        self.x_left = 0.0
        """The left end of the x axis (-24 for the last 24 h in hours, -7 for 7 days)."""

    def show(self, series: Series, zoom: Zoom, now_s: float, *, note: str = "") -> None:
        """Draw ``series`` over the zoom window ending at ``now_s``; ``note`` replaces the window in the caption."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        unit = f"°{self.units}"
        xs = [(t - now_s) / zoom.axis_unit_s for t in series.ts_s]
        self.points = len(xs)
        head = note or f"last {zoom.label}, {unit}, x: {zoom.axis_unit} ago"
        self.caption = f"{head} · [yellow]beer[/] [cyan]chamber[/] [green]setpoint[/] [red]▀ heat[/] [blue]▄ cool[/]"
        self.x_left = -zoom.span_s / zoom.axis_unit_s
        plt.xlim(self.x_left, 0.0)
        values: list[float] = []
        for column, color in (
            (series.setpoint_c, "green"),
            (series.chamber_c, "cyan"),
            (series.beer_c, "yellow"),
        ):
            ys = [None if v is None else to_display_c(v, self.units) for v in column]
            for sx, sy in segments(xs, ys):
                plt.plot(sx, sy, color=color, marker="braille")
                values.extend(sy)
        if not values:
            self.message = "no history yet"
            self.caption = f"last {zoom.label}: no history yet"
            self.refresh()
            return
        low, high = min(values), max(values)
        pad = max(0.5, (high - low) * 0.1)
        bottom = low - pad
        plt.ylim(bottom - pad, high + pad)
        heat_x = [x for x, h in zip(xs, series.heat, strict=True) if h > 0]
        cool_x = [x for x, c in zip(xs, series.cool, strict=True) if c > 0]
        self.heat_periods, self.cool_periods = len(heat_x), len(cool_x)
        if heat_x:
            plt.scatter(heat_x, [bottom] * len(heat_x), color="red", marker="▀")
        if cool_x:
            plt.scatter(cool_x, [bottom - pad / 2] * len(cool_x), color="blue", marker="▄")
        self.message = ""
        self.refresh()

    def show_problem(self, zoom: Zoom, problem: str) -> None:
        """No chart: say why (history disabled, connection lost)."""
        self.plt.clear_data()
        self.plt.clear_figure()
        self.message = problem
        self.caption = f"last {zoom.label}: {problem}"
        self.points = 0
        self.refresh()
