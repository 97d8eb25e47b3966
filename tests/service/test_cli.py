"""The CLI clients' own logic: the status table, finding the socket, user errors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.cli.client import format_status, socket_path
from brewctl.config import Mode
from brewctl.model import Alarm, FermenterStatus, NodeStatus, OutputStatus, ProfileStatus

from .conftest import write_config


def test_status_table() -> None:
    status = NodeStatus(
        node="pi",
        version="1.0",
        uptime_s=3 * 86400 + 4 * 3600,
        alarms=(Alarm(code="component_mqtt_failed", message="mqtt failed"),),
        fermenters={
            "fv1": FermenterStatus(
                id="fv1",
                mode=Mode.PROFILE,
                beer_c=18.94,
                chamber_c=17.2,
                beer_setpoint_c=19.0,
                chamber_setpoint_c=17.8,
                outputs=(
                    OutputStatus(role="heat", value=0.35, active=True),
                    OutputStatus(role="cool", value=0.0, active=False),
                ),
                profile=ProfileStatus(
                    name="Clean ale", step_index=1, step_count=4, step_remaining_s=2 * 86400 + 3 * 3600
                ),
            ),
            "fv2": FermenterStatus(
                id="fv2",
                mode=Mode.OFF,
                alarms=(Alarm(code="beer_probe_lost", severity="critical", message="beer probe lost"),),
            ),
        },
    )
    lines = format_status(status).splitlines()
    assert lines[0] == "pi (brewctl 1.0, up 3d 4h)"
    assert lines[2].split() == [
        "fv1", "profile", "18.9", "→", "19.0", "17.2", "→", "17.8", "heat", "35%,", "cool", "off",
        "Clean", "ale:", "step", "2/4,", "2d", "3h", "left",
    ]  # fmt: skip
    assert lines[3].split()[:4] == ["fv2", "off", "—", "—"]
    assert lines[4:] == ["  ! warning: mqtt failed", "  ! critical: fv2: beer probe lost"]


def test_socket_is_found_from_option_env_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace('name = "testnode"', 'name = "testnode"\nsocket_path = "/x/y.sock"'))
    monkeypatch.delenv("BREWCTL_SOCKET", raising=False)
    assert socket_path(argparse.Namespace(socket=Path("/a.sock"), config=config)) == Path("/a.sock")
    assert socket_path(argparse.Namespace(socket=None, config=config)) == Path("/x/y.sock")
    monkeypatch.setenv("BREWCTL_SOCKET", "/env.sock")
    assert socket_path(argparse.Namespace(socket=None, config=config)) == Path("/env.sock")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["set", "fv1"], "give --beer, --chamber and/or --mode"),
        (["set", "fv1", "--beer", "45"], "--beer (45 °C): Input should be less than or equal to 40 °C"),
        (["set", "fv1", "--beer", "150F"], "--beer (65.56 °C): Input should be less than or equal to 40 °C"),
        (["set", "fv1", "--chamber", "warm"], "--chamber: 'warm' is not a temperature"),
        (["set", "fv1", "--beer", "nan"], "--beer: 'nan' is not a temperature"),
        (["profile", "start", "fv1", "ale", "--at-step", "0"], "--at-step: steps are numbered from 1"),
        (["profile", "skip", "fv1", "--to-step", "0"], "--to-step: steps are numbered from 1"),
        (["status", "--mqtt", "127.0.0.1:notaport"], "--mqtt: bad port"),
        (["status", "--mqtt", "127.0.0.1:1"], "Connection refused"),
        (["status"], "daemon is not running"),
    ],
)
def test_user_errors_exit_2_with_a_message(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--socket", str(tmp_path / "none.sock")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("speed", ["0", "-1", "nan", "inf", "1e9"])
def test_run_refuses_a_speed_it_cannot_keep(
    speed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], short_dir: Path
) -> None:
    """inf and nan made every clock reading nan or inf; 1e9 blocked the loop in one plant tick,
    so the daemon no longer answered even SIGTERM."""
    config = write_config(tmp_path)
    argv = ["run", "--simulate", "--speed", speed, "--config", str(config), "--socket", str(short_dir / "s")]
    assert main([*argv, "--state-dir", str(tmp_path / "state")]) == 2
    err = capsys.readouterr().err
    assert "--speed: must be above 0 and at most 3600" in err and "Traceback" not in err
    assert not (tmp_path / "state").exists()


async def test_set_and_status_speak_the_configs_units(
    tmp_path: Path, short_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With node.units = "F", `brewctl set fv1 --beer 38` is a 38 °F crash, not 38 °C of heat."""
    import asyncio

    from brewctl.config import load_config

    from .conftest import running

    path = write_config(tmp_path)
    path.write_text(path.read_text().replace('name = "testnode"', 'name = "testnode"\nunits = "F"'))
    sock = short_dir / "s"
    args = ["--socket", str(sock), "--config", str(path)]
    async with running(load_config(path), tmp_path / "state", sock) as daemon:
        assert await asyncio.to_thread(main, ["set", "fv1", "--beer", "38", *args]) == 0
        assert daemon.fermenters["fv1"].state.beer_setpoint_c == pytest.approx(3.33, abs=0.01)
        assert await asyncio.to_thread(main, ["set", "fv1", "--chamber", "4C", *args]) == 0
        assert daemon.fermenters["fv1"].state.chamber_setpoint_c == 4.0
        capsys.readouterr()
        assert await asyncio.to_thread(main, ["status", *args]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "BEER °F" in table[1] and "CHAMBER °F" in table[1]
    fv1 = table[2].split()
    assert fv1[4] == "38.0"  # the beer setpoint, shown in °F


async def test_a_bad_config_is_reported_before_anything_is_sent(
    tmp_path: Path, short_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from brewctl.config import load_config

    from .conftest import running

    bad = tmp_path / "bad.toml"
    bad.write_text("[node]\nunits = 'K'\n")
    sock = short_dir / "s"
    async with running(load_config(write_config(tmp_path)), tmp_path / "state", sock) as daemon:
        argv = ["set", "fv1", "--mode", "off", "--socket", str(sock), "--config", str(bad)]
        assert await asyncio.to_thread(main, argv) == 2
        assert daemon.fermenters["fv1"].state.mode is Mode.BEER
    assert "units" in capsys.readouterr().err
