"""The simulated daemon's scratch folder (fake 1-wire tree), and the stale ones a kill -9 left.

A simulated daemon keeps its fake ``/sys/bus/w1/devices`` in ``<tmp>/brewctl-sim-<pid>-<random>``
and removes it on any exit it can catch (SIGTERM, SIGINT, an error). SIGKILL cannot be caught:
the next simulated daemon removes every such folder of this user whose process is gone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["PREFIX", "make_workdir", "remove_stale"]

log = logging.getLogger(__name__)

PREFIX = "brewctl-sim-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(root: Path) -> list[Path]:
    """Remove the scratch folders in ``root`` left by simulated daemons that no longer run."""
    removed: list[Path] = []
    for path in root.glob(PREFIX + "*"):
        pid_text = path.name.removeprefix(PREFIX).split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)) or int(pid_text) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if not path.is_dir() or path.is_symlink() or path.stat().st_uid != os.getuid():
                continue
            shutil.rmtree(path)
            removed.append(path)
            log.info("removed %s, left by a simulated daemon that was killed", path)
    return removed


def make_workdir(root: Path | None = None) -> Path:
    """A fresh scratch folder named after this process (stale ones removed first)."""
    base = root if root is not None else Path(tempfile.gettempdir())
    remove_stale(base)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
