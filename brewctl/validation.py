"""Pydantic validation errors in brewer's words: the one formatter (pure).

The config file, the profile and recipe files, the local API and MQTT commands all word the same
mistake the same way: ``steps[2].until[0].periode: unknown key (check the spelling)``,
``value_c: missing (required)``, ``kind: unknown kind 'warm_up'; expected one of ...``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from pydantic import ValidationError

__all__ = ["Problem", "format_loc", "one_line", "validation_problems"]

Problem = tuple[tuple[str | int, ...], str]
"""(location of the key, message)."""

_NOT_AN_OBJECT = frozenset({"dict_type", "model_type", "model_attributes_type"})


def format_loc(loc: Sequence[str | int]) -> str:
    """``("steps", 2, "until", 0, "sg")`` -> ``steps[2].until[0].sg``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _is_tag(part: str | int, previous: str | int | None, tags: Collection[str]) -> bool:
    """A discriminator tag pydantic puts into a location (first, or after a list index)."""
    if not isinstance(part, str) or not tags:
        return False
    return (previous is None or isinstance(previous, int)) and set(part.split(",")) <= set(tags)


def _expected(err: Any, tags: Collection[str]) -> str:
    expected = err.get("ctx", {}).get("expected_tags") if isinstance(err.get("ctx"), dict) else None
    return str(expected) if expected else ", ".join(repr(t) for t in tags)


def validation_problems(exc: ValidationError, *, tags: Collection[str] = (), tag_key: str = "type") -> list[Problem]:
    """Each error of ``exc`` as ``(location, message)``.

    ``tags``: the discriminator values of the tagged unions validated (left out of locations);
    ``tag_key``: the key that holds them (``type`` in profile files, ``kind`` in commands).
    """
    problems: list[Problem] = []
    for err in exc.errors():
        raw = err["loc"]
        loc = tuple(p for i, p in enumerate(raw) if not _is_tag(p, raw[i - 1] if i else None, tags))
        kind = err["type"]
        msg = str(err["msg"]).removeprefix("Value error, ")
        if kind == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        elif kind == "missing":
            msg = "missing (required)"
        elif kind == "union_tag_invalid":
            given = err["input"].get(tag_key) if isinstance(err.get("input"), dict) else None
            msg = f"unknown {tag_key} {given!r}; expected one of {_expected(err, tags)}"
            loc = (*loc, tag_key)
        elif kind == "union_tag_not_found":
            msg = f"missing (required); expected one of {_expected(err, tags)}"
            loc = (*loc, tag_key)
        elif kind == "json_invalid":
            msg = f"not valid JSON ({msg.removeprefix('Invalid JSON: ')})"
        elif kind in _NOT_AN_OBJECT and not loc:
            msg = "not a JSON object"
        problems.append((loc, msg))
    return problems


def one_line(problems: Iterable[Problem], root: str) -> str:
    """``key: message; key: message`` (``root`` names a problem of the whole document)."""
    return "; ".join(f"{format_loc(loc) or root}: {msg}" for loc, msg in problems)
