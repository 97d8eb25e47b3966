"""In-process daemons for the service tests: the real daemon, simulated rigs, a scaled clock."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from brewctl.config import Config, load_config
from brewctl.service.clock import Clock, ScaledClock
from brewctl.service.daemon import Daemon, DaemonOptions
from brewctl.service.hub import Component

CONFIG = """
[node]
name = "testnode"
probe_period_s = 5
stale_after_s = 30
profiles_dir = "profiles"

[probes.fv1_beer]
id = "28-000000000001"
[probes.fv1_chamber]
id = "28-000000000002"
[probes.fv2_beer]
id = "28-000000000003"

[outputs.fv1_heat]
kind = "ssr"
pin = 18
period_s = 10
[outputs.fv1_cool]
kind = "relay"
pin = 17
active_high = false
[outputs.fv2_heat]
kind = "relay"
pin = 22

[fermenters.fv1]
name = "FV1"
rig = "heat-cool"
beer_probe = "fv1_beer"
chamber_probe = "fv1_chamber"
heater = "fv1_heat"
cooler = "fv1_cool"
mode = "beer"
beer_setpoint_c = 19.0
[fermenters.fv1.guards]
cool_min_off_s = 0
cool_min_on_s = 0
heat_min_off_s = 0
heat_min_on_s = 0
heat_cool_dead_time_s = 0

[fermenters.fv2]
name = "FV2"
rig = "heat-only"
beer_probe = "fv2_beer"
heater = "fv2_heat"
mode = "off"
[fermenters.fv2.guards]
heat_min_off_s = 0
heat_min_on_s = 0
heat_cool_dead_time_s = 0
"""

PROFILE = """
name = "Test ale"
[[steps]]
name = "primary"
type = "hold"
temperature = 18
duration = "{step}"
[[steps]]
name = "rest"
type = "hold"
temperature = 21
duration = "{step}"
[[steps]]
name = "crash"
type = "hold"
temperature = 2
duration = "{step}"
"""


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short folder for Unix sockets (their paths are limited to ~100 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="bc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def write_config(folder: Path, extra: str = "", *, step: str = "1h") -> Path:
    """A config file with two fermenters and a profile library holding 'test-ale'."""
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    (folder / "profiles" / "test-ale.toml").write_text(PROFILE.format(step=step))
    path = folder / "config.toml"
    path.write_text(textwrap.dedent(CONFIG) + extra)
    return path


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path))


@asynccontextmanager
async def running(
    config: Config,
    state_dir: Path,
    socket: Path,
    *,
    clock: Clock | None = None,
    components: list[Component] | None = None,
) -> AsyncIterator[Daemon]:
    """Run a simulated daemon in this event loop until the block ends (then stop it cleanly)."""
    daemon = Daemon(
        config,
        DaemonOptions(simulate=True, state_dir=state_dir, socket_path=socket, install_signal_handlers=False),
        clock=clock or ScaledClock(100),
        components=components or [],
    )
    task = asyncio.create_task(daemon.run())
    ready = asyncio.create_task(daemon.ready.wait())
    await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        task.result()  # raises what went wrong
    assert daemon.ready.is_set(), "daemon not ready within 10 s"
    try:
        yield daemon
    finally:
        daemon.request_stop()
        # Not wait_for: on a timeout it waits for the cancelled task too, possibly forever.
        done, _ = await asyncio.wait({task}, timeout=10)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=5)
            raise AssertionError("the daemon did not stop within 10 s of request_stop()")
        task.result()


async def wait_until(predicate, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Poll ``predicate()`` until true (real time), failing after ``timeout_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def sim_fault(socket: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``brewctl sim-fault ARGS --socket SOCKET`` as a brewer runs it (off the event loop)."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "brewctl", "sim-fault", *args, "--socket", str(socket)],
        capture_output=True,
        text=True,
        timeout=30,
    )
