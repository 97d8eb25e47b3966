"""Reading files a person wrote (config, profiles, recipes, imports) with errors they can act on."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from brewctl.errors import UserError

__all__ = ["parse_user_toml", "read_user_text"]


def parse_user_toml(text: str, source: str, error: type[UserError]) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes ``error`` saying ``source:line: not valid TOML: why``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{source}:{m.group(1)}" if m else source
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise error(f"{where}: not valid TOML: {reason}") from None


def read_user_text(path: Path, what: str, error: type[UserError], *, encoding: str = "utf-8", hint: str = "") -> str:
    """Return the text of ``path``; raise ``error`` naming the file when it cannot be read.

    ``what`` names the kind of file in the message (``"profile file"``, ``"config file"``);
    ``hint`` is added when the file does not exist (``"use --config FILE"``).
    """
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise error(f"{path}: {what} not found" + (f" ({hint})" if hint else "")) from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not a text (UTF-8) file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
