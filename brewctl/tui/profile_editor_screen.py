"""The profile editor: steps as a table, problems inline, a live preview, save to the profiles folder.

Works on files only; no daemon needed. Validation is the profiles package's own, so what the
editor accepts, ``brewctl profile validate`` and the daemon accept too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from brewctl.profiles import Profile, dump_profile
from brewctl.profiles.files import format_loc
from brewctl.tui.bindings import KEYS_BINDING, KeyBar
from brewctl.tui.file_editor_screen import FileEditorScreen, file_name_for
from brewctl.tui.profile_draft import ProfileDraft, step_summary
from brewctl.tui.profile_preview import ProfilePreview
from brewctl.tui.prompt_screen import PromptScreen
from brewctl.tui.step_form_screen import StepFormScreen

if TYPE_CHECKING:
    from brewctl.tui.app import BrewApp

__all__ = ["COLUMNS", "ProfileEditorScreen"]

COLUMNS = ("#", "type", "name", "temp", "length")
"""The steps table's columns."""


class ProfileEditorScreen(FileEditorScreen[ProfileDraft]):
    """Edit ``draft``; ``path`` is where it saves (default: the profiles folder, named after the profile)."""

    DEFAULT_CSS = """
    ProfileEditorScreen #title { height: 1; padding: 0 1; background: $primary-darken-2; }
    ProfileEditorScreen DataTable { height: auto; max-height: 8; }
    ProfileEditorScreen #problems { height: auto; max-height: 4; color: $error; padding: 0 1; }
    ProfileEditorScreen #notes { height: auto; max-height: 3; color: $warning; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        KEYS_BINDING,
        Binding("escape", "close", "Back"),
        Binding("a", "add", "Add"),
        Binding("enter,e", "edit", "Edit"),
        Binding("delete,x", "remove", "Remove"),
        Binding("shift+up,K", "move(-1)", "Up"),
        Binding("shift+down,J", "move(1)", "Down"),
        Binding("n", "rename", "Name"),
        Binding("d", "describe", "Description", show=False),
        Binding("u", "units", "°C/°F", show=False),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        draft: ProfileDraft,
        path: Path | None = None,
        *,
        save_to: Callable[[ProfileDraft], None] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        """``save_to`` replaces writing a file (a recipe's inline profile goes back into the recipe).

        ``notes`` (an import's warnings) stay in view until the profile is saved.
        """
        super().__init__()
        self.draft = draft
        self.path = path
        self.save_to = save_to
        self.profile: Profile | None = None
        self.problems: list[tuple[tuple[str | int, ...], str]] = []
        self.saved_to: Path | None = None
        self.notes = list(notes or [])

    @property
    def brew(self) -> BrewApp:
        return cast("BrewApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", id="problems")
        yield Static("", id="notes")
        yield ProfilePreview(units=self.brew.settings.units)
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_all()
        self.query_one(DataTable).focus()

    def target_path(self) -> Path:
        """Where Save writes."""
        return self.path or self.brew.settings.profiles_dir / file_name_for(self.draft.name)

    # --- view -----------------------------------------------------------------------------
    def refresh_all(self, cursor: int | None = None) -> None:
        """Re-validate and redraw table, problems, title and preview."""
        self.profile, self.problems = self.draft.check()
        bad = self.draft.problem_rows(self.problems)
        table = self.query_one(DataTable)
        row = table.cursor_row if cursor is None else cursor
        rows = [
            (f"{'⚠' if i in bad else ''}{i + 1}", *step_summary(step, self.draft.units))
            for i, step in enumerate(self.draft.steps)
        ]
        # Columns anew, each as wide as its widest cell: the table's own sizing kept the widths of
        # its first rows on screen (a name cut to "Prim", columns out of line after a hold-until step).
        table.clear(columns=True)
        for c, label in enumerate(COLUMNS):
            table.add_column(label, width=max([len(label), *(cell_len(r[c]) for r in rows)]))
        for r in rows:
            table.add_row(*r)
        if self.draft.steps:
            table.move_cursor(row=max(0, min(row, len(self.draft.steps) - 1)))
        shown = [f"⚠ {format_loc(loc)}: {msg}" for loc, msg in self.problems]
        self.query_one("#problems", Static).update("\n".join(shown))
        if self.saved_to is not None:
            self.notes = []
        notes = self.query_one("#notes", Static)
        notes.update("\n".join(f"! {n}" for n in self.notes))
        notes.display = bool(self.notes)
        mark = " (modified)" if self.draft.modified else ""
        where = "in the recipe" if self.save_to is not None else self.target_path().name
        state = "valid" if self.profile is not None else f"{len(self.problems)} problem(s)"
        self.query_one("#title", Static).update(f"Profile {self.draft.name or '(no name)'} · {state}{mark} · {where}")
        preview = self.query_one(ProfilePreview)
        if self.profile is not None:
            preview.show(self.profile)
        else:
            preview.show_invalid()

    def _cursor(self) -> int:
        return self.query_one(DataTable).cursor_row

    # --- actions --------------------------------------------------------------------------
    @work(exclusive=True, group="edit")
    async def action_add(self) -> None:
        """Add a step after the selected one."""
        index = self._cursor() + 1 if self.draft.steps else 0
        previous = self.draft.steps[index - 1] if index > 0 else {}
        template: dict[str, Any] = {"type": "hold", "duration": "3d"}
        if "temperature" in previous:
            template["temperature"] = previous["temperature"]
        self.draft.insert_step(index, template)
        step = await self.app.push_screen_wait(StepFormScreen(self.draft, index, template))
        if step is None:
            self.draft.remove_step(index)
            self.refresh_all()
            return
        self.draft.put_step(index, step)
        self.refresh_all(cursor=index)

    @work(exclusive=True, group="edit")
    async def action_edit(self) -> None:
        """Edit the selected step."""
        if not self.draft.steps:
            return
        index = self._cursor()
        step = await self.app.push_screen_wait(StepFormScreen(self.draft, index, self.draft.steps[index]))
        if step is not None:
            self.draft.put_step(index, step)
            self.refresh_all(cursor=index)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_remove(self) -> None:
        """Delete the selected step."""
        if self.draft.steps:
            self.draft.remove_step(self._cursor())
            self.refresh_all()

    def action_move(self, delta: int) -> None:
        """Move the selected step up or down."""
        if self.draft.steps:
            self.refresh_all(cursor=self.draft.move_step(self._cursor(), delta))

    @work(exclusive=True, group="edit")
    async def action_rename(self) -> None:
        """Rename the profile (the file name follows, for a new file)."""
        name = await self.app.push_screen_wait(
            PromptScreen("Profile name:", self.draft.name, lambda t: None if t.strip() else "a name is required")
        )
        if name is not None:
            self.draft.set_key("name", name.strip())
            self.refresh_all()

    @work(exclusive=True, group="edit")
    async def action_describe(self) -> None:
        """Edit the profile's one-line description (what it is for)."""
        text = await self.app.push_screen_wait(
            PromptScreen("Description (what the profile is for):", str(self.draft.doc.get("description", "")))
        )
        if text is not None:
            self.draft.set_key("description", text.strip() or None)
            self.refresh_all()

    def action_units(self) -> None:
        """Switch the file between °C and °F (only a valid profile can be converted)."""
        if self.profile is None:
            self.notify("Fix the problems first: only a valid profile can change units.", severity="warning")
            return
        units = "F" if self.draft.units == "C" else "C"
        modified = True
        self.draft = ProfileDraft.from_profile(self.profile.model_copy(update={"units": units}))
        self.draft.modified = modified
        self.refresh_all()

    @work(exclusive=True, group="edit")
    async def action_save(self) -> None:
        """Write the profile file (only when it validates)."""
        if self.profile is None:
            self.notify("Not saved: fix the problems shown first.", severity="error")
            return
        if self.save_to is not None:
            self.save_to(self.draft)
            self.draft.modified = False
            self.refresh_all()
            self.notify("Profile updated in the recipe; save the recipe to write it.")
            return
        await self.write_draft(dump_profile(self.profile))

    @work(exclusive=True, group="edit")
    async def action_close(self) -> None:
        """Back; asks first when there are unsaved changes."""
        await self.leave()
