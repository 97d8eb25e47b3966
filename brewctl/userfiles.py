"""Reading files a person wrote (config, profiles, recipes, imports) with errors they can act on.

Hostile or broken files give a clear error, never a traceback or a hang: a FIFO or device is
refused without being opened for a blocking read, a file over ``MAX_USER_FILE_BYTES`` is
refused, and nesting deeper than the parsers' recursion limit or an integer of more than 4,300
digits (Python's int/str conversion limit) is reported as such (see docs/daemon.md, fault matrix).
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from brewctl.errors import UserError

__all__ = [
    "MAX_USER_FILE_BYTES",
    "hostile_reason",
    "parse_user_json",
    "parse_user_toml",
    "read_regular_file",
    "read_user_text",
]

MAX_USER_FILE_BYTES = 16 * 1024 * 1024
"""A config, profile or import file is a few kB (a month of BrewPi CSV ~2 MB); beyond this, refused."""


def hostile_reason(exc: BaseException) -> str | None:
    """What a parser's ``RecursionError`` or int-conversion ``ValueError`` means, or None."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return "a number with more than 4,300 digits"
    return None


def parse_user_toml(text: str, source: str, error: type[UserError]) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes ``error`` saying ``source:line: not valid TOML: why``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{source}:{m.group(1)}" if m else source
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise error(f"{where}: not valid TOML: {reason}") from None
    except (RecursionError, ValueError) as exc:
        raise error(f"{source}: not valid TOML: {hostile_reason(exc) or exc}") from None


def parse_user_json(text: str | bytes, source: str, error: type[UserError]) -> Any:
    """Parse JSON; a syntax error, deep nesting or a huge number becomes ``error`` naming ``source``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:  # ValueError: a number of more than 4,300 digits
        raise error(f"{source}: not valid JSON: {hostile_reason(exc) or exc}") from None


def read_user_text(path: Path, what: str, error: type[UserError], *, encoding: str = "utf-8", hint: str = "") -> str:
    """Return the text of ``path``; raise ``error`` naming the file when it cannot be read.

    ``what`` names the kind of file in the message (``"profile file"``, ``"config file"``);
    ``hint`` is added when the file does not exist (``"use --config FILE"``).
    """
    try:
        data = read_regular_file(path, MAX_USER_FILE_BYTES)
        # Universal newlines, as Path.read_text gives them.
        return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found" + (f" ({hint})" if hint else "")) from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not a text (UTF-8) file") from None
    except _NotRegularError:
        raise error(f"{path}: is not a regular file (a pipe or a device?), not a {what}") from None
    except _TooLargeError:
        raise error(f"{path}: too large for a {what} (more than {MAX_USER_FILE_BYTES // 1024 // 1024} MiB)") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None


class _NotRegularError(OSError):
    pass


class _TooLargeError(OSError):
    pass


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; never blocks on a FIFO.

    Raises ``OSError`` subclasses: ``FileNotFoundError``, ``IsADirectoryError``, or this
    module's not-regular / too-large errors (their ``strerror`` says which).
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise _NotRegularError(0, "not a regular file (a pipe or a device?)", str(path))
        if st.st_size > max_bytes:
            raise _TooLargeError(0, f"larger than {max_bytes} bytes", str(path))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:  # it grew while being read
                raise _TooLargeError(0, f"larger than {max_bytes} bytes", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)
