"""Gaps found by re-running issue 14's steps against the finished UI, each a test that failed before its fix."""

from __future__ import annotations

from pathlib import Path

from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_card import FermenterCard
from tests.tui.conftest import screen_of, screen_text, until
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
        keys = await screen_of(pilot, KeysScreen)
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
