"""The chart as a brewer sees it, at the smallest and a large terminal: both axes say their unit."""

from __future__ import annotations

import re

import pytest

from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fermenter_screen import FermenterScreen
from brewctl.tui.history_chart import HistoryChart
from tests.tui.conftest import Daemon, app_for, screen_text, until


def labels(text: str, units: str) -> list[str]:
    return re.findall(rf"-?\d+\.\d °{units}(?= )", text)


@pytest.mark.parametrize("size", [(60, 20), (160, 50)])
async def test_the_chart_axes_say_their_units_on_screen(daemon: Daemon, size: tuple[int, int]) -> None:
    app = app_for(daemon)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await pilot.press("enter")  # FV1: the fixture seeded 30 h of its history
        await until(pilot, lambda: isinstance(app.screen, FermenterScreen))
        chart = app.screen.query_one(HistoryChart)
        await until(pilot, lambda: chart.points > 0, what="points on the chart")
        await until(pilot, lambda: len(labels(screen_text(app), "C")) >= 2, what="°C labels")
        text = screen_text(app)
        axis = next(line for line in text.splitlines() if line.split()[:1] == ["hours"])
        assert "now" in axis and "h" in axis.split()[1], axis
        assert all(len(line) <= size[0] for line in text.splitlines())

        await pilot.press("u")
        await until(pilot, lambda: len(labels(screen_text(app), "F")) >= 2, what="°F labels")
        assert not labels(screen_text(app), "C")

        await pilot.press("z")  # 7 days: the axis counts days
        await until(pilot, lambda: any(line.split()[:1] == ["days"] for line in screen_text(app).splitlines()))
        await pilot.press("u")  # leave the shared app settings as they were (°C)
