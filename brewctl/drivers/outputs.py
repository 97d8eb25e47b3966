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
from types import TracebackType
from typing import Any, Self

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

__all__ = ["Channel", "OutputBank", "exclusive_pairs"]

log = logging.getLogger(__name__)

_MIN_SLEEP_S = 0.001


@dataclass(frozen=True)
class Channel:
    """One GPIO line: a relay/SSR input. ``output`` is the configured output it belongs to."""

    name: str
    output: str
    pin: int
    active_high: bool


def _channels(name: str, cfg: OutputConfig) -> list[Channel]:
    if cfg.kind is OutputKind.MOTORIZED_VALVE:
        assert cfg.open_pin is not None and cfg.close_pin is not None
        return [
            Channel(f"{name}.open", name, cfg.open_pin, cfg.active_high),
            Channel(f"{name}.close", name, cfg.close_pin, cfg.active_high),
        ]
    assert cfg.pin is not None
    return [Channel(name, name, cfg.pin, cfg.active_high)]


def exclusive_pairs(config: Config) -> list[tuple[str, str]]:
    """Each fermenter's (heater, cooler) pair: outputs that must never be on together."""
    return [(f.heater, f.cooler) for f in config.fermenters.values() if f.heater and f.cooler]


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
    ) -> None:
        self.outputs = dict(outputs)
        self.channels = [ch for name, cfg in self.outputs.items() for ch in _channels(name, cfg)]
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
        self._devices: dict[str, Any] = {}
        self._commands: dict[str, float] = {}
        self._valve_targets: dict[str, float | None] = {}
        self._valves: dict[str, ValveEstimate] = {}
        self._homing: set[str] = set()
        self._valve_stopped_at: dict[str, float] = {}
        self._halted = False
        self._clashing: set[tuple[str, str]] = set()
        self._t0 = 0.0
        self._phase_t0: dict[str, float] = {}
        self._last_step = 0.0
        self._entered = False
        self._wake = asyncio.Event()
        self._reset_commands()

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
        ssrs = [n for n, c in self.outputs.items() if c.kind is OutputKind.SSR]
        self._phase_t0 = {n: self._t0 + k / len(ssrs) * self.outputs[n].period_s for k, n in enumerate(ssrs)}
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

    def _reset_commands(self) -> None:
        for name, cfg in self.outputs.items():
            if cfg.kind is OutputKind.MOTORIZED_VALVE:
                self._valve_targets[name] = None
                self._valves[name] = ValveEstimate()  # position unknown: assume fully open
                self._homing.add(name)
            else:
                self._commands[name] = 0.0

    # --- commands -----------------------------------------------------------------------

    def set(self, name: str, value: float) -> None:
        """Command an output (0..1; see the module docstring). Takes effect immediately."""
        cfg = self.outputs.get(name)
        if cfg is None:
            raise ValueError(f"no output named {name!r}")
        if not math.isfinite(value):
            self._command(name, 0.0)
            self.step()
            raise ValueError(f"output {name}: value must be finite, not {value!r} (turned off)")
        self._command(name, clamp_unit(value))
        self._halted = False
        self.step()
        self._wake.set()  # the next edge may have moved: let run() re-plan its sleep

    def _command(self, name: str, value: float) -> None:
        if name in self._valve_targets:
            self._valve_targets[name] = value
        else:
            self._commands[name] = value

    def all_off(self) -> None:
        """Every channel off now; commands cleared (valves hold where they are). Never raises."""
        for name, dev in self._devices.items():
            try:
                dev.off()
            except Exception:
                log.exception("all_off: channel %s could not be switched off", name)
        self._commands = dict.fromkeys(self._commands, 0.0)
        self._valve_targets = dict.fromkeys(self._valve_targets)
        self._halted = True
        try:
            self._advance_valves(self._clock())  # count the travel up to now, then stop
        except Exception:
            log.exception("all_off: valve estimate not updated")
            self._valves = {n: replace(v, direction=0) for n, v in self._valves.items()}

    def home_valves(self) -> None:
        """Forget the valve positions and drive each valve fully closed (its safe end) first.

        Commanded openings apply once a valve is home. A new bank starts with every valve
        waiting to be homed (on the first ``step``); call this to re-home later.
        """
        for name in self._valves:
            self._valves[name] = ValveEstimate()
            self._homing.add(name)
        self._halted = False
        self.step()

    def _valve_goal(self, name: str) -> float | None:
        if self._halted:
            return None
        return 0.0 if name in self._homing else self._valve_targets[name]

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
        self._advance_valves(now)
        wanted = self._wanted(now)
        try:
            # Offs first, then ons: a valve reversing never has both relays on, even briefly.
            for name, on in sorted(wanted.items(), key=lambda kv: kv[1]):
                dev = self._devices[name]
                if bool(dev.value) != on:
                    dev.value = on
        except Exception as exc:
            self.all_off()
            raise FatalError(f"GPIO write failed: {exc}") from exc
        return self._next_edge(now)

    def _advance_valves(self, now: float) -> None:
        dt = now - self._last_step
        self._last_step = max(self._last_step, now)
        for name, est in self._valves.items():
            est = advance_valve(est, dt, self.outputs[name].travel_s)
            if name in self._homing and est.position <= -OVERDRIVE + 1e-9:
                self._homing.discard(name)
                log.info("valve %s is home (closed)", name)
            direction = valve_direction(est, self._valve_goal(name), self.valve_deadband)
            stopped_at = self._valve_stopped_at.get(name, -math.inf)
            if est.direction != 0 and direction == 0:
                self._valve_stopped_at[name] = now
            elif est.direction == 0 and direction != 0 and now - stopped_at < self.valve_rest_s:
                direction = 0  # the motor and relay contacts rest before the next movement
            self._valves[name] = replace(est, direction=direction)

    def _requested_on(self, name: str) -> bool:
        """Whether an output is asked to do anything (for exclusive pairs)."""
        if name in self._valve_targets:
            target = self._valve_targets[name]
            return target is not None and target > 0.0
        cfg = self.outputs[name]
        value = self._commands[name]
        return value > 0.0 if cfg.kind is OutputKind.SSR else value >= 0.5

    def _wanted(self, now: float) -> dict[str, bool]:
        blocked: set[str] = set()
        for a, b in self.exclusive:
            if self._requested_on(a) and self._requested_on(b):
                if (a, b) not in self._clashing:
                    log.warning("outputs %s and %s both commanded on: both kept off", a, b)
                    self._clashing.add((a, b))
                blocked.update((a, b))
            else:
                self._clashing.discard((a, b))
        wanted: dict[str, bool] = {}
        for ch in self.channels:
            cfg = self.outputs[ch.output]
            if ch.output in blocked:
                on = False
            elif cfg.kind is OutputKind.MOTORIZED_VALVE:
                direction = self._valves[ch.output].direction
                on = direction == (1 if ch.name.endswith(".open") else -1)
            elif cfg.kind is OutputKind.SSR:
                on = time_proportion(self._commands[ch.output], cfg.period_s, now - self._phase_t0[ch.output])
            else:
                on = self._commands[ch.output] >= 0.5
            wanted[ch.name] = on
        return wanted

    def _next_edge(self, now: float) -> float:
        edges = [self.max_tick_s]
        for name, cfg in self.outputs.items():
            if cfg.kind is OutputKind.SSR:
                edge = time_to_next_edge(self._commands[name], cfg.period_s, now - self._phase_t0[name])
                if edge is not None:
                    edges.append(edge)
            elif cfg.kind is OutputKind.MOTORIZED_VALVE:
                est = self._valves[name]
                if est.direction == 0:
                    rest_left = self._valve_stopped_at.get(name, -math.inf) + self.valve_rest_s - now
                    if rest_left > 0:
                        edges.append(rest_left)
                else:
                    edges.append(valve_time_to_goal(est, self._valve_goal(name), cfg.travel_s, self.valve_deadband))
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
        return {name: est.opening for name, est in self._valves.items()}

    def commands(self) -> dict[str, float | None]:
        """The last command of each output (valves: target opening, None = holding)."""
        return {**self._commands, **self._valve_targets}
