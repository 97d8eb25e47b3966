"""Benchmark: CPU cost of the output loop for 4 fermenters, in real time on mock pins.

Four heat-cool fermenters (SSR heater with a 10 s period at 37 % duty, compressor relay) and a
motorized valve that is re-homed and then moved every 20 s. ``OutputBank.run`` sleeps from edge
to edge, so the cost is per switching edge, not per tick. Prints CPU % of one core and how many
times the loop woke up.

    .venv/bin/python bench/drivers_outputs.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from gpiozero.pins.mock import MockFactory

from brewctl.config import OutputConfig, OutputKind
from brewctl.drivers.outputs import OutputBank


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    outputs: dict[str, OutputConfig] = {}
    pin = 5
    for i in range(4):
        outputs[f"fv{i}_heat"] = OutputConfig(kind=OutputKind.SSR, pin=pin, period_s=10)
        outputs[f"fv{i}_cool"] = OutputConfig(kind=OutputKind.RELAY, pin=pin + 1, active_high=False)
        pin += 2
    outputs["fv4_valve"] = OutputConfig(
        kind=OutputKind.MOTORIZED_VALVE, open_pin=pin, close_pin=pin + 1, active_high=False, travel_s=5
    )
    wakeups = 0

    async def counting_sleep(delay: float) -> None:
        nonlocal wakeups
        wakeups += 1
        await asyncio.sleep(delay)

    factory = MockFactory()
    async with OutputBank(outputs, pin_factory=factory, sleep=counting_sleep) as bank:
        for i in range(4):
            bank.set(f"fv{i}_heat", 0.37)
        task = asyncio.create_task(bank.run())
        wall, cpu = time.perf_counter(), time.process_time()
        end = wall + args.seconds
        k = 0
        while time.perf_counter() < end:
            await asyncio.sleep(min(5.0, max(0.0, end - time.perf_counter())))
            k += 1
            for i in range(4):  # a control step every 5 s, as the daemon does
                bank.set(f"fv{i}_heat", 0.37)
                bank.set(f"fv{i}_cool", 0.0)
            bank.set("fv4_valve", 0.3 if k % 8 < 4 else 0.7)
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    print(f"{len(outputs)} outputs for {wall:.1f} s: {wakeups} loop wake-ups ({wakeups / wall:.2f}/s)")
    print(f"  CPU {cpu * 1000:.1f} ms = {cpu / wall * 100:.3f} % of one core")


if __name__ == "__main__":
    asyncio.run(main())
