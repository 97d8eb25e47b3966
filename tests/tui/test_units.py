"""The °C/°F toggle: every temperature on screen follows it, the daemon's data stays in °C."""

from __future__ import annotations

from pathlib import Path

from brewctl.tui.app import Settings, make_app
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fermenter_screen import FermenterScreen
from brewctl.tui.history_chart import HistoryChart
from tests.tui.conftest import until
from tests.tui.fakes import FakeSource, three_fermenters


async def test_u_switches_every_temperature_between_celsius_and_fahrenheit(tmp_path: Path) -> None:
    app = make_app(
        source=FakeSource(three_fermenters()), settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        assert "Beer 19.2 → 19.0 °C" in str(app.screen.query(FermenterCard).first().content)
        await pilot.press("u")
        await until(pilot, lambda: "Beer 66.6 → 66.2 °F" in str(app.screen.query(FermenterCard).first().content))
        assert app.settings.units == "F"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FermenterScreen))
        assert app.screen.query_one(HistoryChart).units == "F"
        assert "66.6 → 66.2 °F" in str(app.screen.query_one(FermenterCard).content)
        await pilot.press("u")
        await until(pilot, lambda: "19.2 → 19.0 °C" in str(app.screen.query_one(FermenterCard).content))
        assert app.screen.query_one(HistoryChart).units == "C"
        await pilot.press("escape")
        await until(pilot, lambda: "Beer 19.2 → 19.0 °C" in str(app.screen.query(FermenterCard).first().content))
