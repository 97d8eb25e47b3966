"""Benchmark: one probe cycle with N DS18B20s, concurrent vs one after another.

A real DS18B20 read blocks ~750 ms in the kernel (the 12-bit conversion). This script puts N
probes on a fake 1-wire tree and makes each read block that long before w1thermsensor parses
the file, then times ``ProbeReader.read_all`` and the CPU it costs.

    .venv/bin/python bench/drivers_probes.py [--probes 10] [--conversion-s 0.75] [--cycles 5]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from brewctl.config import ProbeConfig
from brewctl.drivers import probes
from brewctl.drivers.fake_w1 import FakeW1Bus


async def cycle_times(reader: probes.ProbeReader, cycles: int) -> tuple[float, float]:
    """(mean wall seconds, mean CPU seconds) per read_all."""
    wall = cpu = 0.0
    for _ in range(cycles):
        w, c = time.perf_counter(), time.process_time()
        samples = await reader.read_all()
        wall += time.perf_counter() - w
        cpu += time.process_time() - c
        assert all(s.value_c is not None for s in samples.values()), samples
    return wall / cycles, cpu / cycles


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probes", type=int, default=10)
    ap.add_argument("--conversion-s", type=float, default=0.75)
    ap.add_argument("--cycles", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bus = FakeW1Bus(Path(tmp) / "devices")
        config = {}
        for i in range(args.probes):
            sensor_id = f"28-{i:012x}"
            bus.set_temperature(sensor_id, 18.0 + i / 16)
            config[f"p{i}"] = ProbeConfig(id=sensor_id)
        real = probes._read_celsius

        def converting(cls: type, sensor_id: str, offset_c: float) -> float:
            time.sleep(args.conversion_s)  # what the kernel does while the probe converts
            return real(cls, sensor_id, offset_c)

        async with probes.ProbeReader(config, base_directory=bus.base_directory) as reader:
            wall0, cpu0 = await cycle_times(reader, args.cycles)  # parsing only
            probes._read_celsius = converting  # type: ignore[assignment]
            try:
                wall, _ = await cycle_times(reader, max(1, args.cycles // 2))
            finally:
                probes._read_celsius = real
    sequential = args.probes * args.conversion_s
    print(f"{args.probes} probes, conversion {args.conversion_s:g} s:")
    print(f"  read_all with conversions: {wall:.3f} s per cycle (one after another would take {sequential:.2f} s)")
    print(f"  read_all, parsing only:    {wall0 * 1000:.2f} ms wall, {cpu0 * 1000:.2f} ms CPU per cycle")
    print(f"  CPU at a 5 s period:       {cpu0 / 5 * 100:.3f} % of one core")


if __name__ == "__main__":
    asyncio.run(main())
