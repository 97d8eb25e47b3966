"""Import a profile from another tool's format, through the profiles package's importers."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from brewctl.errors import ProfileError
from brewctl.profiles import Profile

__all__ = ["import_file"]


def import_file(path: Path | str) -> Profile:
    """The profile in ``path`` (format detected by the importers); ``ProfileError`` names the problem."""
    path = Path(path).expanduser()
    if importlib.util.find_spec("brewctl.profiles.importers") is None:
        raise ProfileError("this brewctl has no profile importers")
    importers = importlib.import_module("brewctl.profiles.importers")
    profile = importers.import_profile(path)
    if not isinstance(profile, Profile):
        raise ProfileError(f"{path}: the importer returned no profile")
    return profile
