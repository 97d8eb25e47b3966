"""Shared by the TUI benchmarks: start a simulated daemon on a copy of the example config."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_daemon(folder: Path, speed: str = "60") -> tuple[subprocess.Popen[bytes], Path, Path]:
    """``brewctl run --simulate`` in ``folder``; returns the process, its config and its socket once it answers."""
    config = folder / "config.toml"
    shutil.copy(ROOT / "config.example.toml", config)
    sock = folder / "brewctl.sock"
    env = {**os.environ, "W1THERMSENSOR_NO_KERNEL_MODULE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "brewctl", "run", "--simulate", "--speed", speed, "--config", str(config),
         "--state-dir", str(folder / "state"), "--socket", str(sock)],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if sock.exists():
            with socket.socket(socket.AF_UNIX) as s:
                try:
                    s.connect(str(sock))
                    return proc, config, sock
                except OSError:
                    pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the simulated daemon did not start")
