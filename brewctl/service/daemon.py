"""``brewctl run``: the daemon that composes probes, control, outputs, state, API and components.

One ``AsyncExitStack`` owns the resources (simulated rig, probe reader, output bank, API
socket); one ``TaskGroup`` runs the loops:

- probe loop: read every probe each ``node.probe_period_s`` (calibrated by the reader);
- control loop: after each read, per fermenter: target (mode, setpoints or profile), one
  ``FermenterController.step``, outputs to the ``OutputBank``, a ``NodeStatus`` to the hub,
  events for changes, a systemd watchdog ping;
- the output bank's loop (SSR time-proportioning, valve travel);
- state persistence (every change right away, and every ``PERSIST_INTERVAL_S`` while a
  profile runs);
- the API server, and the optional components, each supervised.

Outputs stay off until the first control step; they go off on SIGTERM/SIGINT (clean exit)
and on any unhandled error (the exception propagates: exit non-zero, systemd restarts us).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brewctl import __version__
from brewctl.config import Config, FermenterConfig, Mode
from brewctl.core import profile_runner
from brewctl.core.control import ControlResult, FermenterController, PlannedStep, Target
from brewctl.core.guards import HeatCool
from brewctl.core.profile import Profile
from brewctl.core.profile_runner import GravityReading, ProfileTarget
from brewctl.core.stuck_probe import StuckProbeGuard, guarded
from brewctl.drivers.outputs import OutputBank, exclusive_pairs
from brewctl.drivers.probes import ProbeReader
from brewctl.errors import CommandError, ConfigError, ProfileError
from brewctl.model import (
    Alarm,
    Command,
    CommandResult,
    FermenterStatus,
    NodeStatus,
    ProfileStatus,
    StartProfile,
)
from brewctl.profiles.library import find_in_library, list_library
from brewctl.rigs import OUTPUT_ROLES, PROBE_ROLES, probe_field
from brewctl.service import sdnotify
from brewctl.service.api import ApiServer, make_app
from brewctl.service.chillers import ChillerRuntime, valve_demand
from brewctl.service.clock import Clock
from brewctl.service.commands import apply_command
from brewctl.service.components import supervise
from brewctl.service.forced_off import LAST_GOOD_FILE, last_good_record
from brewctl.service.hardening import RateLimitedLog, loop_exception_handler
from brewctl.service.hub import Component, Hub
from brewctl.service.simulation_api import simulation_routes
from brewctl.service.state import (
    STATE_FILE_NAME,
    DaemonState,
    FermenterState,
    load_state_file,
    reconcile_with_config,
    save_state_file,
    write_atomic,
)
from brewctl.service.status import fermenter_status, stamp_alarms, summary_line, word_alarms

if TYPE_CHECKING:
    from brewctl.service.simulation import SimulatedRigs

__all__ = ["PERSIST_INTERVAL_S", "PROBE_READ_TIMEOUT_S", "STOP_SIGNALS", "Daemon", "DaemonOptions"]

log = logging.getLogger(__name__)

PERSIST_INTERVAL_S = 60.0
"""While a profile runs, its position is saved at least this often (clock seconds)."""


PROBE_READ_TIMEOUT_S = 5.0
"""A probe read stuck longer than this (clock seconds) is given up for the cycle."""

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)
"""Each stops the daemon cleanly (outputs off, state saved): a dropped SSH session sends SIGHUP."""


class _StopRequested(Exception):  # noqa: N818 (a signal, not an error)
    """Raised inside the task group to end it cleanly."""


@dataclass(frozen=True)
class DaemonOptions:
    """How to run: ``None`` paths come from the config's ``[node]``."""

    simulate: bool = False
    state_dir: Path | None = None
    socket_path: Path | None = None
    install_signal_handlers: bool = True


@dataclass(frozen=True, slots=True)
class _Planned:
    """A fermenter's step between its two halves (``Daemon.control_cycle``)."""

    readings: Mapping[str, float | None]
    step: PlannedStep


@dataclass
class _Fermenter:
    """Runtime data of one fermenter (the persisted part is in ``state``)."""

    fid: str
    cfg: FermenterConfig
    controller: StuckProbeGuard
    state: FermenterState
    last_mono: float | None = None
    result: ControlResult | None = None
    profile_target: ProfileTarget | None = None
    alarms: tuple[Alarm, ...] = ()
    status: FermenterStatus | None = None


ComponentFactory = Callable[[Config, Path, Clock], list[Component]]
"""Builds the optional components for a configuration, a state folder and the daemon's clock."""


class Daemon:
    """The controller daemon. ``await Daemon(config, options, clock=...).run()``.

    ``components``: the optional components to run (history, MQTT, ...), or a factory
    ``(config, state_dir, clock) -> components`` called at ``run`` (``brewctl run`` passes
    ``brewctl.cli.components.optional_components``); None runs none.
    """

    def __init__(
        self,
        config: Config,
        options: DaemonOptions | None = None,
        *,
        clock: Clock | None = None,
        components: list[Component] | ComponentFactory | None = None,
    ) -> None:
        self.config = config
        self.options = options or DaemonOptions()
        self.clock = clock or Clock()
        self.state_dir = self.options.state_dir or config.node.state_dir
        self.socket_path = self.options.socket_path or config.node.socket_path
        self.state_path = self.state_dir / STATE_FILE_NAME
        self.period_s = config.node.probe_period_s
        self._components = components
        self.hub: Hub | None = None
        self.bank: OutputBank | None = None
        self.rigs: SimulatedRigs | None = None
        self.fermenters: dict[str, _Fermenter] = {}
        self.chillers: dict[str, ChillerRuntime] = {}
        self._probe_values: dict[str, tuple[float, float]] = {}
        """probe name -> (calibrated °C, monotonic time of the read)."""
        self._probe_errors: dict[str, tuple[str, str | None]] = {}
        """probe name -> why its last read gave no value (CRC error, not on the bus, ...)."""
        self._stop = asyncio.Event()
        self._readings = asyncio.Event()
        self._save_lock = asyncio.Lock()
        self._command_lock = asyncio.Lock()
        self._started_mono = self.clock.monotonic()
        self._last_save_mono = self._started_mono
        self._cycles = 0
        self._last_sd_status = ""
        self._save_now = False
        self._save_log = RateLimitedLog(log)
        self.save_error: str | None = None
        """Why the last save failed (None once a save succeeds)."""
        self._stopping = False
        """Set when the loops have ended: no command may drive an output any more."""
        self.ready = asyncio.Event()
        """Set after the first control step (READY=1)."""

    # --- lifecycle ----------------------------------------------------------------------

    def _on_signal(self, sig: signal.Signals) -> None:
        log.info("%s received", sig.name)
        self.request_stop()

    def request_stop(self) -> None:
        """Stop cleanly (SIGTERM/SIGINT): outputs off, state saved, exit 0."""
        log.info("stop requested")
        self._stop.set()

    async def run(self) -> None:
        """Run until ``request_stop``; an unhandled error propagates after outputs went off."""
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"{self.state_dir}: cannot create the state folder ({exc.strerror}); use --state-dir"
            ) from None
        self.hub = Hub(self.config.node.name, wall_clock=self.clock.wall, monotonic_clock=self.clock.monotonic)
        await asyncio.to_thread(self._record_outputs)
        self._load_state()
        wanted = self._components
        components = wanted(self.config, self.state_dir, self.clock) if callable(wanted) else list(wanted or [])
        loop = asyncio.get_running_loop()
        if self.options.install_signal_handlers:
            for sig in STOP_SIGNALS:
                loop.add_signal_handler(sig, self._on_signal, sig)
            loop.set_exception_handler(loop_exception_handler)
        try:
            async with AsyncExitStack() as stack:
                await self._run_in(stack, components)
        finally:
            if self.options.install_signal_handlers:
                for sig in STOP_SIGNALS:
                    loop.remove_signal_handler(sig)
            sdnotify.notify("STOPPING=1")
            log.info("stopped: every output is off")

    async def _run_in(self, stack: AsyncExitStack, components: list[Component]) -> None:
        assert self.hub is not None
        # The socket first: a second daemon must fail before it touches any GPIO pin.
        self.hub.extra["daemon"] = self
        routes = [r for c in components if hasattr(c, "api_routes") for r in c.api_routes()]
        routes += simulation_routes(self.hub)  # answered 409 unless --simulate
        app = make_app(
            self.hub, fermenters=tuple(self.fermenters), list_profiles=self.list_profiles, extra_routes=routes
        )
        await stack.enter_async_context(ApiServer(app, self.socket_path, group=self.config.node.socket_group))
        base_directory: Path | None = None
        pin_factory: Any = None
        rigs = None
        if self.options.simulate:
            from brewctl.service.simulation import SimulatedRigs

            rigs = self.rigs = await stack.enter_async_context(SimulatedRigs(self.config, self.clock))
            base_directory, pin_factory = rigs.w1_directory, rigs.pin_factory
        reader = await stack.enter_async_context(
            ProbeReader(
                self.config.probes,
                base_directory=base_directory,
                sleep=self.clock.sleep,
                # In clock seconds, like every other time: at --speed 600 an unscaled 5 s wait
                # on one stuck read is 50 simulated minutes without any reading.
                timeout_s=PROBE_READ_TIMEOUT_S / self.clock.speed,
            )
        )
        self.bank = await stack.enter_async_context(
            OutputBank(
                self.config.outputs,
                pin_factory=pin_factory,
                clock=self.clock.monotonic,
                sleep=self.clock.sleep,
                exclusive=exclusive_pairs(self.config),
                on_edge=rigs.record_edge if rigs is not None else None,
            )
        )
        stack.callback(self.bank.all_off)  # belt and braces: first thing undone on the way out
        self.hub.set_command_handler(self.handle_command)
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self._probe_loop(reader), name="probes")
                tg.create_task(self._control_loop(), name="control")
                tg.create_task(self.bank.run(), name="outputs")
                tg.create_task(self._persist_loop(), name="persistence")
                if rigs is not None:
                    tg.create_task(rigs.run(), name="simulation")
                for component in components:
                    tg.create_task(supervise(component, self.hub, sleep=self.clock.sleep), name=component.name)
                tg.create_task(self._wait_for_stop(), name="stop")
        except* _StopRequested:
            pass
        finally:
            # From here on commands are refused: one arriving during the last save must not
            # switch an output back on after every output went off.
            self._stopping = True
            self.bank.all_off()
            await self._save()

    async def _wait_for_stop(self) -> None:
        await self._stop.wait()
        raise _StopRequested

    # --- state --------------------------------------------------------------------------

    def _record_outputs(self) -> None:
        """Write ``outputs.json``: the pins ``brewctl outputs-off`` drives off even if the config
        is edited into an invalid state while this daemon runs."""
        try:
            write_atomic(self.state_dir / LAST_GOOD_FILE, last_good_record(self.config))
        except OSError as exc:
            log.warning(
                "cannot record the outputs in %s (%s): outputs-off relies on the config alone", self.state_dir, exc
            )

    def _load_state(self) -> None:
        saved = load_state_file(self.state_path)
        state, notes = reconcile_with_config(saved, self.config)
        for note in notes:
            log.warning("%s", note)
        if saved is not None:
            log.info("resumed state from %s", self.state_path)
        for fid, fcfg in self.config.fermenters.items():
            # Stuck-probe detection around the controller (brewctl.core.stuck_probe).
            self.fermenters[fid] = _Fermenter(fid, fcfg, guarded(FermenterController(fcfg)), state.fermenters[fid])
        now = self.clock.monotonic()
        self.chillers = {
            cid: ChillerRuntime(cid, c, tuple(f for f, fc in self.config.fermenters.items() if fc.chiller == cid), now)
            for cid, c in self.config.chillers.items()
        }

    def snapshot(self) -> DaemonState:
        """The state to persist now."""
        return DaemonState(fermenters={fid: f.state for fid, f in self.fermenters.items()})

    async def _save(self) -> bool:
        """Write the state file; False if it failed (disk full, read-only card): a node alarm, not a stop.

        The log says so at most once a minute (a full disk is not worth 5,000 lines a minute).
        """
        assert self.hub is not None
        async with self._save_lock:
            snapshot = self.snapshot()
            try:
                await asyncio.to_thread(save_state_file, self.state_path, snapshot, wall_s=self.clock.wall())
            except OSError as exc:
                self.save_error = str(exc.strerror or exc)
                self._save_log("save", logging.ERROR, "cannot save the state to %s: %s", self.state_path, exc)
                self.hub.raise_alarm(
                    Alarm(
                        code="state_not_saved",
                        severity="critical",
                        message=f"cannot save the state ({self.save_error}): a restart would lose changes",
                        since_s=self.clock.wall(),
                    )
                )
                return False
            if self.save_error is not None:
                log.info("the state is saved again to %s", self.state_path)
                self.save_error = None
            self.hub.clear_alarm("state_not_saved")
            self._last_save_mono = self.clock.monotonic()
            return True

    async def _persist_loop(self) -> None:
        while True:
            await self.clock.sleep(min(PERSIST_INTERVAL_S, self.period_s))
            due = self.clock.monotonic() - self._last_save_mono >= PERSIST_INTERVAL_S
            if due and any(f.state.progress is not None for f in self.fermenters.values()):
                await self._save()

    # --- probes -------------------------------------------------------------------------

    async def _probe_loop(self, reader: ProbeReader) -> None:
        while True:
            started = self.clock.monotonic()
            samples = await reader.read_all()
            now = self.clock.monotonic()
            for name, sample in samples.items():
                if sample.value_c is not None:
                    self._probe_values[name] = (sample.value_c, now)
                    self._probe_errors.pop(name, None)
                elif sample.error is not None:
                    self._probe_errors[name] = (sample.error, sample.detail)
            self._readings.set()
            await self.clock.sleep(self.period_s - (self.clock.monotonic() - started))

    def reading(self, probe: str | None, now_mono: float) -> float | None:
        """A probe's calibrated value, or None if unknown or older than ``stale_after_s``."""
        if probe is None or probe not in self._probe_values:
            return None
        value, at = self._probe_values[probe]
        return value if now_mono - at <= self.config.node.stale_after_s else None

    # --- control ------------------------------------------------------------------------

    async def _control_loop(self) -> None:
        watchdog_s = sdnotify.watchdog_period_s()
        # Wait for readings, but never longer than a period (or half the watchdog timeout):
        # a stuck probe read makes readings stale (outputs go safe), it never stalls control.
        wait_s = self.period_s * 1.5 / self.clock.speed
        if watchdog_s is not None:
            wait_s = min(wait_s, watchdog_s / 2)
        while True:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a cancellation,
            # and this loop would then never stop (the daemon hung at SIGTERM, now and then).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait_s):
                    await self._readings.wait()
            self._readings.clear()
            self.control_cycle()
            if watchdog_s is not None:
                sdnotify.notify("WATCHDOG=1")
            if self._cycles == 1:
                sdnotify.notify("READY=1")
                self.ready.set()
                log.info("first control step done: ready")
            await self._profile_saves()

    async def _profile_saves(self) -> None:
        """Persist right away when a profile changed step or finished."""
        if self._save_now:
            self._save_now = False
            await self._save()

    def control_cycle(self) -> None:
        """One synchronous control step of every fermenter, then publish the status.

        In two halves, so that a shared chiller answers this cycle's demands: every fermenter
        plans (what its control wants now), each chiller decides which valves may open, then
        every fermenter applies its plan with that answer (guards, outputs, status).
        """
        assert self.hub is not None and self.bank is not None
        now = self.clock.monotonic()
        planned = {fid: self._plan_fermenter(f, now) for fid, f in self.fermenters.items()}
        allowed = self._chiller_permissions(now, planned)
        for fid, f in self.fermenters.items():
            self._apply_fermenter(f, now, planned[fid], cooling_allowed=allowed.get(fid, True))
        self._drive_chillers(now)
        self._cycles += 1
        self._publish(now)

    def _chiller_permissions(self, now: float, planned: Mapping[str, _Planned]) -> dict[str, bool]:
        """Each shared chiller's answer: which of its fermenters' valves may open this cycle."""
        allowed: dict[str, bool] = {}
        for chiller in self.chillers.values():
            demands = [
                valve_demand(fid, f.cfg, _guard_state(f), planned[fid].step, planned[fid].readings["beer"])
                for fid in chiller.members
                for f in (self.fermenters[fid],)
            ]
            reservoir = self.reading(chiller.cfg.reservoir_probe, now)
            allowed.update(chiller.decide(now, reservoir, demands))
        return allowed

    def _drive_chillers(self, now: float) -> None:
        """Chiller outputs (thermostat on the reservoir) and the node alarm when one cannot keep up."""
        assert self.hub is not None and self.bank is not None
        for chiller in self.chillers.values():
            if chiller.cfg.output is not None:
                self.bank.set(chiller.cfg.output, 1.0 if chiller.output_command(now) else 0.0)
        overloaded = [a for c in self.chillers.values() for a in c.alarms if a.code == "chiller_overloaded"]
        if overloaded:
            standing = {a.code: a for a in self.hub.node_alarms}.get("chiller_overloaded")
            since = standing.since_s if standing is not None else self.clock.wall()
            message = "; ".join(a.message for a in overloaded)
            self.hub.raise_alarm(overloaded[0].model_copy(update={"message": message, "since_s": since}))
        else:
            self.hub.clear_alarm("chiller_overloaded")

    def _plan_fermenter(self, f: _Fermenter, now: float) -> _Planned:
        """The first half of a fermenter's step: its readings, its profile's progress, its control's plan."""
        cfg = f.cfg
        readings = {role: self.reading(getattr(cfg, probe_field(role)), now) for role in PROBE_ROLES}
        state = f.state
        # Profile time: monotonic deltas only, and only while the profile is in control.
        dt = 0.0 if f.last_mono is None or state.mode is not Mode.PROFILE else max(0.0, now - f.last_mono)
        f.last_mono = now
        target = Target(state.mode, state.beer_setpoint_c, state.chamber_setpoint_c)
        f.profile_target = None
        if state.profile is not None and state.progress is not None:
            before = state.progress
            gravity = self._gravity_readings(f.fid, now)
            progress, ptarget = profile_runner.advance(
                state.profile,
                before,
                dt,
                beer_c=readings["beer"],
                gravity=gravity,
                gravity_stale_s=self._gravity_stale_s(f.fid),
            )
            f.state = state.model_copy(update={"progress": progress})
            f.profile_target = ptarget
            if (progress.step_index, progress.finished) != (before.step_index, before.finished):
                self._announce_step(f, ptarget.status)
            if state.mode is Mode.PROFILE:
                target = Target(Mode.PROFILE, ptarget.beer_setpoint_c, state.chamber_setpoint_c)
        return _Planned(readings, f.controller.plan(now, readings, target))

    def _apply_fermenter(self, f: _Fermenter, now: float, planned: _Planned, *, cooling_allowed: bool) -> None:
        """The second half: the guards with a chiller's answer, the outputs, alarms and status."""
        assert self.hub is not None and self.bank is not None
        cfg, readings = f.cfg, planned.readings
        result = f.controller.apply(planned.step, cooling_allowed=cooling_allowed)
        f.result = result
        for role, wiring in OUTPUT_ROLES.items():  # an output the rig does not use is held off
            output = getattr(cfg, wiring.field)
            if output is not None:
                self.bank.set(output, result.outputs.get(role, 0.0))
        alarms = result.alarms + (f.profile_target.alarms if f.profile_target is not None else ())
        reasons = {
            role: self._probe_errors[probe]
            for role in PROBE_ROLES
            if (probe := getattr(cfg, probe_field(role))) in self._probe_errors and readings[role] is None
        }
        alarms = word_alarms(alarms, reasons)
        alarms = stamp_alarms(f.alarms, alarms, self.clock.wall())
        self._announce_alarms(f.fid, f.alarms, alarms)
        f.alarms = alarms
        f.status = fermenter_status(
            f.fid,
            cfg,
            f.state,
            result,
            readings=readings,
            alarms=alarms,
            profile=f.profile_target.status if f.profile_target is not None else None,
            gravity=self.hub.gravity(f.fid),
            wall_s=self.clock.wall(),
            now_mono_s=now,
        )

    def _gravity_stale_s(self, fid: str) -> float:
        """When a fermenter's gravity counts as unknown: its hydrometers' ``stale_after_s``."""
        limits = [h.stale_after_s for h in self.config.hydrometers.values() if h.fermenter == fid]
        return min(limits, default=profile_runner.GRAVITY_STALE_S)

    def _gravity_readings(self, fid: str, now_mono: float) -> tuple[GravityReading, ...]:
        """The hydrometer readings with their ages on the monotonic clock (wall jumps ignored)."""
        assert self.hub is not None
        return tuple(GravityReading(sg=g.sg, age_s=g.age_s(now_mono)) for g in self.hub.gravity(fid))

    def _announce_step(self, f: _Fermenter, status: ProfileStatus) -> None:
        assert self.hub is not None
        if status.finished:
            message = f"profile {status.name!r} finished"
        else:
            label = status.step_name or status.step_kind.replace("_", " ")
            message = f"profile {status.name!r}: step {status.step_index + 1}/{status.step_count} ({label})"
        self.hub.event(
            "profile_step",
            message,
            fermenter=f.fid,
            step=status.step_index,
            finished=status.finished,
        )
        self._save_now = True

    def _announce_alarms(self, fid: str, before: tuple[Alarm, ...], after: tuple[Alarm, ...]) -> None:
        assert self.hub is not None
        old = {a.code: a for a in before}
        new = {a.code: a for a in after}
        for code, alarm in new.items():
            if code not in old:
                self.hub.event("alarm", alarm.message, fermenter=fid, code=code, severity=alarm.severity)
        for code, alarm in old.items():
            if code not in new:
                self.hub.event("alarm_cleared", f"cleared: {alarm.message}", fermenter=fid, code=code)

    def _publish(self, now: float) -> None:
        assert self.hub is not None
        status = NodeStatus(
            node=self.config.node.name,
            version=__version__,
            uptime_s=now - self._started_mono,
            simulated=self.options.simulate,
            fermenters={fid: f.status for fid, f in self.fermenters.items() if f.status is not None},
            chillers={cid: c.status() for cid, c in self.chillers.items()},
            alarms=self.hub.node_alarms,
        )
        self.hub.publish_status(status)
        line = summary_line(status.fermenters.values())
        if line != self._last_sd_status:
            self._last_sd_status = line
            sdnotify.notify(f"STATUS={line}")

    # --- commands -----------------------------------------------------------------------

    async def handle_command(self, fid: str, cmd: Command, source: str) -> CommandResult:
        """The one command handler (API, MQTT, CLI): validate, apply, persist, announce.

        A refused command changes nothing and is announced as a ``command_refused`` event, so
        the history shows what was asked and why it was not done.
        """
        result = await self._apply_command(fid, cmd, source)
        if not result.ok:
            assert self.hub is not None
            self.hub.event(
                "command_refused",
                f"{cmd.kind} refused: {result.error}",
                fermenter=fid if fid in self.fermenters else None,
                source=source,
                command=cmd.kind,
            )
        return result

    async def _apply_command(self, fid: str, cmd: Command, source: str) -> CommandResult:
        assert self.hub is not None
        f = self.fermenters.get(fid)
        if f is None:
            return CommandResult(ok=False, error=f"no fermenter {fid!r}")
        async with self._command_lock:
            if self._stopping:  # checked under the lock: it may have stopped while this one waited
                return CommandResult(ok=False, error="the controller is stopping")
            if cmd.id is not None and cmd.id in f.state.command_ids:
                return CommandResult(ok=True, duplicate=True, status=f.status)
            profile: Profile | None = None
            if isinstance(cmd, StartProfile):
                try:
                    profile = await asyncio.to_thread(find_in_library, cmd.profile, self.config.node.profiles_dir)
                except ProfileError as exc:
                    return CommandResult(ok=False, error=f"profile: {exc}")
            current_sp = f.result.beer_setpoint_c if f.result is not None else None
            try:
                new, changes = apply_command(f.state, cmd, f.cfg, profile=profile, beer_setpoint_now_c=current_sp)
            except CommandError as exc:
                return CommandResult(ok=False, error=str(exc))
            before, before_mono = f.state, f.last_mono
            f.state = new.remember(cmd.id)
            if isinstance(cmd, StartProfile):
                f.last_mono = None  # profile time starts now
            if not await self._save():
                # Not durable, not done: answered ok it would be lost at the next restart.
                f.state, f.last_mono = before, before_mono
                return CommandResult(
                    ok=False,
                    error=f"not applied: the state cannot be saved ({self.save_error}); "
                    f"free space in {self.state_dir} and send it again",
                )
            for change in changes:
                self.hub.event(change.kind, change.message, fermenter=fid, source=source, **change.data)
            if self._cycles > 0:
                # Apply it now rather than at the next period, so the answer shows its effect.
                self.control_cycle()
            return CommandResult(ok=True, status=f.status)

    async def list_profiles(self) -> list[dict[str, Any]]:
        """The profile library (``GET /v1/profiles``)."""
        return await asyncio.to_thread(_list_profiles, self.config.node.profiles_dir)


def _guard_state(f: _Fermenter) -> HeatCool | None:
    """The fermenter's guards' view of its outputs (inside the stuck-probe wrapper)."""
    inner = f.controller.controller
    return inner.guard_state if isinstance(inner, FermenterController) else None


def _list_profiles(user_dir: Path) -> list[dict[str, Any]]:
    return [entry.as_row() for entry in list_library(user_dir)]
