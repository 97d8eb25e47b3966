"""Resident memory and CPU of ``brewctl run --simulate --speed 1`` with 4 fermenters.

Targets: RSS <= 50 MB (issue 13; it was 60 MB), under 1% of one core at a 5 s probe period.
The RSS is split into its anonymous part (the process's own heap: Python objects, code, the
libraries' data) and the part mapped from files (the interpreter's and the libraries' machine
code, which the kernel shares between processes and can drop). Run by hand:

    .venv/bin/python bench/daemon_resources.py [--duration 150] [--warmup 15]

It starts the daemon on a temporary config, state dir and socket, waits ``--warmup`` seconds,
then samples /proc for ``--duration`` seconds and prints peak RSS and mean CPU.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """
[node]
name = "bench"
probe_period_s = 5

[probes.b1]
id = "28-00000000b001"
[probes.c1]
id = "28-00000000c001"
[probes.b2]
id = "28-00000000b002"
[probes.c2]
id = "28-00000000c002"
[probes.b3]
id = "28-00000000b003"
[probes.b4]
id = "28-00000000b004"
[probes.room]
id = "28-00000000a000"

[outputs.h1]
kind = "ssr"
pin = 17
[outputs.k1]
kind = "relay"
pin = 6
active_high = false
[outputs.h2]
kind = "ssr"
pin = 12
[outputs.k2]
kind = "relay"
pin = 13
active_high = false
[outputs.g3]
kind = "solenoid"
pin = 16
[outputs.v4]
kind = "motorized-valve"
open_pin = 20
close_pin = 21
travel_s = 15

[fermenters.fv1]
rig = "heat-cool"
beer_probe = "b1"
chamber_probe = "c1"
room_probe = "room"
heater = "h1"
cooler = "k1"
mode = "beer"
beer_setpoint_c = 18.0

[fermenters.fv2]
rig = "heat-cool"
beer_probe = "b2"
chamber_probe = "c2"
heater = "h2"
cooler = "k2"
mode = "beer"
beer_setpoint_c = 21.0

[fermenters.fv3]
rig = "glycol"
beer_probe = "b3"
valve = "g3"
mode = "beer"
beer_setpoint_c = 12.0

[fermenters.fv4]
rig = "valve"
beer_probe = "b4"
valve = "v4"
mode = "beer"
beer_setpoint_c = 16.0
"""


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _memory_mb(pid: int) -> dict[str, float]:
    """VmRSS, RssAnon and RssFile of /proc/PID/status, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "RssAnon", "RssFile")}


def _rss_mb(pid: int) -> float:
    return _memory_mb(pid)["VmRSS"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=150.0, help="seconds to measure")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds to let it settle first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="brewctl-bench-") as tmp:
        folder = Path(tmp)
        (folder / "config.toml").write_text(CONFIG)
        env = {**os.environ, "W1THERMSENSOR_NO_KERNEL_MODULE": "1"}
        cmd = [
            sys.executable, "-m", "brewctl", "run", "--simulate", "--speed", "1",
            "--config", str(folder / "config.toml"), "--state-dir", str(folder / "state"),
            "--socket", str(folder / "api.sock"),
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(args.warmup)
            if proc.poll() is not None:
                print(proc.stderr.read() if proc.stderr else "", file=sys.stderr)
                return 1
            t0, c0 = time.monotonic(), _cpu_s(proc.pid)
            peak = _rss_mb(proc.pid)
            while time.monotonic() - t0 < args.duration:
                time.sleep(1.0)
                peak = max(peak, _rss_mb(proc.pid))
            t1, c1 = time.monotonic(), _cpu_s(proc.pid)
            final = _rss_mb(proc.pid)
            parts = _memory_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(15)
    cpu = (c1 - c0) / (t1 - t0) * 100
    print(f"4 fermenters, 5 s period, {t1 - t0:.0f} s measured after {args.warmup:.0f} s warm-up")
    print(f"RSS: peak {peak:.1f} MB, final {final:.1f} MB (target <= 50 MB)")
    print(f"     at the end: anonymous {parts['RssAnon']:.1f} MB, mapped from files {parts['RssFile']:.1f} MB")
    print(f"CPU: {cpu:.2f}% of one core (target < 1%)")
    print(f"exit code after SIGTERM: {code}")
    return 0 if peak <= 50 and cpu < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
