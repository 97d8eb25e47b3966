"""Start, pause, resume, skip, confirm and stop a profile from the TUI, against a real simulated daemon."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from brewctl.tui.app import BrewApp
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.confirm_screen import ConfirmScreen
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.profile_preview import ProfilePreview
from brewctl.tui.profile_start_screen import ProfileStartScreen, step_lines
from tests.tui.conftest import Daemon, app_for, screen_of, until


def options(app: BrewApp) -> list[str]:
    assert isinstance(app.screen, ChoiceScreen)
    option_list = app.screen.query_one(OptionList)
    return [str(option_list.get_option_at_index(i).id) for i in range(option_list.option_count)]


async def choose(app: BrewApp, pilot: Pilot[None], option_id: str) -> None:
    """Pick ``option_id`` in the choice dialog, then wait for the confirmation (or next) dialog."""
    await until(pilot, lambda: isinstance(app.screen, ChoiceScreen) and option_id in options(app))
    app.screen.query_one(OptionList).highlighted = options(app).index(option_id)
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, ChoiceScreen) or option_id not in options(app))


async def confirm(pilot: Pilot[None]) -> None:
    await screen_of(pilot, ConfirmScreen)
    await pilot.press("y")
    await until(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen))


def fv2_text(app: BrewApp) -> str:
    return str(app.screen.query_one("#card-fv2", FermenterCard).content)


async def test_profile_lifecycle(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await pilot.press("down")  # fv2
        profile = lambda: app.node.fermenters["fv2"].profile  # type: ignore[union-attr]  # noqa: E731

        await pilot.press("p")
        await screen_of(pilot, ChoiceScreen)
        assert options(app) == ["start"]
        await choose(app, pilot, "start")
        # The user's profiles first, then the built-in library (as `brewctl profile list`).
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen) and options(app)[:1] == ["dry-hop-ale"])
        assert "clean-ale" in options(app)
        assert "Dry hop ale (3 steps)" in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "built-in" in str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        await pilot.press("enter")
        # Its length, its curve and its steps before it starts; Enter starts at the first.
        start = await screen_of(pilot, ProfileStartScreen)
        assert "Dry hop ale on FV2 glycol conical: 3 steps, 5d 12h at most" in str(
            start.query_one("#title", Static).content
        )
        assert start.query_one(ProfilePreview).data is not None
        assert [line.split()[1] for line in step_lines(start.profile)] == ["hold", "wait_for_brewer", "hold"]
        await pilot.press("enter")
        question = await screen_of(pilot, ConfirmScreen)
        assert "from step 1 (Primary)" in str(question.query_one("#question", Static).content)
        await confirm(pilot)
        await until(pilot, lambda: profile() is not None, what="the profile running")
        await until(pilot, lambda: "Dry hop ale: step 1/3 Primary" in fv2_text(app), what="the card showing it")
        assert "left, ETA" in fv2_text(app)
        assert app.screen.query_one("#card-fv2", FermenterCard).border_subtitle == "profile"

        await pilot.press("p")
        await screen_of(pilot, ChoiceScreen)
        assert options(app) == ["profile_pause", "profile_skip", "profile_stop", "start"]
        await choose(app, pilot, "profile_pause")
        await confirm(pilot)
        await until(pilot, lambda: profile().paused, what="paused")
        await until(pilot, lambda: "[PAUSED]" in fv2_text(app))

        await pilot.press("p")
        await choose(app, pilot, "profile_resume")
        await confirm(pilot)
        await until(pilot, lambda: not profile().paused, what="resumed")

        await pilot.press("p")
        await choose(app, pilot, "profile_skip")
        await confirm(pilot)
        await until(pilot, lambda: profile().waiting_for_brewer, what="the wait-for-brewer step")
        await until(pilot, lambda: "WAITING FOR YOU" in fv2_text(app))

        await pilot.press("o")  # the shortcut for a waiting step
        question = (await screen_of(pilot, ConfirmScreen)).query_one("#question", Static)
        assert "Dry hop" in str(question.content)
        await confirm(pilot)
        await until(pilot, lambda: profile().step_index == 2, what="step 3")

        await pilot.press("p")
        await choose(app, pilot, "profile_stop")
        await confirm(pilot)
        await until(pilot, lambda: profile() is None, what="the profile stopped")

        # Start at step N: the third step, straight away.
        await pilot.press("p")
        await choose(app, pilot, "start")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen) and options(app)[:1] == ["dry-hop-ale"])
        await pilot.press("enter")
        await screen_of(pilot, ProfileStartScreen)
        await pilot.press("down", "down", "enter")
        question = (await screen_of(pilot, ConfirmScreen)).query_one("#question", Static)
        assert "from step 3 (Condition)" in str(question.content)
        await confirm(pilot)
        await until(pilot, lambda: profile() is not None and profile().step_index == 2, what="started at step 3")
        await pilot.press("p")
        await choose(app, pilot, "profile_stop")
        await confirm(pilot)
        await until(pilot, lambda: profile() is None, what="stopped again")
