"""Every fermenter action of the fleet TUI (``brewctl tui --mqtt``), through a real mosquitto to a
real simulated daemon: mode, beer and chamber setpoints, a note, the whole profile lifecycle,
and a refused command, whose reason the brewer reads.

Each action is checked where it lands: on the node itself (its own API), not only in the
fleet's view of it; and the command travelled as MQTT on the node's command topic.
"""

from __future__ import annotations

import contextlib
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from brewctl.config import Mode
from brewctl.model import FermenterStatus
from brewctl.service.client import ApiClient
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.confirm_screen import ConfirmScreen
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.event_log_screen import EventLogScreen
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fleet_source import FleetSource
from brewctl.tui.prompt_screen import PromptScreen
from tests.mqtt.conftest import DAEMON_CONFIG, Broker, Recorder, recording, start_daemon
from tests.tui.conftest import LIBRARY, screen_of, until
from tests.tui.test_profile_actions import choose, options

FID = "cellar--fv7"
COMMAND_TOPIC = "brewctl/cellar/fermenters/fv7/command/anonymous"
"""Where the fleet TUI (an anonymous MQTT client here) sends its commands to cellar's fv7."""


def with_library(folder: Path) -> None:
    """``folder`` with the TUI tests' profile library in its ``profiles`` (the daemon's, beside its config)."""
    (folder / "profiles").mkdir(parents=True)
    for file, text in LIBRARY.items():
        (folder / "profiles" / file).write_text(text)


@contextlib.asynccontextmanager
async def node(broker: Broker, folder: Path, name: str = "cellar", extra: str = "") -> AsyncIterator[Path]:
    """A simulated daemon ``name`` (fermenter fv7, heat-cool, beer mode) with the test profile
    library in its profiles folder; yields its API socket."""
    with_library(folder)
    config = DAEMON_CONFIG.replace("{port}", str(broker.port)).replace('name = "cellar"', f'name = "{name}"')
    async with recording(broker, f"brewctl/{name}/fermenters/fv7/state") as states:
        daemon = await start_daemon(folder, config + extra, speed=60)
        try:
            await states.wait(f"brewctl/{name}/fermenters/fv7/state", within_s=60)  # a loaded CI machine
            yield folder / "api.sock"
        finally:
            if daemon.returncode is None:
                daemon.send_signal(signal.SIGTERM)
                await daemon.wait()


def fleet_app(broker: Broker, tmp_path: Path) -> BrewApp:
    """The fleet TUI on another machine: its own (empty) profiles folder, not the node's."""
    (tmp_path / "tui-profiles").mkdir()
    settings = Settings(where=f"MQTT {broker.port}", profiles_dir=tmp_path / "tui-profiles")
    return make_app(source=FleetSource(broker.host, broker.port), settings=settings)


async def on_node(socket: Path) -> FermenterStatus:
    """fv7 as the node itself says (its own API)."""
    async with ApiClient(socket) as api:
        return (await api.status()).fermenters["fv7"]


def shown(app: BrewApp) -> FermenterStatus:
    assert app.node is not None
    return app.node.fermenters[FID]


def notices(app: BrewApp) -> list[str]:
    return [n.message for n in app._notifications]


async def answer(pilot: Pilot[None], value: str) -> None:
    """Type ``value`` in the prompt, accept, and say yes."""
    prompt = await screen_of(pilot, PromptScreen)
    prompt.query_one(Input).value = value
    await pilot.press("enter")
    await screen_of(pilot, ConfirmScreen)
    await pilot.press("y")
    await until(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen))


async def yes(pilot: Pilot[None]) -> None:
    await screen_of(pilot, ConfirmScreen)
    await pilot.press("y")
    await until(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen))


def sent(recorder: Recorder, kind: str) -> list[dict[str, object]]:
    """The commands of ``kind`` seen on cellar fv7's command topic for the fleet's user."""
    bodies = [json.loads(m.payload) for m in recorder.on(COMMAND_TOPIC)]  # type: ignore[arg-type]
    return [b for b in bodies if b.get("kind") == kind]


async def test_mode_setpoints_and_a_note_reach_the_node(broker: Broker, recorder: Recorder, tmp_path: Path) -> None:
    async with node(broker, tmp_path / "cellar") as socket:
        app = fleet_app(broker, tmp_path)
        async with app.run_test(size=(160, 50)) as pilot:
            await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 1, what="cellar's card", timeout_s=30)

            await pilot.press("m")
            await screen_of(pilot, ChoiceScreen)
            await choose(app, pilot, "chamber")
            await yes(pilot)
            await until(pilot, lambda: shown(app).mode is Mode.CHAMBER, what="chamber mode shown", timeout_s=30)
            assert (await on_node(socket)).mode is Mode.CHAMBER
            assert sent(recorder, "set_mode")[-1]["mode"] == "chamber"
            assert f"{FID}: mode chamber" in notices(app)

            await pilot.press("c")
            await answer(pilot, "15.5")
            await until(pilot, lambda: shown(app).chamber_setpoint_c == 15.5, what="chamber setpoint", timeout_s=30)
            assert (await on_node(socket)).chamber_setpoint_c == 15.5
            assert sent(recorder, "set_chamber")[-1]["value_c"] == 15.5

            await pilot.press("m")
            await choose(app, pilot, "beer")
            await yes(pilot)
            await until(pilot, lambda: shown(app).mode is Mode.BEER, what="beer mode shown", timeout_s=30)
            assert (await on_node(socket)).mode is Mode.BEER
            # (the beer setpoint is shown, and held, in beer mode)
            await pilot.press("b")
            await answer(pilot, "17.5")
            await until(pilot, lambda: shown(app).beer_setpoint_c == 17.5, what="beer setpoint", timeout_s=30)
            assert (await on_node(socket)).beer_setpoint_c == 17.5
            assert sent(recorder, "set_beer")[-1]["value_c"] == 17.5

            # In °F the brewer types °F; the node gets °C.
            await pilot.press("u")
            await pilot.press("b")
            await answer(pilot, "64.4")
            await until(
                pilot, lambda: shown(app).beer_setpoint_c == pytest.approx(18.0), what="64.4 °F = 18 °C", timeout_s=30
            )
            assert (await on_node(socket)).beer_setpoint_c == pytest.approx(18.0)
            assert any("beer setpoint 64.4" in n for n in notices(app))

            # A note: kept in the node's own history, read back over MQTT in the fermenter's log.
            await pilot.press("n")
            prompt = await screen_of(pilot, PromptScreen)
            prompt.query_one(Input).value = "dry hopped 200 g Citra"
            await pilot.press("enter")
            await until(pilot, lambda: f"{FID}: note kept" in notices(app), what="the note kept", timeout_s=30)
            assert sent(recorder, "note")[-1]["text"] == "dry hopped 200 g Citra"
            async with ApiClient(socket) as api:
                kept = [e for e in await api.events(0.0, fermenter="fv7") if e.kind == "note"]
            assert [e.message for e in kept] == ["dry hopped 200 g Citra"]
            await pilot.press("enter")  # the chart, then its log
            await pilot.press("l")
            log_screen = await screen_of(pilot, EventLogScreen)
            await until(pilot, lambda: bool(log_screen.history), what="the remote log", timeout_s=30)
            assert not log_screen.problem
            lines = [
                str(log_screen.query_one(OptionList).get_option_at_index(i).prompt)
                for i in range(log_screen.query_one(OptionList).option_count)
            ]
            assert any("dry hopped 200 g Citra" in line for line in lines)


async def test_the_profile_lifecycle_reaches_the_node(broker: Broker, recorder: Recorder, tmp_path: Path) -> None:
    async with node(broker, tmp_path / "cellar") as socket:
        app = fleet_app(broker, tmp_path)
        async with app.run_test(size=(60, 20)) as pilot:  # the smallest terminal: one line per fermenter
            await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 1, what="cellar's card", timeout_s=30)

            def profile() -> object:
                return shown(app).profile

            await pilot.press("p")
            await screen_of(pilot, ChoiceScreen)
            assert options(app) == ["start"]
            await choose(app, pilot, "start")
            # The node's library (asked over MQTT), not the TUI machine's folder.
            await until(pilot, lambda: isinstance(app.screen, ChoiceScreen) and "dry-hop-ale" in options(app))
            await choose(app, pilot, "dry-hop-ale")
            question = await screen_of(pilot, ConfirmScreen)
            assert "Start Dry hop ale (3 steps) on fv7" in str(question.query_one("#question", Static).content)
            await yes(pilot)
            await until(pilot, lambda: profile() is not None, what="the profile running", timeout_s=30)
            running = (await on_node(socket)).profile
            assert running is not None and running.name == "Dry hop ale" and running.step_index == 0
            assert sent(recorder, "profile_start")[-1]["profile"] == "dry-hop-ale"

            for kind, done in (
                ("profile_pause", lambda p: p.paused),
                ("profile_resume", lambda p: not p.paused),
                ("profile_skip", lambda p: p.waiting_for_brewer),
            ):
                await pilot.press("p")
                await choose(app, pilot, kind)
                await yes(pilot)
                await until(pilot, lambda: done(shown(app).profile), what=kind, timeout_s=30)  # noqa: B023
                on = (await on_node(socket)).profile
                assert on is not None and done(on), kind
                assert sent(recorder, kind), kind

            await pilot.press("o")  # the shortcut for a waiting step
            question = await screen_of(pilot, ConfirmScreen)
            assert "Dry hop" in str(question.query_one("#question", Static).content)
            await pilot.press("y")
            await until(pilot, lambda: shown(app).profile.step_index == 2, what="step 3", timeout_s=30)  # type: ignore[union-attr]
            on = (await on_node(socket)).profile
            assert on is not None and on.step_index == 2 and not on.waiting_for_brewer

            await pilot.press("p")
            await choose(app, pilot, "profile_stop")
            await yes(pilot)
            await until(pilot, lambda: profile() is None, what="the profile stopped", timeout_s=30)
            assert (await on_node(socket)).profile is None


async def test_a_refused_command_shows_the_nodes_reason(broker: Broker, recorder: Recorder, tmp_path: Path) -> None:
    async with (
        node(broker, tmp_path / "cellar") as socket,
        node(broker, tmp_path / "locked", "locked", 'command_clients = ["brewer"]\n') as locked_socket,
    ):
        app = fleet_app(broker, tmp_path)
        async with app.run_test(size=(160, 50)) as pilot:
            await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 2, what="a card per node", timeout_s=30)
            # Profile mode with no profile loaded: the node refuses, the brewer reads why.
            await pilot.press("m")
            await choose(app, pilot, "profile")
            await yes(pilot)
            await until(
                pilot, lambda: any(n.startswith("Refused:") for n in notices(app)), what="refusal", timeout_s=30
            )
            refusal = next(n for n in notices(app) if n.startswith("Refused:"))
            assert "no profile is loaded" in refusal
            assert sent(recorder, "set_mode")[-1]["mode"] == "profile"  # it was sent, and answered
            assert (await on_node(socket)).mode is Mode.BEER and shown(app).mode is Mode.BEER

            # A node that takes commands only from its configured MQTT user refuses the fleet's.
            app._notifications.clear()
            await pilot.press("down")  # locked--fv7
            await pilot.press("b")
            await answer(pilot, "12.0")
            await until(
                pilot, lambda: any(n.startswith("Refused:") for n in notices(app)), what="refusal", timeout_s=30
            )
            refusal = next(n for n in notices(app) if n.startswith("Refused:"))
            assert "may not command locked" in refusal, refusal
            assert (await on_node(locked_socket)).beer_setpoint_c != 12.0
            assert app.node is not None and app.node.fermenters["locked--fv7"].beer_setpoint_c != 12.0
