"""Ask for one value, checked as it is typed; Enter accepts, Escape cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["Check", "PromptScreen"]

Check = Callable[[str], str | None]
"""Returns an error message for bad text, None when it is fine."""


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the accepted text, or None."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 60; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    PromptScreen #error { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", check: Check | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.initial = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text)
            yield Input(self.initial, id="value")
            yield Static("", id="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _problem(self, text: str) -> str | None:
        return self.check(text) if self.check is not None else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", Static).update(self._problem(event.value) or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self._problem(event.value)
        if problem:
            self.query_one("#error", Static).update(problem)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
