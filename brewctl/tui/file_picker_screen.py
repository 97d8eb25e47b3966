"""Pick a profile or recipe file to edit, start a new one, or import one."""

from __future__ import annotations

import ast
import asyncio
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from brewctl.errors import ProfileError
from brewctl.profiles import load_profile
from brewctl.tui.bindings import KEYS_BINDING, KeyBar
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.profile_draft import ProfileDraft
from brewctl.tui.profile_editor_screen import ProfileEditorScreen
from brewctl.tui.prompt_screen import PromptScreen

if TYPE_CHECKING:
    from brewctl.profiles.interchange import ImportResult
    from brewctl.tui.app import BrewApp

__all__ = ["FilePickerScreen", "brewer_warnings", "format_unknown", "names_to_choose", "needs_units"]

Kind = Literal["profile", "recipe"]


def _import(
    typed_path: str, fmt: str | None = None, name: str | None = None, units: Literal["C", "F"] | None = None
) -> ImportResult:
    from brewctl.profiles.interchange import import_file

    return import_file(Path(typed_path.strip()).expanduser(), fmt=fmt, name=name, units=units)


def names_to_choose(problem: str) -> list[str]:
    """The profile names an importer found when a file holds several (``... --name (found 'A', 'B')``).

    The command line answers with ``--name``; the TUI offers them as a choice instead.
    """
    found = re.search(r"choose one with --name \(found (.*)\)\s*$", problem)
    if found is None:
        return []
    try:
        names = ast.literal_eval(f"[{found.group(1)}]")
    except (SyntaxError, ValueError):
        return []
    return [str(n) for n in names if isinstance(n, str)]


def format_unknown(problem: str) -> bool:
    """True when the importer could not tell the file's format (the command line takes ``--from``)."""
    return "cannot tell the format" in problem


UNITS_HINT = re.compile(r"\s*\(use --units to choose\)")
"""The importers' hint for the command line; the TUI asks instead."""


def needs_units(warnings: tuple[str, ...]) -> bool:
    """True when the file had no unit and the importer guessed one (BrewPi CSV, CraftBeerPi)."""
    return any(UNITS_HINT.search(w) for w in warnings)


def brewer_warnings(warnings: tuple[str, ...]) -> list[str]:
    """The importer's warnings without command-line flags."""
    return [UNITS_HINT.sub("", w) for w in warnings]


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


class FilePickerScreen(Screen[None]):
    """The files of the profiles (or recipes) folder, with a validity mark each."""

    DEFAULT_CSS = """
    FilePickerScreen #title { height: 1; padding: 0 1; background: $primary-darken-2; }
    FilePickerScreen OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        KEYS_BINDING,
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "open", "Open", show=True),
        Binding("n", "new", "New"),
        Binding("i", "import_file", "Import"),
    ]

    def __init__(self, kind: Kind) -> None:
        super().__init__()
        self.kind: Kind = kind
        self.paths: list[Path] = []

    @property
    def brew(self) -> BrewApp:
        return cast("BrewApp", self.app)

    @property
    def folder(self) -> Path:
        s = self.brew.settings
        return s.profiles_dir if self.kind == "profile" else s.recipes_dir

    def compose(self) -> ComposeResult:
        yield Static(f"{self.kind.capitalize()}s in {self.folder}", id="title")
        yield OptionList()
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """List the folder again (after a save)."""
        options = self.query_one(OptionList)
        options.clear_options()
        self.paths = sorted(self.folder.glob("*.toml")) if self.folder.is_dir() else []
        for path in self.paths:
            options.add_option(Option(self._label(path), id=str(path)))
        options.add_option(Option(f"+ new {self.kind}", id="new"))
        if self.kind == "profile":
            options.add_option(Option("+ import a profile from another format …", id="import"))
        options.highlighted = 0
        options.focus()

    def _label(self, path: Path) -> str:
        if self.kind == "recipe":
            from brewctl.tui.recipe_editor_screen import recipe_label

            return recipe_label(path, [self.brew.settings.profiles_dir])
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            return f"⚠ {path.name}: {_first_line(str(exc)).split(': ', 1)[-1]}"
        return f"{profile.name} ({len(profile.steps)} steps) · {path.name}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice == "new":
            self.action_new()
        elif choice == "import":
            self.action_import_file()
        else:
            self.open_path(Path(choice))

    def action_open(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            options.action_select()

    def open_path(self, path: Path) -> None:
        """Open ``path`` in its editor (an invalid file opens too, with its problems shown)."""
        from brewctl.tui.recipe_editor_screen import RecipeEditorScreen

        try:
            if self.kind == "recipe":
                self.app.push_screen(RecipeEditorScreen.open(path, self.brew.settings))
                return
            draft = ProfileDraft.from_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ProfileError) as exc:
            self.notify(f"Cannot edit {path.name}: {exc}", severity="error", timeout=10)
            return
        self.app.push_screen(ProfileEditorScreen(draft, path))

    def action_new(self) -> None:
        if self.kind == "recipe":
            from brewctl.tui.recipe_editor_screen import RecipeEditorScreen

            self.app.push_screen(RecipeEditorScreen.new(self.brew.settings))
            return
        self.app.push_screen(ProfileEditorScreen(ProfileDraft.new()))

    @work(exclusive=True, group="import")
    async def action_import_file(self) -> None:
        """Import a BeerJSON, BeerXML, BrewPi, Fermentrack, BrewPiLess or CraftBeerPi file."""
        if self.kind != "profile":
            return
        from brewctl.profiles.interchange import IMPORT_FORMATS

        text = await self.app.push_screen_wait(
            PromptScreen(f"File to import ({', '.join(IMPORT_FORMATS)}; detected by content):")
        )
        if not text:
            return
        fmt: str | None = None
        name: str | None = None
        file = Path(text.strip()).name
        for _ in range(3):  # the file; then, if asked, its format; then which of its profiles
            try:
                result = await asyncio.to_thread(_import, text, fmt, name)
                break
            except ProfileError as exc:
                problem = str(exc)
            names = names_to_choose(problem)
            if names and name is None:
                question = f"{file} holds several profiles; import which?"
                name = await self.app.push_screen_wait(ChoiceScreen(question, [(n, n) for n in names]))
                if name is None:
                    return
            elif fmt is None and format_unknown(problem):
                question = f"Cannot tell the format of {file}; which is it?"
                fmt = await self.app.push_screen_wait(ChoiceScreen(question, [(f, f) for f in IMPORT_FORMATS]))
                if fmt is None:
                    return
            else:
                self.notify(problem, severity="error", timeout=10)
                return
        else:
            return
        if needs_units(result.warnings):
            units = await self.app.push_screen_wait(
                ChoiceScreen(
                    f"{file} does not say its units. Its temperatures are in:",
                    [("C", "°C (Celsius)"), ("F", "°F (Fahrenheit)")],
                )
            )
            if units is None:
                return
            try:
                result = await asyncio.to_thread(_import, text, fmt, name, "F" if units == "F" else "C")
            except ProfileError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
        draft = ProfileDraft.from_profile(result.profile)
        draft.modified = True
        # The warnings stay on the editor's screen until saved: a toast would vanish unread.
        self.app.push_screen(ProfileEditorScreen(draft, notes=brewer_warnings(result.warnings)))
