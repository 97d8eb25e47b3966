"""A terminal that vanishes without SIGHUP must end the UI, not leave it spinning on a core."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from brewctl.tui.terminal import terminal_gone
from tests.tui.conftest import ROOT


def test_terminal_gone_sees_a_hang_up() -> None:
    controller, terminal = pty.openpty()
    try:
        assert not terminal_gone(terminal)
        os.close(controller)
        assert terminal_gone(terminal)
    finally:
        os.close(terminal)


def test_tui_quits_when_its_terminal_vanishes(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "brewctl", "tui", "--offline", "--profiles-dir", str(tmp_path)],
        stdin=terminal, stdout=terminal, stderr=terminal, cwd=ROOT, start_new_session=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )  # fmt: skip
    os.close(terminal)
    try:
        seen = b""
        deadline = time.monotonic() + 20
        while b"offline editing" not in seen and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.1)[0]:
                seen += os.read(controller, 65536)
        assert b"offline editing" in seen, "the UI never painted"
        os.close(controller)  # the terminal goes away; no SIGHUP (a new session has no controlling-tty hang-up)
        assert proc.wait(timeout=10) == 129
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_tui_without_a_terminal_refuses_at_once(tmp_path: Path) -> None:
    """stdin from /dev/null (cron, a pipe) used to leave the UI reading end-of-file at half a core, for ever."""
    proc = subprocess.run(
        [sys.executable, "-m", "brewctl", "tui", "--offline", "--profiles-dir", str(tmp_path)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT, timeout=20,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "brewctl tui needs a terminal" in proc.stderr and "Traceback" not in proc.stderr
