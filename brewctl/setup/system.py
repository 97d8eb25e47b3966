"""The operating system as the set-up commands see it: a root folder and a command runner.

Both are injected, so ``service install`` and ``doctor`` run in tests against a temporary
folder that looks like ``/`` (``etc/passwd``, ``etc/group``, ``sys/bus/w1``, ...) with a
runner that records the commands instead of calling ``useradd`` or ``systemctl``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["Runner", "System", "run_command"]

Runner = Callable[[Sequence[str]], subprocess.CompletedProcess[str]]
"""Runs one command (argv) and returns its exit status and output; never raises for a non-zero status."""


def run_command(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """The real runner: a missing program is exit status 127, like a shell's."""
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError:
        return subprocess.CompletedProcess(list(argv), 127, "", f"{argv[0]}: command not found")
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(list(argv), 124, "", f"{argv[0]}: timed out after 60 s")


@dataclass(frozen=True)
class System:
    """A root folder (``/`` for real) and the runner for commands that change it."""

    root: Path = Path("/")
    runner: Runner = run_command
    running: bool | None = None
    """Is this the running system (``systemctl start`` makes sense)? None: when ``root`` is ``/``."""

    @property
    def live(self) -> bool:
        """True for the running system; False for another root (a mounted SD card image)."""
        return self.root.resolve() == Path("/") if self.running is None else self.running

    def path(self, absolute: str | PurePosixPath) -> Path:
        """``/etc/x`` inside the root."""
        return self.root / str(absolute).lstrip("/")

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """Run a command through the runner."""
        return self.runner(argv)

    def _table(self, name: str) -> list[list[str]]:
        try:
            text = self.path(f"/etc/{name}").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]

    def user_exists(self, user: str) -> bool:
        """Is ``user`` in the root's /etc/passwd?"""
        return any(row[0] == user for row in self._table("passwd"))

    def group_exists(self, group: str) -> bool:
        """Is ``group`` in the root's /etc/group?"""
        return any(row[0] == group for row in self._table("group"))

    def groups_of(self, user: str) -> set[str]:
        """The groups ``user`` belongs to (primary and supplementary), from the root's files."""
        primary = {row[3] for row in self._table("passwd") if row[0] == user and len(row) > 3}
        out: set[str] = set()
        for row in self._table("group"):
            if len(row) < 4:
                continue
            members = {m for m in row[3].split(",") if m}
            if user in members or row[2] in primary:
                out.add(row[0])
        return out
