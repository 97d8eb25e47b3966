"""Defect 8: extreme files give a clear error naming the file, never a traceback or a hang."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.config import load_config
from brewctl.errors import ConfigError, ProfileError
from brewctl.profiles import load_profile
from brewctl.profiles.interchange import import_file
from brewctl.service.daemon import _list_profiles
from brewctl.service.state import load_state_file
from tests.faults.hostile import DEEP_STATE, DEEP_TOML, IMPORT_FILES, PROFILE_FILES

pytestmark = pytest.mark.faults


@pytest.mark.parametrize("name", sorted(PROFILE_FILES))
def test_a_hostile_profile_is_a_profile_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PROFILE_FILES[name])
    with pytest.raises(ProfileError, match=f"{name}: not valid TOML: (nested too deeply|a number with more)"):
        load_profile(path)


@pytest.mark.parametrize("name", sorted(PROFILE_FILES))
def test_a_hostile_config_is_a_config_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PROFILE_FILES[name])
    with pytest.raises(ConfigError, match=f"{name}: not valid TOML"):
        load_config(path)


@pytest.mark.parametrize("command", ["profile validate", "config check"])
def test_the_cli_says_what_is_wrong_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(DEEP_TOML)
    argv = [*command.split(), str(path)] if command.startswith("profile") else [*command.split(), "--config", str(path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "Traceback" not in err


@pytest.mark.parametrize("name", sorted(IMPORT_FILES))
def test_a_hostile_import_is_a_profile_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(IMPORT_FILES[name])
    with pytest.raises(ProfileError, match=name):
        import_file(path)


def test_a_hostile_file_in_the_library_is_listed_as_an_error(tmp_path: Path) -> None:
    """``GET /v1/profiles`` lists it with its error instead of answering HTTP 500."""
    for name, text in PROFILE_FILES.items():
        (tmp_path / name).write_text(text)
    os.mkfifo(tmp_path / "fifo.toml")
    rows = [r for r in _list_profiles(tmp_path) if r["source"] == "user"]
    assert sorted(r["file"] for r in rows) == ["bigint.toml", "deep.toml", "fifo.toml"]
    assert all("error" in r for r in rows)


def _with_timeout(fn: Callable[[], object], seconds: float = 10.0) -> object:
    """``fn()`` in a thread: a hang fails the test instead of blocking it forever."""
    box: list[object] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            box.append(fn())
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=call, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "hung"
    if errors:
        raise errors[0]
    return box[0]


def test_a_fifo_profile_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.toml")
    with pytest.raises(ProfileError, match="not a regular file"):
        _with_timeout(lambda: load_profile(tmp_path / "p.toml"))


def test_a_deeply_nested_state_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(DEEP_STATE)
    assert load_state_file(path) is None
    assert not path.exists()
    assert [p.name.split(".bad-")[0] for p in tmp_path.iterdir()] == ["state.json"]


def test_a_fifo_state_file_is_moved_aside_without_hanging(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    os.mkfifo(path)
    assert _with_timeout(lambda: load_state_file(path)) is None
    assert not path.exists()


def test_starting_a_hostile_profile_is_a_profile_error(tmp_path: Path) -> None:
    """What an MQTT or API ``profile_start`` meets (before: "internal error: RecursionError")."""
    from brewctl.profiles import find_profile

    (tmp_path / "deep.toml").write_text(DEEP_TOML)
    with pytest.raises(ProfileError, match="nested too deeply"):
        find_profile("deep", [tmp_path])
