"""A temporary root that looks like a fresh Raspberry Pi OS, and a runner that acts on it.

``FakeOS`` stands in for the programs the set-up commands call (``groupadd``, ``useradd``,
``usermod``, ``install``, ``systemctl``, ``timedatectl``): it records every call and applies its
effect to the files of the temporary root (/etc/passwd, /etc/group, folders), so a second run
sees what the first one did. systemd itself cannot run in a test.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from brewctl.setup.system import System

PASSWD = "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n"
GROUP = "root:x:0:\ngpio:x:997:pi\npi:x:1000:\n"


class FakeOS:
    """Records commands and applies them to ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.calls: list[tuple[str, ...]] = []
        self.enabled = False
        self.active = False
        self.synced = "yes"
        self.fail: set[str] = set()

    def _append(self, name: str, line: str) -> None:
        with (self.root / "etc" / name).open("a") as f:
            f.write(line + "\n")

    def _add_member(self, group: str, user: str) -> None:
        path = self.root / "etc" / "group"
        rows = [line.split(":") for line in path.read_text().splitlines()]
        for row in rows:
            if row[0] == group:
                row[3] = ",".join([m for m in row[3].split(",") if m] + [user])
        path.write_text("".join(":".join(r) + "\n" for r in rows))

    def __call__(self, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        argv = tuple(argv)
        self.calls.append(argv)
        out = ""
        if argv[0] in self.fail:
            return subprocess.CompletedProcess(argv, 1, "", f"{argv[0]}: failed on purpose")
        match argv:
            case ("groupadd", *_, name):
                self._append("group", f"{name}:x:996:")
            case ("useradd", *opts, name):
                self._append("group", f"{name}:x:995:")
                self._append("passwd", f"{name}:x:995:995::/var/lib/brewctl:/usr/sbin/nologin")
                if "--groups" in opts:
                    self._add_member(opts[opts.index("--groups") + 1], name)
            case ("usermod", *opts, name):
                self._add_member(opts[opts.index("--groups") + 1], name)
            case ("userdel", *_, name):
                path = self.root / "etc" / "passwd"
                rows = [r for r in path.read_text().splitlines() if not r.startswith(name + ":")]
                path.write_text("".join(f"{r}\n" for r in rows))
            case ("install", "--directory", *_, folder):
                (self.root / folder.lstrip("/")).mkdir(parents=True)
            case ("systemctl", "enable", _):
                self.enabled = True
            case ("systemctl", "start" | "restart", _):
                self.active = True
            case ("systemctl", "disable", "--now", _):
                self.enabled = self.active = False
            case ("systemctl", "is-active", _):
                out = "active" if self.active else "inactive"
            case ("systemctl", "is-enabled", _):
                out = "enabled" if self.enabled else "disabled"
            case ("timedatectl", *_):
                out = self.synced
        return subprocess.CompletedProcess(argv, 0, out + "\n", "")

    def programs(self) -> list[str]:
        """The calls as 'program first-argument' strings."""
        return [" ".join(c[:2]) for c in self.calls]


def make_root(root: Path) -> Path:
    """A fresh Pi: users root and pi, group gpio (pi in it), /etc/brewctl without a config."""
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    (root / "etc" / "passwd").write_text(PASSWD)
    (root / "etc" / "group").write_text(GROUP)
    (root / "var" / "lib").mkdir(parents=True)
    return root


@pytest.fixture
def fake_os(tmp_path: Path) -> FakeOS:
    return FakeOS(make_root(tmp_path / "root"))


@pytest.fixture
def system(fake_os: FakeOS) -> System:
    """The temporary root, treated as the running system (so systemctl start is planned)."""
    return System(root=fake_os.root, runner=fake_os, running=True)
