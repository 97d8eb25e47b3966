"""The profile editor, offline: the steps table, the step form's inline validation, save, preview."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Select, Static

from brewctl.profiles import load_profile
from brewctl.profiles.interchange import IMPORT_FORMATS
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.file_picker_screen import FilePickerScreen, names_to_choose
from brewctl.tui.profile_editor_screen import ProfileEditorScreen
from brewctl.tui.profile_preview import ProfilePreview
from brewctl.tui.prompt_screen import PromptScreen
from brewctl.tui.recipe_editor_screen import RecipeEditorScreen
from brewctl.tui.step_form_screen import StepFormScreen
from tests.tui.conftest import ROOT, screen_of, until

CLEAN_ALE = """\
name = "Clean ale"
units = "C"

[[steps]]
type = "hold"
name = "Primary"
temperature = 18
duration = "5d"

[[steps]]
type = "ramp"
temperature = 21
duration = "2d"
"""


def offline_app(tmp_path: Path) -> BrewApp:
    return make_app(settings=Settings(profiles_dir=tmp_path / "profiles", recipes_dir=tmp_path / "recipes"))


def text_of(widget: Static) -> str:
    return str(widget.content)


async def test_new_profile_add_validate_reorder_save(tmp_path: Path) -> None:
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "offline editing" in str(app.screen.query_one(ConnectionBar).content)
        assert "press e to edit profiles" in str(app.screen.query_one("#empty", Static).content)
        await pilot.press("e")
        assert isinstance(app.screen, FilePickerScreen)
        options = app.screen.query_one(OptionList)
        assert options.get_option_at_index(0).id == "new"  # empty folder: only "new" and "import"
        await pilot.press("enter")
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen)
        table = editor.query_one(DataTable)
        assert table.row_count == 1

        # Add a step with a bad duration: the form says what is wrong and refuses it.
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, StepFormScreen)
        form.query_one("#f-duration", Input).value = "3x"
        await pilot.pause()
        assert "cannot read duration '3x'" in text_of(form.query_one("#problems", Static))
        await pilot.press("enter")
        assert app.screen is form  # not accepted
        form.query_one("#f-duration", Input).value = "2d"
        form.query_one("#f-temperature", Input).value = "12.5"
        form.query_one("#f-name", Input).value = "Cold"
        await pilot.pause()
        assert text_of(form.query_one("#problems", Static)) == ""
        await pilot.press("ctrl+s")
        assert app.screen is editor
        assert table.row_count == 2
        assert editor.profile is not None and editor.profile.steps[1].name == "Cold"

        # Reorder: the new step moves up to the top.
        assert table.cursor_row == 1
        await pilot.press("shift+up")
        assert editor.draft.steps[0]["name"] == "Cold"
        assert table.cursor_row == 0

        # The preview shows the plan: 2 d + 7 d.
        assert editor.query_one(ProfilePreview).total_days == 9.0

        await pilot.press("n")
        await pilot.press(*"Cold start", "enter")
        await pilot.press("d")
        await screen_of(pilot, PromptScreen)
        await pilot.press(*"Quick", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = tmp_path / "profiles" / "cold-start.toml"
        assert editor.saved_to == saved
        profile = load_profile(saved)
        assert [s.name for s in profile.steps] == ["Cold", ""]
        assert profile.description == "Quick"
        assert profile.steps[0].temperature_c == 12.5  # type: ignore[union-attr]


async def test_invalid_file_opens_with_its_problems_and_is_not_saved(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    path = folder / "broken.toml"
    path.write_text(CLEAN_ALE.replace('duration = "2d"', 'duration = "2d"\nrate = 1'))
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        picker = app.screen
        assert isinstance(picker, FilePickerScreen)
        label = str(picker.query_one(OptionList).get_option_at_index(0).prompt)
        assert label.startswith("⚠ broken.toml") and "not both" in label
        await pilot.press("enter")
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen)
        assert editor.profile is None
        assert "steps[1]" in text_of(editor.query_one("#problems", Static))
        assert str(editor.query_one(DataTable).get_row_at(1)[0]).startswith("⚠")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "rate = 1" in path.read_text()  # unchanged

        # Fix it in the form: clear the rate.
        editor.query_one(DataTable).move_cursor(row=1)
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, StepFormScreen)
        assert "not both" in text_of(form.query_one("#problems", Static))
        form.query_one("#f-rate", Input).value = ""
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert app.screen is editor and editor.profile is not None
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_profile(path).name == "Clean ale"


async def test_files_the_table_cannot_show_are_refused_with_a_reason(tmp_path: Path) -> None:
    """``steps = 3`` or ``steps = [1]`` is valid TOML but no table: say so, don't crash the UI."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "a-number.toml").write_text('name = "x"\nsteps = 3\n')
    (folder / "b-scalars.toml").write_text('name = "y"\nsteps = [1, "two"]\n')
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    (recipes / "inline.toml").write_text('name = "r"\n[profile]\nname = "p"\nsteps = 7\n')
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        picker = await screen_of(pilot, FilePickerScreen)
        for row, file in enumerate(("a-number.toml", "b-scalars.toml")):
            picker.query_one(OptionList).highlighted = row
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is picker and app.return_code is None
            assert any(f"Cannot edit {file}: steps: not a list" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.press("r")
        await screen_of(pilot, FilePickerScreen)
        await pilot.press("enter")
        editor = await screen_of(pilot, RecipeEditorScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is editor and app.return_code is None
        assert any("Cannot edit the inline profile: steps: not a list" in n.message for n in app._notifications)


async def test_remove_step_and_leave_asks_about_unsaved_changes(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "clean-ale.toml").write_text(CLEAN_ALE)
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "enter")
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen)
        assert editor.query_one(DataTable).row_count == 2
        await pilot.press("x")
        assert editor.query_one(DataTable).row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not editor  # the question
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, FilePickerScreen)
        assert load_profile(folder / "clean-ale.toml").steps[0].name == "Primary"  # untouched


FERMENTRACK = """{"name": "FT ale", "points": [
 {"ttl": "0:00:00", "temperature_setting": 66, "temp_format": "F"},
 {"ttl": "3 days, 0:00:00", "temperature_setting": 66, "temp_format": "F"},
 {"ttl": "5 days, 0:00:00", "temperature_setting": 70, "temp_format": "F"}]}"""


async def test_import_from_another_format_then_save(tmp_path: Path) -> None:
    source = tmp_path / "ft.json"
    source.write_text(FERMENTRACK)
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "i")
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        for _ in range(40):
            if isinstance(app.screen, ProfileEditorScreen):
                break
            await pilot.pause(0.05)
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen)
        assert editor.draft.units == "F"  # kept in the file's units
        assert [row[1] for row in (editor.query_one(DataTable).get_row_at(i) for i in range(2))] == ["hold", "ramp"]
        assert "modified" in text_of(editor.query_one("#title", Static))
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = load_profile(tmp_path / "profiles" / "ft-ale.toml")
        assert abs(saved.steps[1].temperature_c - (70 - 32) * 5 / 9) < 0.01  # type: ignore[union-attr]


async def test_import_of_an_unknown_file_asks_its_format_then_says_why(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("just some notes\n")
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "i")
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        # The command line would say "use --from": the TUI asks instead.
        choice = await screen_of(pilot, ChoiceScreen)
        assert "Cannot tell the format of notes.txt" in str(choice.query_one(Static).content)
        options = choice.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == list(IMPORT_FORMATS)
        options.highlighted = ids.index("fermentrack")
        await pilot.press("enter")
        await screen_of(pilot, FilePickerScreen)
        await until(pilot, lambda: bool(app._notifications), what="the reason")
        assert any("notes.txt:1: not valid JSON" in n.message for n in app._notifications)


async def test_import_of_a_file_with_several_profiles_asks_which(tmp_path: Path) -> None:
    """BeerSmith and friends export several recipes to one BeerXML file."""
    source = ROOT / "tests" / "profiles" / "data" / "beerxml_recipe.xml"
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "i")
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        choice = await screen_of(pilot, ChoiceScreen)
        assert "beerxml_recipe.xml holds several profiles" in str(choice.query_one(Static).content)
        options = choice.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["Best Bitter", "Mild"]
        options.highlighted = 1
        await pilot.press("enter")
        editor = await screen_of(pilot, ProfileEditorScreen)
        assert editor.profile is not None and "Mild" in editor.profile.name
        assert editor.draft.modified  # imported, not saved yet


def test_names_to_choose_reads_the_importers_list() -> None:
    problem = "x.xml: 3 recipes in this file; choose one with --name (found 'A', \"B's\", 'C, D')"
    assert names_to_choose(problem) == ["A", "B's", "C, D"]
    assert names_to_choose("x.xml: no recipe in this file") == []


async def test_step_type_units_and_wait_step(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "clean-ale.toml").write_text(CLEAN_ALE)
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "enter")
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen)
        # A new step after the first, switched to "wait for brewer": the form shows that type's fields.
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, StepFormScreen)
        assert form.query_one("#row-duration").display and not form.query_one("#row-message").display
        form.query_one("#type", Select).value = "wait_for_brewer"
        await pilot.pause()
        assert form.query_one("#row-message").display and not form.query_one("#row-duration").display
        form.query_one("#f-message", Input).value = "add the dry hops"
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert app.screen is editor
        assert editor.draft.steps[1] == {"type": "wait_for_brewer", "temperature": 18.0, "message": "add the dry hops"}
        assert str(editor.query_one(DataTable).get_row_at(1)[4]) == "until you confirm"
        # Units: the whole file switches to °F.
        await pilot.press("u")
        assert editor.draft.units == "F"
        assert editor.draft.steps[0]["temperature"] == 64.4
        assert "°F" in str(editor.query_one(DataTable).get_row_at(0)[3])


async def test_question_mark_shows_every_key(tmp_path: Path) -> None:
    app = offline_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        from brewctl.tui.keys_screen import KeysScreen

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        assert any(line.startswith("e ") for line in app.screen.lines)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, KeysScreen)
