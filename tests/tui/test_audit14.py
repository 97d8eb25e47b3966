"""Gaps found by re-running issue 14's steps against the finished UI, each a test that failed before its fix."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from brewctl.errors import TransientError
from brewctl.model import Event, NodeStatus
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_card import FermenterCard
from tests.tui.conftest import new_hold_until_form, screen_text, until
from tests.tui.fakes import FakeSource, three_fermenters


def fake_app(tmp_path: Path, source: FakeSource) -> BrewApp:
    return make_app(source=source, settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))


def cards(app: BrewApp) -> list[FermenterCard]:
    return list(app.screen.query(FermenterCard))


# Issue 14, item 5 at 60x20: the panel was taller than the terminal, so its last keys were cut
# off by the screen's edge and PageDown had nothing to scroll (the list thought it fitted).
async def test_5_keys_panel_fits_60x20_and_pagedown_reaches_the_last_key(tmp_path: Path) -> None:
    from brewctl.tui.keys_screen import KeysScreen

    app = fake_app(tmp_path, FakeSource(three_fermenters()))
    async with app.run_test(size=(60, 20)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen), what="the keys panel")
        keys = app.screen
        await pilot.pause()
        shown = screen_text(app)
        assert "Keys (PgDn/PgUp scroll" in shown and "Enter" in shown, shown
        assert "All keys" not in shown, shown  # below the fold at 20 rows ...
        panel = keys.query_one("#keys")
        assert panel.region.bottom <= 20 - 1, panel.region  # ... but the panel ends inside the screen
        await pilot.press("pagedown")
        await pilot.pause()
        assert "All keys" in screen_text(app), screen_text(app)  # ... and PageDown brings it up
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen), what="the dashboard")


class DroppingSource(FakeSource):
    """A fake daemon that can go away: the stream breaks and reconnections are refused until it is back."""

    def __init__(self, node: NodeStatus) -> None:
        super().__init__(node)
        self.up = True
        self._drop = asyncio.Event()

    def go_down(self) -> None:
        self.up = False
        self._drop.set()

    def come_back(self) -> None:
        self.up = True
        self._drop = asyncio.Event()

    async def stream(self) -> AsyncIterator[NodeStatus | Event]:
        yield self.node
        await self._drop.wait()
        raise TransientError("the brewctl daemon is not running")

    def __call__(self) -> Any:
        @asynccontextmanager
        async def opened() -> AsyncIterator[FakeSource]:
            if not self.up:
                raise TransientError("the brewctl daemon is not running")
            yield self

        return opened()


def dropping_app(tmp_path: Path, source: DroppingSource) -> BrewApp:
    settings = Settings(profiles_dir=tmp_path, recipes_dir=tmp_path, backoff_first_s=0.1, backoff_max_s=0.2)
    return make_app(source=source, settings=settings)


# Issue 14, item 10 on the fermenter's own screen: with the daemon down its card kept the last
# values at full brightness with no age (only the dashboard's cards went stale), and a chart
# opened then said "loading history …" for ever.
@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_10_the_fermenter_screen_dims_its_card_and_says_why_there_is_no_chart(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from brewctl.tui.fermenter_screen import FermenterScreen

    source = DroppingSource(three_fermenters())
    app = dropping_app(tmp_path, source)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FermenterScreen), what="the fermenter")
        card = app.screen.query_one(FermenterCard)
        assert not card.has_class("-stale")
        source.go_down()
        await until(pilot, lambda: not app.connected, what="the loss")
        await until(pilot, lambda: card.has_class("-stale"), what="a dimmed card")
        age = "⌛" if size == (60, 20) else "no data for"
        await until(pilot, lambda: age in str(card.content), what="the data's age")
        # Back to the dashboard and in again while the daemon is away: no endless "loading".
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen), what="the dashboard")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FermenterScreen), what="the fermenter again")
        await pilot.pause(0.3)
        shown = screen_text(app)
        assert "loading history" not in shown, shown
        assert "not connected" in shown, shown
        assert app.screen.query_one(FermenterCard).has_class("-stale")
        source.come_back()
        await until(pilot, lambda: app.connected, what="the reconnection")
        await until(pilot, lambda: not app.screen.query_one(FermenterCard).has_class("-stale"), what="a live card")
        await until(pilot, lambda: "not connected" not in screen_text(app), what="the chart back")


# Found with item 10 after the audit: the chiller line under the cards stayed bright while the
# daemon was away, its reservoir figure as old as the cards'.
async def test_10_the_chiller_line_dims_with_the_cards_while_the_daemon_is_away(tmp_path: Path) -> None:
    from brewctl.model import ChillerStatus
    from brewctl.tui.chiller_line import ChillerLines

    node = three_fermenters().model_copy(update={"chillers": {"main": ChillerStatus(id="main", reservoir_c=-1.5)}})
    source = DroppingSource(node)
    app = dropping_app(tmp_path, source)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        line = app.screen.query_one(ChillerLines)
        assert line.display and "chiller main: reservoir" in str(line.content)
        assert not line.has_class("-stale")
        source.go_down()
        await until(pilot, lambda: all(c.has_class("-stale") for c in cards(app)), what="dimmed cards")
        assert line.has_class("-stale")
        source.come_back()
        await until(pilot, lambda: app.connected, what="the reconnection")
        await until(pilot, lambda: not line.has_class("-stale"), what="a live chiller line")


# Found with item 12 (the recipe editor): every shipped recipe opened as "(modified)" (a batch
# size of 23, a yeast list of one, as the form shows them, were taken for edits), so Esc on a
# recipe only looked at asked "Leave without saving your changes?".
@pytest.mark.parametrize("name", ["kveik-ipa.toml", "munich-helles.toml", "session-pale-ale.toml"])
async def test_12_a_recipe_opened_and_left_untouched_is_not_modified(tmp_path: Path, name: str) -> None:
    from brewctl.tui.recipe_editor_screen import RecipeEditorScreen
    from tests.tui.conftest import ROOT

    settings = Settings(profiles_dir=ROOT / "profiles", recipes_dir=ROOT / "recipes")
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = RecipeEditorScreen.open(ROOT / "recipes" / name, app.settings)
        await app.push_screen(editor)
        await pilot.pause()
        assert not editor.draft.modified
        assert "(modified)" not in screen_text(app), screen_text(app)
        await pilot.press("escape")  # nothing to lose: no question
        await until(pilot, lambda: app.screen is not editor, what="the editor closed")
        assert isinstance(app.screen, DashboardScreen)  # not a "leave without saving?" question
        # A real edit still counts.
        editor = RecipeEditorScreen.open(ROOT / "recipes" / name, app.settings)
        await app.push_screen(editor)
        await pilot.pause()
        editor.query_one("#f-style", Input).value = "Something else"
        await pilot.pause()
        assert editor.draft.modified and "(modified)" in screen_text(app)


def type_at_once(app: BrewApp, keys: str) -> None:
    """Post ``keys`` as one read from the terminal does (the app sees them all before handling any);
    ``\\t`` is Tab."""
    from textual import events

    for ch in keys:
        key = "tab" if ch == "\t" else ch
        app.post_message(events.Key(key, None if ch == "\t" else ch))


# Found with items 6 and 13 (the step form): over SSH a line typed quickly arrives in one read;
# a Tab in it moved the focus only after the letters behind it had gone into the old field
# ("Until dry14d1.012" in the name, the other fields empty), as item 2 was on the dashboard.
async def test_13_tab_typed_with_text_moves_before_the_next_letters(tmp_path: Path) -> None:
    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_hold_until_form(pilot)
        form.query_one("#f-name", Input).focus()
        await pilot.pause()
        type_at_once(app, "Until dry\t\t14d\t1.012")
        await pilot.pause(0.5)
        values = {
            k: form.query_one(f"#f-{k}", Input).value for k in ("name", "temperature", "max_duration", "gravity_le")
        }
        assert values == {"name": "Until dry", "temperature": "19", "max_duration": "14d", "gravity_le": "1.012"}


async def test_12_tab_typed_with_text_in_the_recipe_editor(tmp_path: Path) -> None:
    from brewctl.tui.recipe_draft import RecipeDraft
    from brewctl.tui.recipe_editor_screen import RecipeEditorScreen

    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = RecipeEditorScreen(RecipeDraft({"format_version": 1, "name": "", "profile": "clean-ale"}))
        await app.push_screen(editor)
        await pilot.pause()
        type_at_once(app, "Pale\tAPA\t20 L")
        await pilot.pause(0.5)
        values = [editor.query_one(f"#f-{k}", Input).value for k in ("name", "style", "batch_size")]
        assert values == ["Pale", "APA", "20 L"]


# Found with item 5 at 60x20: the key bar could not hold the dashboard's keys, so `r`, `q` and
# any hint of `?` were cut off; nothing on screen said how to find them.
@pytest.mark.parametrize("size", [(60, 20), (80, 24), (160, 50)])
async def test_5_every_key_bar_starts_with_the_keys_panel(tmp_path: Path, size: tuple[int, int]) -> None:
    from brewctl.tui.fermenter_screen import FermenterScreen
    from brewctl.tui.file_picker_screen import FilePickerScreen

    app = fake_app(tmp_path, FakeSource(three_fermenters()))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.pause()
        bar = screen_text(app).splitlines()[-1]
        assert bar.startswith("? Keys"), bar
        if size[0] >= 80:
            assert bar.rstrip().endswith("q Quit"), bar  # every key of the bar fits 80 columns
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FermenterScreen), what="the fermenter")
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].startswith("? Keys")
        await pilot.press("escape", "e")
        await until(pilot, lambda: isinstance(app.screen, FilePickerScreen), what="the profiles")
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].startswith("? Keys")
        await pilot.press("question_mark")
        await pilot.pause()
        from brewctl.tui.keys_screen import KeysScreen

        assert isinstance(app.screen, KeysScreen)
        assert not any(line.startswith("?") and "Keys" in line for line in app.screen.lines[:-1])  # listed once
        await pilot.press("escape")
        # The recipe editor's fields take `?` as text: there the bar offers F1.
        from brewctl.tui.recipe_draft import RecipeDraft
        from brewctl.tui.recipe_editor_screen import RecipeEditorScreen

        await app.push_screen(RecipeEditorScreen(RecipeDraft.new()))
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].startswith("F1 Keys"), screen_text(app).splitlines()[-1]
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen), what="the keys panel from a form")


class HistoryOnlySource(FakeSource):
    """A daemon whose events are in its history only: they happened before the UI connected."""

    async def stream(self) -> AsyncIterator[NodeStatus | Event]:
        yield self.node
        await asyncio.Event().wait()


# Found with item 9: the last-event line showed only events that came after the UI connected,
# so a brewer opening the UI in the morning saw an empty line, not last night's dry-hop alarm.
async def test_9_the_last_event_line_starts_with_the_daemons_latest_event(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tests.tui.fakes import NOW_S

    past = (
        Event(ts_s=NOW_S - 7200, fermenter="fv1", kind="mode", message="mode beer"),
        Event(ts_s=NOW_S - 600, fermenter="fv1", kind="profile_step", message="step 2 (Dry hop)"),
        Event(
            ts_s=NOW_S - 600,
            fermenter="fv1",
            kind="alarm",
            message="step 2 (Dry hop): add the dry hops; confirm to go on",
            data={"severity": "warning"},
        ),
    )
    app = fake_app(tmp_path, HistoryOnlySource(three_fermenters(), past))
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.screen.query_one("#last-event", Static)
        await until(pilot, lambda: "add the dry hops" in str(line.content), what="the latest event")
        assert not app._notifications  # an old alarm is shown, not popped up again
        assert [e.kind for e in app.events] == ["mode", "profile_step", "alarm"]


# Found with item 9: a probe lost and found again within the same few seconds (a stall under
# load) left "beer probe lost: all outputs off" on the last-event line, as if it still were.
def test_9_an_alarm_cleared_in_the_same_moment_is_not_the_headline() -> None:
    from brewctl.tui.events_text import headline
    from tests.tui.fakes import NOW_S

    lost = "beer probe lost: all outputs off"
    events = [
        Event(ts_s=NOW_S - 60, fermenter="fv1", kind="mode", message="mode beer"),
        Event(ts_s=NOW_S, fermenter="fv2", kind="alarm", message=lost, data={"severity": "critical"}),
        Event(ts_s=NOW_S + 2, fermenter="fv2", kind="alarm_cleared", message=f"cleared: {lost}"),
    ]
    assert headline(events).endswith(f"fv2: cleared: {lost}")
    # Still the alarm when it stands (item 9: the new alarm before the clearing of another one).
    other = Event(ts_s=NOW_S + 2, fermenter="fv2", kind="alarm_cleared", message="cleared: step 1 (Primary)")
    assert headline([*events[:2], other]).endswith(f"fv2: {lost}")


# Found with item 4 at 60x20: with the plan in the key, the caption ran past 60 columns and
# the cool strip's colour key was cut off. (At 80 it read "24 h, °C" with a plan and "last 24 h,
# °C, x: h from now" without one: now always "last 24 h, °C", the axis says hours.)
@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("gravity", [False, True])
async def test_4_the_whole_colour_key_fits_60_columns(tmp_path: Path, gravity: bool, width: int) -> None:
    from brewctl.tui.fermenter_screen import FermenterScreen
    from brewctl.tui.history import ZOOMS, Series
    from brewctl.tui.history_chart import HistoryChart
    from tests.tui.fakes import NOW_S

    app = fake_app(tmp_path, FakeSource(three_fermenters()))
    async with app.run_test(size=(width, 20 if width == 60 else 24)) as pilot:
        await until(pilot, lambda: len(cards(app)) == 3, what="three fermenters")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FermenterScreen), what="the fermenter")
        chart = app.screen.query_one(HistoryChart)
        series = Series()
        for i in range(12):
            series.append(NOW_S - 3600 + i * 300, 19.0, 18.0, 19.0, 0.0, 1.0, 1.020 if gravity else None)
        chart.show(series, ZOOMS[1], NOW_S, plan=[(NOW_S, 19.0), (NOW_S + 7200, 21.0)])
        caption = chart.caption.plain
        assert caption.endswith("cool █") and len(caption) <= width - 2, caption
        assert caption.startswith("beer ━" if width == 60 else "last 24 h, °C · beer ━"), caption
        assert "plan ┈" in caption and ("gravity" in caption) == gravity


# Found with item 4 on FV2 (a glycol conical without a chamber probe): the key offered
# "chamber ┅" for a line that is not there.
def test_4_the_key_names_only_the_lines_drawn() -> None:
    from brewctl.tui.chart import chart_key

    assert "chamber" in chart_key().plain
    assert chart_key(has_chamber=False).plain == "beer ━ setpoint ╍ heat █ cool █"


# Found with item 11 on FV2: "Valve 100%: cooling (glycol pulse 1409 s)": seconds a brewer
# has to divide by 60, where every other time left reads m:ss ("compressor resting, 3:02").
def test_11_a_glycol_pulse_reads_as_minutes_and_seconds() -> None:
    from brewctl.model import OutputReason, OutputStatus
    from brewctl.tui.format import format_output

    why = OutputReason(code="on", duty=1.0, note="glycol_pulse", note_value=1409.0)
    valve = OutputStatus(role="valve", value=1.0, active=True, why=why)
    assert format_output(valve) == "Valve 100%: cooling (glycol pulse 23:29)"


# Found with item 11 on FV2 pulling down from 15.7 to 12.0 °C: between glycol pulses the card
# said "Valve off: idle", 3.7 °C over the setpoint; the valve waits for the last pulse's cold.
def test_11_between_pulses_the_valve_is_not_idle() -> None:
    from brewctl.model import OutputReason, OutputStatus
    from brewctl.tui.fermenter_card import card_text
    from tests.tui.fakes import NOW_S, fermenter

    why = OutputReason(code="idle", note="glycol_settling")
    glycol = fermenter("fv2", "FV2 glycol", rig="glycol", beer_c=15.7, beer_setpoint_c=12.0, chamber_c=None,
                       outputs=(OutputStatus(role="valve", value=0.0, active=False, why=why),))  # fmt: skip
    text = str(card_text(glycol, "C", NOW_S))
    assert "Valve off: the last pulse is still cooling the beer" in text, text
    assert "idle" not in text


# Found with item 13 at 60x20 (and 80x24): the hold-until form is taller than the terminal and
# did not scroll, so "combine" (AND/OR), the field's problem and the help were cut off: a
# `1.0x` said nothing and Enter did nothing visible.
@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_13_the_hold_until_form_fits_and_shows_its_problem(tmp_path: Path, size: tuple[int, int]) -> None:
    from textual.widgets import Select

    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    async with app.run_test(size=size) as pilot:
        form = await new_hold_until_form(pilot)
        form.query_one("#f-max_duration", Input).value = "14d"
        form.query_one("#f-gravity_le", Input).value = "1.0x"
        await pilot.pause()
        shown = screen_text(app)
        assert "gravity ≤: type a gravity like 1.012" in shown, shown
        assert "Enter or ctrl+s: accept" in shown, shown
        combine = form.query_one("#f-combine", Select)
        combine.focus()
        await pilot.pause()
        fields = form.query_one("#fields")
        assert fields.region.y <= combine.region.y < fields.region.bottom <= size[1], (fields.region, combine.region)
        assert "combine" in screen_text(app) and "any: one condition is enough" in screen_text(app)
