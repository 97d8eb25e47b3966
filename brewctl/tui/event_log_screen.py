"""The event log: alarms, commands, profile steps, gravity and the brewer's notes, newest first.

It reads the daemon's history (``GET /v1/events``, the last 7 days of one fermenter or all),
then keeps adding what the live stream brings. ``f`` cycles a filter by kind; ``n`` writes a
note (on a fermenter's log).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from brewctl.errors import BrewctlError
from brewctl.model import Event
from brewctl.tui.bindings import KEYS_BINDING, KeyBar
from brewctl.tui.events_text import CATEGORIES, category, event_line

if TYPE_CHECKING:
    from brewctl.tui.app import BrewApp

__all__ = ["LOG_DAYS", "EventLogScreen"]

LOG_DAYS = 7.0
"""How far back the log reads the daemon's history."""

_FILTERS: tuple[str, ...] = ("all", *CATEGORIES[:-1])


class EventLogScreen(Screen[None]):
    """Events of fermenter ``fid`` (None: every fermenter and the node)."""

    DEFAULT_CSS = """
    EventLogScreen #title { height: 1; padding: 0 1; background: $primary-darken-2; }
    EventLogScreen OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        KEYS_BINDING,
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f", "filter", "Filter"),
        Binding("n", "note", "Note"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, fid: str | None) -> None:
        super().__init__()
        self.fid = fid
        self.filter = "all"
        self.history: list[Event] = []
        self.problem = ""
        """Why the daemon's history could not be read ('' when it was)."""

    @property
    def brew(self) -> BrewApp:
        return cast("BrewApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield OptionList()
        yield KeyBar()

    def on_mount(self) -> None:
        self.watch(self.brew, "event_count", lambda _: self._show(), init=False)
        self._show()
        self.query_one(OptionList).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "note":
            return self.fid is not None
        return True

    def events(self) -> list[Event]:
        """History and live events of this log, oldest first, without repeats, filtered."""
        seen: set[tuple[float, str | None, str, str]] = set()
        out: list[Event] = []
        for e in [*self.history, *self.brew.events]:
            key = (round(e.ts_s, 1), e.fermenter, e.kind, e.message)
            if key in seen or (self.fid is not None and e.fermenter != self.fid):
                continue
            seen.add(key)
            if self.filter == "all" or category(e) == self.filter:
                out.append(e)
        out.sort(key=lambda e: e.ts_s)
        return out

    def _show(self) -> None:
        events = self.events()
        where = self.fid or "all fermenters"
        note = f" · {self.problem}" if self.problem else ""
        self.query_one("#title", Static).update(
            f"Event log · {where} · {self.filter} · {len(events)} event{'' if len(events) == 1 else 's'}{note}"
        )
        options = self.query_one(OptionList)
        options.clear_options()
        for e in reversed(events):
            text = event_line(e, with_day=True)
            if category(e) == "alarm":
                text = f"⚠ {text}"
            elif category(e) == "note":
                text = f"✎ {text}"
            options.add_option(Option(text))
        if events:
            options.highlighted = 0

    @work(exclusive=True, group="log")
    async def load(self) -> None:
        """Read the last :data:`LOG_DAYS` days from the daemon's history."""
        source = self.brew.source
        if source is None:
            self.problem = "not connected: live events only"
            self._show()
            return
        now = self.brew.clock()
        node = self.brew.node
        if node is not None and node.fermenters:
            now = max(f.updated_s for f in node.fermenters.values()) or now  # the daemon's clock
        try:
            self.history = await source.events(now - LOG_DAYS * 86400, fermenter=self.fid)
            self.problem = ""
        except BrewctlError as exc:
            self.problem = f"no history ({str(exc).split(': ')[-1]}): live events only"
        self._show()

    def action_filter(self) -> None:
        """all -> alarms -> notes -> steps -> commands -> gravity -> all."""
        self.filter = _FILTERS[(_FILTERS.index(self.filter) + 1) % len(_FILTERS)]
        self._show()

    @work(exclusive=True, group="note")
    async def action_note(self) -> None:
        """Write a note on this fermenter (kept in the daemon's history, drawn on the chart)."""
        from brewctl.tui.notes import ask_and_send_note

        if self.fid is not None and await ask_and_send_note(self.brew, self.fid):
            self.load()
