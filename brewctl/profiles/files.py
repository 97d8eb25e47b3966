"""Reading, finding and writing profile files.

Every problem in a file is reported at once, each as ``file:line: key.path: what is wrong``,
e.g. ``profiles/lager.toml:23: steps[2].duration: cannot read duration '3x'``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import ValidationError

from brewctl import validation
from brewctl.core.profile import FORMAT_VERSION, Profile
from brewctl.errors import ProfileError
from brewctl.profiles.document import (
    DOC_TAGS,
    STEP_ADAPTER,
    Problem,
    ProfileDocument,
    check_temperature,
    convert_step,
    from_profile,
    to_profile,
)
from brewctl.profiles.locate import TomlLocator
from brewctl.userfiles import parse_user_toml, read_user_text
from brewctl.validation import format_loc

__all__ = [
    "dump_profile",
    "find_profile",
    "format_loc",
    "format_problems",
    "load_profile",
    "parse_profile",
    "profile_problems",
    "validation_problems",
]

# Discriminator tags pydantic inserts into error locations of tagged unions.
_TAGS = DOC_TAGS


def validation_problems(exc: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems located by TOML keys (``brewctl.validation``)."""
    problems: list[Problem] = []
    for loc, msg in validation.validation_problems(exc, tags=_TAGS):
        if loc == ("format_version",) and msg.startswith("Input should be less than or equal"):
            msg = f"this file needs a newer brewctl (it reads format_version {FORMAT_VERSION})"
        problems.append((loc, msg))
    return problems


def format_problems(source: str, problems: Iterable[Problem], text: str | None = None) -> str:
    """One line per problem, ``source:line: key: message``, sorted by line."""
    locator = TomlLocator(text) if text is not None else None
    rows: list[tuple[int, str]] = []
    for loc, msg in problems:
        line = locator.line(loc) if locator is not None else None
        where = f"{source}:{line}" if line is not None else source
        key = format_loc(loc)
        rows.append((line or 0, f"{where}: {key}: {msg}" if key else f"{where}: {msg}"))
    rows.sort(key=lambda r: r[0])
    return "\n".join(r[1] for r in rows)


def profile_problems(data: Any) -> tuple[Profile | None, list[Problem]]:
    """Validate a parsed document (dict). Returns the profile or every problem found."""
    try:
        doc = ProfileDocument.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        # Steps that are well-formed on their own still get their range checks, so one run
        # reports every problem.
        top = data if isinstance(data, dict) else {}
        units: Literal["C", "F"] = "F" if top.get("units") == "F" else "C"
        gravity: Literal["sg", "plato"] = "plato" if top.get("gravity_units") == "plato" else "sg"
        raw_steps = top.get("steps")
        for i, raw in enumerate(raw_steps if isinstance(raw_steps, list) else []):
            try:
                step = STEP_ADAPTER.validate_python(raw)
            except ValidationError:
                _check_raw_temperatures(raw, i, units, problems)
                continue
            convert_step(step, i, units, gravity, problems)
        return None, problems
    return to_profile(doc)


def _check_raw_temperatures(raw: Any, i: int, units: Literal["C", "F"], problems: list[Problem]) -> None:
    """Range-check the temperatures of a step that failed for another reason (every problem at once)."""
    if not isinstance(raw, dict):
        return
    known = {loc for loc, _ in problems}
    for key in ("temperature", "from", "min", "max"):
        value = raw.get(key)
        loc = ("steps", i, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if loc not in known and math.isfinite(value):
            check_temperature(float(value), units, loc, problems)


def read_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes a ``ProfileError`` saying ``source:line``."""
    return parse_user_toml(text, source, ProfileError)


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    """Parse and validate profile TOML text; ``source`` names it in error messages."""
    data = read_toml(text, source)
    profile, problems = profile_problems(data)
    if profile is None:
        raise ProfileError(format_problems(source, problems, text))
    return profile


def load_profile(path: Path | str) -> Profile:
    """Read and validate a profile file."""
    path = Path(path)
    return parse_profile(read_user_text(path, "profile file", ProfileError), str(path))


def find_profile(name: str, dirs: Iterable[Path | str]) -> Profile:
    """A profile by path, by file stem, or by its ``name`` (case-insensitive) in ``dirs``.

    Broken files in the folders are skipped while searching by name; a broken file found by
    its stem or path raises its own error.
    """
    direct = Path(name)
    if direct.suffix == ".toml" and direct.is_file():
        return load_profile(direct)
    folders = [Path(d) for d in dirs]
    for folder in folders:
        candidate = folder / f"{name}.toml"
        if candidate.is_file():
            return load_profile(candidate)
    known: list[str] = []
    wanted = name.strip().casefold()
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            try:
                profile = load_profile(path)
            except ProfileError:
                continue
            if profile.name.casefold() == wanted:
                return profile
            known.append(path.stem)
    hint = f"; available: {', '.join(sorted(set(known)))}" if known else ""
    where = ", ".join(str(f) for f in folders) or "no profile folders"
    raise ProfileError(f"no profile named {name!r} in {where}{hint}")


def dump_profile(profile: Profile, units: Literal["C", "F"] | None = None, *, schema_hint: str | None = None) -> str:
    """TOML text for ``profile`` (in ``units``; default the profile's own)."""
    head = f"#:schema {schema_hint}\n" if schema_hint else ""
    return head + tomli_w.dumps(from_profile(profile, units))
