"""Every key of the screen below: brewctl's own first, then the few that work everywhere.

Textual's help panel starts with a dozen generic scroll and copy keys; a brewer looking for
"how do I confirm the dry hop" wants ``o``. This list is built from the screen's own bindings
(hidden ones included) and scrolls with PageUp/PageDown.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

__all__ = ["KeysScreen", "key_lines", "key_pairs"]

_KEY_NAMES = {
    "enter": "Enter",
    "escape": "Esc",
    "question_mark": "?",
    "delete": "Del",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "shift+up": "Shift+↑",
    "shift+down": "Shift+↓",
}


def _key_name(key: str) -> str:
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:]
    return key


KEY_WIDTH = 18
"""The key column of the panel (the description wraps beside it, never under it)."""


def key_lines(screen: Screen[object]) -> list[str]:
    """``"m                  Mode"`` lines: the screen's bindings in order, then the app's."""
    return [f"{keys:<{KEY_WIDTH}} {text}" for keys, text in key_pairs(screen)]


def key_pairs(screen: Screen[object]) -> list[tuple[str, str]]:
    """``("m", "Mode")``: the screen's bindings in order, then the app's."""
    lines: list[tuple[str, str]] = []
    seen: set[str] = set()
    for owner in (screen, screen.app):
        keys_of: dict[str, list[str]] = {}
        described: dict[str, Binding] = {}
        declared = [
            b
            for cls in type(owner).__mro__
            if cls.__module__.startswith("brewctl.")  # not Textual's generic scroll and copy keys
            for b in Binding.make_bindings(cls.__dict__.get("BINDINGS", []))
        ]
        for b in declared:
            keys_of.setdefault(b.action, []).append(_key_name(b.key))
            described.setdefault(b.action, b)
        for action, b in described.items():
            text = b.tooltip or b.description
            # The bar's "? Keys" is left out: the app's "?, f1" line says it.
            if action in seen or not text or action == "app.toggle_keys":
                continue
            seen.add(action)
            if owner.check_action(action.split("(")[0], ()) is False:
                continue
            lines.append((", ".join(keys_of[action]), text))
    return lines


class KeysScreen(ModalScreen[None]):
    """The keys of ``screen``; ``?``, F1 or Escape closes it."""

    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen > Vertical {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    KeysScreen #keys { height: auto; max-height: 20; }
    KeysScreen #help { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close"),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("down,j", "line(1)", "Down", show=False),
        Binding("up,k", "line(-1)", "Up", show=False),
    ]

    def __init__(self, screen: Screen[object], title: str = "Keys") -> None:
        super().__init__()
        self.pairs = key_pairs(screen)
        self.lines = [f"{keys:<{KEY_WIDTH}} {text}" for keys, text in self.pairs]
        self.title_text = title
        self.help_text = f"{title} (PgDn/PgUp scroll, ? or Esc closes)"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.help_text, id="help")
            with VerticalScroll(id="keys"):
                table = Table.grid(padding=(0, 1))
                table.add_column(no_wrap=True, width=KEY_WIDTH)
                table.add_column(ratio=1)
                for keys, text in self.pairs:
                    table.add_row(keys, text)
                yield Static(table)

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Keep the panel inside the terminal: the list scrolls instead of running off its edge."""
        width, height = self.app.size
        inner = max(1, min(64, width) - 4)  # the panel's border and padding
        help_rows = -(-len(self.help_text) // inner)
        self.query_one("#keys", VerticalScroll).styles.max_height = max(3, min(20, height - 2 - help_rows))

    def action_page(self, direction: int) -> None:
        body = self.query_one("#keys", VerticalScroll)
        body.scroll_to(y=body.scroll_y + direction * max(1, body.size.height - 1), animate=False)

    def action_line(self, direction: int) -> None:
        body = self.query_one("#keys", VerticalScroll)
        body.scroll_to(y=body.scroll_y + direction, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
