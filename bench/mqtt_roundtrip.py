"""MQTT bridge latency and cost against a real mosquitto on loopback. Run by hand:

    .venv/bin/python bench/mqtt_roundtrip.py [--commands 500] [--statuses 2000] [--fermenters 4]

1. Command round trip: a client publishes a ``Command`` (QoS 1) and waits for the bridge's
   reply on the response topic; the controller is a stub that answers at once. p50/p95/max.
2. Status cost: ``--statuses`` node statuses, every fermenter's temperature moving 0.1 degC
   each time (so every status is a change and gets published): the bridge's CPU time per
   status (state + HA view per fermenter) and the messages it published.

Targets: round trip p95 < 5 ms; < 5 ms of CPU per status of 4 changed fermenters (a Pi 3 is
~10x slower than the 2-core x86 dev machine: < 1 % of one core at one status every 5 s; and
most statuses change nothing worth publishing, see PublishGate).
Measured (dev machine, load ~5 on 2 cores): round trip p50 0.63 ms, p95 0.75-4.6 ms;
2.4 ms CPU per status (9 QoS 1 messages: node document, state + HA view per fermenter).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiomqtt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from _mqtt_bench import bench_config, changing_status, free_port

from brewctl.config import parse_config
from brewctl.model import CommandResult, NodeStatus
from brewctl.mqtt.bridge import MqttBridge
from brewctl.service.hub import Hub

NODELAY = ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="brewctl-bench-"))
    port = free_port()
    conf = workdir / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n")
    broker = await asyncio.create_subprocess_exec(
        "mosquitto", "-c", str(conf), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        await asyncio.sleep(0.2)
        hub = Hub("bench")

        async def controller(fid: str, command: object, source: str) -> CommandResult:
            return CommandResult(ok=True)

        hub.set_command_handler(controller)
        bridge = MqttBridge(parse_config(bench_config(port, args.fermenters, "bench")))
        task = asyncio.create_task(bridge.run(hub))
        await asyncio.wait_for(bridge.connected.wait(), 5)

        async with aiomqtt.Client("127.0.0.1", port, socket_options=NODELAY) as client:
            await client.subscribe("brewctl/bench/fermenters/fv0/response", qos=1)
            times = []
            for i in range(args.commands):
                t0 = time.perf_counter()
                await client.publish(
                    "brewctl/bench/fermenters/fv0/command",
                    json.dumps({"kind": "set_beer", "value_c": 18, "id": f"b{i}"}),
                    qos=1,
                )
                async for _ in client.messages:
                    break
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            print(
                f"command round trip over {args.commands}: p50 {statistics.median(times):.2f} ms, "
                f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.2f} ms"
            )

        published = 0
        original = bridge.publish_status

        async def counting(client: aiomqtt.Client, hub: Hub, status: NodeStatus) -> None:
            nonlocal published
            await original(client, hub, status)
            published += 1

        bridge.publish_status = counting  # type: ignore[method-assign]
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        for n in range(args.statuses):
            hub.publish_status(changing_status(n, args.fermenters, "bench"))
            while published <= n:  # noqa: ASYNC110 (latest wins: wait until this one went out)
                await asyncio.sleep(0)
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        print(
            f"{args.statuses} statuses x {args.fermenters} fermenters: {cpu / args.statuses * 1000:.2f} ms CPU "
            f"per status ({wall / args.statuses * 1000:.2f} ms wall, includes the broker's PUBACKs)"
        )
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    finally:
        broker.terminate()
        await broker.wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--commands", type=int, default=500)
    p.add_argument("--statuses", type=int, default=2000)
    p.add_argument("--fermenters", type=int, default=4)
    asyncio.run(main(p.parse_args()))
