"""DS18B20 probes on the 1-wire bus, read through w1thermsensor.

``ProbeReader`` reads every configured probe of a cycle concurrently on its own small thread
pool, so the 750 ms conversions overlap and the event loop never blocks on sysfs. Faults are
reported per probe as data, never raised:

- CRC error (``crc=.. NO``, a noisy bus) and the 85 °C power-on value (a probe that browned out
  and has not converted yet) are retried within the cycle; if they persist the sample has no
  value and says why. 85 °C is never passed on as a temperature.
- A probe that left the bus gives a sample without a value; when it comes back it is read
  again, with nothing to reset (each read looks the probe up afresh).

Staleness (how long a missing probe is tolerated) is the control core's business: the reader
only reports what the bus says. ``scan_bus`` lists what is on the bus, for ``brewctl sensors``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from w1thermsensor import (
    NoSensorFoundError,
    ResetValueError,
    Sensor,
    SensorNotReadyError,
    W1ThermSensor,
    W1ThermSensorError,
)

from brewctl.config import ProbeConfig
from brewctl.drivers.daemon_threads import DaemonThreadPool
from brewctl.errors import UserError
from brewctl.wording import probe_error_text

__all__ = [
    "ERROR_CRC",
    "ERROR_MISSING",
    "ERROR_RESET",
    "ERROR_TIMEOUT",
    "ERROR_UNREADABLE",
    "BusProbe",
    "ProbeReader",
    "ProbeSample",
    "scan_bus",
]

log = logging.getLogger(__name__)

# Why a probe gave no reading, as codes (``brewctl.wording.probe_error_text`` words them).
ERROR_CRC = "crc"
ERROR_RESET = "power_on_reset"
ERROR_MISSING = "missing"
ERROR_TIMEOUT = "timeout"
ERROR_UNREADABLE = "unreadable"

_MAX_THREADS = 16


@dataclass(frozen=True)
class ProbeSample:
    """One probe's reading in one cycle. ``value_c`` is calibrated (offset applied) or None."""

    name: str
    value_c: float | None
    error: str | None = None
    attempts: int = 1
    """Reads it took (more than one after a CRC error or a power-on value; 0 while an earlier
    read of this probe is still stuck, see ``ProbeReader``)."""
    detail: str | None = None
    """What went wrong with an ``unreadable`` read (the exception), else None."""


@dataclass(frozen=True)
class BusProbe:
    """A probe found on the bus by ``scan_bus``: raw reading (no calibration) or why not."""

    id: str
    value_c: float | None
    error: str | None = None
    detail: str | None = None


def _sensor_class(base_directory: Path | None) -> type[W1ThermSensor]:
    """W1ThermSensor looking in ``base_directory`` (without touching the library's global)."""
    cls: type[W1ThermSensor] = W1ThermSensor
    if base_directory is not None:
        cls = type("W1ThermSensorAt", (W1ThermSensor,), {"BASE_DIRECTORY": Path(base_directory)})
    return cls


def _read_celsius(cls: type[W1ThermSensor], sensor_id: str, offset_c: float) -> float:
    """Blocking: look the probe up and read it (w1thermsensor applies the offset)."""
    sensor = cls(Sensor.DS18B20, sensor_id.removeprefix("28-"), offset=offset_c)
    value = float(sensor.get_temperature())
    if not math.isfinite(value):
        raise ValueError(f"non-finite reading {value!r}")
    return round(value, 4)


def _classify(exc: BaseException) -> tuple[str, str | None, bool]:
    """(error code, detail, worth retrying within the cycle)."""
    if isinstance(exc, SensorNotReadyError):
        return ERROR_CRC, None, True
    if isinstance(exc, ResetValueError):
        return ERROR_RESET, None, True
    if isinstance(exc, NoSensorFoundError):
        return ERROR_MISSING, None, False
    if isinstance(exc, TimeoutError):
        return ERROR_TIMEOUT, None, False
    return ERROR_UNREADABLE, f"{type(exc).__name__}: {exc}", True


class ProbeReader:
    """Reads configured probes; an async context manager owning the reading threads.

    ``retries`` extra reads follow a CRC error or power-on value within the same cycle,
    ``retry_delay_s`` apart (via the injectable ``sleep``). A read stuck longer than
    ``timeout_s`` is given up for this cycle; that probe is not read again until the stuck
    read returns (its samples say "read timed out"), so stuck reads never take the threads
    the other probes need. A read that was merely slow (it finished by the next cycle, within
    ``3 * timeout_s`` of giving up on it) is not lost: its value is that cycle's sample. A
    failure is logged at INFO at most once a minute per probe and kind (``log_every_s``; the rest
    at DEBUG): a cut cable fails every cycle, and on a loaded machine under ``--simulate --speed
    600`` (an 8 ms timeout) slow reads are common.
    """

    def __init__(
        self,
        probes: Mapping[str, ProbeConfig],
        *,
        base_directory: Path | None = None,
        retries: int = 2,
        retry_delay_s: float = 0.1,
        timeout_s: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        log_every_s: float = 60.0,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.probes = dict(probes)
        self.retries = retries
        self.retry_delay_s = retry_delay_s
        self.timeout_s = timeout_s
        self._sleep = sleep
        self._cls = _sensor_class(base_directory)
        self._pool: DaemonThreadPool | None = None
        self._monotonic = monotonic
        self.log_every_s = log_every_s
        self._stuck: dict[str, tuple[Future[float], float]] = {}
        """Probe name -> a read that timed out (and when, real seconds), maybe still running in its thread."""
        self._logged: dict[str, float] = {}
        """``probe:error`` -> when it was last logged at INFO."""
        self._hidden: dict[str, int] = {}

    async def __aenter__(self) -> Self:
        if self._pool is not None:
            raise RuntimeError("ProbeReader is not re-entrant")
        workers = min(_MAX_THREADS, max(1, len(self.probes)))
        # Daemon threads: a read stuck in the kernel must not keep the process alive at exit.
        self._pool = DaemonThreadPool(workers, thread_name_prefix="brewctl-probe")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            # A read stuck in the kernel cannot be interrupted; do not wait for it.
            pool.shutdown()

    async def read_all(self) -> dict[str, ProbeSample]:
        """Read every probe concurrently; one sample per configured probe name."""
        if self._pool is None:
            raise RuntimeError("use ProbeReader as 'async with ProbeReader(...) as reader'")
        names = list(self.probes)
        samples = await asyncio.gather(*(self._read_one(n, self.probes[n]) for n in names))
        return dict(zip(names, samples, strict=True))

    async def _read_one(self, name: str, probe: ProbeConfig) -> ProbeSample:
        assert self._pool is not None
        stuck = self._stuck.get(name)
        if stuck is not None:
            future, gave_up_at = stuck
            if not future.done():
                # A read stuck in the kernel cannot be interrupted. Never queue another one
                # behind it: stuck reads would pile up until no thread is left for the
                # healthy probes.
                log.debug("probe %s (%s): the previous read is still stuck", name, probe.id)
                return ProbeSample(name, None, ERROR_TIMEOUT, 0)
            del self._stuck[name]
            if self._monotonic() - gave_up_at <= 3 * self.timeout_s and future.exception() is None:
                return ProbeSample(name, future.result(), None, 1)  # slow, not stuck: a fresh value
        error, detail = "", None
        attempt = 0
        for attempt in range(1, self.retries + 2):
            future = self._pool.submit(_read_celsius, self._cls, probe.id, probe.offset_c)
            try:
                async with asyncio.timeout(self.timeout_s):  # not wait_for: 3.11's can lose a cancel
                    value = await asyncio.wrap_future(future)
            except (W1ThermSensorError, OSError, ValueError, IndexError, TimeoutError) as exc:
                error, detail, retry = _classify(exc)
                if error == ERROR_TIMEOUT and not future.done():
                    self._stuck[name] = (future, self._monotonic())
                if not retry or attempt > self.retries:
                    break
                log.debug("probe %s (%s): %s, reading again", name, probe.id, probe_error_text(error, detail))
                await self._sleep(self.retry_delay_s)
            else:
                return ProbeSample(name, value, None, attempt)
        self._log_failure(name, probe, error, detail)
        return ProbeSample(name, None, error, attempt, detail)

    def _log_failure(self, name: str, probe: ProbeConfig, error: str, detail: str | None) -> None:
        """INFO at most once per ``log_every_s`` per probe and kind of failure (a cut cable
        would otherwise log every cycle, 17,000 lines a day); the rest at DEBUG."""
        text = probe_error_text(error, detail)
        now = self._monotonic()
        key = f"{name}:{error}"
        last = self._logged.get(key)
        if last is not None and now - last < self.log_every_s:
            self._hidden[key] = self._hidden.get(key, 0) + 1
            log.debug("probe %s (%s): %s", name, probe.id, text)
            return
        self._logged[key] = now
        hidden = self._hidden.pop(key, 0)
        more = f" ({hidden} more like this in the last {self.log_every_s:g} s not logged)" if hidden else ""
        log.info("probe %s (%s): %s%s", name, probe.id, text, more)


def scan_bus(base_directory: Path | None = None) -> list[BusProbe]:
    """Every DS18B20 on the bus with its raw reading, sorted by id. Blocking (reads in parallel).

    Raises ``UserError`` when there is no 1-wire bus directory at all.
    """
    cls = _sensor_class(base_directory)
    try:
        found = sorted(f"28-{s.id}" for s in cls.get_available_sensors([Sensor.DS18B20]))
    except FileNotFoundError:
        raise UserError(
            f"{cls.BASE_DIRECTORY}: no 1-wire bus (is 'dtoverlay=w1-gpio' in the Pi's config.txt?)"
        ) from None

    def read(sensor_id: str) -> BusProbe:
        try:
            return BusProbe(sensor_id, _read_celsius(cls, sensor_id, 0.0))
        except (W1ThermSensorError, OSError, ValueError, IndexError) as exc:
            error, detail, _ = _classify(exc)
            return BusProbe(sensor_id, None, error, detail)

    if not found:
        return []
    with ThreadPoolExecutor(max_workers=min(_MAX_THREADS, len(found))) as pool:
        return list(pool.map(read, found))
