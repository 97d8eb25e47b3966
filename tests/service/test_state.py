"""The state file: round trip, atomic replacement, and what happens to a bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from brewctl.config import Mode, parse_config
from brewctl.core.profile_runner import ProfileProgress
from brewctl.profiles import parse_profile
from brewctl.service.state import (
    MAX_COMMAND_IDS,
    DaemonState,
    FermenterState,
    StateError,
    decode_state,
    encode_state,
    load_state_file,
    reconcile_with_config,
    save_state_file,
    write_atomic,
)

PROFILE = parse_profile(
    'name = "ale"\n[[steps]]\ntype = "hold"\ntemperature = 18\nduration = "3d"\n'
    '[[steps]]\ntype = "ramp"\ntemperature = 21\nduration = "1d"\n'
)


def _config(*fermenters: str):  # type: ignore[no-untyped-def]
    return parse_config(
        {
            "probes": {f"{f}_beer": {"id": f"28-00000000000{i}"} for i, f in enumerate(fermenters)},
            "outputs": {f"{f}_heat": {"kind": "ssr", "pin": 17 + i} for i, f in enumerate(fermenters)},
            "fermenters": {
                f: {"rig": "heat-only", "beer_probe": f"{f}_beer", "heater": f"{f}_heat", "mode": "profile"}
                for f in fermenters
            },
        }
    )


def _running() -> FermenterState:
    return FermenterState(
        mode=Mode.PROFILE,
        beer_setpoint_c=18.0,
        chamber_setpoint_c=17.0,
        profile=PROFILE,
        progress=ProfileProgress(step_index=1, step_elapsed_s=3600.5, total_elapsed_s=262800.5, step_start_c=18.0),
        command_ids=("a", "b"),
    )


def test_round_trip_keeps_profile_copy_and_progress() -> None:
    state = DaemonState(fermenters={"fv1": _running()})
    back = decode_state(encode_state(state))
    assert back == state
    assert back.fermenters["fv1"].progress == ProfileProgress(
        step_index=1, step_elapsed_s=3600.5, total_elapsed_s=262800.5, step_start_c=18.0
    )
    assert back.fermenters["fv1"].profile is not None
    assert back.fermenters["fv1"].profile.steps[1].temperature_c == 21.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"format": "other"}', "not a brewctl state file"),
        (b'{"format": "brewctl-state", "version": 7}', "unknown state version 7"),
        (
            b'{"format": "brewctl-state", "version": 1, "fermenters": {"fv1": {"mode": "warm", '
            b'"beer_setpoint_c": 1, "chamber_setpoint_c": 1}}}',
            "fermenters.fv1.mode",
        ),
        (
            b'{"format": "brewctl-state", "version": 1, "fermenters": {"fv1": {"mode": "beer", '
            b'"beer_setpoint_c": 1, "chamber_setpoint_c": 1, "progress": {"step_index": -1}}}}',
            "step_index",
        ),
    ],
)
def test_decode_names_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(StateError, match=message):
        decode_state(data)


def test_bad_file_is_moved_aside_and_none_returned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b'{"format": "brewctl-state", "version": 1, "fermenters": {"fv1": 3}}')
    assert load_state_file(path) is None
    assert not path.exists()
    aside = list(tmp_path.glob("state.json.bad-*"))
    assert len(aside) == 1 and b'"fv1": 3' in aside[0].read_bytes()
    assert "moved to" in caplog.text


def test_missing_file_is_no_state(tmp_path: Path) -> None:
    assert load_state_file(tmp_path / "state.json") is None


def test_save_then_load(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = DaemonState(fermenters={"fv1": _running()})
    save_state_file(path, state, wall_s=123.0)
    loaded = load_state_file(path)
    assert loaded is not None
    assert loaded.saved_wall_s == 123.0
    assert loaded.fermenters == state.fermenters
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left behind


def test_write_atomic_never_exposes_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.json"
    write_atomic(path, b"old contents")

    def crash(fd: int) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="power cut"):
        write_atomic(path, b"new contents that never made it")
    assert path.read_bytes() == b"old contents"


def test_write_atomic_fsyncs_file_and_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append("dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    write_atomic(tmp_path / "state.json", b"x")
    assert synced == ["file", "dir"]


def test_reconcile_keeps_known_adds_new_and_drops_removed() -> None:
    saved = DaemonState(fermenters={"fv1": _running(), "gone": _running()})
    state, notes = reconcile_with_config(saved, _config("fv1", "fv2"))
    assert state.fermenters["fv1"] == _running()
    # A new fermenter starts from its config; "profile" mode without a profile holds the beer.
    assert state.fermenters["fv2"].mode is Mode.BEER
    assert state.fermenters["fv2"].profile is None
    assert "gone" not in state.fermenters
    assert any("'gone'" in n for n in notes) and any("'fv2'" in n for n in notes)


def test_command_ids_are_bounded() -> None:
    state = _running()
    for i in range(MAX_COMMAND_IDS + 5):
        state = state.remember(f"c{i}")
    assert len(state.command_ids) == MAX_COMMAND_IDS
    assert state.command_ids[-1] == f"c{MAX_COMMAND_IDS + 4}"
    assert state.remember(None) is state


def test_encoded_state_is_plain_json() -> None:
    raw = json.loads(encode_state(DaemonState(fermenters={"fv1": _running()})))
    assert raw["format"] == "brewctl-state"
    assert raw["fermenters"]["fv1"]["progress"]["step_index"] == 1


def test_an_unreadable_state_file_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A state.json that cannot be read (here a folder; EACCES or EIO on a failing card alike)
    must not stop the daemon with a traceback: it starts from the config."""
    path = tmp_path / "state.json"
    path.mkdir()
    assert load_state_file(path) is None
    assert not path.exists() and len(list(tmp_path.glob("state.json.bad-*"))) == 1
    assert "cannot be read (Is a directory)" in caplog.text


def test_an_unusable_file_that_cannot_be_moved_aside_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting anyway would overwrite it at the first save: refuse, naming the file."""
    import errno

    from brewctl.errors import ConfigError

    path = tmp_path / "state.json"
    path.write_bytes(b"{torn")

    def read_only_fs(self: Path, target: Path) -> Path:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "replace", read_only_fs)
    with pytest.raises(ConfigError, match=r"the state file is unusable .* cannot be moved aside \(Read-only"):
        load_state_file(path)
    assert path.read_bytes() == b"{torn"
