"""One fermenter at a glance: temperatures, outputs and why, profile progress, gravity, alarms.

The same widget has three shapes (see :mod:`brewctl.tui.layout`): a card, a card with a
sparkline of the beer (wide terminals), and one line (small terminals). Selection is a ``▶``
marker in the text and a double border, so it reads without colour and survives an alarm's
red border.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.widgets import Static

from brewctl.display import format_pair
from brewctl.model import FermenterStatus
from brewctl.tui.format import Units, format_gravity, format_output, format_profile, format_temperatures
from brewctl.tui.layout import Shape
from brewctl.units import format_duration

__all__ = ["MARK", "FermenterCard", "alarmed", "card_text", "line_text", "sparkline"]

MARK = "▶"
"""The selection marker (text, so it needs no colour)."""

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], width: int) -> str:
    """The last ``width`` values as bar characters scaled to their own range (a gap for None)."""
    tail = list(values)[-width:] if width > 0 else []
    known = [v for v in tail if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in tail:
        if v is None:
            out.append(" ")
        else:
            level = 0 if span < 1e-9 else round((v - low) / span * (len(BARS) - 1))
            out.append(BARS[level])
    return "".join(out)


def stale_text(age_s: float) -> str:
    """``no data for 2m (daemon not connected)``."""
    return f"no data for {format_duration(max(age_s, 1.0))} (daemon not connected)"


def card_text(f: FermenterStatus, units: Units, now_s: float) -> Text:
    """The body of a card (the title line carries name and mode)."""
    text = Text(no_wrap=False)
    text.append(format_temperatures(f, units), style="bold")
    if f.outputs:
        text.append("\n")
        for i, o in enumerate(f.outputs):
            if i:
                text.append(" · ")
            style = "red" if o.role == "heat" and o.active else "cyan" if o.active else "dim"
            text.append(format_output(o, f), style=style)
    if f.profile is not None:
        text.append("\n▷ ")
        style = "bold yellow" if f.profile.waiting_for_brewer or f.profile.paused else ""
        # The ETA is on the daemon's clock (a simulation runs faster than the wall clock).
        text.append(format_profile(f.profile, f.updated_s or now_s), style=style)
    if f.gravity is not None:
        text.append(f"\nGravity {format_gravity(f.gravity)}")
    if f.safe:
        text.append("\nSAFE STATE: every output forced off", style="bold white on red")
    for alarm in f.alarms:
        if alarm.severity == "info":  # a notice (no fresh gravity, the step ends by time): not red
            text.append(f"\nℹ {alarm.message}", style="dim")
            continue
        style = "bold white on red" if alarm.severity == "critical" else "bold red"
        text.append(f"\n⚠ {alarm.message}", style=style)
    return text


def line_text(f: FermenterStatus, units: Units, *, selected: bool, stale_s: float | None = None) -> Text:
    """One line: ``▶ FV1 19.2→19.0 °C heat 40% ⚠ beer 3.1 °C above …`` (cut by the widget)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{MARK if selected else ' '} ", style="bold")
    text.append(f"{f.id.upper():<4} ", style="bold")
    text.append(format_pair(f.beer_c, f.beer_setpoint_c, units, arrow="→"))  # one unit for the pair: it fits
    active = [o for o in f.outputs if o.active or o.value > 0]
    for o in active:
        text.append(f" {o.role} {o.value:.0%}", style="red" if o.role == "heat" else "cyan")
    if not active and f.outputs:
        text.append(" idle", style="dim")
    if f.profile is not None and f.profile.waiting_for_brewer:
        text.append(" WAITING (o)", style="bold yellow")
    if stale_s is not None:
        text.append(f" ⌛{format_duration(max(stale_s, 1.0))}", style="bold")
    if f.safe:
        text.append(" SAFE", style="bold white on red")
    raised = [a for a in f.alarms if a.severity != "info"]
    if raised:
        text.append(f" ⚠ {raised[0].message}", style="bold red")
    else:
        text.append(f" {f.mode.value}", style="dim")
    return text


def alarmed(f: FermenterStatus) -> bool:
    """True when the card must stand out: forced safe, or a warning or critical alarm (not a notice)."""
    return f.safe or any(a.severity != "info" for a in f.alarms)


class FermenterCard(Static):
    """One fermenter; ``update_status`` refreshes it. The screen owns which one is selected."""

    DEFAULT_CSS = """
    FermenterCard {
        height: auto;
        border: round $primary-darken-2;
        padding: 0 1;
    }
    FermenterCard.-selected { border: double $accent; }
    FermenterCard.-alarm { border: round $error; }
    FermenterCard.-alarm.-selected { border: double $error; }
    FermenterCard.-stale { color: $text-disabled; }
    FermenterCard.-line { border: none !important; height: 1; padding: 0; }
    FermenterCard.-line.-selected, FermenterCard.-line.-alarm.-selected { border: none; }
    FermenterCard.-line.-selected { background: $boost; text-style: bold; }
    FermenterCard.-wide { width: 1fr; }
    """

    def __init__(
        self,
        status: FermenterStatus,
        *,
        units: Units = "C",
        clock: Callable[[], float] = time.time,
        shape: Shape = "card",
        trend: Sequence[float | None] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.status = status
        self.units: Units = units
        self.shape: Shape = shape
        self.selected = False
        self.stale_s: float | None = None
        """How old the data is while the daemon is away (None when live)."""
        self.trend: Sequence[float | None] = trend
        """Recent beer temperatures (degC) for the wide shape's sparkline."""
        self._clock = clock
        self.set_class(shape == "line", "-line")
        self.set_class(shape == "wide", "-wide")
        self._show()

    @property
    def fid(self) -> str:
        """The fermenter id."""
        return self.status.id

    def update_status(self, status: FermenterStatus) -> None:
        """Show a newer status."""
        self.status = status
        self._show()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self._show()

    def set_stale(self, age_s: float | None) -> None:
        """Dim the card and say how old it is (None: live again)."""
        self.stale_s = age_s
        self._show()

    def set_trend(self, trend: Sequence[float | None]) -> None:
        self.trend = trend
        if self.shape == "wide":
            self._show()

    def on_resize(self) -> None:
        if self.shape == "wide":
            self._show()

    def _show(self) -> None:
        f = self.status
        self.set_class(self.selected, "-selected")
        self.set_class(alarmed(f), "-alarm")
        self.set_class(self.stale_s is not None, "-stale")
        if self.shape == "line":
            text = line_text(f, self.units, selected=self.selected, stale_s=self.stale_s)
        else:
            name = f"{f.name or f.id} ({f.id})" if f.name else f.id
            self.border_title = f"{MARK} {name}" if self.selected else name
            mode = f.mode.value
            if f.profile is not None and f.profile.paused:
                mode += ", paused"
            self.border_subtitle = mode
            text = card_text(f, self.units, self._clock())
            if self.stale_s is not None:
                text = Text(stale_text(self.stale_s) + "\n", style="bold").append_text(text)
            if self.shape == "wide":
                width = max(0, self.size.width - 4 - 16)
                line = sparkline(self.trend, width)
                if line:
                    known = [v for v in self.trend[-width:] if v is not None]
                    text.append(f"\n{line} ", style="yellow")
                    text.append(format_pair(min(known), max(known), self.units, arrow="–"), style="dim")
        if text != self.content:
            self.update(text)
