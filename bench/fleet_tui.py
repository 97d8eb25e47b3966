"""Benchmark: the fleet TUI over 10 simulated nodes x 4 fermenters on one mosquitto.

Starts mosquitto (``sys_interval 1`` for its ``$SYS`` counters) and 10 real daemons
(``brewctl run --simulate --speed SPEED``, 4 glycol fermenters each, node names n00..n09), then:

- broker load: messages received and sent per second by mosquitto ($SYS counters) over
  ``--window`` seconds, with the fleet view connected;
- fleet first paint: from opening the fleet TUI (headless, in this process, 160x50) until all
  40 fermenters are on the dashboard;
- update latency: a setpoint set on one node through its local API, until the fleet TUI's
  dashboard holds it (node -> broker -> fleet client -> app, including the TUI's 0.5 s redraw
  coalescing); and a command round trip from the fleet (publish, node applies, reply).

Usage: ``python bench/fleet_tui.py [--nodes 10] [--fermenters 4] [--speed 60] [--window 20] [--samples 10]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiomqtt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._mqtt_bench import free_port
from brewctl.model import SetBeerSetpoint
from brewctl.service.client import ApiClient
from brewctl.tui.app import Settings, make_app
from brewctl.tui.fermenter_card import FermenterCard
from brewctl.tui.fleet_source import FleetSource

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def node_config(port: int, node: str, fermenters: int) -> str:
    lines = [f'[node]\nname = "{node}"\n']
    for i in range(fermenters):
        lines.append(f'[probes.p{i}]\nid = "28-{i + 1:012x}"\n')
        lines.append(f'[outputs.o{i}]\nkind = "solenoid"\npin = {20 + i}\n')
        lines.append(f'[fermenters.fv{i}]\nrig = "glycol"\nbeer_probe = "p{i}"\nvalve = "o{i}"\nmode = "beer"\n')
    lines.append(f'[mqtt]\nhost = "127.0.0.1"\nport = {port}\n')
    return "\n".join(lines)


async def sys_counters(port: int) -> tuple[float, float]:
    """mosquitto's total messages received and sent so far."""
    found: dict[str, float] = {}
    async with aiomqtt.Client("127.0.0.1", port) as c:
        await c.subscribe([("$SYS/broker/messages/received", 0), ("$SYS/broker/messages/sent", 0)])
        async with asyncio.timeout(5):
            async for m in c.messages:
                found[m.topic.value.rsplit("/", 1)[1]] = float(m.payload)
                if len(found) == 2:
                    break
    return found["received"], found["sent"]


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10)
    ap.add_argument("--fermenters", type=int, default=4)
    ap.add_argument("--speed", type=float, default=60.0)
    ap.add_argument("--window", type=float, default=20.0)
    ap.add_argument("--samples", type=int, default=10)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="brewctl-fleet-bench-"))
    port = free_port()
    (work / "mosquitto.conf").write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nsys_interval 1\n"
        + ("user root\n" if os.geteuid() == 0 else "")
    )
    conf = str(work / "mosquitto.conf")
    broker = subprocess.Popen([MOSQUITTO, "-c", conf], stderr=subprocess.DEVNULL)  # noqa: ASYNC220 (setup)
    daemons: list[subprocess.Popen[bytes]] = []
    nodes = [f"n{i:02d}" for i in range(args.nodes)]
    try:
        await asyncio.sleep(0.3)
        for node in nodes:
            folder = work / node
            folder.mkdir()
            (folder / "config.toml").write_text(node_config(port, node, args.fermenters))
            daemons.append(
                subprocess.Popen(  # noqa: ASYNC220 (setup, before anything is measured)
                    [
                        sys.executable,
                        "-m",
                        "brewctl",
                        "run",
                        "--simulate",
                        "--speed",
                        str(args.speed),
                        "--config",
                        str(folder / "config.toml"),
                        "--state-dir",
                        str(folder / "state"),
                        "--socket",
                        str(folder / "api.sock"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        total = args.nodes * args.fermenters
        app = make_app(source=FleetSource("127.0.0.1", port), settings=Settings(where="bench"))
        # Let every node come up and publish (so the paint measures the fleet view, not daemon start).
        deadline = time.monotonic() + 120
        while True:
            async with FleetSource("127.0.0.1", port)() as probe:
                if len((await probe.status()).fermenters) == total:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the nodes did not all come up")
            await asyncio.sleep(0.5)
        print(f"{args.nodes} nodes x {args.fermenters} fermenters up (simulated at {args.speed:g}x)")

        async with app.run_test(size=(160, 50)):
            start = time.perf_counter()
            while len(app.screen.query(FermenterCard)) < total:  # noqa: ASYNC110 (polls the UI)
                await asyncio.sleep(0.005)
            paint = time.perf_counter() - start
            print(f"fleet first paint (all {total} fermenters on the dashboard, headless): {paint * 1000:.0f} ms")

            r0, s0 = await sys_counters(port)
            t0 = time.monotonic()
            await asyncio.sleep(args.window)
            r1, s1 = await sys_counters(port)
            dt = time.monotonic() - t0
            print(f"broker: {(r1 - r0) / dt:.0f} messages/s received, {(s1 - s0) / dt:.0f} sent (fleet view connected)")

            source = app.source
            client = app.source_factory.client  # type: ignore[union-attr]
            assert source is not None and client is not None
            received: list[float] = []
            shown: list[float] = []
            for k in range(args.samples):
                node = nodes[k % len(nodes)]
                value = 10.0 + k * 0.5
                fid = f"{node}--fv0"
                async with ApiClient(work / node / "api.sock") as api:
                    t = time.perf_counter()
                    await api.command("fv0", SetBeerSetpoint(value_c=value))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(15):
                        while client.nodes[node].fermenters["fv0"].beer_setpoint_c != value:  # noqa: ASYNC110
                            await asyncio.sleep(0.001)
                        received.append(time.perf_counter() - t)
                        while app.node is None or app.node.fermenters[fid].beer_setpoint_c != value:  # noqa: ASYNC110
                            await asyncio.sleep(0.002)
                        shown.append(time.perf_counter() - t)
            for what, values in (("fleet client", received), ("fleet dashboard", shown)):
                if values:
                    print(
                        f"update latency (local API set -> {what}), {len(values)}/{args.samples} within 15 s: "
                        f"p50 {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
                    )
                else:
                    print(f"update latency (local API set -> {what}): none of {args.samples} within 15 s")
            trips: list[float] = []
            for k in range(args.samples):
                fid = f"{nodes[k % len(nodes)]}--fv1"
                t = time.perf_counter()
                result = await source.command(fid, SetBeerSetpoint(value_c=15.0 + k * 0.25))
                trips.append(time.perf_counter() - t)
                assert result.ok, result.error
            print(
                f"fleet command round trip (publish -> node applies -> reply), {len(trips)} samples: "
                f"p50 {statistics.median(trips) * 1000:.1f} ms, p90 {pct(trips, 0.9) * 1000:.1f} ms"
            )
    finally:
        for d in daemons:
            d.send_signal(signal.SIGTERM)
        for d in daemons:
            with contextlib.suppress(subprocess.TimeoutExpired):
                d.wait(10)
        broker.terminate()
        broker.wait(5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
