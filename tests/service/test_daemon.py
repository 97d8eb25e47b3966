"""The daemon in-process: simulated rigs through the real probe reader, output bank and core."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from brewctl.config import Config, Mode
from brewctl.core.control import FermenterController
from brewctl.core.profile_runner import GRAVITY_STALE_S
from brewctl.model import SetBeerSetpoint, SetMode, StartProfile
from brewctl.service.clock import Clock, ScaledClock
from brewctl.service.daemon import Daemon, DaemonOptions
from brewctl.service.hub import Hub
from brewctl.service.state import load_state_file

from .conftest import running, wait_until


async def test_outputs_follow_control_and_go_off_at_stop(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        assert daemon.hub is not None and daemon.rigs is not None
        rigs = daemon.rigs
        result = await daemon.hub.command("fv2", SetBeerSetpoint(value_c=30), "test")
        assert result.ok
        assert (await daemon.hub.command("fv2", SetMode(mode=Mode.BEER), "test")).ok
        await wait_until(lambda: rigs.pin_levels()["fv2_heat"])
        # fv1's beer (20 °C) is above its setpoint (19 °C): its active-low compressor relay runs.
        await wait_until(lambda: rigs.pin_levels()["fv1_cool"])
        assert rigs.pin_factory.pin(17).state == 0
    assert rigs.levels_at_exit and not any(rigs.levels_at_exit.values())


@pytest.mark.parametrize("half", ["plan", "apply"])  # the two halves of a control step (docs/control.md)
async def test_a_control_error_stops_the_daemon_with_outputs_off(
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch, half: str
) -> None:
    def broken(self: FermenterController, *args: object, **kwargs: object) -> object:
        raise RuntimeError("bug in the core")

    monkeypatch.setattr(FermenterController, half, broken)
    daemon = Daemon(
        config,
        DaemonOptions(simulate=True, state_dir=tmp_path, socket_path=short_dir / "s", install_signal_handlers=False),
        clock=ScaledClock(100),
        components=[],
    )
    with pytest.raises(ExceptionGroup) as info:
        await asyncio.wait_for(daemon.run(), 10)
    assert info.group_contains(RuntimeError, match="bug in the core")
    assert not daemon.ready.is_set()
    assert daemon.rigs is not None and not any(daemon.rigs.levels_at_exit.values())
    assert not (short_dir / "s").exists()


async def test_commands_are_persisted_before_the_answer(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        assert daemon.hub is not None
        result = await daemon.hub.command("fv1", StartProfile(id="start-1", profile="test-ale", at_step=1), "test")
        assert result.ok, result.error
        saved = load_state_file(tmp_path / "state" / "state.json")
        assert saved is not None
        fv1 = saved.fermenters["fv1"]
        assert fv1.mode is Mode.PROFILE and fv1.progress is not None and fv1.progress.step_index == 1
        assert fv1.profile is not None and fv1.profile.name == "Test ale"
        assert fv1.command_ids == ("start-1",)
        assert result.status is not None and result.status.beer_setpoint_c == 21.0


async def test_profile_copy_is_used_not_the_edited_file(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        assert daemon.hub is not None
        assert (await daemon.hub.command("fv1", StartProfile(profile="test-ale"), "test")).ok
    (config.node.profiles_dir / "test-ale.toml").write_text(
        'name = "Test ale"\n[[steps]]\ntype = "hold"\ntemperature = 30\nduration = "1h"\n'
    )
    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        status = daemon.fermenters["fv1"].status
        assert status is not None and status.profile is not None
        assert (status.profile.step_count, status.beer_setpoint_c) == (3, 18.0)


async def test_restart_resumes_the_profile_where_it_was(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path / "state", short_dir / "s", clock=ScaledClock(2000)) as daemon:
        assert daemon.hub is not None
        assert (await daemon.hub.command("fv1", StartProfile(profile="test-ale", at_step=1), "test")).ok
        f = daemon.fermenters["fv1"]
        await wait_until(lambda: f.state.progress is not None and f.state.progress.total_elapsed_s > 600)
    assert f.state.progress is not None
    stopped_at, stopped_step = f.state.progress.total_elapsed_s, f.state.progress.step_index
    assert stopped_step >= 1  # (2 on a machine so loaded that the 1.8 s step ran out)
    async with running(config, tmp_path / "state", short_dir / "s", clock=ScaledClock(1)) as daemon:
        progress = daemon.fermenters["fv1"].state.progress
        assert progress is not None
        assert progress.step_index == stopped_step
        # Clean stop saves the exact position; downtime does not count as profile time.
        assert stopped_at <= progress.total_elapsed_s < stopped_at + 10


class JumpingWallClock(ScaledClock):
    """A scaled clock whose wall time jumps a day ahead once (NTP sync on a Pi without RTC)."""

    jumped = False

    def wall(self) -> float:
        return super().wall() + (86400.0 if self.jumped else 0.0)


async def test_wall_clock_jump_does_not_move_the_profile(config: Config, tmp_path: Path, short_dir: Path) -> None:
    clock = JumpingWallClock(500)
    async with running(config, tmp_path / "state", short_dir / "s", clock=clock) as daemon:
        assert daemon.hub is not None
        start = clock.monotonic()  # before the command: profile time cannot start earlier
        assert (await daemon.hub.command("fv1", StartProfile(profile="test-ale"), "test")).ok
        f = daemon.fermenters["fv1"]
        await asyncio.sleep(0.2)
        clock.jumped = True
        await asyncio.sleep(0.3)
        assert f.state.progress is not None
        elapsed = clock.monotonic() - start
        # Profile time follows the monotonic clock, not the day's jump: within a few control periods
        # (a minute: cycles run late at 500x on a loaded machine), and never ahead of it.
        assert elapsed - 60 <= f.state.progress.total_elapsed_s <= elapsed
        assert f.state.progress.step_index == 0


class FrozenClock(Clock):
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_probe_readings_go_stale(config: Config) -> None:
    clock = FrozenClock()
    daemon = Daemon(config, clock=clock)
    daemon._probe_values["fv1_beer"] = (18.5, 1000.0)
    assert daemon.reading("fv1_beer", 1000.0 + config.node.stale_after_s) == 18.5
    assert daemon.reading("fv1_beer", 1000.1 + config.node.stale_after_s) is None
    assert daemon.reading("fv1_chamber", 1000.0) is None
    assert daemon.reading(None, 1000.0) is None


def test_staleness_shorter_than_two_reads_is_refused(tmp_path: Path) -> None:
    from brewctl.config import load_config
    from brewctl.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text("[node]\nprobe_period_s = 20\nstale_after_s = 30\n")
    with pytest.raises(ConfigError, match=r"node: stale_after_s must be at least twice probe_period_s \(40 s\)"):
        load_config(path)


class Flaky:
    """A component that fails every time it runs."""

    name = "flaky"

    def __init__(self) -> None:
        self.runs = 0

    async def run(self, hub: Hub) -> None:
        self.runs += 1
        raise ConnectionError("broker unreachable")


async def test_a_failing_component_is_an_alarm_and_never_stops_control(
    config: Config, tmp_path: Path, short_dir: Path
) -> None:
    flaky = Flaky()
    async with running(config, tmp_path / "state", short_dir / "s", components=[flaky]) as daemon:
        hub = daemon.hub
        assert hub is not None
        await wait_until(lambda: flaky.runs >= 3)
        await wait_until(
            lambda: hub.latest is not None and any(a.code == "component_flaky_failed" for a in hub.latest.alarms)
        )
        cycles = daemon._cycles
        await wait_until(lambda: daemon._cycles > cycles + 2)


class Stubborn:
    """A component that goes on for a while after it is told to stop (a library swallowed the cancellation)."""

    name = "stubborn"

    def __init__(self) -> None:
        self.stopping = asyncio.Event()
        self.release = asyncio.Event()

    async def run(self, hub: Hub) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.stopping.set()
            await self.release.wait()  # not re-raised until released


async def test_outputs_go_off_at_a_stop_while_a_component_is_slow_to_stop(
    config: Config, tmp_path: Path, short_dir: Path
) -> None:
    stubborn = Stubborn()
    async with running(config, tmp_path / "state", short_dir / "s", components=[stubborn]) as daemon:
        assert daemon.hub is not None and daemon.rigs is not None
        rigs = daemon.rigs
        assert (await daemon.hub.command("fv2", SetBeerSetpoint(value_c=30), "test")).ok
        assert (await daemon.hub.command("fv2", SetMode(mode=Mode.BEER), "test")).ok
        await wait_until(lambda: rigs.pin_levels()["fv2_heat"])
        daemon.request_stop()
        await asyncio.wait_for(stubborn.stopping.wait(), 5)
        await wait_until(lambda: not any(rigs.pin_levels().values()))  # while the component still runs
        assert not stubborn.release.is_set()
        stubborn.release.set()


async def test_sd_notify_ready_status_watchdog_stopping(
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = str(short_dir / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.setblocking(False)
        monkeypatch.setenv("NOTIFY_SOCKET", address)
        monkeypatch.setenv("WATCHDOG_USEC", "1000000")
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        async with running(config, tmp_path / "state", short_dir / "s", clock=ScaledClock(20)):
            await asyncio.sleep(0.3)
        messages = []
        while True:
            try:
                messages.append(sock.recv(4096).decode())
            except BlockingIOError:
                break
    assert "READY=1" in messages
    assert messages.index("READY=1") > messages.index("WATCHDOG=1")  # the first ping comes with the first step
    assert messages.count("WATCHDOG=1") >= 2
    assert any(m.startswith("STATUS=fv1 beer") for m in messages)
    assert messages[-1] == "STOPPING=1"


async def test_a_state_file_that_cannot_be_written_is_an_alarm_not_a_stop(  # see also tests/faults
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import brewctl.service.daemon as daemon_module

    real_save = daemon_module.save_state_file

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        assert daemon.hub is not None
        monkeypatch.setattr(daemon_module, "save_state_file", disk_full)
        result = await daemon.hub.command("fv1", SetBeerSetpoint(value_c=20), "test")
        assert not result.ok and "not applied" in str(result.error)  # not durable: refused
        assert daemon.fermenters["fv1"].state.beer_setpoint_c == 19.0
        assert [a.code for a in daemon.hub.node_alarms] == ["state_not_saved"]
        assert "No space left" in daemon.hub.node_alarms[0].message
        monkeypatch.setattr(daemon_module, "save_state_file", real_save)
        assert (await daemon.hub.command("fv1", SetBeerSetpoint(value_c=21), "test")).ok
        assert daemon.hub.node_alarms == ()


async def test_profile_clock_stands_still_outside_profile_mode(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path / "state", short_dir / "s", clock=ScaledClock(1000)) as daemon:
        assert daemon.hub is not None
        assert (await daemon.hub.command("fv1", StartProfile(profile="test-ale"), "test")).ok
        f = daemon.fermenters["fv1"]
        await wait_until(lambda: f.state.progress is not None and f.state.progress.total_elapsed_s > 100)
        assert (await daemon.hub.command("fv1", SetMode(mode=Mode.BEER), "test")).ok
        assert f.state.progress is not None
        frozen = f.state.progress.total_elapsed_s
        cycles, in_beer_from = daemon._cycles, daemon.clock.monotonic()
        await wait_until(lambda: daemon._cycles > cycles + 5 and daemon.clock.monotonic() > in_beer_from + 600)
        assert f.state.progress.total_elapsed_s == frozen
        assert f.status is not None and f.status.beer_setpoint_c == 19.0  # the manual setpoint rules
        back = daemon.clock.monotonic()
        assert (await daemon.hub.command("fv1", SetMode(mode=Mode.PROFILE), "test")).ok
        await wait_until(lambda: f.state.progress is not None and f.state.progress.total_elapsed_s > frozen)
        in_profile_s, in_beer_s = daemon.clock.monotonic() - back, back - in_beer_from
        # Only the time in profile mode counts: the time back in it, and the few seconds between the last
        # profile cycle and the switch to beer mode (more than a period at 1000x, where cycles run late),
        # never the 600+ s in beer mode. Judged on the daemon's clock: a loaded machine cannot fail it.
        assert f.state.progress.total_elapsed_s - frozen <= in_profile_s + in_beer_s / 2


async def test_a_lost_probe_goes_stale_then_safe_and_recovers(config: Config, tmp_path: Path, short_dir: Path) -> None:
    async with running(config, tmp_path / "state", short_dir / "s", clock=ScaledClock(200)) as daemon:
        hub, rigs = daemon.hub, daemon.rigs
        assert hub is not None and rigs is not None
        assert (await hub.command("fv2", SetBeerSetpoint(value_c=30), "test")).ok
        assert (await hub.command("fv2", SetMode(mode=Mode.BEER), "test")).ok
        await wait_until(lambda: rigs.pin_levels()["fv2_heat"])
        with hub.subscribe_events() as events:
            rigs.unplug("fv2_beer")
            await wait_until(lambda: (s := daemon.fermenters["fv2"].status) is not None and s.beer_c is None)
            status = daemon.fermenters["fv2"].status
            assert status is not None and status.safe
            assert {a.code for a in status.alarms} >= {"all_probes_lost"}
            # Why, from what the bus said (not just "missing, stale or implausible").
            assert "beer probe lost (not on the bus)" in {a.message for a in status.alarms}
            await wait_until(lambda: not rigs.pin_levels()["fv2_heat"])
            raised = await asyncio.wait_for(anext(events), 2)
            assert (raised.kind, raised.fermenter) == ("alarm", "fv2")
            rigs.plug("fv2_beer")
            await wait_until(lambda: (s := daemon.fermenters["fv2"].status) is not None and s.beer_c is not None)
            await wait_until(lambda: not (s := daemon.fermenters["fv2"].status) or not s.alarms)
            seen = [raised]
            while not any(e.kind == "alarm_cleared" for e in seen):
                seen.append(await asyncio.wait_for(anext(events), 2))
            raised_codes = {e.data["code"] for e in seen if e.kind == "alarm"}
            assert "all_probes_lost" in raised_codes


async def test_watchdog_pings_stop_while_the_control_loop_hangs(
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hung control loop must be noticed by systemd even though the rest of the daemon
    (probe loop, API, outputs) keeps running: the pings come from the control loop only."""
    hang = asyncio.Event()
    real_profile_saves = Daemon._profile_saves

    async def saves_that_can_hang(self: Daemon) -> None:
        if hang.is_set():
            await asyncio.Event().wait()  # stuck (a dead SD card's fsync, a deadlock...)
        await real_profile_saves(self)

    monkeypatch.setattr(Daemon, "_profile_saves", saves_that_can_hang)
    address = str(short_dir / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.setblocking(False)

        def received() -> list[str]:
            out = []
            while True:
                try:
                    out.append(sock.recv(4096).decode())
                except BlockingIOError:
                    return out

        monkeypatch.setenv("NOTIFY_SOCKET", address)
        monkeypatch.setenv("WATCHDOG_USEC", "400000")
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        async with running(config, tmp_path / "state", short_dir / "s", clock=ScaledClock(20)) as daemon:
            await wait_until(lambda: daemon._cycles >= 3)
            assert "WATCHDOG=1" in received()
            hang.set()
            cycles = daemon._cycles
            await asyncio.sleep(0.3)  # let a ping already on its way arrive
            received()
            read_at = max(at for _, at in daemon._probe_values.values())
            await asyncio.sleep(1.0)  # 2.5 watchdog timeouts
            assert "WATCHDOG=1" not in received()
            assert daemon._cycles <= cycles + 1
            # The rest of the daemon was alive all along: only the control loop was stuck.
            assert max(at for _, at in daemon._probe_values.values()) > read_at


STABLE_PROFILE = """
name = "Until stable"
[[steps]]
type = "hold_until"
temperature = 18
until = [{ type = "stable", within_points = 1, period = "24h" }]
max_duration = "7d"
[[steps]]
type = "hold"
temperature = 2
duration = "1d"
"""


async def test_wall_clock_jump_does_not_age_gravity_readings(config: Config, tmp_path: Path, short_dir: Path) -> None:
    """A reading taken before NTP sets the clock a day ahead must not count as a day old:
    with the next reading it would look 'stable for 24 h' and end the step at once."""
    (config.node.profiles_dir / "until-stable.toml").write_text(STABLE_PROFILE)
    clock = JumpingWallClock(100)
    async with running(config, tmp_path / "state", short_dir / "s", clock=clock) as daemon:
        hub = daemon.hub
        assert hub is not None
        assert (await hub.command("fv1", StartProfile(profile="until-stable"), "test")).ok
        hub.feed_gravity("fv1", 1.012, "hydrometer:red")
        clock.jumped = True  # NTP: the wall clock leaps a day (86400 s) ahead
        hub.feed_gravity("fv1", 1.012, "hydrometer:red")
        cycles = daemon._cycles
        await wait_until(lambda: daemon._cycles > cycles + 3)
        f = daemon.fermenters["fv1"]
        assert f.state.progress is not None and f.state.progress.step_index == 0
        assert f.status is not None and f.status.gravity is not None
        assert f.status.gravity.age_s < 3600  # minutes of simulated time, not a day


async def test_no_command_drives_an_output_once_stopping(config: Config, tmp_path: Path, short_dir: Path) -> None:
    """After the loops end, every output is off; a command arriving then (the API still
    answers during the last save) is refused instead of running a control step."""
    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        assert daemon.hub is not None
        assert (await daemon.hub.command("fv2", SetBeerSetpoint(value_c=30), "test")).ok
    late = await daemon.handle_command("fv2", SetMode(mode=Mode.BEER), "api")
    assert (late.ok, late.error) == (False, "the controller is stopping")
    assert daemon.fermenters["fv2"].state.mode is Mode.OFF
    assert daemon.rigs is not None and not any(daemon.rigs.levels_at_exit.values())


def test_gravity_goes_stale_after_the_fermenters_hydrometer_limit(config: Config) -> None:
    hydrometers = {
        "red": {"fermenter": "fv1", "kind": "ispindel", "name": "red", "stale_after_s": 900},
        "tilt": {"fermenter": "fv1", "kind": "json", "topic": "tilt/RED", "json_path": "SG", "stale_after_s": 3600},
    }
    with_hydrometers = config.model_validate({**config.model_dump(), "hydrometers": hydrometers})
    daemon = Daemon(with_hydrometers)
    assert daemon._gravity_stale_s("fv1") == 900.0  # the strictest hydrometer of the fermenter
    assert Daemon(config)._gravity_stale_s("fv1") == GRAVITY_STALE_S
