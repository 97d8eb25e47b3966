"""Profiles are found in the user's ``profiles_dir`` first, then in the built-in library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.errors import ProfileError
from brewctl.profiles.library import find_in_library, library_dirs, list_library
from brewctl.profiles.recipe import load_recipe
from brewctl.resources import builtin_profiles_dir

ROOT = Path(__file__).resolve().parents[2]
MINE = 'name = "My clean ale"\n[[steps]]\ntype = "hold"\ntemperature = 17\nduration = "9d"\n'


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "clean-ale.toml").write_text(MINE)  # hides the built-in one
    (folder / "house.toml").write_text(MINE.replace("My clean ale", "House"))
    (folder / "broken.toml").write_text("name = 3\n")
    return folder


def test_the_builtin_library_is_the_source_tree_in_a_checkout() -> None:
    assert builtin_profiles_dir().resolve() == (ROOT / "profiles").resolve()


def test_a_user_file_wins_over_the_builtin_of_the_same_name(user_dir: Path) -> None:
    assert find_in_library("clean-ale", user_dir).name == "My clean ale"
    assert find_in_library("fast-lager", user_dir).name == "Fast lager"  # built-in only
    assert find_in_library("fast-lager", None).name == "Fast lager"
    assert find_in_library("clean-ale", None).name == "Clean ale"
    with pytest.raises(ProfileError, match="no profile named 'nope'"):
        find_in_library("nope", user_dir)


def test_the_listing_says_where_each_profile_comes_from(user_dir: Path) -> None:
    entries = {(e.path.name, e.source): e for e in list_library(user_dir)}
    assert ("clean-ale.toml", "built-in") not in entries  # hidden
    mine = entries[("clean-ale.toml", "user")]
    assert mine.overrides_builtin and mine.profile is not None and mine.profile.name == "My clean ale"
    assert entries[("broken.toml", "user")].error is not None
    assert not entries[("house.toml", "user")].overrides_builtin
    builtin = {name for name, source in entries if source == "built-in"}
    assert {"fast-lager.toml", "belgian.toml"} <= builtin
    assert entries[("broken.toml", "user")].as_row().keys() == {"file", "source", "error"}


def test_a_config_pointing_at_the_library_itself_lists_it_once() -> None:
    assert library_dirs(ROOT / "profiles") == [builtin_profiles_dir()]
    names = [e.path.name for e in list_library(ROOT / "profiles")]
    assert len(names) == len(set(names)) and {e.source for e in list_library(ROOT / "profiles")} == {"built-in"}


def test_profile_list_cli(user_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "list", "--profiles-dir", str(user_dir)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line and not line.startswith(("-", "start as"))}
    assert "user (replaces the built-in)" in rows["clean-ale"]
    assert rows["fast-lager"].endswith("built-in")
    assert rows["house"].rstrip().endswith("user")
    assert "invalid" in rows["broken"]
    assert f"your profiles: {user_dir}" in out

    assert main(["profile", "list", "--profiles-dir", str(user_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"file": "house.toml", "source": "user", "name": "House", "description": "", "steps": 1} in data


def test_profile_list_reads_profiles_dir_from_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ROOT / "config.example.toml", tmp_path / "config.toml")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "house.toml").write_text(MINE.replace("My clean ale", "House"))
    assert main(["profile", "list", "--config", str(tmp_path / "config.toml")]) == 0
    out = capsys.readouterr().out
    assert "House" in out and "Clean ale" in out


def test_builtin_recipes_find_builtin_profiles_from_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A copy of a shipped recipe somewhere else still finds its profile in the built-in library.
    monkeypatch.chdir(tmp_path)
    copy = tmp_path / "helles.toml"
    shutil.copy(ROOT / "recipes" / "munich-helles.toml", copy)
    assert load_recipe(copy).profile.steps
