"""``brewctl run --simulate``: the built-in plants behind the real I/O path.

Each fermenter gets the simulator's plant for its rig (``brewctl.sim.plant_for``). The plants'
probe temperatures are written into a fake 1-wire sysfs tree (``FakeW1Bus``) that the daemon's
real ``ProbeReader`` reads through w1thermsensor; the daemon's real ``OutputBank`` drives
gpiozero ``MockFactory`` pins, and the plants take their heater, cooler and valve inputs from
those pins' electrical levels. Nothing but the 1-wire bus and the GPIO chip is faked.

Every relay edge counts at its own time: the output bank reports each switch with the clock
time its estimates use (``record_edge``), ``run`` integrates the plants piecewise between those
edges, and checks the replayed levels against the mock pins' own. A motorized valve's close
pulse shorter than a simulator tick moves the simulated valve exactly as long as it lasted, so
the plant's valve stays where the driver's estimate says at any ``--speed`` (sampling the pins
once per tick lost such pulses, and the demo's valve drifted open while the daemon said shut).
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
from brewctl.sim.chiller import ChillerParams, ChillerPlant

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
        self.chillers = {
            cid: ChillerPlant(ChillerParams.from_config(c, room_c=ROOM_C)) for cid, c in config.chillers.items()
        }
        """Each ``[chillers.NAME]``'s reservoir: the jackets fed by it draw glycol at its temperature."""
        self.pin_factory: Any = None
        self.bus: FakeW1Bus | None = None
        self._workdir: Path | None = None
        self._written: dict[str, float] = {}
        self._valves: dict[str, float] = {}
        self._edges: list[tuple[float, str, bool]] = []
        self._on: dict[str, bool] = {}
        """Output channel -> energised, as of the plants' time (the edges applied so far)."""
        self.resyncs = 0
        """Times a pin was found at a level no reported edge explained (0 unless the bank misses one)."""
        self._plant_s = 0.0
        """The clock time the plants have been stepped to."""
        self._unplugged: set[str] = set()
        self._stuck: dict[str, float | None] = {}
        """Probe id -> the value it is frozen at (None: at its next reading) until ``plug``."""
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
        self._plant_s = self.clock.monotonic()
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

    def record_edge(self, channel: str, at: float, on: bool) -> None:
        """The output bank switched ``channel`` at clock time ``at`` (its ``on_edge`` hook)."""
        self._edges.append((at, channel, on))

    def _plant_inputs(self, fid: str) -> dict[str, float]:
        """The plant's inputs from the pin levels at the plants' time (valves: their opening)."""
        f = self.config.fermenters[fid]
        inputs: dict[str, float] = {}
        for role, wiring in OUTPUT_ROLES.items():
            name = getattr(f, wiring.field)
            if name is None:
                continue
            out = self.config.outputs[name]
            if out.kind is OutputKind.MOTORIZED_VALVE:
                inputs[role] = self._valves.get(name, 0.0)
            else:
                inputs[role] = 1.0 if self._on.get(name, False) else 0.0
        return inputs

    def valve_openings(self) -> dict[str, float]:
        """Each simulated motorized valve's true opening, 0..1 (what the driver only estimates)."""
        return {
            name: self._valves.get(name, 0.0)
            for name, out in self.config.outputs.items()
            if out.kind is OutputKind.MOTORIZED_VALVE
        }

    def _move_valves(self, dt: float) -> None:
        """Drive each motorized valve for ``dt`` s with its relays as they are; the end stops hold it in 0..1."""
        for name, out in self.config.outputs.items():
            if out.kind is not OutputKind.MOTORIZED_VALVE:
                continue
            move = float(self._on.get(f"{name}.open", False)) - float(self._on.get(f"{name}.close", False))
            if move:
                self._valves[name] = min(1.0, max(0.0, self._valves.get(name, 0.0) + move * dt / out.travel_s))

    def _advance(self, dt: float) -> None:
        """Step every plant ``dt`` s with the pin levels held (no edge inside), in pieces of at most 1 s."""
        left = dt
        while left > 1e-9:
            piece = min(_MAX_SUBSTEP_S, left)
            self._move_valves(piece)
            loads = dict.fromkeys(self.chillers, 0.0)
            for fid, plant in self.plants.items():
                cid = self.config.fermenters[fid].chiller
                if cid is not None and hasattr(plant, "glycol_c"):
                    plant.glycol_c = self.chillers[cid].reservoir_c
                before = float(getattr(plant, "glycol_load_j", 0.0))
                plant.step(piece, self._plant_inputs(fid))
                if cid is not None:
                    loads[cid] += float(getattr(plant, "glycol_load_j", 0.0)) - before
            for cid, chiller in self.chillers.items():
                output = self.config.chillers[cid].output
                on = None if output is None else self._on.get(output, False)
                chiller.step(piece, loads[cid] / piece, on=on)
            left -= piece

    def advance_to(self, now: float) -> None:
        """Bring the plants to clock time ``now``, applying every pin edge logged up to then at its time."""
        self._edges.sort(key=lambda e: e[0])  # stable: edges at one instant keep their order
        n = 0
        while n < len(self._edges) and self._edges[n][0] <= now:
            n += 1
        due, self._edges[:n] = self._edges[:n], []
        for at, channel, on in due:
            if at > self._plant_s:
                self._advance(at - self._plant_s)
                self._plant_s = at
            self._on[channel] = on
        if now > self._plant_s:
            self._advance(now - self._plant_s)
            self._plant_s = now
        if not self._edges:
            self._check_against_pins()

    def _check_against_pins(self) -> None:
        """The replayed levels must be the pins' own: a switch the bank did not report is a bug."""
        for channel, level in self.pin_levels().items():
            if self._on.get(channel, False) != level:
                self.resyncs += 1
                log.warning("simulated %s: its pin is %s but no edge said so", channel, "on" if level else "off")
                self._on[channel] = level

    def unplug(self, probe: str) -> None:
        """Take a configured probe off the simulated bus (a broken cable) until ``plug``."""
        assert self.bus is not None
        probe_id = self.config.probes[probe].id
        self._unplugged.add(probe_id)
        self._written.pop(probe_id, None)
        self.bus.remove(probe_id)

    def stick(self, probe: str, value_c: float | None = None) -> float | None:
        """Freeze a configured probe at ``value_c`` (None: at what it reads now) until ``plug``,
        while the plant goes on: a stuck probe (docs/control.md, "Stuck probes"). Returns the value
        it is frozen at (None if it has no reading yet: frozen at its next one)."""
        assert self.bus is not None
        probe_id = self.config.probes[probe].id
        if value_c is None:
            value_c = self._written.get(probe_id)
        self._unplugged.discard(probe_id)
        self._stuck[probe_id] = value_c
        if value_c is not None:
            self.bus.set_temperature(probe_id, value_c)
            self._written[probe_id] = round(value_c * 16) / 16
        return value_c

    def plug(self, probe: str) -> None:
        """Mend an unplugged or stuck probe; it reads the plant again from the next tick."""
        probe_id = self.config.probes[probe].id
        self._unplugged.discard(probe_id)
        self._stuck.pop(probe_id, None)

    def _write_probes(self) -> None:
        assert self.bus is not None
        for cid, chiller in self.chillers.items():
            self._write_probe(self.config.chillers[cid].reservoir_probe, chiller.reservoir_c)
        for fid, plant in self.plants.items():
            f = self.config.fermenters[fid]
            values = plant.read()
            for role in PROBE_ROLES:
                probe = getattr(f, probe_field(role))
                value = values.get(role)
                if probe is None or value is None:
                    continue
                self._write_probe(probe, value)

    def _write_probe(self, probe: str, value: float) -> None:
        assert self.bus is not None
        probe_id = self.config.probes[probe].id
        if probe_id in self._unplugged:
            return
        if probe_id in self._stuck:
            frozen = self._stuck[probe_id]
            if frozen is not None:
                return
            self._stuck[probe_id] = value  # frozen at its first reading after ``stick``
        quantised = round(value * 16) / 16
        if self._written.get(probe_id) != quantised:
            self.bus.set_temperature(probe_id, value)
            self._written[probe_id] = quantised

    async def run(self) -> None:
        """Step every plant through the pin edges as they happened, forever."""
        while True:
            await self.clock.sleep(self.tick_s)
            self.advance_to(self.clock.monotonic())
            self._write_probes()
