"""The simulation fault API end to end: ``brewctl sim-fault`` unplugs a probe of a real simulated
daemon, the alarm reaches MQTT, and a killed daemon's scratch folder does not outlive it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

from brewctl.errors import TransientError
from brewctl.service import http
from brewctl.service.api import ApiServer
from brewctl.service.client import ApiClient
from brewctl.service.hub import Hub
from brewctl.service.sim_workdir import PREFIX, remove_stale
from brewctl.service.simulation_api import simulation_routes
from tests.mqtt.conftest import DAEMON_CONFIG, Broker, Recorder, start_daemon, until
from tests.service.conftest import sim_fault


async def _alarms(socket: Path) -> set[str]:
    try:
        async with ApiClient(socket) as api:
            status = await api.status()
    except TransientError:
        return set()
    return {a.code for a in status.fermenters["fv7"].alarms}


async def _wait_alarms(socket: Path, present: bool, code: str, within_s: float = 20.0) -> None:
    async with asyncio.timeout(within_s):
        while (code in await _alarms(socket)) != present:  # noqa: ASYNC110 (another process)
            await asyncio.sleep(0.1)


async def test_sim_fault_unplugs_a_probe_and_the_alert_goes_out(
    broker: Broker, recorder: Recorder, tmp_path: Path
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    socket = tmp_path / "api.sock"
    daemon = await start_daemon(tmp_path, DAEMON_CONFIG.replace("{port}", str(broker.port)), speed=10, tmpdir=scratch)
    try:
        await recorder.json("brewctl/cellar/fermenters/fv7/state", within_s=60)
        [workdir] = scratch.glob(PREFIX + "*")
        assert workdir.name.startswith(f"{PREFIX}{daemon.pid}-")

        done = await sim_fault(socket, "beer", "unplug")
        assert (done.returncode, done.stdout.strip()) == (0, "beer: unplugged")
        await _wait_alarms(socket, True, "beer_probe_lost")
        alert = await recorder.json(
            "brewctl/cellar/alerts", where=lambda p: b'"beer_probe_lost"' in p and b'"raised"' in p, within_s=20
        )
        assert alert["fermenter"] == "fv7"

        done = await sim_fault(socket, "nosuch", "unplug")
        assert done.returncode == 1 and "no probe named 'nosuch'" in done.stderr

        done = await sim_fault(socket, "beer", "plug")
        assert (done.returncode, done.stdout.strip()) == (0, "beer: plugged back in")
        await _wait_alarms(socket, False, "beer_probe_lost")
    finally:
        if daemon.returncode is None:
            daemon.send_signal(signal.SIGKILL)  # cannot be caught: the folder stays...
            await daemon.wait()
    assert [workdir] == list(scratch.glob(PREFIX + "*"))
    again = await start_daemon(tmp_path, DAEMON_CONFIG.replace("{port}", str(broker.port)), speed=10, tmpdir=scratch)
    try:  # ...until the next simulated daemon starts
        await until(lambda: not workdir.exists() and len(list(scratch.glob(PREFIX + "*"))) == 1, within_s=20)
    finally:
        again.send_signal(signal.SIGTERM)  # a clean stop removes its own
        await again.wait()
    assert list(scratch.glob(PREFIX + "*")) == []


async def test_a_daemon_that_is_not_simulated_refuses_faults(tmp_path: Path) -> None:
    hub = Hub("pi1")
    hub.extra["daemon"] = object()  # a daemon on real hardware: no simulated rigs
    socket = tmp_path / "api.sock"
    async with ApiServer(http.App(simulation_routes(hub)), socket):
        async with ApiClient(socket) as api:
            answer = await api.simulation_probe("beer", "unplug")
        assert answer["ok"] is False and answer["error"].startswith("not a simulated daemon")
        done = await sim_fault(socket, "beer", "unplug")
        assert done.returncode == 1 and "not a simulated daemon" in done.stderr


def test_only_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_path / f"{PREFIX}{gone.pid}-abc"
    mine = tmp_path / f"{PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{PREFIX}notapid"
    for d in (stale, mine, other):
        (d / "devices").mkdir(parents=True)
    assert remove_stale(tmp_path) == [stale]
    assert mine.exists() and other.exists()
