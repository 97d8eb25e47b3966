"""ProbeReader and scan_bus over a fake sysfs tree, through w1thermsensor's own parsing."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from w1thermsensor import W1ThermSensor

from brewctl.config import ProbeConfig
from brewctl.drivers import probes as probes_module
from brewctl.drivers.fake_w1 import FakeW1Bus
from brewctl.drivers.probes import (
    ERROR_CRC,
    ERROR_MISSING,
    ERROR_RESET,
    ERROR_TIMEOUT,
    ERROR_UNREADABLE,
    BusProbe,
    ProbeReader,
    ProbeSample,
    scan_bus,
)
from brewctl.errors import UserError

BEER, CHAMBER = "28-0316a2795aff", "28-0416a27c3bff"
PROBES = {
    "beer": ProbeConfig(id=BEER, offset_c=0.25),
    "chamber": ProbeConfig(id=CHAMBER),
}


async def no_sleep(_: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
def bus(tmp_path: Path) -> FakeW1Bus:
    """A fake tree that w1thermsensor's global does NOT point at: the reader must use base_directory."""
    return FakeW1Bus(tmp_path / "devices")


def reader(bus: FakeW1Bus, **kwargs: object) -> ProbeReader:
    return ProbeReader(PROBES, base_directory=bus.base_directory, sleep=no_sleep, **kwargs)  # type: ignore[arg-type]


async def test_reads_every_probe_with_calibration(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 19.5)
    bus.set_temperature(CHAMBER, -1.0625)
    async with reader(bus) as r:
        samples = await r.read_all()
    assert samples == {
        "beer": ProbeSample("beer", 19.75, None, 1),
        "chamber": ProbeSample("chamber", -1.0625, None, 1),
    }
    assert Path("/sys/bus/w1/devices") == W1ThermSensor.BASE_DIRECTORY, "the library global is untouched"


async def test_crc_error_is_retried_within_the_cycle(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 18.0)
    bus.set_crc_error(CHAMBER)
    healed: list[float] = []

    async def heal_then_continue(delay: float) -> None:
        healed.append(delay)
        bus.set_temperature(CHAMBER, 4.0)  # the next conversion comes through clean

    async with ProbeReader(PROBES, base_directory=bus.base_directory, sleep=heal_then_continue) as r:
        samples = await r.read_all()
    assert samples["chamber"] == ProbeSample("chamber", 4.0, None, 2)
    assert samples["beer"].value_c == 18.25
    assert healed == [0.1]


async def test_persistent_crc_error_gives_no_value_after_all_retries(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 18.0)
    bus.set_crc_error(CHAMBER)
    async with reader(bus, retries=3) as r:
        samples = await r.read_all()
    assert samples["chamber"] == ProbeSample("chamber", None, ERROR_CRC, 4)
    assert samples["beer"].value_c == 18.25


async def test_power_on_value_is_discarded_never_passed_on(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 18.0)
    bus.set_power_on_reset(CHAMBER)
    async with reader(bus) as r:
        samples = await r.read_all()
    assert samples["chamber"] == ProbeSample("chamber", None, ERROR_RESET, 3)


async def test_a_probe_that_leaves_and_comes_back_resumes(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 18.0)
    bus.set_temperature(CHAMBER, 3.0)
    async with reader(bus) as r:
        assert (await r.read_all())["chamber"].value_c == 3.0
        bus.remove(CHAMBER)
        gone = (await r.read_all())["chamber"]
        assert gone == ProbeSample("chamber", None, ERROR_MISSING, 1), "a missing probe is not retried"
        bus.set_temperature(CHAMBER, 3.5)
        assert (await r.read_all())["chamber"].value_c == 3.5


async def test_a_probe_missing_at_start_is_picked_up_later(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 18.0)
    async with reader(bus) as r:
        assert (await r.read_all())["chamber"].error == ERROR_MISSING
        bus.set_temperature(CHAMBER, 2.0)
        assert (await r.read_all())["chamber"].value_c == 2.0


async def test_garbled_file_is_an_error_sample_not_a_crash(bus: FakeW1Bus) -> None:
    bus.set_temperature(BEER, 18.0)
    bus.set_temperature(CHAMBER, 2.0)
    (bus.base_directory / CHAMBER / "w1_slave").write_text("00 : crc=00 YES\n")
    async with reader(bus, retries=0) as r:
        sample = (await r.read_all())["chamber"]
    assert sample.value_c is None
    assert sample.error == ERROR_UNREADABLE and sample.detail is not None and sample.detail.startswith("IndexError")


async def test_probes_are_read_concurrently_off_the_event_loop(bus: FakeW1Bus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each read blocks like a 12-bit conversion; the cycle takes one conversion, not two,
    and the loop keeps running meanwhile."""
    bus.set_temperature(BEER, 18.0)
    bus.set_temperature(CHAMBER, 2.0)
    both_started = threading.Barrier(2, timeout=5)
    real = probes_module._read_celsius

    def slow_read(cls: type[W1ThermSensor], sensor_id: str, offset_c: float) -> float:
        both_started.wait()  # deadlocks (BrokenBarrierError) unless both reads run at once
        return real(cls, sensor_id, offset_c)

    monkeypatch.setattr(probes_module, "_read_celsius", slow_read)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async with reader(bus) as r:
        task = asyncio.create_task(ticker())
        samples = await r.read_all()
        task.cancel()
    assert [s.value_c for s in samples.values()] == [18.25, 2.0]
    assert ticks > 0


async def test_a_stuck_read_times_out(bus: FakeW1Bus, monkeypatch: pytest.MonkeyPatch) -> None:
    bus.set_temperature(BEER, 18.0)
    bus.set_temperature(CHAMBER, 2.0)
    release = threading.Event()
    real = probes_module._read_celsius

    def stuck_on_chamber(cls: type[W1ThermSensor], sensor_id: str, offset_c: float) -> float:
        if sensor_id == CHAMBER:
            release.wait(5)
        return real(cls, sensor_id, offset_c)

    monkeypatch.setattr(probes_module, "_read_celsius", stuck_on_chamber)
    try:
        async with reader(bus, timeout_s=0.05) as r:
            samples = await r.read_all()
    finally:
        release.set()
    assert samples["chamber"] == ProbeSample("chamber", None, ERROR_TIMEOUT, 1)
    assert samples["beer"].value_c == 18.25


async def test_a_probe_stuck_for_good_never_starves_the_others(bus: FakeW1Bus, monkeypatch: pytest.MonkeyPatch) -> None:
    """One thread per probe: a read that never returns must not be queued again every cycle,
    or the stuck reads take every thread and the healthy probes time out too."""
    bus.set_temperature(BEER, 18.0)
    bus.set_temperature(CHAMBER, 2.0)
    release = threading.Event()
    chamber_reads = 0
    real = probes_module._read_celsius

    def chamber_hangs(cls: type[W1ThermSensor], sensor_id: str, offset_c: float) -> float:
        nonlocal chamber_reads
        if sensor_id == CHAMBER:
            chamber_reads += 1
            release.wait(10)
        return real(cls, sensor_id, offset_c)

    monkeypatch.setattr(probes_module, "_read_celsius", chamber_hangs)
    try:
        async with reader(bus, timeout_s=0.05) as r:
            cycles = [await r.read_all() for _ in range(5)]
            assert [c["beer"].value_c for c in cycles] == [18.25] * 5
            assert [c["chamber"] for c in cycles] == [ProbeSample("chamber", None, ERROR_TIMEOUT, 1)] + [
                ProbeSample("chamber", None, ERROR_TIMEOUT, 0)
            ] * 4
            assert chamber_reads == 1
            release.set()  # the kernel read finally returns: the probe is read again
            deadline = time.monotonic() + 5
            while (sample := (await r.read_all())["chamber"]).value_c is None:
                assert time.monotonic() < deadline, sample
                await asyncio.sleep(0.01)
            assert sample.value_c == 2.0
    finally:
        release.set()


async def test_a_slow_read_is_not_lost_and_timeouts_do_not_flood_the_log(
    bus: FakeW1Bus, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """At --speed 600 the timeout is 8 ms: on a loaded machine many reads take longer. Such a
    read finishes by the next cycle and gives that cycle's value; and 30 timeouts log one line,
    not 30 (a first version logged 4,700 lines in 90 s and lost most readings)."""
    bus.set_temperature(BEER, 18.0)
    bus.set_temperature(CHAMBER, 2.0)
    gate = threading.Event()
    real = probes_module._read_celsius

    def slow_chamber(cls: type[W1ThermSensor], sensor_id: str, offset_c: float) -> float:
        if sensor_id == CHAMBER:
            gate.wait(5)
        return real(cls, sensor_id, offset_c)

    monkeypatch.setattr(probes_module, "_read_celsius", slow_chamber)
    now = [0.0]
    try:
        with caplog.at_level("INFO", logger="brewctl.drivers.probes"):
            async with reader(bus, timeout_s=0.05, monotonic=lambda: now[0]) as r:
                for _ in range(30):
                    gate.clear()
                    first = (await r.read_all())["chamber"]
                    assert first.value_c is None and first.error == ERROR_TIMEOUT
                    gate.set()  # the slow read ends before the next cycle
                    deadline = time.monotonic() + 5
                    while not r._stuck["chamber"][0].done():
                        assert time.monotonic() < deadline
                        await asyncio.sleep(0.001)
                    second = (await r.read_all())["chamber"]
                    assert second == ProbeSample("chamber", 2.0, None, 1)
                    now[0] += 1.0
    finally:
        gate.set()
    lines = [rec for rec in caplog.records if "read timed out" in rec.getMessage()]
    assert len(lines) == 1


async def test_read_all_outside_the_context_is_an_error(bus: FakeW1Bus) -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await reader(bus).read_all()


def test_scan_bus_lists_probes_with_raw_readings(bus: FakeW1Bus) -> None:
    bus.set_temperature(CHAMBER, 4.5)
    bus.set_temperature(BEER, 19.0)
    bus.set_crc_error("28-000000000001")
    start = time.monotonic()
    found = scan_bus(bus.base_directory)
    assert time.monotonic() - start < 5
    assert found == [
        BusProbe("28-000000000001", None, ERROR_CRC),
        BusProbe(BEER, 19.0),
        BusProbe(CHAMBER, 4.5),
    ]


def test_scan_bus_without_a_bus_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no 1-wire bus"):
        scan_bus(tmp_path / "missing")


def test_scan_bus_on_an_empty_bus(bus: FakeW1Bus) -> None:
    assert scan_bus(bus.base_directory) == []


async def test_a_cut_cable_is_logged_once_a_minute_not_every_cycle(
    bus: FakeW1Bus, caplog: pytest.LogCaptureFixture
) -> None:
    # Found in the #17 audit: a probe off the bus logged "not on the bus" every cycle (every 5 s:
    # 17,000 lines a day for one broken cable).
    bus.set_temperature(BEER, 18.0)
    now = [0.0]
    with caplog.at_level("INFO", logger="brewctl.drivers.probes"):
        async with reader(bus, monotonic=lambda: now[0]) as r:
            for _ in range(24):  # two minutes of 5 s cycles
                samples = await r.read_all()
                assert samples["chamber"].value_c is None and samples["beer"].value_c is not None
                now[0] += 5.0
    lines = [rec.getMessage() for rec in caplog.records if "chamber" in rec.getMessage()]
    assert len(lines) == 2 and "not on the bus" in lines[0]
    assert "11 more like this in the last 60 s not logged" in lines[1]
