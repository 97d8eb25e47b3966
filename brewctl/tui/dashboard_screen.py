"""Every fermenter at a glance; Enter opens one with its chart.

The shape follows the terminal (:func:`brewctl.tui.layout.shape_for`): one line per fermenter
at 60x20 or less, stacked cards in between, cards side by side with a sparkline from 120
columns. The screen owns the selection (an index, not the focus), so ↑/↓ and j/k always
select, however the cards scroll, and two keys read together move two places.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from brewctl.model import FermenterStatus, NodeStatus
from brewctl.tui.bindings import KEYS_BINDING, KeyBar
from brewctl.tui.chiller_line import ChillerLines
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.events_text import headline
from brewctl.tui.fermenter_actions import FERMENTER_BINDINGS, FermenterActions
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fleet_source import NodeHeader, show_groups, with_groups
from brewctl.tui.layout import Shape, shape_for

__all__ = ["DashboardScreen"]

STALE_TICK_S = 1.0
"""While the daemon is away, the cards' age is redrawn this often."""


class Cards(VerticalScroll, can_focus=False):
    """The scrolling list of fermenters; it never takes the arrow keys (the screen selects)."""

    DEFAULT_CSS = """
    Cards.-wide { layout: grid; grid-gutter: 0 1; }
    """


class DashboardScreen(FermenterActions):
    """Cards for all fermenters; ↑/↓ (j/k) select, actions apply to the selected one."""

    DEFAULT_CSS = """
    DashboardScreen Cards { height: 1fr; }
    DashboardScreen #last-event { height: 1; padding: 0 1; color: $text-muted; }
    DashboardScreen #empty { padding: 1 2; }
    DashboardScreen #node-alarms { height: auto; padding: 0 1; background: $error; color: $text; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        KEYS_BINDING,
        Binding("enter", "open", "Chart"),
        *FERMENTER_BINDINGS,
        Binding("e", "edit_profiles", "Profiles"),
        Binding("r", "edit_recipes", "Recipes"),
        Binding("l", "event_log", "Log", show=False),
        Binding("down,j", "next_card", "Next", show=False, priority=True),
        Binding("up,k", "previous_card", "Previous", show=False, priority=True),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        """The selected fermenter's place in the list."""
        self.shape: Shape = "card"
        self._stale_timer: Timer | None = None
        self._rebuilding = False
        self._chosen = ""
        """The selected fermenter's id (kept across a rebuild of the cards)."""

    def compose(self) -> ComposeResult:
        yield ConnectionBar(id="connection")
        yield Static("", id="last-event")
        yield Static("", id="node-alarms")
        yield Cards(id="cards")
        yield ChillerLines("", id="chillers")
        yield KeyBar()

    def on_mount(self) -> None:
        app = self.brew
        bar = self.query_one(ConnectionBar)
        self.shape = shape_for(self.app.size.width, self.app.size.height)
        self.query_one("#last-event").display = app.source_factory is not None
        if app.source_factory is None:
            bar.show_offline()
            self.query_one(Cards).mount(Static("No daemon: press e to edit profiles, r to edit recipes.", id="empty"))
        else:
            bar.show_connecting(app.settings.where)
        self.watch(app, "node", self._node_changed)
        self.watch(app, "connected", self._connection_changed, init=False)
        self.watch(app, "link_state", self._link_state_changed, init=False)
        self.watch(app, "units", self._units_changed, init=False)
        self.watch(app, "event_count", lambda _: self._show_last_event(), init=False)

    def on_resize(self, event: events.Resize) -> None:
        shape = shape_for(self.app.size.width, self.app.size.height)
        if shape != self.shape:
            self.shape = shape
            if self.brew.node is not None:
                self._rebuild(self.brew.node)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the fermenter keys only when there is a fermenter to act on."""
        if action in {"open", "next_card", "previous_card", "event_log"}:
            return self.selected() is not None
        return super().check_action(action, parameters)

    # --- state from the app ---------------------------------------------------------------
    def _link_state_changed(self, reason: str) -> None:
        if reason and not self.brew.connected:
            self.query_one(ConnectionBar).show_lost(
                reason, self.brew.retry_in_s, ever_connected=self.brew.connections > 0
            )

    def _connection_changed(self, connected: bool) -> None:
        bar = self.query_one(ConnectionBar)
        app = self.brew
        if app.source_factory is None:
            return  # offline editing: nothing to connect to
        if connected and app.node is not None:
            bar.show_live(app.node.node, app.node.version, app.node.simulated)
        elif not connected and app.link_state:
            bar.show_lost(app.link_state, app.retry_in_s, ever_connected=app.connections > 0)
        self._show_age()
        if connected and self._stale_timer is not None:
            self._stale_timer.stop()
            self._stale_timer = None
        elif not connected and self._stale_timer is None and app.node is not None:
            self._stale_timer = self.set_interval(STALE_TICK_S, self._show_age)

    def _show_age(self) -> None:
        age = None if self.brew.connected else self.brew.data_age_s()
        for card in self.query(FermenterCard):
            card.set_stale(age)
        self.query_one(ChillerLines).set_class(age is not None, "-stale")

    def _units_changed(self, units: str) -> None:
        for card in self.query(FermenterCard):
            card.units = self.brew.settings.units
            card.update_status(card.status)

    def _node_changed(self, node: NodeStatus | None) -> None:
        if node is None:
            return
        if self.brew.connected:
            self.query_one(ConnectionBar).show_live(node.node, node.version, node.simulated)
        alarms = self.query_one("#node-alarms", Static)
        alarms.update("\n".join(f"⚠ {a.message}" for a in node.alarms))
        alarms.display = bool(node.alarms)
        self.query_one(ChillerLines).show(node.chillers, self.brew.settings.units)
        if self._rebuilding:
            return  # the new cards are on their way; they show this node when mounted
        cards = {card.fid: card for card in self.query(FermenterCard)}
        if list(cards) != list(node.fermenters):
            self._rebuild(node)
        else:
            for fid, status in node.fermenters.items():
                cards[fid].update_status(status)
                if self.shape == "wide":
                    cards[fid].set_trend(self.brew.trend(fid))
            show_groups(self.brew, cards.values(), self.query(NodeHeader))  # fleet: offline nodes dimmed
        self._show_last_event()

    def _show_last_event(self) -> None:
        line = headline(list(self.brew.events), self.brew.settings.units)
        if line:
            self.query_one("#last-event", Static).update(line)

    def _rebuild(self, node: NodeStatus) -> None:
        """Cards anew (another shape, other fermenters): the old ones go first, then the new ones come."""
        self._rebuilding = True
        removal = self.query_one(Cards).remove_children()

        async def then() -> None:
            await removal
            self._rebuilding = False
            self._mount_cards(self.brew.node or node)

        self.call_next(then)

    def _mount_cards(self, node: NodeStatus) -> None:
        container = self.query_one(Cards)
        chosen = self._chosen
        app = self.brew
        container.set_class(self.shape == "wide", "-wide")
        if self.shape == "wide":
            columns = max(1, min(len(node.fermenters), self.app.size.width // 40))
            container.styles.grid_size_columns = columns
        age = None if app.connected or app.source_factory is None else app.data_age_s()
        cards = []
        for fid, f in node.fermenters.items():
            card = FermenterCard(
                f, units=app.settings.units, clock=app.clock, shape=self.shape, trend=app.trend(fid), id=f"card-{fid}"
            )
            if age is not None:
                card.set_stale(age)
            cards.append(card)
        if not cards:
            container.mount(Static("The daemon has no fermenters configured.", id="empty"))
            return
        fids = [c.fid for c in cards]
        self.index = fids.index(chosen) if chosen in fids else 0
        self._chosen = fids[self.index]
        cards[self.index].set_selected(True)
        container.mount_all(with_groups(app, cards, container.styles.grid_size_columns or 1))  # fleet: node lines
        self.call_after_refresh(self.refresh_bindings)  # the keys that need a fermenter now apply

    # --- selection ------------------------------------------------------------------------
    def _cards(self) -> list[FermenterCard]:
        return list(self.query(FermenterCard))

    def selected(self) -> FermenterStatus | None:
        cards = self._cards()
        if not cards:
            return None
        return cards[min(self.index, len(cards) - 1)].status

    def select(self, index: int) -> None:
        """Select the fermenter at ``index`` (clamped: the list does not wrap round)."""
        cards = self._cards()
        if not cards:
            return
        self.index = max(0, min(len(cards) - 1, index))
        self._chosen = cards[self.index].fid
        for i, card in enumerate(cards):
            card.set_selected(i == self.index)
        cards[self.index].scroll_visible(animate=False)

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        if isinstance(widget, FermenterCard):
            self.select(self._cards().index(widget))

    def action_next_card(self) -> None:
        self.select(self.index + 1)

    def action_previous_card(self) -> None:
        self.select(self.index - 1)

    def action_open(self) -> None:
        """Open the selected fermenter with its history chart."""
        from brewctl.tui.fermenter_screen import FermenterScreen

        f = self.selected()
        if f is not None:
            self.app.push_screen(FermenterScreen(f.id))

    def action_event_log(self) -> None:
        """The event log of every fermenter."""
        from brewctl.tui.event_log_screen import EventLogScreen

        self.app.push_screen(EventLogScreen(None))

    def action_edit_profiles(self) -> None:
        """Open the profile editor (works without the daemon)."""
        from brewctl.tui.file_picker_screen import FilePickerScreen

        self.app.push_screen(FilePickerScreen("profile"))

    def action_edit_recipes(self) -> None:
        """Open the recipe editor (works without the daemon)."""
        from brewctl.tui.file_picker_screen import FilePickerScreen

        self.app.push_screen(FilePickerScreen("recipe"))
