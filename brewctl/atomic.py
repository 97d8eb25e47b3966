"""Replace a file whole: the one temp-file-and-rename helper.

A crash or a power cut leaves the old file or the new one, never a torn one; a failed write
(disk full) leaves no temporary file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(
    path: Path, data: bytes | str, *, mode: int = 0o666, chmod: int | None = None, durable: bool = True
) -> None:
    """Write ``data`` to ``path`` through ``.NAME.tmp`` beside it, renamed over ``path``.

    ``mode``: the new file's permissions before the umask; ``chmod``: exact permissions (the
    umask ignored), e.g. 0o644 for a file another user must read. ``durable``: ``fsync`` the file
    and then its folder, so the rename survives a power cut (SD cards lose unsynced writes);
    leave it off for scratch files rewritten every second.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
    try:
        try:
            if chmod is not None:
                os.fchmod(fd, chmod)
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
