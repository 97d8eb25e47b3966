"""Probe faults in the daemon: a read stuck in the kernel under ``--simulate --speed 600``."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

import pytest

from brewctl.config import Config
from brewctl.service.clock import ScaledClock
from tests.service.conftest import config, running, short_dir

__all__ = ["config", "short_dir"]

pytestmark = pytest.mark.faults


async def test_a_stuck_read_at_600x_does_not_make_the_healthy_probes_stale(
    config: Config, tmp_path: Path, short_dir: Path
) -> None:
    """Defect 9: the 5 s read timeout is in clock seconds (8 ms at 600x), not 50 simulated minutes."""
    async with running(config, tmp_path, short_dir / "s", clock=ScaledClock(600)) as daemon:
        assert daemon.rigs is not None and daemon.hub is not None
        daemon.rigs.unplug("fv1_beer")
        folder = daemon.rigs.w1_directory / config.probes["fv1_beer"].id
        folder.mkdir(exist_ok=True)
        fifo = folder / "w1_slave"
        os.mkfifo(fifo)
        try:
            with daemon.hub.subscribe_events() as events:
                lost: list[str] = []

                async def watch() -> None:
                    async for event in events:
                        if event.kind == "alarm" and event.fermenter == "fv2":
                            lost.append(event.message)

                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1.5):  # 15 simulated minutes
                        await watch()
            assert lost == []
            assert daemon.reading("fv2_beer", daemon.clock.monotonic()) is not None
        finally:
            # Release the thread blocked on the FIFO: a writer that opens and closes it.
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
