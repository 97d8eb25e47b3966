"""Benchmark: how soon ``brewctl tui`` shows something after it is started (target: under 1 s).

Spawns ``python -m brewctl tui`` on a pseudo-terminal sized 80x24 against a simulated daemon
and reads what it writes, as a terminal would. Two figures per run, from the spawn:

- first paint: the first frame (the top bar) has been written;
- live data: the dashboard shows every fermenter with data from the daemon.

Usage: ``.venv/bin/python bench/tui_first_paint.py [--runs 7]``
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from _sim_daemon import start_daemon

ROOT = Path(__file__).resolve().parent.parent


def one_run(config: Path, sock: Path) -> tuple[float, float]:
    """Spawn the TUI on a fresh 80x24 pty; seconds to its first frame and to live data."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "brewctl", "tui", "--socket", str(sock), "--config", str(config)],
        stdin=terminal, stdout=terminal, stderr=terminal, cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    first_paint = live = 0.0
    try:
        while time.perf_counter() - start < 30 and not live:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                continue
            try:
                seen += os.read(controller, 65536)
            except OSError:
                break
            now = time.perf_counter() - start
            if not first_paint and b"brewctl" in seen:
                first_paint = now
            if b"FV3 jacketed" in seen and b"live" in seen:
                live = now
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        os.close(controller)
    if not live:
        raise SystemExit("the dashboard never showed live data")
    return first_paint, live


def cli_only() -> float:
    """Seconds for ``python -m brewctl --version``: the interpreter and the CLI's imports, no TUI."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "brewctl", "--version"], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="brewctl-tui-bench-") as tmp:
        proc, config, sock = start_daemon(Path(tmp))
        try:
            one_run(config, sock)  # warm the file cache (imports), as any second start would be
            results = [one_run(config, sock) for _ in range(args.runs)]
            cli = [cli_only() for _ in range(args.runs)]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    paints = [r[0] for r in results]
    lives = [r[1] for r in results]
    load = os.getloadavg()[0]
    print(f"brewctl tui on an 80x24 pty, {args.runs} runs after one warm-up, seconds from spawn (load {load:.1f})")
    print("  (--version: the same interpreter start and CLI imports, without the TUI)")
    for name, values in (("first paint", paints), ("live data", lives), ("--version", cli)):
        print(f"  {name:<12} median {statistics.median(values):.2f}  min {min(values):.2f}  max {max(values):.2f}")


if __name__ == "__main__":
    main()
