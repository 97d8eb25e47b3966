"""``brewctl run --simulate``: the built-in plants behind the real I/O path.

Each fermenter gets the simulator's plant for its rig (``brewctl.sim.plant_for``). The plants'
probe temperatures are written into a fake 1-wire sysfs tree (``FakeW1Bus``) that the daemon's
real ``ProbeReader`` reads through w1thermsensor; the daemon's real ``OutputBank`` drives
gpiozero ``MockFactory`` pins, and the plants take their heater, cooler and valve inputs from
those pins' electrical levels. Nothing but the 1-wire bus and the GPIO chip is faked.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from types import TracebackType
from typing import Any

from gpiozero.pins.mock import MockFactory

from brewctl.config import Config, OutputConfig, OutputKind
from brewctl.drivers.fake_w1 import FakeW1Bus
from brewctl.drivers.outputs import output_channels
from brewctl.rigs import OUTPUT_ROLES, PROBE_ROLES, probe_field
from brewctl.service.clock import Clock
from brewctl.service.sim_workdir import make_workdir
from brewctl.sim import plant_for

__all__ = ["ROOM_C", "SimulatedRigs"]

log = logging.getLogger(__name__)

ROOM_C = 20.0
"""What a probe no plant drives (a room probe, say) reads."""
_MAX_SUBSTEP_S = 1.0


class SimulatedRigs:
    """The simulated plants, 1-wire tree and mock GPIO (an async context manager)."""

    def __init__(self, config: Config, clock: Clock, *, tick_s: float | None = None) -> None:
        self.config = config
        self.clock = clock
        self.tick_s = tick_s if tick_s is not None else max(1.0, clock.speed * 0.05)
        """Simulated seconds between plant updates (at most ~20 per real second)."""
        self.plants = {fid: plant_for(f.rig) for fid, f in config.fermenters.items()}
        self.pin_factory: Any = None
        self.bus: FakeW1Bus | None = None
        self._workdir: Path | None = None
        self._written: dict[str, float] = {}
        self._valves: dict[str, float] = {}
        self._unplugged: set[str] = set()
        self.levels_at_exit: dict[str, bool] = {}
        """Every output channel's level when the rig closed (after the daemon's outputs)."""

    @property
    def w1_directory(self) -> Path:
        """The fake ``/sys/bus/w1/devices``."""
        assert self.bus is not None
        return self.bus.base_directory

    async def __aenter__(self) -> SimulatedRigs:
        self._workdir = make_workdir()  # also removes the ones a kill -9 left behind
        self.bus = FakeW1Bus(self._workdir / "devices")
        self.pin_factory = MockFactory()
        for probe in self.config.probes.values():
            self.bus.set_temperature(probe.id, ROOM_C)
        self._write_probes()
        log.info("simulating %d fermenter(s) at %gx speed", len(self.plants), self.clock.speed)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.levels_at_exit = self.pin_levels()
        on = [name for name, level in self.levels_at_exit.items() if level]
        log.info("simulated outputs at exit: %s", ", ".join(on) if on else "all off")
        if self.pin_factory is not None:
            # Mock pins are process-wide in gpiozero: release them for the next user.
            self.pin_factory.reset()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def pin_levels(self) -> dict[str, bool]:
        """Output channel -> energised, from the mock pins' electrical levels."""
        levels: dict[str, bool] = {}
        for name, out in self.config.outputs.items():
            for channel in output_channels(name, out):
                levels[channel.name] = self._energised(out, channel.pin)
        return levels

    def _energised(self, out: OutputConfig, pin: int) -> bool:
        if self.pin_factory is None:
            return False
        state = bool(self.pin_factory.pin(pin).state)
        return state if out.active_high else not state

    def _plant_inputs(self, fid: str, dt: float) -> dict[str, float]:
        f = self.config.fermenters[fid]
        levels = self.pin_levels()
        inputs: dict[str, float] = {}
        for role, wiring in OUTPUT_ROLES.items():
            name = getattr(f, wiring.field)
            if name is None:
                continue
            out = self.config.outputs[name]
            if out.kind is OutputKind.MOTORIZED_VALVE:
                move = float(levels[f"{name}.open"]) - float(levels[f"{name}.close"])
                pos = min(1.0, max(0.0, self._valves.get(name, 0.0) + move * dt / out.travel_s))
                self._valves[name] = pos
                inputs[role] = pos
            else:
                inputs[role] = 1.0 if levels[name] else 0.0
        return inputs

    def unplug(self, probe: str) -> None:
        """Take a configured probe off the simulated bus (a broken cable) until ``plug``."""
        assert self.bus is not None
        probe_id = self.config.probes[probe].id
        self._unplugged.add(probe_id)
        self._written.pop(probe_id, None)
        self.bus.remove(probe_id)

    def plug(self, probe: str) -> None:
        """Put an unplugged probe back; it reads the plant again from the next tick."""
        self._unplugged.discard(self.config.probes[probe].id)

    def _write_probes(self) -> None:
        assert self.bus is not None
        for fid, plant in self.plants.items():
            f = self.config.fermenters[fid]
            values = plant.read()
            for role in PROBE_ROLES:
                probe = getattr(f, probe_field(role))
                value = values.get(role)
                if probe is None or value is None:
                    continue
                probe_id = self.config.probes[probe].id
                if probe_id in self._unplugged:
                    continue
                quantised = round(value * 16) / 16
                if self._written.get(probe_id) != quantised:
                    self.bus.set_temperature(probe_id, value)
                    self._written[probe_id] = quantised

    async def run(self) -> None:
        """Step every plant with the outputs the mock pins show, forever."""
        last = self.clock.monotonic()
        while True:
            await self.clock.sleep(self.tick_s)
            now = self.clock.monotonic()
            dt, last = now - last, now
            for fid, plant in self.plants.items():
                inputs = self._plant_inputs(fid, dt)
                left = dt
                while left > 1e-9:
                    piece = min(_MAX_SUBSTEP_S, left)
                    plant.step(piece, inputs)
                    left -= piece
            self._write_probes()
