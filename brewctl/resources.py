"""The files brewctl ships beside its code, found with ``importlib.resources``.

A wheel carries them in the package, under ``brewctl/_data/`` (hatchling copies them there
from the source tree at build time: ``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml, which must name the same paths as :data:`SOURCES`). A source checkout (an
editable install, ``PYTHONPATH``) has no ``_data`` folder: the files are read from the tree
itself, so the git tree stays their only source.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from brewctl.errors import UserError

__all__ = [
    "SOURCES",
    "builtin_profiles_dir",
    "builtin_recipes_dir",
    "example_config_text",
    "grafana_dir",
    "shipped_path",
    "systemd_unit_text",
]

# Name inside brewctl/_data -> path in the source tree.
SOURCES: dict[str, str] = {
    "profiles": "profiles",  # the CC0 profile library and profile.schema.json
    "recipes": "recipes",  # example recipes and recipe.schema.json
    "config.example.toml": "config.example.toml",  # the annotated example config
    "brewctl.service": "systemd/brewctl.service",  # the hardened systemd unit
    "grafana": "docs/grafana",  # Grafana dashboards (InfluxDB and VictoriaMetrics)
}


def shipped_path(name: str) -> Path:
    """Where the shipped file or folder ``name`` (a key of :data:`SOURCES`) is on disk."""
    if name not in SOURCES:
        raise KeyError(name)
    package = resources.files("brewctl")
    packaged = package / "_data" / name
    if packaged.is_file() or packaged.is_dir():
        if not isinstance(packaged, Path):  # a zipped install: brewctl needs real files
            raise UserError(f"brewctl's data files are not on disk ({packaged}): install brewctl unzipped")
        return packaged
    source = Path(__file__).resolve().parents[1] / SOURCES[name]
    if source.exists():
        return source
    raise UserError(f"brewctl's {name} is missing from this installation (looked in {packaged} and {source})")


def builtin_profiles_dir() -> Path:
    """The built-in profile library (searched after the user's ``profiles_dir``)."""
    return shipped_path("profiles")


def builtin_recipes_dir() -> Path:
    """The example recipes."""
    return shipped_path("recipes")


def grafana_dir() -> Path:
    """The Grafana dashboards."""
    return shipped_path("grafana")


def example_config_text() -> str:
    """The annotated example config."""
    return shipped_path("config.example.toml").read_text(encoding="utf-8")


def systemd_unit_text() -> str:
    """The systemd unit as shipped (``service install`` points it at the installed interpreter)."""
    return shipped_path("brewctl.service").read_text(encoding="utf-8")
