"""Benchmark: what ``brewctl tui`` costs while it sits on the dashboard (idle CPU, memory).

Starts a simulated daemon (``--speed 1`` and ``--speed 60``), spawns ``python -m brewctl tui``
on an 80x24 (or ``--size``) pseudo-terminal, drains what it writes as a terminal would, lets it
settle, then measures over ``--seconds``: CPU time used by the TUI process (user + system, from
``/proc/PID/stat``) as a share of one core, and its resident memory (VmRSS) at the start and the
end of the window (a growing figure is a leak).

Usage: ``.venv/bin/python bench/tui_resources.py [--seconds 60] [--size 80x24] [--speed 1 60]``
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from _sim_daemon import start_daemon

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def drain(fd: int, seconds: float) -> None:
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def measure(
    config: Path, sock: Path, columns: int, rows: int, settle_s: float, seconds: float
) -> tuple[float, float, float]:
    """``(CPU share of a core, RSS MB after settling, RSS MB at the end)``."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "brewctl", "tui", "--socket", str(sock), "--config", str(config)],
        stdin=terminal, stdout=terminal, stderr=terminal, cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    try:
        drain(controller, settle_s)
        cpu0, rss0, t0 = cpu_s(proc.pid), rss_mb(proc.pid), time.monotonic()
        drain(controller, seconds)
        cpu1, rss1, t1 = cpu_s(proc.pid), rss_mb(proc.pid), time.monotonic()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        os.close(controller)
    return (cpu1 - cpu0) / (t1 - t0), rss0, rss1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--speed", nargs="+", default=["1", "60"])
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.split("x"))
    print(f"load average {os.getloadavg()[0]:.1f}; {columns}x{rows}; {args.seconds:g} s after {args.settle:g} s")
    for speed in args.speed:
        with tempfile.TemporaryDirectory() as tmp:
            daemon, config, sock = start_daemon(Path(tmp), speed)
            try:
                cpu, rss0, rss1 = measure(config, sock, columns, rows, args.settle, args.seconds)
            finally:
                daemon.terminate()
                daemon.wait(timeout=15)
        print(f"daemon --speed {speed:>3}: CPU {cpu:.1%} of a core, RSS {rss0:.1f} MB -> {rss1:.1f} MB")


if __name__ == "__main__":
    main()
