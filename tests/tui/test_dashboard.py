"""The dashboard and its confirmed actions, against a real simulated daemon."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from brewctl.config import Mode
from brewctl.model import Event
from brewctl.tui.app import Settings, make_app
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.confirm_screen import ConfirmScreen
from brewctl.tui.connection_bar import ConnectionBar
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_actions import NO_CHAMBER_LABEL
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.prompt_screen import PromptScreen
from tests.tui.conftest import Daemon, app_for, screen_of, until


def card(app: object, fid: str) -> FermenterCard:
    return app.screen.query_one(f"#card-{fid}", FermenterCard)  # type: ignore[attr-defined, no-any-return]


async def test_all_fermenters_at_a_glance(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="three cards")
        bar = str(app.screen.query_one(ConnectionBar).content)
        assert "brewery-pi" in bar and "SIMULATED" in bar and "live" in bar
        fv1 = card(app, "fv1")
        assert fv1.border_title == "▶ FV1 chest freezer (fv1)"  # selected first
        assert fv1.border_subtitle == "beer"
        text = str(fv1.content)
        setpoint = app.node.fermenters["fv1"].beer_setpoint_c  # type: ignore[union-attr]
        assert "Beer " in text and f"→ {setpoint:.1f} °C" in text and "Chamber " in text
        assert "Heat " in text and "Cool " in text  # each output and why
        assert "Valve" in str(card(app, "fv2").content)
        # Live: statuses keep coming from the stream (no polling).
        first = app.node.fermenters["fv1"].updated_s  # type: ignore[union-attr]
        await until(pilot, lambda: app.node.fermenters["fv1"].updated_s > first, what="a newer status")  # type: ignore[union-attr]
        # Keyboard: down moves the selection.
        await pilot.press("down")
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.selected().id == "fv2"  # type: ignore[union-attr]


async def test_change_mode_with_confirmation(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await pilot.press("down", "down")  # fv3, mode off
        await pilot.press("m")
        choice = await screen_of(pilot, ChoiceScreen)
        # fv3 is a ball-valve vessel without a chamber probe: chamber mode would hold the beer itself.
        labels = [str(choice.query_one(OptionList).get_option_at_index(i).prompt) for i in range(4)]
        assert labels[2] == NO_CHAMBER_LABEL
        choice.query_one(OptionList).highlighted = 1  # beer
        await pilot.press("enter")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("n")  # changed my mind: nothing is sent
        await pilot.pause(0.3)
        assert app.node.fermenters["fv3"].mode == Mode.OFF  # type: ignore[union-attr]

        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("m")
        (await screen_of(pilot, ChoiceScreen)).query_one(OptionList).highlighted = 1
        await pilot.press("enter")
        confirm = await screen_of(pilot, ConfirmScreen)
        assert "from off to beer" in str(confirm.query_one("#question", Static).content)
        await pilot.press("y")
        await until(pilot, lambda: card(app, "fv3").border_subtitle == "beer", what="fv3 in beer mode")
        await pilot.press("m")
        (await screen_of(pilot, ChoiceScreen)).query_one(OptionList).highlighted = 0
        await pilot.press("enter")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: card(app, "fv3").border_subtitle == "off", what="fv3 off again")


async def test_setpoints_are_checked_then_confirmed(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await pilot.press("b")  # fv1 is selected first
        prompt = await screen_of(pilot, PromptScreen)
        setpoint = app.node.fermenters["fv1"].beer_setpoint_c  # type: ignore[union-attr]
        assert prompt.query_one(Input).value == f"{setpoint:.1f}"
        prompt.query_one(Input).value = "99"
        await pilot.press("enter")
        assert app.screen is prompt  # refused, with the reason
        assert "out of range: -5.0 °C to 40.0 °C" in str(prompt.query_one("#error", Static).content)
        prompt.query_one(Input).value = "18.5"
        await pilot.press("enter")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: app.node.fermenters["fv1"].beer_setpoint_c == 18.5, what="setpoint 18.5")  # type: ignore[union-attr]
        assert "→ 18.5 °C" in str(card(app, "fv1").content)

        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("c")
        (await screen_of(pilot, PromptScreen)).query_one(Input).value = "4"
        await pilot.press("enter")
        await screen_of(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(
            pilot,
            lambda: any("chamber setpoint 4.0 °C" in n.message for n in app._notifications),
            what="the chamber setpoint acknowledged",
        )


async def test_alarms_pop_up_but_notices_do_not(tmp_path: Path) -> None:
    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        for severity, message in (("info", "no fresh gravity"), ("critical", "beer probe lost")):
            app._event(Event(ts_s=1.0, fermenter="fv1", kind="alarm", message=message, data={"severity": severity}))
        await pilot.pause()
        shown = [(n.message, n.severity) for n in app._notifications]
        assert shown == [("beer probe lost", "error")]
        assert len(app.events) == 2  # both are kept: the last-event line shows either


async def test_live_updates_do_not_rebuild_the_key_bar(daemon: Daemon) -> None:
    """A status update redraws the cards, not the footer: rebuilding its keys on every update
    leaked every old key widget (the UI grew ~19 MB a minute against the 60x demo)."""
    import gc

    from textual.widgets._footer import FooterKey

    def live_keys() -> int:
        gc.collect()
        return sum(isinstance(o, FooterKey) for o in gc.get_objects())

    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="three cards")
        await pilot.pause(0.5)
        before = live_keys()
        for _ in range(10):  # ten newer statuses from the stream
            first = app.node.fermenters["fv1"].updated_s  # type: ignore[union-attr]
            await until(pilot, lambda: app.node.fermenters["fv1"].updated_s > first, what="a newer status")  # type: ignore[union-attr]  # noqa: B023
        assert live_keys() <= before
