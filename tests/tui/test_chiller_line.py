"""The dashboard's chiller line, against the simulated daemon of the example config (one chiller)."""

from __future__ import annotations

import pytest

from brewctl.tui.chiller_line import ChillerLines
from brewctl.tui.fermenter_card import FermenterCard
from tests.tui.conftest import Daemon, app_for, until


@pytest.mark.parametrize("size", [(60, 20), (160, 50)])
async def test_the_reservoir_shows_under_the_cards(daemon: Daemon, size: tuple[int, int]) -> None:
    app = app_for(daemon)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="three cards")
        line = app.screen.query_one(ChillerLines)
        await until(pilot, lambda: "chiller main: reservoir" in str(line.content), what="the chiller line")
        assert line.display and line.region.width > 0 and line.region.height >= 1
        assert line.region.bottom <= size[1], "on screen, above the footer"
        assert "valves open:" in str(line.content)
