"""Bytes written to storage per hour by the history recorder: 4 fermenters, 5 s period.

Target: <= 2 MB/h (SD cards wear out with write amplification). Run by hand:

    .venv/bin/python bench/history_bytes.py [--hours 6] [--fermenters 4] [--worst-case] [--chiller] [--dir DIR]

It feeds the real ``HistoryComponent`` (through a real ``Hub``) with ``--hours`` of synthetic
statuses in accelerated time (an injected clock: one commit per simulated minute, as in the
daemon), fsyncs the database files after each commit (as the kernel's writeback would between
two commits a minute apart), and reads ``/proc/self/io``: ``write_bytes`` (what reached the
block layer: WAL frames, checkpoints, everything) and ``wchar`` (what SQLite asked to write).
``--dir`` must be on a real disk (not tmpfs) for write_bytes to mean anything.
``--worst-case`` changes every value every cycle (nothing can be skipped); the default is a
credible rig: DS18B20 steps of 1/16 degC, a compressor cycling, a heater's duty, PID terms.
``--influx-outage`` adds the InfluxDB writer with its server down the whole time (every point
goes to ``outbox.sqlite``, one transaction every ``batch_s`` = 10 s, as the writer does).
``--chiller`` puts the fermenters' jackets on one shared glycol chiller: its own series
(``chiller:main``: reservoir, valves open and waiting) is recorded every cycle too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brewctl.backoff import Backoff
from brewctl.config import HistoryConfig, InfluxConfig, Mode
from brewctl.errors import TransientError
from brewctl.model import ChillerStatus, FermenterStatus, GravityStatus, NodeStatus, OutputStatus, PidTerms
from brewctl.recorder.history_component import HistoryComponent
from brewctl.recorder.influx import InfluxComponent, PointSender
from brewctl.service.hub import Hub

PERIOD_S = 5.0
BATCH_S = 10.0
"""The InfluxDB writer's default ``batch_s``."""
T0 = 1_764_000_000.0


def io_counters() -> dict[str, int]:
    out = {}
    for line in Path("/proc/self/io").read_text().splitlines():
        key, value = line.split(":")
        out[key] = int(value)
    return out


class Rig:
    """A credible fermenter: quantized probes, a cycling compressor, a PID that moves a little."""

    def __init__(self, fid: str, rnd: random.Random) -> None:
        self.fid = fid
        self.rnd = rnd
        self.beer = 19.0 + rnd.random()
        self.chamber = 18.0
        self.cooling = False
        self.i = 0.5
        self.sg = 1.050

    def status(self, t: float, worst: bool) -> FermenterStatus:
        r = self.rnd
        if worst:
            w = math.sin(t / 300 + hash(self.fid) % 7)
            beer, chamber, heat, cool, d = 19 + w, 18 + 2 * w, max(0.0, w), max(0.0, -w), w / 10
            self.i += 0.001
        else:
            self.chamber += -0.05 if self.cooling else 0.02
            if self.chamber < 16.5:
                self.cooling = False
            elif self.chamber > 18.5:
                self.cooling = True
            self.beer += (self.chamber - self.beer) * 0.0005 + r.gauss(0, 0.002)
            beer = round(self.beer * 16) / 16
            chamber = round((self.chamber + r.gauss(0, 0.03)) * 16) / 16
            heat = 0.0
            cool = 1.0 if self.cooling else 0.0
            self.i += (19.0 - beer) * 0.25 * PERIOD_S / 3600
            d = -1.5 * round((self.chamber - self.beer) * 0.0005 * 720, 2)
        if int(t) % 900 == 0:
            self.sg -= 0.0001
        return FermenterStatus(
            id=self.fid,
            mode=Mode.BEER,
            beer_c=beer,
            chamber_c=chamber,
            room_c=21.0,
            beer_setpoint_c=19.0,
            chamber_setpoint_c=round(19.0 + 5 * (19.0 - beer) + self.i, 2),
            outputs=(
                OutputStatus(role="heat", value=heat, active=heat > 0),
                OutputStatus(role="cool", value=cool, active=cool > 0),
            ),
            pid=PidTerms(p=5 * (19.0 - beer), i=self.i, d=d),
            gravity=GravityStatus(sg=self.sg, age_s=t % 900),
            updated_s=t,
        )


class Reservoir:
    """A shared chiller's reservoir: quantized probe, a valve or two open in turns."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.temp = -2.0

    def status(self, t: float, worst: bool, fids: list[str]) -> ChillerStatus:
        if worst:
            w = math.sin(t / 200)
            reservoir, open_n, waiting_n = -1 + 2 * w, int(t / PERIOD_S) % (len(fids) + 1), int(t / 7) % 2
        else:
            self.temp += self.rnd.gauss(0, 0.01) - (self.temp + 2.0) * 0.01
            reservoir = round(self.temp * 16) / 16
            open_n, waiting_n = int(t // 600) % 3, 0
        return ChillerStatus(
            id="main",
            reservoir_c=reservoir,
            open_valves=tuple(fids[:open_n]),
            waiting=tuple(fids[open_n : open_n + waiting_n]),
        )


@asynccontextmanager
async def server_down() -> AsyncIterator[PointSender]:
    async def send(text: str) -> None:
        raise TransientError("the server is down (benchmark)")

    yield send


def fsync_files(state_dir: Path) -> None:
    for name in ("history.sqlite", "history.sqlite-wal", "outbox.sqlite", "outbox.sqlite-wal"):
        path = state_dir / name
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


async def run(hours: float, fermenters: int, worst: bool, state_dir: Path, outage: bool, chiller: bool) -> None:
    clock = [0.0]
    hub = Hub("bench", wall_clock=lambda: T0)
    comp = HistoryComponent(state_dir, HistoryConfig(commit_interval_s=60), monotonic=lambda: clock[0])
    task = asyncio.create_task(comp.run(hub))
    influx = None
    if outage:  # flushed by hand every BATCH_S of status time (its own timer runs on real time)
        config = InfluxConfig(url="http://127.0.0.1:9", batch_s=3600)
        # the first failure sets a long backoff: no retries (a retry reads the outbox; it writes nothing)
        influx = InfluxComponent(state_dir, config, sender=server_down, backoff=Backoff(initial_s=1e9, max_s=1e9))
        influx_task = asyncio.create_task(influx.run(hub))
        await influx.started.wait()
    while "history" not in hub.extra:  # noqa: ASYNC110 - opening happens on the recorder's thread
        await asyncio.sleep(0.01)
    rnd = random.Random(1)
    rigs = [Rig(f"fv{k + 1}", rnd) for k in range(fermenters)]
    reservoir = Reservoir(rnd) if chiller else None
    fids = [r.fid for r in rigs]
    cycles = round(hours * 3600 / PERIOD_S)
    fsync_files(state_dir)
    before = io_counters()
    started = time.perf_counter()
    commits = 0
    for n in range(cycles):
        t = T0 + n * PERIOD_S
        clock[0] += PERIOD_S
        chillers = {"main": reservoir.status(t, worst, fids)} if reservoir is not None else {}
        statuses = {r.fid: r.status(t, worst) for r in rigs}
        hub.publish_status(NodeStatus(node="bench", version="0", fermenters=statuses, chillers=chillers))
        for _ in range(5):
            await asyncio.sleep(0)
        while comp.commits == commits and (n + 1) % 12 == 0:  # noqa: ASYNC110 - a commit is due: let it finish
            await asyncio.sleep(0.001)
        if comp.commits != commits:
            commits = comp.commits
            fsync_files(state_dir)
        if influx is not None and (n + 1) % round(BATCH_S / PERIOD_S) == 0:
            await influx.flush()  # the send fails: the points go to the outbox
            fsync_files(state_dir)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    if influx is not None:
        influx_task.cancel()
        await asyncio.gather(influx_task, return_exceptions=True)
    fsync_files(state_dir)
    after = io_counters()
    elapsed = time.perf_counter() - started
    sizes = {p.name: p.stat().st_size for p in sorted(state_dir.iterdir())}  # noqa: ASYNC240 - after the run
    wb = after["write_bytes"] - before["write_bytes"]
    wc = after["wchar"] - before["wchar"]
    rig = "worst case" if worst else "credible rig"
    extra = (", one shared chiller" if chiller else "") + (", InfluxDB down" if outage else "")
    print(f"{fermenters} fermenters, {hours:g} h at {PERIOD_S:g} s, {rig}{extra}")
    print(f"  commits: {comp.commits}  (ran in {elapsed:.1f} s)")
    print(f"  write_bytes: {wb / hours / 1e6:.2f} MB/h   wchar: {wc / hours / 1e6:.2f} MB/h")
    if influx is not None:
        print(f"  outbox: {influx.outbox.points} points")
    print("  files: " + ", ".join(f"{k} {v / 1e3:.0f} kB" for k, v in sizes.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--fermenters", type=int, default=4)
    parser.add_argument("--worst-case", action="store_true")
    parser.add_argument("--influx-outage", action="store_true", help="add the InfluxDB writer, its server down")
    parser.add_argument("--chiller", action="store_true", help="the jackets on one shared chiller (its own series)")
    parser.add_argument("--dir", type=Path, default=None, help="state dir on a real disk (default: a temp dir)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # not a warning per failed send
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        asyncio.run(run(args.hours, args.fermenters, args.worst_case, Path(tmp), args.influx_outage, args.chiller))


if __name__ == "__main__":
    main()
