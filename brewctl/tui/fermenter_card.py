"""One fermenter at a glance: temperatures, outputs and why, profile progress, gravity, alarms."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from brewctl.model import FermenterStatus
from brewctl.tui.format import Units, format_gravity, format_output, format_profile, format_temperatures

__all__ = ["FermenterCard", "alarmed", "card_text"]


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
            text.append(format_output(o), style=style)
    if f.profile is not None:
        text.append("\n▶ ")
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


def alarmed(f: FermenterStatus) -> bool:
    """True when the card must stand out: forced safe, or a warning or critical alarm (not a notice)."""
    return f.safe or any(a.severity != "info" for a in f.alarms)


class FermenterCard(Static, can_focus=True):
    """A focusable card for one fermenter; ``update_status`` refreshes it."""

    DEFAULT_CSS = """
    FermenterCard {
        height: auto;
        border: round $primary-darken-2;
        padding: 0 1;
    }
    FermenterCard:focus {
        border: round $accent;
    }
    FermenterCard.-alarm {
        border: heavy $error;
    }
    """

    def __init__(
        self,
        status: FermenterStatus,
        *,
        units: Units = "C",
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.status = status
        self.units: Units = units
        self._clock = clock
        self._show()

    @property
    def fid(self) -> str:
        """The fermenter id."""
        return self.status.id

    def update_status(self, status: FermenterStatus) -> None:
        """Show a newer status."""
        self.status = status
        self._show()

    def _show(self) -> None:
        f = self.status
        self.border_title = f"{f.name or f.id} ({f.id})" if f.name else f.id
        mode = f.mode.value
        if f.profile is not None and f.profile.paused:
            mode += ", paused"
        self.border_subtitle = mode
        self.set_class(alarmed(f), "-alarm")
        text = card_text(f, self.units, self._clock())
        if text != self.content:
            self.update(text)
