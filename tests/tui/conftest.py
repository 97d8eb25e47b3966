"""A real simulated daemon for the TUI tests: ``python -m brewctl run --simulate --speed 60``.

It runs on a copy of ``config.example.toml`` in a temporary folder (with its own state
folder, socket and a small profile library), so the tests drive exactly what a brewer
drives. ``Daemon.kill()`` and ``Daemon.start()`` drop and restore the connection.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from brewctl.config import Mode
from brewctl.model import FermenterStatus, NodeStatus, OutputStatus
from brewctl.recorder.history import HISTORY_FILE, HistoryStore
from brewctl.recorder.recording import HistoryRecording
from brewctl.tui.app import BrewApp, Settings, make_app
from brewctl.tui.step_form_screen import StepFormScreen

ROOT = Path(__file__).resolve().parents[2]
ScreenT = TypeVar("ScreenT", bound=Screen[object])

LIBRARY = {
    "dry-hop-ale.toml": """\
name = "Dry hop ale"
description = "For the TUI tests: hold, wait for the dry hops, hold."

[[steps]]
type = "hold"
name = "Primary"
temperature = 19
duration = "2d"

[[steps]]
type = "wait_for_brewer"
name = "Dry hop"
temperature = 19
message = "add the dry hops"

[[steps]]
type = "hold"
name = "Condition"
temperature = 20
duration = "3d"
""",
}


def seed_history(path: Path, end_s: float, hours: float = 30.0) -> int:
    """Write ``hours`` of FV1 history ending at ``end_s`` through the recorder's own store.

    Every 5 minutes; the beer swings around 19 degC, the heater runs in the first half of each
    hour and the cooler in the last quarter, so the chart has lines and output periods to draw.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    store = HistoryStore(path)
    store.open()
    recording = HistoryRecording()
    start = end_s - hours * 3600
    n = int(hours * 12)
    for i in range(n):
        ts = start + i * 300
        minute = (i * 5) % 60
        heat = 0.6 if minute < 30 else 0.0
        cool = 1.0 if minute >= 45 else 0.0
        fv1 = FermenterStatus(
            id="fv1", name="FV1 chest freezer", mode=Mode.BEER, beer_c=19 + 0.5 * math.sin(i / 12), chamber_c=17.5,
            beer_setpoint_c=19.0, chamber_setpoint_c=17.0, updated_s=ts,
            outputs=(
                OutputStatus(role="heat", value=heat, active=heat > 0),
                OutputStatus(role="cool", value=cool, active=cool > 0),
            ),
        )  # fmt: skip
        recording.add_status(NodeStatus(node="brewery-pi", version="test", fermenters={"fv1": fv1}))
    store.write(recording.take_final())
    store.close()
    return n


class Daemon:
    """One ``brewctl run --simulate`` process on a private socket; restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config = folder / "config.toml"
        self.state_dir = folder / "state"
        self.socket = folder / "brewctl.sock"
        self.log = folder / "daemon.log"
        self.proc: subprocess.Popen[bytes] | None = None
        shutil.copy(ROOT / "config.example.toml", self.config)
        (folder / "profiles").mkdir(exist_ok=True)
        (folder / "recipes").mkdir(exist_ok=True)
        for name, text in LIBRARY.items():
            (folder / "profiles" / name).write_text(text)
        self.seeded_rows = seed_history(self.state_dir / HISTORY_FILE, end_s=time.time())

    def start(self, timeout_s: float = 15.0) -> None:
        """Start it and wait until the socket answers."""
        assert self.proc is None
        env = {**os.environ, "W1THERMSENSOR_NO_KERNEL_MODULE": "1"}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "brewctl", "run", "--simulate", "--speed", "60",
                 "--config", str(self.config), "--state-dir", str(self.state_dir), "--socket", str(self.socket)],
                cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            if self._answers():
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"daemon did not open {self.socket} within {timeout_s} s:\n{self.log.read_text()[-3000:]}")

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(str(self.socket))
            except OSError:
                return False
        return True

    def kill(self) -> None:
        """Drop it hard (SIGKILL): no goodbye on the stream."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None
        self.socket.unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop it cleanly (SIGTERM), as systemd would."""
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture(scope="session")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """A simulated daemon shared by the TUI tests (each leaves the fermenters usable for the next)."""
    d = Daemon(tmp_path_factory.mktemp("daemon"))
    d.start()
    yield d
    d.stop()


@pytest.fixture
def own_daemon(tmp_path: Path) -> Iterator[Daemon]:
    """A daemon for one test (that kills it)."""
    d = Daemon(tmp_path)
    d.start()
    yield d
    d.stop()


def app_for(daemon: Daemon) -> BrewApp:
    """The TUI as ``brewctl tui --socket ...`` builds it, with a quick reconnect for the tests."""
    settings = Settings(
        profiles_dir=daemon.folder / "profiles",
        recipes_dir=daemon.folder / "recipes",
        backoff_first_s=0.1,
        backoff_max_s=0.5,
    )
    return make_app(socket_path=daemon.socket, settings=settings)


def screen_text(app: BrewApp) -> str:
    """What the terminal shows, as text: the compositor's frame, as ``App.export_screenshot`` takes it."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def until(pilot: Pilot[None], predicate: Callable[[], bool], timeout_s: float = 10.0, what: str = "") -> None:
    """Let the app run until ``predicate()`` holds (the daemon works in its own time)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.05)


Waiter = Callable[[Pilot[None], Callable[[], bool]], Awaitable[None]]


async def screen_of(pilot: Pilot[None], cls: type[ScreenT], timeout_s: float = 10.0) -> ScreenT:
    """Wait until the app shows a screen of type ``cls`` (actions open their dialogs from workers)."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, cls), timeout_s, what=f"a {cls.__name__}")
    screen = app.screen
    assert isinstance(screen, cls)
    return screen


async def new_hold_until_form(pilot: Pilot[None]) -> StepFormScreen:
    """In a new profile "Ale", add a step and choose "hold until": the step form."""
    from textual.widgets import Select

    from brewctl.tui.profile_draft import ProfileDraft
    from brewctl.tui.profile_editor_screen import ProfileEditorScreen

    await pilot.app.push_screen(ProfileEditorScreen(ProfileDraft.new("Ale")))
    await pilot.pause()
    await pilot.press("a")
    form = await screen_of(pilot, StepFormScreen)
    form.query_one("#type", Select).value = "hold_until"
    await pilot.pause()
    return form
