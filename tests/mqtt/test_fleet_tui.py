"""The fleet TUI (``brewctl tui --mqtt``) over two real simulated daemons on one mosquitto."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path

from textual.widgets import Input

from brewctl.config import Mode
from brewctl.model import SetMode
from brewctl.service.client import ApiClient
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.confirm_screen import ConfirmScreen
from brewctl.tui.dashboard_screen import DashboardScreen
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fermenter_screen import FermenterScreen
from brewctl.tui.fleet_source import FleetSource, NodeHeader
from brewctl.tui.prompt_screen import PromptScreen
from tests.mqtt.conftest import DAEMON_CONFIG, Broker, Recorder, start_daemon
from tests.tui.conftest import screen_of, until

NODES = ("cellar", "freezers")


@contextlib.asynccontextmanager
async def two_nodes(
    broker: Broker, recorder: Recorder, tmp_path: Path
) -> AsyncIterator[dict[str, asyncio.subprocess.Process]]:
    """``cellar`` and ``freezers``, one heat-cool fermenter ``fv7`` each; cellar watches the others."""
    daemons: dict[str, asyncio.subprocess.Process] = {}
    try:
        for node in NODES:
            config = DAEMON_CONFIG.replace("{port}", str(broker.port)).replace('name = "cellar"', f'name = "{node}"')
            if node == "cellar":
                config += 'watch_nodes = ["*"]\n'
            (tmp_path / node).mkdir()
            daemons[node] = await start_daemon(tmp_path / node, config)
        for node in NODES:
            await recorder.wait(f"brewctl/{node}/fermenters/fv7/state", within_s=60)  # a loaded CI machine
        yield daemons
    finally:
        for d in daemons.values():
            if d.returncode is None:
                d.send_signal(signal.SIGTERM)
                await d.wait()


def _fleet_app(broker: Broker) -> BrewApp:
    return make_app(source=FleetSource(broker.host, broker.port), settings=Settings(where=f"MQTT {broker.port}"))


async def _beer_setpoint(socket: Path) -> float | None:
    async with ApiClient(socket) as api:
        return (await api.status()).fermenters["fv7"].beer_setpoint_c


async def test_the_fleet_tui_changes_a_setpoint_on_each_node(
    broker: Broker, recorder: Recorder, tmp_path: Path
) -> None:
    async with two_nodes(broker, recorder, tmp_path):
        app = _fleet_app(broker)
        async with app.run_test(size=(160, 50)) as pilot:
            await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 2, what="a card per node", timeout_s=30)
            headers = [str(h.content) for h in app.screen.query(NodeHeader)]
            assert headers == ["■ cellar: 1 fermenter, online", "■ freezers: 1 fermenter, online"]
            for index, (node, value) in enumerate((("cellar", "17.5"), ("freezers", "12.0"))):
                await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
                if index:
                    await pilot.press("down")
                await pilot.press("b")
                prompt = await screen_of(pilot, PromptScreen)
                prompt.query_one(Input).value = value
                await pilot.press("enter")
                await screen_of(pilot, ConfirmScreen)
                await pilot.press("y")
                fid = f"{node}--fv7"
                await until(
                    pilot,
                    lambda: app.node is not None and app.node.fermenters[fid].beer_setpoint_c == float(value),  # noqa: B023
                    what=f"{fid} at {value}",
                    timeout_s=30,
                )
                # The reply was shown, and the node itself has it (not only the fleet's view).
                assert any(f"{fid}: beer setpoint" in n.message for n in app._notifications)
                assert await _beer_setpoint(tmp_path / node / "api.sock") == float(value)
            # The chart of a remote fermenter: its history comes from its own node, over MQTT.
            await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
            await pilot.press("enter")  # freezers--fv7 is selected
            chart = await screen_of(pilot, FermenterScreen)
            await until(pilot, lambda: chart.history_loaded, what="the remote history", timeout_s=30)
            assert chart.fid == "freezers--fv7" and not chart.history_problem


async def test_a_killed_node_shows_offline_and_its_peer_raises_the_alarm(
    broker: Broker, recorder: Recorder, tmp_path: Path
) -> None:
    async with two_nodes(broker, recorder, tmp_path) as daemons:
        app = _fleet_app(broker)
        async with app.run_test(size=(60, 20)) as pilot:  # the smallest terminal: one line per fermenter
            await until(pilot, lambda: len(app.screen.query(FermenterCard)) == 2, what="a card per node", timeout_s=30)
            daemons["freezers"].send_signal(signal.SIGKILL)  # no goodbye: the broker sends its last will
            await daemons["freezers"].wait()
            header = app.screen.query_one("#node-freezers", NodeHeader)
            await until(pilot, lambda: "OFFLINE" in str(header.content), what="freezers offline", timeout_s=30)
            card = app.screen.query_one("#card-freezers--fv7", FermenterCard)
            assert card.has_class("-stale") and card.stale_s is not None  # last values, dimmed with their age
            assert not app.screen.query_one("#card-cellar--fv7", FermenterCard).has_class("-stale")
            assert any(a.code == "controller_offline" for a in card.status.alarms)
            # The other node saw the last will too (watch_nodes) and says so in its own status.
            await until(
                pilot,
                lambda: app.node is not None and any(a.code == "node_freezers_offline" for a in app.node.alarms),
                what="cellar's node_freezers_offline alarm",
                timeout_s=30,
            )
            async with ApiClient(tmp_path / "cellar" / "api.sock") as api:
                assert "node_freezers_offline" in {a.code for a in (await api.status()).alarms}
            # Commands to the dead node are not sent into the void.
            assert app.source is not None
            result = await app.source.command("freezers--fv7", SetMode(mode=Mode.OFF))
            assert result.ok is False and "offline" in (result.error or "")
