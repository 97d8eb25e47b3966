"""End to end in a real terminal: ``brewctl tui`` under tmux at 80x24, as a brewer on SSH sees it."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.tui.conftest import ROOT, Daemon

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (scripts/test installs it)")


class Tmux:
    """A private tmux server (its own socket) with one 80x24 session."""

    def __init__(self, folder: Path) -> None:
        self.socket = folder / "tmux.sock"

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-S", str(self.socket), *args], check=True, capture_output=True, text=True)
        return out.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "tui")

    def wait_for(self, check: Callable[[str], bool], timeout_s: float = 15.0) -> str:
        deadline = time.monotonic() + timeout_s
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"the screen never matched; it shows:\n{text}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    t = Tmux(tmp_path)
    yield t
    subprocess.run(["tmux", "-S", str(t.socket), "kill-server"], capture_output=True, check=False)


def test_brewer_sees_the_dashboard_chart_and_quits(daemon: Daemon, tmux: Tmux) -> None:
    command = shlex.join(
        [sys.executable, "-m", "brewctl", "tui", "--socket", str(daemon.socket), "--config", str(daemon.config)]
    )
    tmux.run(
        "new-session", "-d", "-s", "tui", "-x", "80", "-y", "24", "-c", str(ROOT),
        f"{command}; echo TUI-EXIT=$?; sleep 60",
    )  # fmt: skip
    screen = tmux.wait_for(lambda s: "FV3 jacketed, ball valve" in s and "live" in s and "Chart" in s)
    lines = screen.splitlines()
    assert len(lines) == 24
    assert all(len(line) <= 80 for line in lines)
    assert "brewery-pi · SIMULATED" in lines[0]
    assert "FV1 chest freezer (fv1)" in screen and "FV2 glycol conical (fv2)" in screen
    assert "Beer 2" in screen or "Beer 1" in screen  # a real reading, in °C
    assert "Cool off" in screen or "Cool 100%" in screen
    footer = lines[-1]
    for key in ("Chart", "Mode", "Beer°", "Profile", "Quit"):
        assert key in footer

    tmux.run("send-keys", "-t", "tui", "Enter")
    screen = tmux.wait_for(lambda s: "last 24 h" in s and "Zoom" in s.splitlines()[-1])
    assert "Back" in screen.splitlines()[-1]
    assert "FV1 chest freezer (fv1)" in screen and "FV2" not in screen
    tmux.run("send-keys", "-t", "tui", "z")
    tmux.wait_for(lambda s: "last 7 d" in s)

    tmux.run("send-keys", "-t", "tui", "Escape")
    tmux.wait_for(lambda s: "FV3 jacketed" in s)
    tmux.run("send-keys", "-t", "tui", "q")
    tmux.wait_for(lambda s: "TUI-EXIT=0" in s)


def test_brewer_sees_a_lost_daemon_and_the_reconnection(own_daemon: Daemon, tmux: Tmux) -> None:
    """At 80 columns the red bar still says it is lost, that it retries, and why."""
    command = shlex.join([sys.executable, "-m", "brewctl", "tui", "--socket", str(own_daemon.socket)])
    tmux.run(
        "new-session", "-d", "-s", "tui", "-x", "80", "-y", "24", "-c", str(ROOT),
        f"{command}; echo TUI-EXIT=$?; sleep 60",
    )  # fmt: skip
    tmux.wait_for(lambda s: "FV3 jacketed, ball valve" in s and "live" in s.splitlines()[0])

    own_daemon.kill()
    screen = tmux.wait_for(lambda s: "CONNECTION LOST" in s and "not running" in s)
    lines = screen.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert "retrying in" in screen  # it used to be cut off at the 80th column
    assert "FV1 chest freezer (fv1)" in screen  # the last known cards stay

    own_daemon.start()
    tmux.wait_for(lambda s: "live" in s.splitlines()[0] and "CONNECTION LOST" not in s, timeout_s=20)
    tmux.run("send-keys", "-t", "tui", "q")
    tmux.wait_for(lambda s: "TUI-EXIT=0" in s)


def _start(tmux: Tmux, daemon: Daemon, columns: int, rows: int) -> None:
    command = shlex.join(
        [sys.executable, "-m", "brewctl", "tui", "--socket", str(daemon.socket), "--config", str(daemon.config)]
    )
    # COLUMNS/LINES inherited from the shell that started tmux (80x24 here) would win over the
    # pane's real size in Python's shutil.get_terminal_size, which Textual asks.
    tmux.run(
        "new-session", "-d", "-s", "tui", "-x", str(columns), "-y", str(rows), "-c", str(ROOT),
        f"env -u COLUMNS -u LINES {command}; echo TUI-EXIT=$?; sleep 60",
    )  # fmt: skip


def test_60x20_is_one_line_per_fermenter_and_arrows_select(daemon: Daemon, tmux: Tmux) -> None:
    _start(tmux, daemon, 60, 20)
    screen = tmux.wait_for(lambda s: "▶ FV1" in s and "FV3" in s and "live" in s)
    lines = screen.splitlines()
    assert all(len(line) <= 60 for line in lines)
    fermenter_lines = [line for line in lines if line[2:5] in {"FV1", "FV2", "FV3"}]
    assert [line[2:5] for line in fermenter_lines] == ["FV1", "FV2", "FV3"]  # one line each
    for key in ("Down", "Down", "Down", "Up"):
        tmux.run("send-keys", "-t", "tui", key)
    screen = tmux.wait_for(lambda s: "▶ FV2" in s)
    assert "▶ FV1" not in screen and "▶ FV3" not in screen
    tmux.run("send-keys", "-t", "tui", "q")
    tmux.wait_for(lambda s: "TUI-EXIT=0" in s)


def test_160x50_puts_the_fermenters_side_by_side_with_a_sparkline(daemon: Daemon, tmux: Tmux) -> None:
    _start(tmux, daemon, 160, 50)
    screen = tmux.wait_for(lambda s: "FV3 jacketed" in s and "live" in s and any(c in s for c in "▁▂▃▄▅▆▇█"))
    titles = next(line for line in screen.splitlines() if "FV1 chest freezer" in line)
    assert "FV2 glycol conical" in titles and "FV3 jacketed" in titles  # one row of cards
    assert "╔═ ▶ FV1" in titles  # the selected card: a marker and a double border
    tmux.run("send-keys", "-t", "tui", "q")
    tmux.wait_for(lambda s: "TUI-EXIT=0" in s)
