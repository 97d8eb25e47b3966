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


def _rich_status() -> NodeStatus:
    """Every part the table shows: profile, alarms, a guard holding an output, a chiller."""
    from brewctl.model import ChillerStatus, OutputReason

    blocked = OutputReason(code="blocked", guard="min off", left_s=160.0)
    return NodeStatus(
        node="pi",
        version="1.0",
        uptime_s=5000.0,
        simulated=True,
        alarms=(Alarm(code="component_mqtt_failed", message="mqtt failed"),),
        fermenters={
            "fv1": FermenterStatus(
                id="fv1",
                mode=Mode.PROFILE,
                beer_c=18.94,
                chamber_c=None,
                beer_setpoint_c=19.0,
                outputs=(
                    OutputStatus(role="heat", value=0.35, active=True),
                    OutputStatus(role="cool", value=0.0, active=False, blocked_s=160.0, why=blocked),
                ),
                profile=ProfileStatus(name="Ale", step_index=1, step_count=4, paused=True, waiting_for_brewer=True),
                alarms=(Alarm(code="beer_off_target", values={"beer_c": 21.0}, message="beer off target"),),
            ),
            "fv2": FermenterStatus(
                id="fv2", mode=Mode.BEER, outputs=(OutputStatus(role="valve", value=0.5, active=True),)
            ),
        },
        chillers={
            "main": ChillerStatus(
                id="main", reservoir_c=-1.9, running=True, budget=1, open_valves=("fv2",), waiting=("fv1",)
            )
        },
    )


@pytest.mark.parametrize("units", ["C", "F"])
def test_the_daemons_json_reads_as_the_validated_status(units: str) -> None:
    """`brewctl status` formats the daemon's answer without building the models: same table."""
    import json

    from brewctl.cli.client import JsonView

    status = _rich_status()
    view = JsonView(json.loads(status.model_dump_json()))
    assert format_status(view, units) == format_status(status, units)  # type: ignore[arg-type]
    assert "fv1 cool: compressor resting, 2:40" in format_status(status, units)


def test_a_status_this_brewctl_cannot_read_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A daemon of another version: a missing field with a default still formats; a wrong one is named."""
    from brewctl.service.client import OneShotApiClient

    body = _rich_status().model_dump(mode="json")
    del body["simulated"], body["fermenters"]["fv2"]["outputs"]  # defaults the model fills in
    monkeypatch.setattr(OneShotApiClient, "status_json", lambda self: body)
    assert main(["status", "--socket", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out.startswith("pi (brewctl 1.0, up 1h 23m)\n")
    body["fermenters"]["fv1"]["beer_c"] = "warm"
    assert main(["status", "--socket", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "not a status this brewctl reads: fermenters.fv1.beer_c:" in err and "Traceback" not in err


def test_status_reads_only_the_nodes_socket_and_units_of_the_config(tmp_path: Path) -> None:
    """The rest of the file is the daemon's business; a bad units or socket is reported as by every command."""
    from brewctl.errors import ConfigError

    config = tmp_path / "config.toml"
    config.write_text('[node]\nunits = "F"\nsocket_path = "/x/y.sock"\n[fermenters.fv1]\nrig = "no-such-rig"\n')
    args = argparse.Namespace(socket=None, config=config)
    assert socket_path(args) == Path("/x/y.sock")
    config.write_text('[node]\nunits = "K"\n')
    with pytest.raises(ConfigError, match=r"node\.units"):
        socket_path(args)
    config.write_text("[node]\nsocket_path = 5\n")
    with pytest.raises(ConfigError, match=r"node\.socket_path"):
        socket_path(args)


async def test_status_as_a_brewer_runs_it_builds_no_model(tmp_path: Path, short_dir: Path) -> None:
    """A fresh `brewctl status --config FILE` against a running daemon: the table, and pydantic never imported."""
    import asyncio
    import subprocess
    import sys

    from brewctl.config import load_config

    from .conftest import running

    path = write_config(tmp_path)
    sock = short_dir / "s"
    code = (
        f"import sys\nfrom brewctl.cli import main\n"
        f"assert main(['status', '--config', {str(path)!r}, '--socket', {str(sock)!r}]) == 0\n"
        "print('pydantic' in sys.modules, 'brewctl.model' in sys.modules)"
    )
    async with running(load_config(path), tmp_path / "state", sock):
        out = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].split()[:2] == ["FERMENTER", "MODE"] and lines[2].startswith("fv1")
    assert lines[-1] == "False False"
