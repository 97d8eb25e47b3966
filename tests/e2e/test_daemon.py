"""End to end: the simulated daemon as a subprocess, driven through its socket and the CLI."""

from __future__ import annotations

import json

from brewctl.config import Mode
from brewctl.service.state import load_state_file

from .conftest import DaemonProcess, brewctl

PERSIST_INTERVAL_S = 60.0
PERIOD_S = 5.0
SPEED = 120.0
SLACK_S = 20.0
"""Simulated seconds the event loop may lag on a loaded machine at SPEED (about 0.17 s)."""


async def test_kill_9_mid_profile_resumes_at_the_right_point(daemon: DaemonProcess) -> None:
    daemon.start(speed=SPEED)
    await daemon.ready()
    started = brewctl("profile", "start", "fv1", "test-ale", socket=daemon.socket)
    assert started.returncode == 0, started.stderr
    assert "Test ale: step 1/3" in started.stdout
    # Into step 2 by more than two persist intervals (4 min steps: about 3.5 s of real time).
    before = await daemon.wait_for(
        lambda s: (p := s.fermenters["fv1"].profile) is not None and p.step_index == 1 and p.elapsed_s > 400
    )
    assert before.fermenters["fv1"].profile is not None
    elapsed_before = before.fermenters["fv1"].profile.elapsed_s
    daemon.kill9()
    saved = load_state_file(daemon.state_dir / "state.json")
    assert saved is not None and saved.fermenters["fv1"].progress is not None
    saved_elapsed = saved.fermenters["fv1"].progress.total_elapsed_s
    # At most one persist interval (plus a control period, plus scheduling slack at this speed) lost.
    assert saved_elapsed >= elapsed_before - PERSIST_INTERVAL_S - PERIOD_S - SLACK_S

    daemon.start(speed=1)  # real time: the position barely moves while we look
    after = await daemon.ready()
    fv1 = after.fermenters["fv1"]
    assert fv1.mode is Mode.PROFILE and fv1.profile is not None
    assert (fv1.profile.name, fv1.profile.step_index) == ("Test ale", 1)
    # It resumes exactly where it was saved: the downtime is not counted.
    assert saved_elapsed <= fv1.profile.elapsed_s <= saved_elapsed + 10
    assert fv1.beer_setpoint_c == 21.0
    assert daemon.terminate() == 0


async def test_sigterm_turns_every_output_off_and_exits_0(daemon: DaemonProcess) -> None:
    daemon.start(speed=100)
    await daemon.ready()
    result = brewctl("set", "fv2", "--beer", "30", "--mode", "beer", socket=daemon.socket)
    assert result.returncode == 0, result.stderr
    await daemon.wait_for(lambda s: any(o.active for o in s.fermenters["fv2"].outputs))
    assert daemon.terminate() == 0
    log = daemon.log()
    assert "simulated outputs at exit: all off" in log
    assert "stopped: every output is off" in log
    saved = load_state_file(daemon.state_dir / "state.json")
    assert saved is not None and saved.fermenters["fv2"].beer_setpoint_c == 30.0


async def test_cli_status_and_refusals(daemon: DaemonProcess) -> None:
    daemon.start(speed=50)
    await daemon.ready()
    table = brewctl("status", socket=daemon.socket)
    assert table.returncode == 0, table.stderr
    assert "testnode" in table.stdout and "simulated" in table.stdout
    assert any(line.startswith("fv1") and "beer" in line for line in table.stdout.splitlines())
    as_json = json.loads(brewctl("status", "--json", socket=daemon.socket).stdout)
    assert set(as_json["fermenters"]) == {"fv1", "fv2"}
    refused = brewctl("set", "fv1", "--chamber", "39", socket=daemon.socket)
    assert refused.returncode == 2
    assert "value_c: 39 °C is outside" in refused.stderr and "Traceback" not in refused.stderr
    nothing = brewctl("profile", "pause", "fv1", socket=daemon.socket)
    assert nothing.returncode == 2 and "no profile is running" in nothing.stderr
    assert daemon.terminate() == 0


async def test_corrupt_state_is_moved_aside(daemon: DaemonProcess) -> None:
    daemon.state_dir.mkdir()
    (daemon.state_dir / "state.json").write_text('{"format": "brewctl-state", "version": 1, "fermenters": [')
    daemon.start(speed=50)
    status = await daemon.ready()
    assert status.fermenters["fv1"].mode is Mode.BEER  # from the config
    assert len(list(daemon.state_dir.glob("state.json.bad-*"))) == 1
    assert "is unusable" in daemon.log()
    assert daemon.terminate() == 0


def test_cli_without_daemon_says_so(daemon: DaemonProcess) -> None:
    result = brewctl("status", socket=daemon.socket)
    assert result.returncode == 2
    assert "daemon is not running" in result.stderr
