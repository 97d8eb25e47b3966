"""Edit one profile step: its type and its fields, validated as you type (the file's rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from brewctl.tui.profile_draft import STEP_FIELDS, STEP_TYPES, ProfileDraft, field_text, step_from_texts

__all__ = ["StepFormScreen"]

HINTS = {
    "name": "e.g. Primary",
    "temperature": "degrees",
    "from": "start (default: current)",
    "duration": "e.g. 3d 12h",
    "rate": "degrees per hour",
    "min": "alarm below",
    "max": "alarm above",
    "combine": "any (OR) or all (AND)",
    "until": '[{type = "gravity", at_or_below = 1.012}]',
    "max_duration": "fallback, e.g. 14d",
    "message": "what to do, e.g. add dry hops",
}


class StepFormScreen(ModalScreen[dict[str, Any] | None]):
    """Dismisses with the new step document (only when valid), or None on Escape."""

    DEFAULT_CSS = """
    StepFormScreen { align: center middle; }
    StepFormScreen > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    StepFormScreen Horizontal { height: 1; margin-bottom: 1; }
    StepFormScreen Label { width: 14; }
    StepFormScreen Input { width: 1fr; }
    StepFormScreen Select { width: 1fr; }
    StepFormScreen #problems { color: $error; height: auto; }
    StepFormScreen #help { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "accept", "Accept"),
    ]

    def __init__(self, draft: ProfileDraft, index: int, step: Mapping[str, Any] | None = None) -> None:
        """Edit step ``index`` of ``draft`` (a new step when ``index`` is past the end)."""
        super().__init__()
        self.draft = draft
        self.index = index
        self.step: dict[str, Any] = dict(step or {"type": "hold"})
        self.kind = str(self.step.get("type", "hold"))
        if self.kind not in STEP_TYPES:
            self.kind = "hold"
        self.problems: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Step {self.index + 1} (temperatures in °{self.draft.units})")
            with Horizontal():
                yield Label("type")
                yield Select([(k, k) for k in STEP_TYPES], value=self.kind, allow_blank=False, compact=True, id="type")
            for key in sorted({k for keys in STEP_FIELDS.values() for k in keys}, key=_field_order):
                with Horizontal(id=f"row-{key}"):
                    yield Label(key)
                    yield Input(field_text(self.step, key), placeholder=HINTS.get(key, ""), compact=True, id=f"f-{key}")
            yield Static("", id="problems")
            yield Static("Enter or ctrl+s: accept · Escape: cancel", id="help")

    def on_mount(self) -> None:
        self._show_fields()
        self._validate()
        first = STEP_FIELDS[self.kind][0]
        self.query_one(f"#f-{first}", Input).focus()

    def _show_fields(self) -> None:
        for key in {k for keys in STEP_FIELDS.values() for k in keys}:
            self.query_one(f"#row-{key}").display = key in STEP_FIELDS[self.kind]

    def _texts(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value for key in STEP_FIELDS[self.kind]}

    def _validate(self) -> dict[str, Any]:
        step, problem = step_from_texts(self.kind, self._texts())
        self.problems = [problem] if problem else self.draft.check_step(self.index, step)
        self.query_one("#problems", Static).update("\n".join(f"⚠ {p}" for p in self.problems))
        return step

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.kind:
            self.kind = event.value
            self._show_fields()
            self._validate()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._validate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_accept()

    def action_accept(self) -> None:
        """Accept the step if it validates; otherwise the problems stay in view."""
        step = self._validate()
        if not self.problems:
            self.dismiss(step)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _field_order(key: str) -> int:
    order = ("name", "temperature", "from", "duration", "rate", "min", "max", "max_duration", "combine", "until")
    return order.index(key) if key in order else len(order)
