"""The recipe editor, offline: fields checked as typed, the profile picked or edited, save."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from brewctl.profiles.recipe import load_recipe
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.file_picker_screen import FilePickerScreen
from brewctl.tui.profile_editor_screen import ProfileEditorScreen
from brewctl.tui.recipe_editor_screen import RecipeEditorScreen
from tests.tui.conftest import ROOT, screen_of


def library(tmp_path: Path) -> BrewApp:
    """A copy of the shipped recipes and profiles, edited offline."""
    shutil.copytree(ROOT / "recipes", tmp_path / "recipes")
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    return make_app(settings=Settings(profiles_dir=tmp_path / "profiles", recipes_dir=tmp_path / "recipes"))


async def open_recipe(app: BrewApp, pilot: object, file: str) -> RecipeEditorScreen:
    await pilot.press("r")  # type: ignore[attr-defined]
    picker = await screen_of(pilot, FilePickerScreen)  # type: ignore[arg-type]
    options = picker.query_one(OptionList)
    ids = [options.get_option_at_index(i).id or "" for i in range(options.option_count)]
    options.highlighted = next(i for i, oid in enumerate(ids) if oid.endswith(file))
    await pilot.press("enter")  # type: ignore[attr-defined]
    return await screen_of(pilot, RecipeEditorScreen)  # type: ignore[arg-type]


def field(screen: RecipeEditorScreen, key: str) -> Input:
    return screen.query_one(f"#f-{key}", Input)


async def test_edit_fields_pick_profile_and_save(tmp_path: Path) -> None:
    app = library(tmp_path)
    path = tmp_path / "recipes" / "munich-helles.toml"
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_recipe(app, pilot, "munich-helles.toml")
        assert editor.recipe is not None and editor.recipe.profile.name == "Lager with diacetyl rest"
        assert field(editor, "og").value == "1.048"

        field(editor, "og").value = "0.9"
        await pilot.pause()
        assert editor.recipe is None
        assert "og 0.9 is outside" in str(editor.query_one("#problems", Static).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "og = 1.048" in path.read_text()  # refused: the file is untouched

        field(editor, "og").value = "1.050"
        await pilot.pause()
        assert editor.recipe is not None and editor.recipe.og_sg == 1.05

        await pilot.press("ctrl+p")
        choice = await screen_of(pilot, ChoiceScreen)
        option_list = choice.query_one(OptionList)
        ids = [option_list.get_option_at_index(i).id for i in range(option_list.option_count)]
        option_list.highlighted = ids.index("clean-ale")
        await pilot.press("enter")
        await screen_of(pilot, RecipeEditorScreen)
        assert field(editor, "profile").value == "clean-ale"
        assert editor.recipe is not None and editor.recipe.profile.name == "Clean ale"

        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        saved = load_recipe(path, [tmp_path / "profiles"])
        assert saved.og_sg == 1.05 and saved.profile.name == "Clean ale"
        assert path.read_text().startswith("#:schema ./recipe.schema.json\n")
        assert "Pitch two packs" in saved.notes  # the multi-line notes survive


async def test_new_recipe(tmp_path: Path) -> None:
    app = library(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        picker = await screen_of(pilot, FilePickerScreen)
        await pilot.press("n")
        editor = await screen_of(pilot, RecipeEditorScreen)
        assert picker is not editor
        field(editor, "name").value = "Test lager"
        field(editor, "fg").value = "1.012"
        field(editor, "og").value = "1.010"
        await pilot.pause()
        assert "the target FG must be below the OG" in str(editor.query_one("#problems", Static).content)
        field(editor, "og").value = "1.046"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        saved = load_recipe(tmp_path / "recipes" / "test-lager.toml", [tmp_path / "profiles"])
        assert (saved.name, saved.og_sg, saved.fg_sg, saved.profile.name) == ("Test lager", 1.046, 1.012, "Clean ale")


async def test_inline_profile_is_edited_inside_the_recipe(tmp_path: Path) -> None:
    app = library(tmp_path)
    path = tmp_path / "recipes" / "kveik-ipa.toml"
    before = load_recipe(path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_recipe(app, pilot, "kveik-ipa.toml")
        assert editor.draft.inline_profile
        await pilot.press("ctrl+o")
        profile_editor = await screen_of(pilot, ProfileEditorScreen)
        assert "in the recipe" in str(profile_editor.query_one("#title", Static).content)
        await pilot.press("x")  # remove the first step
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await screen_of(pilot, RecipeEditorScreen)
        assert editor.draft.modified
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
    after = load_recipe(path)
    assert len(after.profile.steps) == len(before.profile.steps) - 1
    assert after.profile.steps == before.profile.steps[1:]


async def test_referenced_profile_opens_in_the_profile_editor(tmp_path: Path) -> None:
    app = library(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_recipe(app, pilot, "munich-helles.toml")
        await pilot.press("ctrl+o")
        profile_editor = await screen_of(pilot, ProfileEditorScreen)
        assert profile_editor.path == tmp_path / "profiles" / "lager-diacetyl-rest.toml"
        assert profile_editor.profile is not None and profile_editor.profile.name == "Lager with diacetyl rest"
