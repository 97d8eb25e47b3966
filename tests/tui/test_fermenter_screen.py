"""One fermenter with its history chart and zoom, and a dropped connection, against a real daemon."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from brewctl.tui.app import Settings, make_app
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fermenter_screen import FermenterScreen
from brewctl.tui.file_picker_screen import FilePickerScreen
from brewctl.tui.history_chart import HistoryChart
from brewctl.tui.prompt_screen import PromptScreen
from tests.tui.conftest import Daemon, app_for, screen_of, until


async def test_chart_and_zoom(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, FermenterScreen) and screen.fid == "fv1"
        chart = screen.query_one(HistoryChart)
        # The fixture seeded 30 h of FV1 history through the recorder: the daemon serves it.
        await until(pilot, lambda: chart.points > 0, what="points on the chart")
        assert screen.history_problem == ""
        note = screen.query_one("#chart-note", Static)
        assert str(note.content).startswith("last 24 h, °C · beer")
        assert chart.x_left == -24.0
        assert "beer" in str(note.content) and "heat" in str(note.content) and "cool" in str(note.content)
        day_points = chart.points
        assert 24 * 12 - 5 <= day_points <= 24 * 12 + 30  # 5-minute rows of the last day (+ live ones)
        assert chart.heat_periods > 0 and chart.cool_periods > 0

        await pilot.press("z")
        assert screen.zoom.label == "7 d"
        await until(pilot, lambda: str(note.content).startswith("last 7 d, °C · beer"))
        assert chart.x_left == -7.0  # days, not -168 hours
        await pilot.press("z")
        assert screen.zoom.label == "whole batch"
        await until(pilot, lambda: str(note.content).startswith("whole batch, °C"))
        await pilot.press("z")
        assert screen.zoom.label == "6 h"
        await until(pilot, lambda: str(note.content).startswith("last 6 h") and 0 < chart.points < day_points)
        # The same actions as on the dashboard, for this fermenter.
        await pilot.press("c")
        prompt = await screen_of(pilot, PromptScreen)
        assert "FV1 chest freezer" in str(prompt.query_one(Static).content)
        await pilot.press("escape")
        await screen_of(pilot, FermenterScreen)
        # The card on top follows the stream too.
        assert "FV1 chest freezer" in str(screen.query_one(FermenterCard).border_title)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_dropped_connection_shows_and_reconnects(own_daemon: Daemon) -> None:
    app = app_for(own_daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.connected and len(app.screen.query(FermenterCard)) == 3, what="connected")
        assert app.connections == 1
        bar = app.screen.query_one(ConnectionBar)

        own_daemon.kill()
        await until(pilot, lambda: not app.connected, what="the loss noticed")
        await until(pilot, lambda: "CONNECTION LOST" in str(bar.content), what="the loss shown")
        assert bar.has_class("-lost")
        # The next attempts say why plainly.
        await until(pilot, lambda: "daemon is not running" in str(bar.content), what="the reason shown")
        # Actions refuse clearly while the daemon is away; the last status stays on screen.
        await pilot.press("m")
        assert isinstance(app.screen, DashboardScreen)
        assert any("Not connected" in n.message for n in app._notifications)
        assert len(app.screen.query(FermenterCard)) == 3

        own_daemon.start()
        await until(pilot, lambda: app.connected, timeout_s=15, what="the reconnection")
        assert app.connections == 2
        await until(pilot, lambda: "live" in str(bar.content))
        assert not bar.has_class("-lost")
        assert str(app.screen.query_one("#last-event", Static).content) is not None


async def test_no_daemon_at_start_is_said_and_the_editors_still_work(tmp_path: Path) -> None:
    settings = Settings(profiles_dir=tmp_path / "profiles", recipes_dir=tmp_path / "recipes", backoff_first_s=0.1)
    app = make_app(socket_path=tmp_path / "nobody.sock", settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.screen.query_one(ConnectionBar)
        await until(pilot, lambda: "NO DAEMON" in str(bar.content), what="the missing daemon said")
        assert "not running" in str(bar.content) and bar.has_class("-lost")
        await pilot.press("e")
        await screen_of(pilot, FilePickerScreen)
