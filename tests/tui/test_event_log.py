"""The brewer's notes and the event log, against a real simulated daemon."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from brewctl.service.client import ApiClient
from brewctl.tui.event_log_screen import EventLogScreen
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.prompt_screen import PromptScreen
from tests.tui.conftest import Daemon, app_for, screen_of, until


def options(screen: EventLogScreen) -> list[str]:
    ol = screen.query_one(OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


async def test_a_note_is_kept_in_the_history_and_listed_in_the_log(daemon: Daemon) -> None:
    app = app_for(daemon)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 3, what="cards")
        await until(pilot, lambda: app.source is not None, what="the connection")
        await pilot.press("n")
        prompt = await screen_of(pilot, PromptScreen)
        await pilot.press("enter")
        assert app.screen is prompt  # an empty note is refused in place
        prompt.query_one(Input).value = "dry hopped 200 g Citra"
        await pilot.press("enter")
        await until(pilot, lambda: any("note kept" in n.message for n in app._notifications), what="the note kept")

        async with ApiClient(daemon.socket) as api:  # in the daemon's history, not only on screen
            kept = [e for e in await api.events(0, fermenter="fv1") if e.kind == "note"]
        assert kept and kept[-1].message == "dry hopped 200 g Citra"

        await pilot.press("l")
        log = await screen_of(pilot, EventLogScreen)
        await until(pilot, lambda: any("✎" in o and "dry hopped 200 g Citra" in o for o in options(log)), what="note")
        await pilot.press("f")  # filter: alarms only: the note goes
        assert log.filter == "alarm"
        assert not any("dry hopped" in o for o in options(log))
        await pilot.press("f")
        assert log.filter == "note" and all("✎" in o for o in options(log))
        await pilot.press("escape")
