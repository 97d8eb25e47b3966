"""The editors' live preview: the planned temperature curve of the profile being edited."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from brewctl.profiles import Profile
from brewctl.tui.chart import ChartData, render_chart
from brewctl.tui.curve import planned_curve
from brewctl.tui.format import Units, to_display_c

__all__ = ["ProfilePreview"]


class ProfilePreview(Widget):
    """Call :meth:`show` with a valid profile (or :meth:`show_invalid`)."""

    DEFAULT_CSS = """
    ProfilePreview { height: 1fr; min-height: 6; }
    """

    INVALID_TITLE = "fix the problems above to see the curve"
    """The editors list their problems above the preview."""

    def __init__(self, *, units: Units = "C", id: str | None = None) -> None:
        super().__init__(id=id)
        self.units: Units = units
        self.total_days = 0.0
        self.title = ""
        self.data: ChartData | None = None

    def show(self, profile: Profile) -> None:
        """Draw the plan, x in days from the start."""
        points = planned_curve(profile)
        total = points[-1][0] if points else 0.0
        self.total_days = total / 86400.0
        self.title = f"{profile.name}: {self.total_days:.1f} days at most (°{self.units}), x: days"
        self.data = ChartData(
            start_s=0.0,
            end_s=max(total, 3600.0),
            now_s=0.0,
            plan=[(t, None if v is None else to_display_c(v, self.units)) for t, v in points],
            units=self.units,
            axis_unit_s=86400.0,
            plan_only=True,
        )
        self.refresh()

    def show_invalid(self) -> None:
        """The profile does not validate: no curve until it does."""
        self.data = None
        self.title = self.INVALID_TITLE
        self.refresh()

    def render(self) -> RenderableType:
        title = Text(self.title, style="bold")
        if self.data is None:
            return title
        return Group(title, *render_chart(self.data, self.size.width, max(2, self.size.height - 1)))
