"""Where profiles are found: the user's ``profiles_dir`` first, then the built-in library.

A user's file with the same file name as a built-in one wins (the built-in one is hidden).
``brewctl profile list``, the daemon's ``GET /v1/profiles`` (and so the TUI's picker) and
``brewctl profile start`` all search the same folders in the same order, through this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from brewctl.core.profile import Profile
from brewctl.errors import ProfileError
from brewctl.profiles.files import find_profile, load_profile
from brewctl.resources import builtin_profiles_dir

__all__ = ["LibraryEntry", "find_in_library", "library_dirs", "list_library"]

Source = Literal["user", "built-in"]


@dataclass(frozen=True)
class LibraryEntry:
    """One profile file of the library."""

    path: Path
    source: Source
    profile: Profile | None
    """None when the file does not load; ``error`` says why."""
    error: str | None = None
    overrides_builtin: bool = False
    """A user's file that hides the built-in profile of the same file name."""

    @property
    def stem(self) -> str:
        """The name to start it by (``brewctl profile start fv1 STEM``)."""
        return self.path.stem

    def as_row(self) -> dict[str, Any]:
        """The row of ``GET /v1/profiles``."""
        row: dict[str, Any] = {"file": self.path.name, "source": self.source}
        if self.overrides_builtin:
            row["overrides_builtin"] = True
        if self.profile is None:
            row["error"] = self.error
            return row
        p = self.profile
        return row | {"name": p.name, "description": p.description, "steps": len(p.steps)}


def library_dirs(user_dir: Path | None) -> list[Path]:
    """The folders to search, in order: the user's (when given), then the built-in library."""
    builtin = builtin_profiles_dir()
    if user_dir is None or user_dir.resolve() == builtin.resolve():
        return [builtin]
    return [user_dir, builtin]


def find_in_library(name: str, user_dir: Path | None) -> Profile:
    """A profile by path, file stem or name: the user's folder first, then the built-in library."""
    return find_profile(name, library_dirs(user_dir))


def list_library(user_dir: Path | None) -> list[LibraryEntry]:
    """Every profile file of the user's folder and of the built-in library it does not hide."""
    entries: list[LibraryEntry] = []
    dirs = library_dirs(user_dir)
    user_names = {p.name for p in _toml_files(dirs[0])} if len(dirs) > 1 else set()
    builtin_names = {p.name for p in _toml_files(dirs[-1])}
    for i, folder in enumerate(dirs):
        source: Source = "built-in" if i == len(dirs) - 1 else "user"
        for path in _toml_files(folder):
            if source == "built-in" and path.name in user_names:
                continue
            overrides = source == "user" and path.name in builtin_names
            try:
                entries.append(LibraryEntry(path, source, load_profile(path), overrides_builtin=overrides))
            except ProfileError as exc:
                entries.append(LibraryEntry(path, source, None, str(exc), overrides_builtin=overrides))
    return entries


def _toml_files(folder: Path) -> Sequence[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else ()
