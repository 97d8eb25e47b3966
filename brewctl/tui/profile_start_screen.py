"""Before a profile starts: its length, its curve and its steps; Enter starts at the highlighted step."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from brewctl.profiles import Profile, dump_profile
from brewctl.tui.curve import planned_curve
from brewctl.tui.format import Units
from brewctl.tui.profile_draft import ProfileDraft, step_summary
from brewctl.tui.profile_preview import ProfilePreview
from brewctl.units import format_duration

__all__ = ["ProfileStartScreen", "profile_length_s", "step_lines"]


def profile_length_s(profile: Profile) -> float:
    """The planned length (conditional steps at their maximum, a brewer's wait as drawn)."""
    points = planned_curve(profile)
    return points[-1][0] if points else 0.0


def step_lines(profile: Profile) -> list[str]:
    """``1  hold  Primary  19 °C  4d`` for each step, as the file writes it."""
    import tomllib

    doc = tomllib.loads(dump_profile(profile))
    draft = ProfileDraft(doc)
    lines = []
    for i, step in enumerate(draft.steps):
        kind, name, temp, length = step_summary(step, draft.units)
        lines.append(f"{i + 1:>2}  {kind:<15} {name[:18]:<18} {temp:<12} {length}")
    return lines


class ProfileStartScreen(ModalScreen[int | None]):
    """Dismisses with the 0-based step to start at, or None."""

    DEFAULT_CSS = """
    ProfileStartScreen { align: center middle; }
    ProfileStartScreen > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ProfileStartScreen ProfilePreview { height: 9; min-height: 5; }
    ProfileStartScreen OptionList { height: auto; max-height: 8; }
    ProfileStartScreen #help { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, profile: Profile, where: str, *, units: Units = "C") -> None:
        super().__init__()
        self.profile = profile
        self.where = where
        self.units: Units = units
        self.length_s = profile_length_s(profile)

    def compose(self) -> ComposeResult:
        steps = len(self.profile.steps)
        with Vertical():
            yield Static(
                f"Start {self.profile.name} on {self.where}: {steps} steps, {format_duration(self.length_s)} at most",
                id="title",
            )
            yield ProfilePreview(units=self.units)
            yield OptionList(*(Option(line) for line in step_lines(self.profile)))
            yield Static("Enter: start at the highlighted step · Esc: cancel", id="help")

    def on_mount(self) -> None:
        self.query_one(ProfilePreview).show(self.profile)
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
