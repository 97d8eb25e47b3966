"""The recipe editor: the recipe's fields, its profile (pick, or edit it), checked as you type."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from brewctl.errors import ProfileError
from brewctl.profiles import load_profile
from brewctl.profiles.recipe import Recipe, load_recipe
from brewctl.tui.bindings import FORM_FOCUS_BINDINGS, FORM_KEYS_BINDING, KeyBar
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.file_editor_screen import FileEditorScreen, file_name_for
from brewctl.tui.profile_draft import ProfileDraft
from brewctl.tui.profile_editor_screen import ProfileEditorScreen
from brewctl.tui.profile_preview import ProfilePreview
from brewctl.tui.recipe_draft import RECIPE_FIELDS, RecipeDraft

if TYPE_CHECKING:
    from brewctl.tui.app import BrewApp, Settings

__all__ = ["RecipeEditorScreen", "recipe_label"]


def recipe_label(path: Path, profile_dirs: list[Path] | None = None) -> str:
    """A line for the file list: name and profile, or what is wrong."""
    try:
        recipe = load_recipe(path, [path.parent, *(profile_dirs or [])])
    except ProfileError as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        return f"⚠ {path.name}: {first.split(': ', 1)[-1]}"
    return f"{recipe.name} · {recipe.profile.name} · {path.name}"


class RecipeEditorScreen(FileEditorScreen[RecipeDraft]):
    """Edit ``draft``, saved to ``path`` (default: the recipes folder, named after the recipe)."""

    DEFAULT_CSS = """
    RecipeEditorScreen #title { height: 1; padding: 0 1; background: $primary-darken-2; }
    RecipeEditorScreen #fields { height: auto; max-height: 11; }
    RecipeEditorScreen Horizontal { height: 1; }
    RecipeEditorScreen Label { width: 16; padding-left: 1; }
    RecipeEditorScreen Input { width: 1fr; }
    RecipeEditorScreen #problems { height: auto; max-height: 3; color: $error; padding: 0 1; }
    RecipeEditorScreen #warnings { height: auto; max-height: 2; color: $warning; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        FORM_KEYS_BINDING,
        Binding("escape", "close", "Back"),
        Binding("ctrl+p", "pick_profile", "Pick profile"),
        Binding("ctrl+o", "edit_profile", "Open profile"),
        Binding("ctrl+s", "save", "Save"),
        *FORM_FOCUS_BINDINGS,
    ]

    def __init__(self, draft: RecipeDraft, path: Path | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.path = path
        self.recipe: Recipe | None = None
        self.problems = ""
        self.warnings: list[str] = []
        self.saved_to: Path | None = None

    @classmethod
    def open(cls, path: Path, settings: Settings) -> RecipeEditorScreen:
        """An existing file (an invalid one opens too, with its problems shown)."""
        return cls(RecipeDraft.from_text(path.read_text(encoding="utf-8")), path)

    @classmethod
    def new(cls, settings: Settings) -> RecipeEditorScreen:
        """A new recipe in the recipes folder."""
        return cls(RecipeDraft.new())

    @property
    def brew(self) -> BrewApp:
        return cast("BrewApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        with VerticalScroll(id="fields"):
            for key, hint in RECIPE_FIELDS:
                with Horizontal():
                    yield Label(key)
                    yield Input(self.draft.text_of(key), placeholder=hint, compact=True, id=f"f-{key}")
        yield Static("", id="problems")
        yield Static("", id="warnings")
        yield ProfilePreview(units=self.brew.settings.units)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.draft.inline_profile:
            self.query_one("#f-profile", Input).placeholder = "inline [profile] table (ctrl+o edits it)"
        self.refresh_all()
        self.query_one("#f-name", Input).focus()

    def target_path(self) -> Path:
        """Where Save writes."""
        return self.path or self.brew.settings.recipes_dir / file_name_for(self.draft.name)

    def refresh_all(self) -> None:
        """Validate and redraw title, problems, warnings and the profile preview."""
        self.recipe, self.problems, self.warnings = self.draft.check(
            self.target_path().resolve(), [self.brew.settings.profiles_dir.resolve()]
        )
        self.query_one("#problems", Static).update("\n".join(f"⚠ {p}" for p in self.problems.splitlines()))
        self.query_one("#warnings", Static).update("\n".join(f"! {w}" for w in self.warnings))
        mark = " (modified)" if self.draft.modified else ""
        state = f"profile {self.recipe.profile.name}" if self.recipe is not None else "has problems"
        self.query_one("#title", Static).update(
            f"Recipe {self.draft.name or '(no name)'} · {state}{mark} · {self.target_path().name}"
        )
        preview = self.query_one(ProfilePreview)
        if self.recipe is not None:
            preview.show(self.recipe.profile)
        else:
            preview.show_invalid()

    def on_input_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("f-")
        self.draft.set_text(key, event.value)
        self.refresh_all()

    # --- the profile ----------------------------------------------------------------------
    @work(exclusive=True, group="recipe")
    async def action_pick_profile(self) -> None:
        """Choose the profile from the profiles folder (the recipe then refers to it by file stem)."""
        folder = self.brew.settings.profiles_dir
        options = []
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            try:
                options.append((path.stem, f"{load_profile(path).name} · {path.name}"))
            except ProfileError:
                continue
        if not options:
            self.notify(f"No valid profiles in {folder}.", severity="warning")
            return
        current = self.draft.text_of("profile")
        choice = await self.app.push_screen_wait(ChoiceScreen("Profile for this recipe:", options, current=current))
        if choice is not None:
            self.query_one("#f-profile", Input).value = choice  # on_input_changed validates

    @work(exclusive=True, group="recipe")
    async def action_edit_profile(self) -> None:
        """Edit the recipe's profile: its file, or the inline table (saved back into the recipe)."""
        if self.draft.inline_profile:
            try:
                draft = ProfileDraft(cast("dict[str, object]", self.draft.doc["profile"]))
            except ProfileError as exc:
                self.notify(f"Cannot edit the inline profile: {exc}", severity="error", timeout=10)
                return
            await self.app.push_screen_wait(ProfileEditorScreen(draft, save_to=self._inline_saved))
            return
        if self.recipe is None:
            self.notify("Fix the recipe's problems first, so its profile can be found.", severity="warning")
            return
        path = self._profile_file()
        if path is None:
            self.notify("The profile file was not found in the profiles folder.", severity="warning")
            return
        try:
            draft = ProfileDraft.from_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ProfileError) as exc:
            self.notify(f"Cannot edit {path.name}: {exc}", severity="error", timeout=10)
            return
        await self.app.push_screen_wait(ProfileEditorScreen(draft, path))
        self.refresh_all()

    def _inline_saved(self, draft: ProfileDraft) -> None:
        self.draft.set_inline_profile(draft.doc)
        self.refresh_all()

    def _profile_file(self) -> Path | None:
        ref = self.draft.text_of("profile")
        base = self.target_path().parent
        folder = self.brew.settings.profiles_dir
        for candidate in (base / ref, folder / ref, folder / f"{ref}.toml"):
            if candidate.suffix == ".toml" and candidate.is_file():
                return candidate
        assert self.recipe is not None
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            try:
                if load_profile(path).name == self.recipe.profile.name:
                    return path
            except ProfileError:
                continue
        return None

    # --- file -----------------------------------------------------------------------------
    @work(exclusive=True, group="recipe")
    async def action_save(self) -> None:
        """Write the recipe file (only when it validates)."""
        if self.recipe is None:
            self.notify("Not saved: fix the problems shown first.", severity="error")
            return
        await self.write_draft(self.draft.dumps())

    @work(exclusive=True, group="recipe")
    async def action_close(self) -> None:
        """Back; asks first when there are unsaved changes."""
        await self.leave()
