"""The dashboard follows the terminal: one line each at 60x20, cards at 80x24, side by side from 120 columns."""

from __future__ import annotations

from pathlib import Path

from brewctl.tui.app import Settings, make_app
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.layout import shape_for
from tests.tui.conftest import screen_text, until
from tests.tui.fakes import FakeSource, three_fermenters


def test_shape_for_each_terminal() -> None:
    assert shape_for(60, 20) == shape_for(100, 20) == shape_for(60, 40) == "line"
    assert shape_for(80, 24) == shape_for(119, 50) == "card"
    assert shape_for(120, 30) == shape_for(160, 50) == "wide"


async def test_resizing_reshapes_the_cards_and_keeps_the_selection(tmp_path: Path) -> None:
    app = make_app(
        source=FakeSource(three_fermenters()), settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path)
    )
    async with app.run_test(size=(80, 24)) as pilot:

        def shapes() -> set[str]:
            return {c.shape for c in app.screen.query(FermenterCard)}

        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await pilot.press("down")
        await pilot.resize_terminal(160, 50)
        await until(pilot, lambda: shapes() == {"wide"} and len(app.screen.query(FermenterCard)) == 3)
        cards = list(app.screen.query(FermenterCard))
        assert len({c.region.y for c in cards}) == 1  # one row, side by side
        assert cards[1].selected and "▶ FV2" in screen_text(app)
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: shapes() == {"line"} and len(app.screen.query(FermenterCard)) == 3)
        await pilot.pause()
        assert [c.region.height for c in app.screen.query(FermenterCard)] == [1, 1, 1]
        text = screen_text(app)
        assert "▶ FV2" in text and "  FV1" in text and all(len(line) <= 60 for line in text.splitlines())
        await pilot.press("k")
        assert "▶ FV1" in screen_text(app) or app.screen.selected().id == "fv1"  # type: ignore[attr-defined]
