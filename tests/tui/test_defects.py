"""The thirteen defects of issue 14, each as a test that failed before its fix."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from brewctl.model import Event
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_card import FermenterCard
from tests.tui.conftest import Daemon, app_for, screen_of, screen_text, until
from tests.tui.fakes import NOW_S, FakeSource, three_fermenters


def fake_app(tmp_path: Path, source: FakeSource) -> BrewApp:
    return make_app(source=source, settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))


def cards(app: BrewApp) -> list[FermenterCard]:
    return list(app.screen.query(FermenterCard))


# 1. At 60x20 (cards overflow) up no longer changed the selected fermenter: the scroll took it.
async def test_1_up_and_down_select_at_60x20(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(60, 20)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("down", "down", "down", "up")
        await pilot.press("m")
        choice = await screen_of(pilot, ChoiceScreen)
        assert choice.title_text.startswith("Mode of FV2")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("k")
        assert app.screen.selected().id == "fv1"  # type: ignore[attr-defined]
        await pilot.press("j")
        assert app.screen.selected().id == "fv2"  # type: ignore[attr-defined]


# 2. Two presses sent together moved one card (the second read the focus before it moved).
async def test_2_two_fast_presses_move_two(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeSource(three_fermenters()))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        screen.action_next_card()
        screen.action_next_card()  # before any refresh, as two keys in one read from the terminal
        assert screen.selected().id == "fv3"  # type: ignore[union-attr]


# 3. An alarmed card's red border replaced the selection border: no card looked selected.
async def test_3_selected_alarmed_card_still_looks_selected(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeSource(three_fermenters(alarm_on="fv2")))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("down")
        await pilot.pause()
        fv1, fv2, fv3 = cards(app)
        assert fv2.has_class("-alarm")
        # The marker is text (no colour needed), and the border's shape differs too.
        assert str(fv2.border_title).startswith("▶")
        assert not str(fv1.border_title).startswith("▶") and not str(fv3.border_title).startswith("▶")
        assert fv2.styles.border_top[0] != fv1.styles.border_top[0]


# 5. `?` began with 13 rows of generic scroll and copy keys; brewctl's own fell below the fold.
async def test_5_keys_panel_starts_with_brewctls_keys_and_scrolls(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeSource(three_fermenters()))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("question_mark")
        await pilot.pause()
        from brewctl.tui.keys_screen import KeysScreen

        keys = app.screen
        assert isinstance(keys, KeysScreen)
        shown = [line.strip() for line in keys.lines]
        first = "\n".join(shown[:14])
        for key in ("Enter", "m ", "b ", "c ", "p ", "e ", "r ", "q "):
            assert any(line.startswith(key) for line in shown[:14]), f"{key!r} not in:\n{first}"
        assert "scroll" not in first.lower() and "copy" not in first.lower()
        body = keys.query_one("#keys")
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0 or body.max_scroll_y == 0
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


# 7. Offline the key bar still offered Chart/Mode/Beer/Chamber/Profile, each refusing.
async def test_7_offline_key_bar_offers_only_what_works(tmp_path: Path) -> None:
    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        offered = {b.binding.action for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}
        shown = {a for a in offered if app.screen.check_action(a, ()) is True}
        assert {"edit_profiles", "edit_recipes"} <= shown
        assert not shown & {"open", "mode", "beer_setpoint", "chamber_setpoint", "profile"}


# 9. The last-event line showed "cleared: step 1" instead of the new alarm after a skip;
#    and toasts covered the right half of that line.
async def test_9_last_event_line_shows_the_new_alarm_above_the_toasts(tmp_path: Path) -> None:
    events = (
        Event(ts_s=NOW_S, fermenter="fv1", kind="profile_skip", message="profile skip"),
        Event(
            ts_s=NOW_S,
            fermenter="fv1",
            kind="alarm",
            message="waiting for you: add the dry hops",
            data={"severity": "warning"},
        ),
        Event(ts_s=NOW_S, fermenter="fv1", kind="alarm_cleared", message="cleared: step 1 (Primary)"),
    )
    app = fake_app(tmp_path, FakeSource(three_fermenters(), events))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.events) == 3, what="the events")
        await pilot.pause(0.6)
        line = app.screen.query_one("#last-event", Static)
        text = str(line.content)
        assert "waiting for you: add the dry hops" in text, text
        # Toasts stack bottom-right above the key bar: the line is not there.
        assert line.region.y < 24 // 2


# 10. With the daemon down, cards kept their last values at full brightness with no age.
async def test_10_cards_dim_and_show_their_age_when_the_daemon_is_gone(own_daemon: Daemon) -> None:
    app = app_for(own_daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        assert not cards(app)[0].has_class("-stale")
        own_daemon.kill()
        await until(pilot, lambda: not app.connected, what="the loss")
        await until(pilot, lambda: cards(app)[0].has_class("-stale"), what="stale cards")
        await until(pilot, lambda: "no data for" in str(cards(app)[0].content), what="the data's age")
        own_daemon.start()
        await until(pilot, lambda: app.connected, what="reconnection")
        await until(pilot, lambda: not cards(app)[0].has_class("-stale"), what="fresh cards")


# 12. Recipe editor showed FG as 1.01; its hint said "fix the problems below" but they are above.
async def test_12_recipe_gravity_has_three_decimals_and_the_hint_points_up(tmp_path: Path) -> None:
    from brewctl.tui.recipe_draft import RecipeDraft
    from brewctl.tui.recipe_editor_screen import RecipeEditorScreen

    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    draft = RecipeDraft({"format_version": 1, "name": "Pale", "profile": "nowhere", "og": 1.05, "fg": 1.01})
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(RecipeEditorScreen(draft))
        await pilot.pause()
        assert app.screen.query_one("#f-fg", Input).value == "1.010"
        assert app.screen.query_one("#f-og", Input).value == "1.050"
        from brewctl.tui.profile_preview import ProfilePreview

        assert "below" not in ProfilePreview.INVALID_TITLE


# 6. Profile editor: after the first step edit the name showed as "Prim"; after adding a
#    hold-until step the columns were misaligned until the next change.
async def test_6_profile_table_columns_fit_after_each_edit(tmp_path: Path) -> None:
    from brewctl.tui.profile_draft import ProfileDraft
    from brewctl.tui.profile_editor_screen import ProfileEditorScreen

    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    draft = ProfileDraft(
        {"name": "Ale", "units": "C", "steps": [{"type": "hold", "temperature": 19, "duration": "7d"}]}
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ProfileEditorScreen(draft))
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ProfileEditorScreen)
        from brewctl.tui.step_form_screen import StepFormScreen

        await pilot.press("enter")  # edit step 1 as a brewer does: the form, a name, accept
        form = await screen_of(pilot, StepFormScreen)
        form.query_one("#f-name", Input).value = "Primary fermentation"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is editor, what="back in the editor")
        await pilot.pause()
        assert "Primary fermentation" in screen_text(app), screen_text(app)  # what the terminal shows
        draft.put_step(1, {"type": "hold_until", "name": "Until FG", "temperature": 20, "max_duration": "14d",
                           "until": [{"type": "gravity", "at_or_below": 1.012}]})  # fmt: skip
        editor.refresh_all(cursor=1)
        await pilot.pause()
        shown = screen_text(app).splitlines()
        header = next(line for line in shown if " type " in line and " name " in line)
        for line in shown:
            if "Until FG" in line:
                assert line.index("Until FG") == header.index("name"), "\n".join(shown)
        table = editor.query_one(DataTable)
        lines = [strip.text for strip in table.render_lines(table.region.reset_offset)[: table.row_count + 1]]
        assert any("Primary fermentation" in line for line in lines), "\n".join(lines)
        # Every row puts its columns at the same places as the header.
        header = lines[0]
        name_at = header.index("name")
        assert lines[1][name_at:].startswith("Primary fermentation"), "\n".join(lines)
        assert lines[2][name_at:].startswith("Until FG"), "\n".join(lines)


# 8. Import warnings mentioned `--units`, a command-line flag, and vanished as toasts.
async def test_8_import_asks_the_units_and_keeps_its_warnings_in_view(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from brewctl.tui.profile_editor_screen import ProfileEditorScreen
    from tests.tui.conftest import ROOT

    source = ROOT / "tests" / "profiles" / "data" / "brewpi_profile.csv"
    app = make_app(settings=Settings(profiles_dir=tmp_path / "p", recipes_dir=tmp_path / "r"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "i")
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        choice = await screen_of(pilot, ChoiceScreen)
        assert "does not say its units" in choice.title_text
        choice.query_one(OptionList).highlighted = 0  # °C
        await pilot.press("enter")
        editor = await screen_of(pilot, ProfileEditorScreen)
        assert editor.draft.units == "C"
        notes = str(editor.query_one("#notes", Static).content)
        assert "--" not in notes
        assert not any("--units" in n.message for n in app._notifications)


async def test_3_at_60x20_a_selected_alarmed_fermenter_is_still_one_marked_line(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeSource(three_fermenters(alarm_on="fv2")))
    async with app.run_test(size=(60, 20)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("down")
        await pilot.pause()
        fv2 = cards(app)[1]
        assert fv2.has_class("-alarm") and fv2.selected
        assert fv2.region.height == 1 and str(fv2.content).startswith("▶ FV2")
        assert "⚠" in str(fv2.content)


# 13. A bad gravity `1.0x` in a hold-until condition reported `Unclosed inline table (at line 1,
#     column 46)`: the conditions are now form fields, each checked on its own.
async def test_13_hold_until_conditions_are_fields_checked_one_by_one(tmp_path: Path) -> None:
    from textual.widgets import Select

    from brewctl.tui.profile_draft import ProfileDraft
    from brewctl.tui.profile_editor_screen import ProfileEditorScreen
    from brewctl.tui.step_form_screen import StepFormScreen

    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    draft = ProfileDraft.new("Ale")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ProfileEditorScreen(draft))
        await pilot.pause()
        editor = app.screen
        await pilot.press("a")
        form = await screen_of(pilot, StepFormScreen)
        form.query_one("#type", Select).value = "hold_until"
        await pilot.pause()
        assert not form.query_one("#row-until").display  # no TOML to type
        form.query_one("#f-max_duration", Input).value = "14d"
        form.query_one("#f-gravity_le", Input).value = "1.0x"
        await pilot.pause()
        problems = str(form.query_one("#problems", Static).content)
        assert "gravity ≤: type a gravity like 1.012" in problems, problems
        assert "Unclosed" not in problems and "column" not in problems
        assert form.query_one("#f-gravity_le", Input).has_class("-invalid")
        await pilot.press("ctrl+s")
        assert app.screen is form  # not accepted while a field is wrong
        form.query_one("#f-gravity_le", Input).value = "1.012"
        form.query_one("#f-stable_points", Input).value = "1"
        await pilot.pause()
        assert "for (hours)" in str(form.query_one("#problems", Static).content)  # the other half of "stable"
        form.query_one("#f-stable_hours", Input).value = "24"
        form.query_one("#f-combine", Select).value = "all"
        await pilot.pause()
        assert str(form.query_one("#problems", Static).content) == ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is editor, what="the step accepted")
        step = draft.steps[1]
        assert step["until"] == [
            {"type": "gravity", "at_or_below": 1.012},
            {"type": "stable", "within_points": 1.0, "period": "1d"},
        ]
        assert step["combine"] == "all"
        profile, problems_left = draft.check()
        assert profile is not None and problems_left == []
        # Opened again, the form shows the same fields.
        await pilot.press("enter")
        form = await screen_of(pilot, StepFormScreen)
        assert form.query_one("#f-gravity_le", Input).value == "1.012"
        assert form.query_one("#f-stable_hours", Input).value == "24"
        assert form.query_one("#f-combine", Select).value == "all"


# 11. Wording: `Valve 100%: cooling 100%`; `18.5°C` beside `18.5 °C`; "cooling blocked: dead
#     time, 3:02 left" is jargon; a glycol fermenter 5 °C under its setpoint said "Valve off: idle".
def test_11_outputs_read_in_a_brewers_words() -> None:
    from brewctl.model import OutputReason, OutputStatus
    from brewctl.tui.fermenter_card import card_text
    from brewctl.tui.format import format_output, format_temp
    from tests.tui.fakes import fermenter

    def out(role: str, value: float = 0.0, **why: object) -> OutputStatus:
        return OutputStatus(role=role, value=value, active=value > 0, why=OutputReason.model_validate(why))

    assert format_output(out("valve", 1.0, code="on", duty=1.0)) == "Valve 100%: cooling"
    assert (
        format_output(out("cool", code="blocked", guard="min off", left_s=182.0))
        == "Cool off: compressor resting, 3:02"
    )
    assert format_output(out("cool", code="blocked", guard="dead time", left_s=182.0)) == (
        "Cool off: pause before cooling, 3:02"
    )
    assert format_temp(18.5) == "18.5 °C"  # the one formatter of brewctl.display, as the CLI
    glycol = fermenter("fv2", "FV2 glycol", rig="glycol", beer_c=7.0, beer_setpoint_c=12.0, chamber_c=None,
                       outputs=(out("valve", code="idle"),))  # fmt: skip
    assert "Valve off: no heater: cannot warm" in str(card_text(glycol, "C", NOW_S))
    on_target = glycol.model_copy(update={"beer_c": 12.2})
    assert "Valve off: valve closed: beer on target" in str(card_text(on_target, "C", NOW_S))
