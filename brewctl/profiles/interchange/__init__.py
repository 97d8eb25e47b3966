"""Import profiles from other tools and export them: detection by content, one module per format.

>>> from brewctl.profiles.interchange import import_text
>>> result = import_text('date,temperature\\n2024-05-01T00:00:00,19\\n2024-05-04T00:00:00,19\\n', "p.csv")
>>> result.profile.steps[0].duration_s / 86400
3.0
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from brewctl.core.profile import Profile
from brewctl.errors import ProfileError
from brewctl.profiles.files import format_loc, validation_problems
from brewctl.profiles.formats import EXPORT_FORMATS, IMPORT_FORMATS
from brewctl.profiles.interchange.beerjson import export_beerjson, import_beerjson, looks_like_beerjson
from brewctl.profiles.interchange.beerxml import import_beerxml, looks_like_beerxml
from brewctl.profiles.interchange.brewpi_csv import export_brewpi_csv, import_brewpi_csv, looks_like_brewpi_csv
from brewctl.profiles.interchange.brewpiless import import_brewpiless, looks_like_brewpiless
from brewctl.profiles.interchange.common import ExportResult, ImportResult
from brewctl.profiles.interchange.craftbeerpi import (
    YAML_MISSING,
    import_craftbeerpi,
    looks_like_craftbeerpi,
    read_yaml,
    yaml_available,
)
from brewctl.profiles.interchange.fermentrack import import_fermentrack, looks_like_fermentrack
from brewctl.userfiles import parse_user_json, read_user_text

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "ExportResult",
    "ImportResult",
    "detect_format",
    "export_profile",
    "import_file",
    "import_text",
]

Units = Literal["C", "F"]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def detect_format(text: str) -> str | None:
    """The import format of ``text``, judged by content, or None."""
    stripped = text.lstrip("\ufeff").lstrip()
    if looks_like_beerxml(stripped):
        return "beerxml"
    data = _json(stripped) if stripped[:1] in "{[" else None
    if data is not None:
        if looks_like_beerjson(data):
            return "beerjson"
        if looks_like_fermentrack(data):
            return "fermentrack"
        if looks_like_brewpiless(data):
            return "brewpiless"
        return None
    if looks_like_brewpi_csv(stripped):
        return "brewpi-csv"
    try:
        yaml_data = read_yaml(stripped, "")
    except ProfileError:
        return None
    return "craftbeerpi" if looks_like_craftbeerpi(yaml_data) else None


def _structured(text: str, source: str, fmt: str) -> Any:
    if fmt == "craftbeerpi":
        return read_yaml(text, source)
    return parse_user_json(text, source, ProfileError)


def import_text(
    text: str, source: str, *, fmt: str | None = None, name: str | None = None, units: Units | None = None
) -> ImportResult:
    """Import ``text`` (format detected unless ``fmt``); ``name`` picks or names the profile.

    Every failure is a :class:`ProfileError` naming ``source``: a value the profile models
    refuse (a step of 30 years, a temperature out of range) is reported, never raised raw.
    """
    try:
        return _import_text(text, source, fmt=fmt, name=name, units=units)
    except ValidationError as exc:
        problems = "; ".join(f"{format_loc(loc)}: {msg}" for loc, msg in validation_problems(exc))
        raise ProfileError(f"{source}: cannot be imported: {problems}") from None


def _import_text(text: str, source: str, *, fmt: str | None, name: str | None, units: Units | None) -> ImportResult:
    fmt = fmt or detect_format(text)
    if fmt is None:
        hint = "" if yaml_available() else f" (if it is a CraftBeerPi file: {YAML_MISSING})"
        raise ProfileError(
            f"{source}: cannot tell the format; use --from with one of {', '.join(IMPORT_FORMATS)}{hint}"
        )
    if fmt not in IMPORT_FORMATS:
        raise ProfileError(f"unknown import format {fmt!r}; expected one of {', '.join(IMPORT_FORMATS)}")
    if fmt == "beerxml":
        return import_beerxml(text, source, name)
    if fmt == "brewpi-csv":
        return import_brewpi_csv(text, source, name, units)
    data = _structured(text.lstrip("\ufeff"), source, fmt)
    checks = {
        "beerjson": (looks_like_beerjson, "a 'beerjson' object"),
        "fermentrack": (looks_like_fermentrack, "a 'points' list"),
        "brewpiless": (looks_like_brewpiless, "'u' and a 't' list"),
        "craftbeerpi": (looks_like_craftbeerpi, "'basic' and a 'steps' list"),
    }
    check, wanted = checks[fmt]
    if not check(data):
        raise ProfileError(f"{source}: not a {fmt} profile: expected {wanted} at the top")
    if fmt == "beerjson":
        return import_beerjson(data, source, name)
    if fmt == "fermentrack":
        return import_fermentrack(data, source, name)
    if fmt == "brewpiless":
        return import_brewpiless(data, source, name)
    return import_craftbeerpi(data, source, name, units)


def import_file(
    path: Path | str, *, fmt: str | None = None, name: str | None = None, units: Units | None = None
) -> ImportResult:
    """Read and import a file."""
    path = Path(path)
    text = read_user_text(path, "file", ProfileError, encoding="utf-8-sig")
    return import_text(text, str(path), fmt=fmt, name=name, units=units)


def export_profile(profile: Profile, fmt: str, *, start: datetime | None = None) -> ExportResult:
    """Write ``profile`` as ``fmt`` (``beerjson`` or ``brewpi-csv``; ``start`` dates the CSV)."""
    if fmt == "beerjson":
        return export_beerjson(profile)
    if fmt == "brewpi-csv":
        return export_brewpi_csv(profile, start)
    raise ProfileError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
