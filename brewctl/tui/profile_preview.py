"""The editor's live preview: the planned temperature curve of the profile being edited."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from brewctl.profiles import Profile
from brewctl.tui.curve import planned_curve
from brewctl.tui.format import Units, to_display_c
from brewctl.tui.history import segments

__all__ = ["ProfilePreview"]


class ProfilePreview(PlotextPlot):
    """Call :meth:`show` with a valid profile (or :meth:`show_invalid`)."""

    INVALID_TITLE = "fix the problems above to see the curve"
    """The editors list their problems above the preview."""

    DEFAULT_CSS = """
    ProfilePreview { height: 1fr; min-height: 6; }
    """

    def __init__(self, *, units: Units = "C", id: str | None = None) -> None:
        super().__init__(id=id)
        self.units: Units = units
        self.total_days = 0.0

    def show(self, profile: Profile) -> None:
        """Draw the plan, x in days."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        points = planned_curve(profile)
        xs = [t / 86400.0 for t, _ in points]
        ys = [None if v is None else to_display_c(v, self.units) for _, v in points]
        self.total_days = xs[-1] if xs else 0.0
        for sx, sy in segments(xs, ys):
            plt.plot(sx, sy, color="yellow", marker="braille")
        plt.title(f"{profile.name}: {self.total_days:.1f} days at most (°{self.units})")
        plt.xlabel("days")
        self.refresh()

    def show_invalid(self) -> None:
        """The profile does not validate: no curve until it does."""
        self.plt.clear_data()
        self.plt.clear_figure()
        self.plt.title(self.INVALID_TITLE)
        self.refresh()
