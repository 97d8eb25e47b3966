"""``brewctl sim-fault PROBE stuck``: a simulated daemon's probe frozen from outside (issue #17,
"the simulator can inject a stuck probe"), through the real API and CLI."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from brewctl.config import Config
from brewctl.service import simulation_api
from brewctl.service.client import ApiClient
from brewctl.service.clock import ScaledClock
from tests.service.conftest import config, running, short_dir, sim_fault

__all__ = ["config", "short_dir"]

pytestmark = pytest.mark.faults


async def _until(check: Callable[[], bool], within_s: float = 10.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():  # noqa: ASYNC110 (the daemon's readings: nothing to wait on)
            await asyncio.sleep(0.02)


async def test_a_probe_stuck_from_outside_reads_flat_while_the_beer_moves(
    config: Config, tmp_path: Path, short_dir: Path
) -> None:
    socket = short_dir / "s"
    async with running(config, tmp_path, socket, clock=ScaledClock(100)) as daemon:
        assert daemon.rigs is not None
        rigs = daemon.rigs

        def beer() -> float | None:
            return daemon.reading("fv1_beer", daemon.clock.monotonic())

        def beer_reads(value: float) -> bool:
            return beer() == value

        done = await sim_fault(socket, "fv1_beer", "stuck", "--at", "25C")
        assert (done.returncode, done.stdout.strip()) == (
            0,
            "fv1_beer: stuck at 25.0 °C (the simulated beer goes on; `plug` mends it)",
        ), done.stderr
        await _until(lambda: beer_reads(25.0))
        true_beer = rigs.plants["fv1"].read()["beer"]
        assert true_beer is not None and abs(true_beer - 25.0) > 1.0  # the plant did not jump to 25
        seen: set[float] = set()
        for _ in range(25):  # 50 simulated seconds: still 25.0 (the plant's beer goes on)
            await asyncio.sleep(0.02)
            if (value := beer()) is not None:  # None: a staleness blip on a loaded machine
                seen.add(value)
        assert seen <= {25.0}  # never the plant's true beer

        async with ApiClient(socket) as api:
            refused = [
                await api.simulation_probe("fv1_beer", "stuck", 500.0),
                await api.simulation_probe("nosuch", "stuck"),
            ]
            frozen = await api.simulation_probe("fv1_chamber", "stuck")  # where it reads now
        assert [a["ok"] for a in refused] == [False, False]
        assert "outside what a DS18B20 reads" in refused[0]["error"] and "no probe named" in refused[1]["error"]
        assert frozen["ok"] is True and isinstance(frozen["stuck_c"], float)

        done = await sim_fault(socket, "fv1_beer", "plug")
        assert done.returncode == 0
        await _until(lambda: (value := beer()) is not None and value != 25.0)
        done = await sim_fault(socket, "fv1_beer", "unplug", "--at", "3")
        assert done.returncode == 2 and "--at: only with stuck" in done.stderr


async def test_a_half_sent_stuck_body_does_not_hold_the_connection(
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulation_api, "BODY_TIMEOUT_S", 0.3)
    socket = short_dir / "s"
    async with running(config, tmp_path, socket):
        reader, writer = await asyncio.open_unix_connection(str(socket))
        writer.write(b"POST /v1/simulation/probes/fv1_beer/stuck HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        await writer.drain()
        try:
            async with asyncio.timeout(5):
                answer = await reader.read(1000)
        finally:
            writer.close()
    assert answer.startswith(b"HTTP/1.1 400") and b"not received within" in answer
