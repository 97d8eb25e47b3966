"""Edit one profile step: its type and its fields, validated as you type (the file's rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from brewctl.tui.bindings import FORM_FOCUS_BINDINGS
from brewctl.tui.profile_draft import STEP_FIELDS, STEP_TYPES, ProfileDraft, field_text, step_from_texts
from brewctl.tui.until_form import HINTS as UNTIL_HINTS
from brewctl.tui.until_form import UNTIL_KEYS, UNTIL_LABELS, until_from_texts, until_texts

__all__ = ["StepFormScreen"]

HELP = "Enter or ctrl+s: accept · Escape: cancel"

HINTS = {
    "name": "e.g. Primary",
    "temperature": "degrees",
    "from": "start (default: current)",
    "duration": "e.g. 3d 12h",
    "rate": "degrees per hour",
    "min": "alarm below",
    "max": "alarm above",
    "until": '[{type = "gravity", at_or_below = 1.012}]',
    "max_duration": "at most this long (the fallback), e.g. 14d",
    **UNTIL_HINTS,
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
    StepFormScreen #fields { height: auto; }
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
        *FORM_FOCUS_BINDINGS,
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
        self.raw_until = until_texts(self.step.get("until")) is None
        """The step's conditions are beyond the fields: they stay TOML text."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Step {self.index + 1} (temperatures in °{self.draft.units})")
            # The fields scroll (a hold-until step has nine); its problem and the help stay in view.
            with VerticalScroll(id="fields"):
                with Horizontal():
                    yield Label("type")
                    types = [(k, k) for k in STEP_TYPES]
                    yield Select(types, value=self.kind, allow_blank=False, compact=True, id="type")
                for key in sorted({"until", *(k for keys in STEP_FIELDS.values() for k in keys)}, key=_field_order):
                    with Horizontal(id=f"row-{key}"):
                        yield Label(UNTIL_LABELS.get(key, "at most" if key == "max_duration" else key))
                        if key == "combine":
                            options = [
                                ("any: one condition is enough (OR)", "any"),
                                ("all: every condition (AND)", "all"),
                            ]
                            current = "all" if self.step.get("combine") == "all" else "any"
                            yield Select(options, value=current, allow_blank=False, compact=True, id="f-combine")
                        else:
                            text = field_text(self.step, key)
                            yield Input(text, placeholder=HINTS.get(key, ""), compact=True, id=f"f-{key}")
            yield Static("", id="problems")
            yield Static(HELP, id="help")

    def on_mount(self) -> None:
        self._show_fields()
        self._validate()
        first = self.fields()[0]
        self.query_one(f"#f-{first}", Input).focus()

    def fields(self) -> tuple[str, ...]:
        """The keys this step type shows (its conditions as fields, or as TOML when beyond them)."""
        keys = STEP_FIELDS[self.kind]
        if self.raw_until and any(k in keys for k in UNTIL_KEYS):
            return (*[k for k in keys if k not in UNTIL_KEYS], "until")
        return keys

    def _show_fields(self) -> None:
        shown = self.fields()
        for key in {"until", *(k for keys in STEP_FIELDS.values() for k in keys)}:
            self.query_one(f"#row-{key}").display = key in shown

    def _texts(self) -> dict[str, str]:
        texts = {}
        for key in self.fields():
            if key == "combine":
                value = self.query_one("#f-combine", Select).value
                texts[key] = value if isinstance(value, str) else "any"
            else:
                texts[key] = self.query_one(f"#f-{key}", Input).value
        return texts

    def _validate(self) -> dict[str, Any]:
        texts = self._texts()
        plato = self.draft.doc.get("gravity_units") == "plato"
        step, problem = step_from_texts(self.kind, texts, plato=plato)
        if step.get("combine") == "any":
            del step["combine"]  # the default: the file stays as it was written
        self.problems = problem.splitlines() if problem else self.draft.check_step(self.index, step)
        self.query_one("#problems", Static).update("\n".join(f"⚠ {p}" for p in self.problems))
        self._fit()
        bad = {key for key, _ in until_from_texts(texts, plato=plato)[1]} if not self.raw_until else set()
        for key in UNTIL_KEYS:
            self.query_one(f"#f-{key}", Input).set_class(key in bad and problem is not None, "-invalid")
        return step

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Keep the form inside the terminal: the fields scroll, the problems and the help stay."""
        width, height = self.app.size
        inner = max(1, min(78, width) - 4)  # the form's border and padding
        problem_rows = sum(-(-len(f"⚠ {p}") // inner) for p in self.problems)
        help_rows = -(-len(HELP) // inner)
        self.query_one("#fields", VerticalScroll).styles.max_height = max(2, height - 3 - problem_rows - help_rows)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "type" and isinstance(event.value, str) and event.value != self.kind:
            self.kind = event.value
            self._show_fields()
            self._validate()
        elif event.select.id == "f-combine":
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
    order = (
        "name",
        "temperature",
        "from",
        "duration",
        "rate",
        "min",
        "max",
        "max_duration",
        *UNTIL_KEYS,
        "combine",
        "until",
    )
    return order.index(key) if key in order else len(order)
