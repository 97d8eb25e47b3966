"""Every fermenter at a glance; Enter opens one with its chart."""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from brewctl.model import FermenterStatus, NodeStatus
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.fermenter_actions import FERMENTER_BINDINGS, FermenterActions
from brewctl.tui.fermenter_card import FermenterCard

__all__ = ["DashboardScreen"]


class DashboardScreen(FermenterActions):
    """Cards for all fermenters; up/down (or tab) selects, actions apply to the selected one."""

    DEFAULT_CSS = """
    DashboardScreen #cards { height: 1fr; }
    DashboardScreen #last-event { height: 1; padding: 0 1; color: $text-muted; }
    DashboardScreen #empty { padding: 1 2; }
    DashboardScreen #node-alarms { height: auto; padding: 0 1; background: $error; color: $text; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Chart"),
        *FERMENTER_BINDINGS,
        Binding("e", "edit_profiles", "Profiles"),
        Binding("r", "edit_recipes", "Recipes"),
        Binding("down,j", "next_card", "Next", show=False),
        Binding("up,k", "previous_card", "Previous", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield ConnectionBar(id="connection")
        yield Static("", id="node-alarms")
        yield VerticalScroll(id="cards")
        yield Static("", id="last-event")
        yield Footer()

    def on_mount(self) -> None:
        app = self.brew
        bar = self.query_one(ConnectionBar)
        if app.source_factory is None:
            bar.show_offline()
            self.query_one("#cards").mount(
                Static("No daemon: press e to edit profiles, r to edit recipes.", id="empty")
            )
        else:
            bar.show_connecting(app.settings.where)
        self.watch(app, "node", self._node_changed)
        self.watch(app, "connected", self._connection_changed, init=False)
        self.watch(app, "link_state", self._link_state_changed, init=False)

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

    def _node_changed(self, node: NodeStatus | None) -> None:
        if node is None:
            return
        if self.brew.connected:
            self.query_one(ConnectionBar).show_live(node.node, node.version, node.simulated)
        alarms = self.query_one("#node-alarms", Static)
        alarms.update("\n".join(f"⚠ {a.message}" for a in node.alarms))
        alarms.display = bool(node.alarms)
        cards = {card.fid: card for card in self.query(FermenterCard)}
        if list(cards) != list(node.fermenters):
            self._rebuild(node)
        else:
            for fid, status in node.fermenters.items():
                cards[fid].update_status(status)
        if self.brew.events:
            e = self.brew.events[-1]
            stamp = time.strftime("%H:%M", time.localtime(e.ts_s))
            self.query_one("#last-event", Static).update(f"{stamp} {e.fermenter or 'node'}: {e.message or e.kind}")

    def _rebuild(self, node: NodeStatus) -> None:
        container = self.query_one("#cards", VerticalScroll)
        focused = self.selected()
        container.remove_children()
        app = self.brew
        cards = [
            FermenterCard(f, units=app.settings.units, clock=app.clock, id=f"card-{fid}")
            for fid, f in node.fermenters.items()
        ]
        if not cards:
            container.mount(Static("The daemon has no fermenters configured.", id="empty"))
            return
        container.mount_all(cards)
        target = next((c for c in cards if focused is not None and c.fid == focused.id), cards[0])
        self.call_after_refresh(self._focus_unless_chosen, target)

    def _focus_unless_chosen(self, card: FermenterCard) -> None:
        """Focus ``card`` unless the brewer already moved to another one."""
        if not any(c.has_focus for c in self.query(FermenterCard)):
            card.focus()

    # --- selection ------------------------------------------------------------------------
    def selected(self) -> FermenterStatus | None:
        cards = list(self.query(FermenterCard))
        for card in cards:
            if card.has_focus:
                return card.status
        return cards[0].status if cards else None

    def _move(self, step: int) -> None:
        cards = list(self.query(FermenterCard))
        if not cards:
            return
        current = next((i for i, c in enumerate(cards) if c.has_focus), 0)  # none focused: the first is selected
        target = cards[(current + step) % len(cards)]
        target.focus()
        target.scroll_visible()

    def action_next_card(self) -> None:
        self._move(1)

    def action_previous_card(self) -> None:
        self._move(-1)

    def action_open(self) -> None:
        """Open the selected fermenter with its history chart."""
        from brewctl.tui.fermenter_screen import FermenterScreen

        f = self.selected()
        if f is not None:
            self.app.push_screen(FermenterScreen(f.id))

    def action_edit_profiles(self) -> None:
        """Open the profile editor (works without the daemon)."""
        from brewctl.tui.file_picker_screen import FilePickerScreen

        self.app.push_screen(FilePickerScreen("profile"))

    def action_edit_recipes(self) -> None:
        """Open the recipe editor (works without the daemon)."""
        from brewctl.tui.file_picker_screen import FilePickerScreen

        self.app.push_screen(FilePickerScreen("recipe"))
