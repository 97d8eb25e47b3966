"""A recipe being edited, as its file document; validated by the profiles package (pure but for profile look-up).

The fields are edited as text (what the brewer types); :func:`RecipeDraft.check` builds the
TOML and runs ``parse_recipe`` on it, exactly as ``brewctl recipe validate`` would, so
problems come back as ``file:line: field: what is wrong``.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from brewctl.errors import ProfileError
from brewctl.profiles.recipe import Recipe, parse_recipe, recipe_warnings

__all__ = ["RECIPE_FIELDS", "RecipeDraft"]

RECIPE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "e.g. Session pale ale"),
    ("style", "e.g. American Pale Ale"),
    ("batch_size", "e.g. 20 L or 5 gal"),
    ("gravity_units", "sg or plato"),
    ("og", "original gravity, e.g. 1.048"),
    ("fg", "target final gravity, e.g. 1.010"),
    ("yeast", "strains, comma-separated"),
    ("profile", "profile file stem, name or path"),
    ("notes", "anything"),
    ("author", ""),
    ("license", "e.g. CC0-1.0"),
)
"""The recipe keys the editor shows, with a hint each."""

_NUMBERS = frozenset({"og", "fg"})
_HEADER = "#:schema ./recipe.schema.json\n"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class RecipeDraft:
    """The document of one recipe file."""

    def __init__(self, doc: Mapping[str, Any], *, header: str = "") -> None:
        self.doc: dict[str, Any] = copy.deepcopy(dict(doc))
        self.header = header
        self.modified = False

    @classmethod
    def new(cls, profile: str = "clean-ale") -> RecipeDraft:
        """A recipe to start from."""
        return cls({"format_version": 1, "name": "New recipe", "profile": profile}, header=_HEADER)

    @classmethod
    def from_text(cls, text: str) -> RecipeDraft:
        """From TOML text (raises ``tomllib.TOMLDecodeError``); the document may be invalid."""
        header = next((line + "\n" for line in text.splitlines() if line.startswith("#:schema")), "")
        return cls(tomllib.loads(text), header=header)

    @property
    def inline_profile(self) -> bool:
        """True when the profile is a ``[profile]`` table in the recipe, not a reference."""
        return isinstance(self.doc.get("profile"), dict)

    @property
    def name(self) -> str:
        return str(self.doc.get("name", ""))

    def text_of(self, key: str) -> str:
        """What the form shows for ``key`` (a specific gravity with its three decimals: 1.010)."""
        if key == "profile" and self.inline_profile:
            return ""
        value = self.doc.get(key)
        if key in _NUMBERS and isinstance(value, int | float) and not isinstance(value, bool) and 0.9 < value < 1.2:
            return f"{value:.3f}"
        return _plain(value)

    def set_text(self, key: str, text: str) -> None:
        """Set ``key`` from typed text; empty removes an optional key."""
        text = text.strip()
        if text == self.text_of(key).strip():
            return  # what the form shows for the current value (23 for 23, US-05 for ["US-05"]): no edit
        if key == "profile" and self.inline_profile and not text:
            return  # the inline table stays until a reference replaces it
        value: Any
        if not text:
            value = None
        elif key in _NUMBERS:
            try:
                value = float(text.replace(",", "."))
            except ValueError:
                value = text  # the validator names it
        elif key == "yeast":
            parts = [p.strip() for p in text.split(",") if p.strip()]
            value = parts[0] if len(parts) == 1 else parts
        else:
            value = text
        if value is None:
            if key in self.doc:
                del self.doc[key]
                self.modified = True
        elif self.doc.get(key) != value:
            self.doc[key] = value
            self.modified = True

    def set_inline_profile(self, profile_doc: Mapping[str, Any]) -> None:
        """Store an edited profile as the recipe's inline ``[profile]`` table."""
        self.doc["profile"] = dict(profile_doc)
        self.modified = True

    def dumps(self) -> str:
        """The TOML file text (``profile`` last, so an inline table follows the plain keys)."""
        plain = {k: v for k, v in self.doc.items() if k != "profile"}
        if "profile" in self.doc:
            plain["profile"] = self.doc["profile"]
        return self.header + tomli_w.dumps(plain, multiline_strings=True)

    def check(self, path: Path, profile_dirs: Sequence[Path]) -> tuple[Recipe | None, str, list[str]]:
        """``(recipe, problems, warnings)``: validated as the file at ``path`` would be."""
        try:
            recipe = parse_recipe(self.dumps(), str(path), [path.parent, *profile_dirs])
        except ProfileError as exc:
            return None, str(exc), []
        return recipe, "", recipe_warnings(recipe)
