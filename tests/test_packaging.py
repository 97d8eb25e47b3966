"""What the wheel carries besides the code, and the licence metadata (issue 13)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from brewctl import resources

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_force_include_and_the_resource_accessor_name_the_same_files() -> None:
    forced = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert forced == {source: f"brewctl/_data/{name}" for name, source in resources.SOURCES.items()}


def test_every_shipped_file_exists_in_the_tree() -> None:
    for name, source in resources.SOURCES.items():
        assert resources.shipped_path(name).resolve() == (ROOT / source).resolve(), name
    assert (resources.builtin_profiles_dir() / "profile.schema.json").is_file()
    assert (resources.builtin_recipes_dir() / "recipe.schema.json").is_file()
    assert sorted(p.name for p in resources.grafana_dir().glob("*.json"))
    assert "[Service]" in resources.systemd_unit_text()
    assert "[fermenters." in resources.example_config_text()


def test_licence_metadata_matches_the_files() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "GPL-3.0-or-later AND CC0-1.0"
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Version 3, 29 June 2007" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "CC0 1.0 Universal" in (ROOT / "LICENSES" / "CC0-1.0.txt").read_text(encoding="utf-8")
    # Each shipped profile and recipe says it is CC0 itself.
    for folder in ("profiles", "recipes"):
        for path in (ROOT / folder).glob("*.toml"):
            assert tomllib.loads(path.read_text(encoding="utf-8")).get("license") == "CC0-1.0", path


def test_both_supported_pythons_are_declared() -> None:
    classifiers = PYPROJECT["project"]["classifiers"]
    assert {"Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.13"} <= set(classifiers)
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
