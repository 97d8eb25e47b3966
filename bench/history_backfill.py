"""Backfill after an outage: one day of 10 fermenters at 5 s, from the outbox to VictoriaMetrics.

Target: under 60 s, with the event loop (which runs control in the daemon) never blocked more
than 100 ms meanwhile. Run by hand (needs the ``victoria-metrics`` package):

    .venv/bin/python bench/history_backfill.py [--fermenters 10] [--hours 24]

It fills ``outbox.sqlite`` as a day-long outage would (one append per 10 s batch), starts a
fresh VictoriaMetrics, then times the real ``InfluxComponent`` draining the outbox while a
probe task sleeps 10 ms in a loop and records how late it wakes up (the loop lag). Finally it
counts the samples in the server against the points sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brewctl.config import InfluxConfig
from brewctl.recorder.influx import InfluxComponent
from brewctl.recorder.lineprotocol import status_lines
from brewctl.recorder.outbox import OUTBOX_FILE, Outbox
from brewctl.service.hub import Hub

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from recorder.statuses import T0, wavy

PERIOD_S = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill(state_dir: Path, fermenters: int, hours: float) -> tuple[int, int]:
    """The outbox after the outage; returns (points, samples = field values)."""
    fids = tuple(f"fv{k + 1:02d}" for k in range(fermenters))
    outbox = Outbox(state_dir / OUTBOX_FILE, max_points=100_000_000)
    outbox.open()
    points = samples = 0
    chunks: list[list[str]] = []
    for n in range(round(hours * 3600 / PERIOD_S)):
        lines = status_lines(wavy(fids, T0 + n * PERIOD_S), node="bench")
        points += len(lines)
        samples += sum(line.split(" ")[1].count(",") + 1 for line in lines)
        chunks.append(lines)
        if len(chunks) == 2:  # batch_s = 10 s
            outbox.append(chunks)
            chunks = []
    outbox.append(chunks)
    outbox.close()
    return points, samples


async def lag_probe(lags: list[tuple[float, float]]) -> None:
    """Sleep 10 ms in a loop; record (how late it woke, CPU the loop's thread used meanwhile).

    A late wake-up with the thread's CPU near zero means the thread was not running (another
    process had the cores, or another thread the GIL); with CPU near the lag, code blocked the loop.
    """
    loop = asyncio.get_running_loop()
    while True:
        t, cpu = loop.time(), time.thread_time()
        await asyncio.sleep(0.01)
        lags.append((loop.time() - t - 0.01, time.thread_time() - cpu))


async def drain(state_dir: Path, url: str) -> tuple[float, float, int]:
    hub = Hub("bench")
    comp = InfluxComponent(state_dir, InfluxConfig(url=url, batch_s=3600), node="bench")
    lags: list[tuple[float, float]] = []
    probe = asyncio.create_task(lag_probe(lags))
    task = asyncio.create_task(comp.run(hub))
    await comp.started.wait()
    started = time.perf_counter()
    await comp.flush()
    elapsed = time.perf_counter() - started
    left = comp.outbox.points
    task.cancel()
    probe.cancel()
    await asyncio.gather(task, probe, return_exceptions=True)
    if left:
        raise SystemExit(f"{left} points still in the outbox (alarms: {hub.node_alarms})")
    lags.sort(reverse=True)
    worst, cpu = lags[0]
    p99 = lags[len(lags) // 100][0]
    print(f"event-loop lag: worst {worst * 1000:.0f} ms (loop thread CPU meanwhile {cpu * 1000:.0f} ms), ", end="")
    print(f"p99 {p99 * 1000:.0f} ms, {sum(1 for lag, _ in lags if lag > 0.1)} of {len(lags)} probes over 100 ms")
    return elapsed, worst, comp.sent_points


def count_samples(url: str) -> int:
    with urllib.request.urlopen(f"{url}/internal/force_flush", timeout=30):
        pass
    query = urllib.parse.urlencode({"match[]": '{__name__=~"fermenter_.*",node="bench"}'})
    total = 0
    with urllib.request.urlopen(f"{url}/api/v1/export?{query}", timeout=300) as r:
        for line in r:
            if line.strip():
                total += len(json.loads(line)["values"])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fermenters", type=int, default=10)
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()
    binary = shutil.which("victoria-metrics")
    if binary is None:
        raise SystemExit("victoria-metrics is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        state_dir = Path(tmp) / "state"
        t = time.perf_counter()
        points, samples = fill(state_dir, args.fermenters, args.hours)
        size = (state_dir / OUTBOX_FILE).stat().st_size
        print(
            f"outbox: {points} points ({samples} samples), {size / 1e6:.0f} MB, "
            f"filled in {time.perf_counter() - t:.0f} s"
        )
        port = free_port()
        vm = subprocess.Popen(
            [binary, f"-storageDataPath={tmp}/vm", f"-httpListenAddr=127.0.0.1:{port}", "-retentionPeriod=100y",
             "-search.latencyOffset=0s", "-loggerLevel=ERROR"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=1):
                        break
                except OSError:
                    time.sleep(0.05)
            elapsed, _, sent = asyncio.run(drain(state_dir, url))
            print(f"backfill: {sent} points in {elapsed:.1f} s ({sent / elapsed:,.0f} points/s)")
            stored = count_samples(url)
            print(f"samples in VictoriaMetrics: {stored} (expected {samples})")
        finally:
            vm.terminate()
            vm.wait(30)


if __name__ == "__main__":
    main()
