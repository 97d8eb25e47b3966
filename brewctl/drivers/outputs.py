"""GPIO outputs through gpiozero: relays, SSRs, solenoids and motorized valves.

``OutputBank`` owns one ``gpiozero.DigitalOutputDevice`` per relay channel (a motorized valve
has two: ``NAME.open`` and ``NAME.close``). It is an async context manager: every channel is
driven to its *off* level when it is opened (glitch-free: gpiozero sets the level before making
the pin an output), and again on exit, whatever the exit (error, cancellation). ``all_off()``
does the same at any time, synchronously, and never raises.

Commands are values 0..1 given to ``set(name, value)``:

- relay, solenoid: on iff value >= 0.5;
- ssr: a duty, time-proportioned over the output's ``period_s`` (see ``timing.py``); the
  periods of several SSRs are staggered so their heaters do not switch on together;
- motorized-valve: a target opening, reached by driving the open or close relay for the
  right time (estimated position, ``travel_s``), never both relays at once. At start of
  ``run()`` each valve is re-homed by driving it fully closed (its safe end).

``run()`` is the loop that switches SSRs and stops valves on time. It does not poll: it
sleeps until the next edge, and a ``set()`` wakes it to re-plan (``max_tick_s`` is only a
safety net). When it stops, every output goes off. Optional ``exclusive``
pairs (e.g. a fermenter's heater and cooler) are never energised together: if both are
commanded on, both stay off. The control core's guards come first; this is a last line.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, Self

from gpiozero import DigitalOutputDevice

from brewctl.config import Config, OutputConfig, OutputKind
from brewctl.drivers.timing import (
    OVERDRIVE,
    ValveEstimate,
    advance_valve,
    clamp_unit,
    time_proportion,
    time_to_next_edge,
    valve_direction,
    valve_time_to_goal,
)
from brewctl.errors import FatalError
from brewctl.rigs import HEAT_ROLE, RIGS, wired_roles

__all__ = [
    "DRIVERS",
    "Channel",
    "MotorizedValveDriver",
    "OutputBank",
    "OutputDriver",
    "RelayDriver",
    "SolenoidDriver",
    "SsrDriver",
    "exclusive_pairs",
    "make_driver",
    "output_channels",
]

log = logging.getLogger(__name__)

_MIN_SLEEP_S = 0.001


@dataclass(frozen=True)
class Channel:
    """One GPIO line: a relay/SSR input. ``output`` is the configured output it belongs to."""

    name: str
    output: str
    pin: int
    active_high: bool


class OutputDriver:
    """How one configured output turns its command into channel levels (one class per kind).

    A driver keeps the output's last command and any state its kind needs (an SSR's phase, a
    valve's estimated position); ``OutputBank`` owns the GPIO devices and asks each driver
    which of its channels should be on. Adding an output kind = a ``brewctl.rigs.OutputKind``
    member + a subclass here + its ``DRIVERS`` entry.
    """

    kind: ClassVar[OutputKind]
    idle: ClassVar[float | None] = 0.0
    """The command after ``clear()`` (off)."""

    def __init__(self, name: str, cfg: OutputConfig) -> None:
        self.name = name
        self.cfg = cfg
        self.command: float | None = self.idle

    def channels(self) -> list[Channel]:
        """The GPIO lines this output drives (one, by default)."""
        assert self.cfg.pin is not None
        return [Channel(self.name, self.name, self.cfg.pin, self.cfg.active_high)]

    def clear(self) -> None:
        """Forget the command: the output goes off."""
        self.command = self.idle

    def requested_on(self) -> bool:
        """Whether the output is asked to do anything (for exclusive pairs)."""
        return self.command is not None and self.command >= 0.5

    def advance(self, now: float, dt: float, *, halted: bool) -> None:
        """Account for ``dt`` seconds up to ``now`` (a valve moves); nothing by default."""

    def levels(self, now: float) -> dict[str, bool]:
        """Channel name -> on, for ``now``."""
        return {self.name: self.requested_on()}

    def next_edge(self, now: float, *, halted: bool) -> float | None:
        """Seconds until a channel must switch by itself; None if it never does."""
        return None


class RelayDriver(OutputDriver):
    """An electromechanical relay: on iff the command is 0.5 or more."""

    kind = OutputKind.RELAY


class SolenoidDriver(RelayDriver):
    """A solenoid valve: on iff the command is 0.5 or more."""

    kind = OutputKind.SOLENOID


class SsrDriver(OutputDriver):
    """A solid-state relay: the command is a duty, time-proportioned over ``period_s``."""

    kind = OutputKind.SSR

    def __init__(self, name: str, cfg: OutputConfig) -> None:
        super().__init__(name, cfg)
        self.phase_t0 = 0.0
        """Start of its first period (the bank staggers SSRs)."""

    def requested_on(self) -> bool:
        return self.command is not None and self.command > 0.0

    def levels(self, now: float) -> dict[str, bool]:
        return {self.name: time_proportion(self.command or 0.0, self.cfg.period_s, now - self.phase_t0)}

    def next_edge(self, now: float, *, halted: bool) -> float | None:
        return time_to_next_edge(self.command or 0.0, self.cfg.period_s, now - self.phase_t0)


class MotorizedValveDriver(OutputDriver):
    """A motorized ball valve: the command is a target opening (None = hold where it is),
    reached by driving the open or the close relay for the right time, never both."""

    kind = OutputKind.MOTORIZED_VALVE
    idle = None

    def __init__(self, name: str, cfg: OutputConfig, *, deadband: float = 0.02, rest_s: float = 0.5) -> None:
        super().__init__(name, cfg)
        self.deadband = deadband
        self.rest_s = rest_s
        self.estimate = ValveEstimate()  # position unknown: assume fully open
        self.homing = True
        self.stopped_at = -math.inf

    def channels(self) -> list[Channel]:
        assert self.cfg.open_pin is not None and self.cfg.close_pin is not None
        return [
            Channel(f"{self.name}.open", self.name, self.cfg.open_pin, self.cfg.active_high),
            Channel(f"{self.name}.close", self.name, self.cfg.close_pin, self.cfg.active_high),
        ]

    def requested_on(self) -> bool:
        return self.command is not None and self.command > 0.0

    def home(self) -> None:
        """Forget the position and drive fully closed (the safe end) before any opening."""
        self.estimate = ValveEstimate()
        self.homing = True

    def stop(self) -> None:
        """Stop the motor where it is (no accounting)."""
        self.estimate = replace(self.estimate, direction=0)

    def goal(self, *, halted: bool) -> float | None:
        if halted:
            return None
        return 0.0 if self.homing else self.command

    def advance(self, now: float, dt: float, *, halted: bool) -> None:
        est = advance_valve(self.estimate, dt, self.cfg.travel_s)
        if self.homing and est.position <= -OVERDRIVE + 1e-9:
            self.homing = False
            log.info("valve %s is home (closed)", self.name)
        direction = valve_direction(est, self.goal(halted=halted), self.deadband)
        if est.direction != 0 and direction == 0:
            self.stopped_at = now
        elif est.direction == 0 and direction != 0 and now - self.stopped_at < self.rest_s:
            direction = 0  # the motor and relay contacts rest before the next movement
        self.estimate = replace(est, direction=direction)

    def levels(self, now: float) -> dict[str, bool]:
        direction = self.estimate.direction
        return {f"{self.name}.open": direction == 1, f"{self.name}.close": direction == -1}

    def next_edge(self, now: float, *, halted: bool) -> float | None:
        est = self.estimate
        if est.direction == 0:
            rest_left = self.stopped_at + self.rest_s - now
            return rest_left if rest_left > 0 else None
        return valve_time_to_goal(est, self.goal(halted=halted), self.cfg.travel_s, self.deadband)


DRIVERS: Mapping[OutputKind, type[OutputDriver]] = MappingProxyType(
    {d.kind: d for d in (RelayDriver, SsrDriver, SolenoidDriver, MotorizedValveDriver)}
)
"""Output kind -> its driver class. A test checks every ``OutputKind`` has one."""


def make_driver(
    name: str, cfg: OutputConfig, *, valve_deadband: float = 0.02, valve_rest_s: float = 0.5
) -> OutputDriver:
    """The driver of one configured output."""
    cls = DRIVERS[cfg.kind]
    if issubclass(cls, MotorizedValveDriver):
        return cls(name, cfg, deadband=valve_deadband, rest_s=valve_rest_s)
    return cls(name, cfg)


def output_channels(name: str, cfg: OutputConfig) -> list[Channel]:
    """The GPIO lines of one configured output (a motorized valve has ``NAME.open`` and ``NAME.close``)."""
    return make_driver(name, cfg).channels()


def exclusive_pairs(config: Config) -> list[tuple[str, str]]:
    """Each fermenter's (heating, cooling) outputs: never on together (the rig registry says which
    role cools: the cooler of a chamber, the glycol valve of a jacket with a heat wrap)."""
    pairs = []
    for f in config.fermenters.values():
        wired, cool_role = wired_roles(f), RIGS[f.rig].cool_role
        if HEAT_ROLE in wired and cool_role in wired:
            pairs.append((wired[HEAT_ROLE], wired[cool_role]))
    return pairs


class OutputBank:
    """The configured outputs, driven through a gpiozero pin factory (``None``: gpiozero's default)."""

    def __init__(
        self,
        outputs: Mapping[str, OutputConfig],
        *,
        pin_factory: Any = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        exclusive: Iterable[tuple[str, str]] = (),
        max_tick_s: float = 30.0,
        valve_deadband: float = 0.02,
        valve_rest_s: float = 0.5,
        on_edge: Callable[[str, float, bool], None] | None = None,
    ) -> None:
        self.outputs = dict(outputs)
        self.drivers = {
            name: make_driver(name, cfg, valve_deadband=valve_deadband, valve_rest_s=valve_rest_s)
            for name, cfg in self.outputs.items()
        }
        self.channels = [ch for driver in self.drivers.values() for ch in driver.channels()]
        self.exclusive = [(a, b) for a, b in exclusive]
        for a, b in self.exclusive:
            for n in (a, b):
                if n not in self.outputs:
                    raise ValueError(f"exclusive pair ({a}, {b}): no output named {n!r}")
        self.max_tick_s = max_tick_s
        self.valve_deadband = valve_deadband
        self.valve_rest_s = valve_rest_s
        self._factory = pin_factory
        self._clock = clock
        self._sleep = sleep
        self._on_edge = on_edge
        """Told ``(channel, clock time, on)`` of every switch, at the time the estimates use."""
        self._devices: dict[str, Any] = {}
        self._valves = {n: d for n, d in self.drivers.items() if isinstance(d, MotorizedValveDriver)}
        self._halted = False
        self._clashing: set[tuple[str, str]] = set()
        self._t0 = 0.0
        self._last_step = 0.0
        self._entered = False
        self._wake = asyncio.Event()

    # --- lifecycle ----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._entered:
            raise RuntimeError("OutputBank is not re-entrant")
        try:
            for ch in self.channels:
                self._devices[ch.name] = DigitalOutputDevice(
                    ch.pin, active_high=ch.active_high, initial_value=False, pin_factory=self._factory
                )
        except BaseException:
            self._close()
            raise
        self._entered = True
        self._t0 = self._last_step = self._clock()
        # SSR periods are staggered (k-th of n starts k/n of a period later) so heaters do not
        # all switch on at the same instant.
        ssrs = [d for d in self.drivers.values() if isinstance(d, SsrDriver)]
        for k, ssr in enumerate(ssrs):
            ssr.phase_t0 = self._t0 + k / len(ssrs) * ssr.cfg.period_s
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close()

    def _close(self) -> None:
        self.all_off()
        for name, dev in list(self._devices.items()):
            try:
                dev.close()
            except Exception:  # closing must go on for the other pins
                log.exception("output channel %s: close failed", name)
        self._devices.clear()
        self._entered = False

    # --- commands -----------------------------------------------------------------------

    def set(self, name: str, value: float) -> None:
        """Command an output (0..1; see the module docstring). Takes effect immediately."""
        driver = self.drivers.get(name)
        if driver is None:
            raise ValueError(f"no output named {name!r}")
        if not math.isfinite(value):
            driver.command = 0.0
            self.step()
            raise ValueError(f"output {name}: value must be finite, not {value!r} (turned off)")
        driver.command = clamp_unit(value)
        self._halted = False
        self.step()
        self._wake.set()  # the next edge may have moved: let run() re-plan its sleep

    def all_off(self) -> None:
        """Every channel off now; commands cleared (valves hold where they are). Never raises."""
        try:
            now = self._clock()
        except Exception:
            log.exception("all_off: the clock failed")
            now = self._last_step
        for name, dev in self._devices.items():
            try:
                if dev.value:
                    dev.off()
                    self._edge(name, now, False)
                else:
                    dev.off()
            except Exception:
                log.exception("all_off: channel %s could not be switched off", name)
        for driver in self.drivers.values():
            driver.clear()
        self._halted = True
        try:
            self._advance(now)  # count the travel up to now, then stop
        except Exception:
            log.exception("all_off: valve estimate not updated")
            for valve in self._valves.values():
                valve.stop()

    def home_valves(self) -> None:
        """Forget the valve positions and drive each valve fully closed (its safe end) first.

        Commanded openings apply once a valve is home. A new bank starts with every valve
        waiting to be homed (on the first ``step``); call this to re-home later.
        """
        for valve in self._valves.values():
            valve.home()
        self._halted = False
        self.step()

    # --- the loop -----------------------------------------------------------------------

    async def run(self) -> None:
        """Switch outputs on time (valves re-home first) until cancelled; all off when it ends."""
        try:
            while True:
                delay = self.step()
                self._wake.clear()
                sleeper = asyncio.ensure_future(self._sleep(delay))
                waker = asyncio.ensure_future(self._wake.wait())
                try:
                    done, _ = await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
                finally:
                    sleeper.cancel()
                    waker.cancel()
                if sleeper in done:
                    sleeper.result()  # a failing sleep fails the loop
        finally:
            self.all_off()

    def step(self, now: float | None = None) -> float:
        """Bring every channel to its level for ``now``; returns seconds until the next edge."""
        if not self._entered:
            raise RuntimeError("use OutputBank as 'async with OutputBank(...) as bank'")
        now = self._clock() if now is None else now
        self._advance(now)
        wanted = self._wanted(now)
        try:
            # Offs first, then ons: a valve reversing never has both relays on, even briefly.
            for name, on in sorted(wanted.items(), key=lambda kv: kv[1]):
                dev = self._devices[name]
                if bool(dev.value) != on:
                    dev.value = on
                    self._edge(name, now, on)
        except Exception as exc:
            self.all_off()
            raise FatalError(f"GPIO write failed: {exc}") from exc
        return self._next_edge(now)

    def _edge(self, channel: str, now: float, on: bool) -> None:
        if self._on_edge is not None:
            self._on_edge(channel, now, on)

    def _advance(self, now: float) -> None:
        dt = now - self._last_step
        self._last_step = max(self._last_step, now)
        for driver in self.drivers.values():
            driver.advance(now, dt, halted=self._halted)

    def _wanted(self, now: float) -> dict[str, bool]:
        blocked: set[str] = set()
        for a, b in self.exclusive:
            if self.drivers[a].requested_on() and self.drivers[b].requested_on():
                if (a, b) not in self._clashing:
                    log.warning("outputs %s and %s both commanded on: both kept off", a, b)
                    self._clashing.add((a, b))
                blocked.update((a, b))
            else:
                self._clashing.discard((a, b))
        wanted: dict[str, bool] = {}
        for name, driver in self.drivers.items():
            for channel, on in driver.levels(now).items():
                wanted[channel] = on and name not in blocked
        return wanted

    def _next_edge(self, now: float) -> float:
        edges = [self.max_tick_s]
        for driver in self.drivers.values():
            edge = driver.next_edge(now, halted=self._halted)
            if edge is not None:
                edges.append(edge)
        return max(_MIN_SLEEP_S, min(edges))

    # --- what the pins do ---------------------------------------------------------------

    def energised(self) -> dict[str, bool]:
        """Channel name -> logically on (valves: ``NAME.open`` / ``NAME.close``)."""
        return {name: bool(dev.value) for name, dev in self._devices.items()}

    def pin_states(self) -> dict[int, bool]:
        """BCM pin -> logically on."""
        return {ch.pin: bool(self._devices[ch.name].value) for ch in self.channels if ch.name in self._devices}

    def valve_openings(self) -> dict[str, float]:
        """Estimated opening of each motorized valve, 0..1."""
        return {name: valve.estimate.opening for name, valve in self._valves.items()}

    def commands(self) -> dict[str, float | None]:
        """The last command of each output (valves: target opening, None = holding)."""
        plain = {n: d.command for n, d in self.drivers.items() if n not in self._valves}
        return {**plain, **{n: v.command for n, v in self._valves.items()}}
