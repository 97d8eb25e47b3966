"""``brewctl service install|uninstall``: the systemd service, planned then applied.

:func:`plan_install` and :func:`plan_uninstall` look at the system (a root folder, so tests use a
temporary one) and return the steps still needed; steps already done become notes, so running
either command twice changes nothing the second time. :func:`apply` runs the steps (or, for
``--dry-run``, only prints them). Every command goes through the injected runner.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from brewctl.atomic import write_atomic
from brewctl.config import DEFAULT_CONFIG_PATH, load_config
from brewctl.errors import ConfigError, UserError
from brewctl.resources import systemd_unit_text
from brewctl.setup.system import System

__all__ = [
    "SERVICE",
    "STATE_DIR",
    "UNIT_PATH",
    "USER",
    "Command",
    "MakeDir",
    "Note",
    "Remove",
    "Step",
    "WriteFile",
    "apply",
    "plan_install",
    "plan_uninstall",
    "render_unit",
]

SERVICE = "brewctl.service"
USER = "brewctl"
GPIO_GROUP = "gpio"
UNIT_PATH = PurePosixPath("/etc/systemd/system") / SERVICE
STATE_DIR = PurePosixPath("/var/lib/brewctl")  # the unit's StateDirectory=brewctl
RUNTIME_DIR = PurePosixPath("/run/brewctl")  # the unit's RuntimeDirectory=brewctl


@dataclass(frozen=True)
class Command:
    """Run a program."""

    argv: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class WriteFile:
    """Write a file (mode 0644), replacing an older version."""

    path: PurePosixPath
    text: str
    why: str


@dataclass(frozen=True)
class MakeDir:
    """Create a folder (mode 0750)."""

    path: PurePosixPath
    why: str


@dataclass(frozen=True)
class Remove:
    """Delete a file, or a folder with everything in it."""

    path: PurePosixPath
    why: str


@dataclass(frozen=True)
class Note:
    """Nothing to do: already so (or a hint)."""

    text: str


Step = Command | WriteFile | MakeDir | Remove | Note


def render_unit(template: str, python: str, config: PurePosixPath) -> str:
    """The shipped unit, its ExecStart and ExecStopPost pointed at ``python -m brewctl``."""
    exe = f'"{python}"' if re.search(r"\s", python) else python
    cfg = shlex.quote(str(config))
    lines = [
        "# Written by `brewctl service install` for the Python that runs brewctl. Change settings with",
        "# `sudo systemctl edit brewctl` (a drop-in that survives a re-install), not in this file.",
    ]
    for line in template.splitlines():
        if line.startswith("ExecStart="):
            line = f"ExecStart={exe} -m brewctl run --config {cfg}"
        elif line.startswith("ExecStopPost="):
            line = f"ExecStopPost={exe} -m brewctl outputs-off --config {cfg}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _check_python(python: str) -> None:
    parts = PurePosixPath(python).parts
    if len(parts) > 1 and parts[1] in ("home", "root"):
        raise UserError(
            f"brewctl runs from {python}, under /{parts[1]}, which the service's sandbox hides "
            "(ProtectHome=yes). Install it system-wide, e.g. "
            "sudo PIPX_HOME=/usr/local/lib/pipx PIPX_BIN_DIR=/usr/local/bin pipx install brewctl, "
            "then run: sudo brewctl service install"
        )


def _check_config(system: System, config: PurePosixPath) -> None:
    path = system.path(config)
    if not path.is_file():
        raise UserError(f"{config}: no config yet; write one first: sudo brewctl config init --out {config}")
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        raise UserError(f"{exc}\nfix the config (brewctl config check --config {config}), then run it again") from None
    node = cfg.node
    writable = (STATE_DIR, RUNTIME_DIR)
    for key, value in (("state_dir", node.state_dir), ("socket_path", node.socket_path.parent)):
        folder = PurePosixPath(value)
        if not any(folder == w or w in folder.parents for w in writable):
            raise UserError(
                f"{config}: node.{key} = {str(value)!r}: the service may only write in {STATE_DIR} and "
                f"{RUNTIME_DIR} (state_dir = {str(STATE_DIR)!r}, socket_path = "
                f"{str(RUNTIME_DIR / 'brewctl.sock')!r})"
            )


def plan_install(system: System, *, python: str, config: PurePosixPath, login: str | None) -> list[Step]:
    """What ``service install`` still has to do on ``system``; ``login`` is the person running it (sudo)."""
    _check_python(python)
    _check_config(system, config)
    root_args: tuple[str, ...] = () if system.live else ("--root", str(system.root))
    steps: list[Step] = []
    if system.group_exists(GPIO_GROUP):
        steps.append(Note(f"group {GPIO_GROUP} exists"))
    else:
        steps.append(Command(("groupadd", *root_args, "--system", GPIO_GROUP), "the group that owns the GPIO devices"))
    if system.user_exists(USER):
        steps.append(Note(f"system user {USER} exists"))
        if GPIO_GROUP in system.groups_of(USER):
            steps.append(Note(f"{USER} is in group {GPIO_GROUP}"))
        else:
            steps.append(Command(("usermod", *root_args, "--append", "--groups", GPIO_GROUP, USER), "GPIO access"))
    else:
        useradd = ("useradd", *root_args, "--system", "--user-group", "--groups", GPIO_GROUP,
                   "--home-dir", str(STATE_DIR), "--no-create-home", "--shell", "/usr/sbin/nologin",
                   "--comment", "brewctl fermentation controller", USER)  # fmt: skip
        steps.append(Command(useradd, "the unprivileged user the daemon runs as"))
    if login and login != "root":
        if USER in system.groups_of(login):
            steps.append(Note(f"{login} is in group {USER} (may use brewctl status and the TUI)"))
        else:
            steps.append(
                Command(
                    ("usermod", *root_args, "--append", "--groups", USER, login),
                    f"{login} may use brewctl status and the TUI (log in again for it to count)",
                )
            )
    if system.path(STATE_DIR).is_dir():
        steps.append(Note(f"{STATE_DIR} exists"))
    elif system.live:
        steps.append(
            Command(
                ("install", "--directory", "--owner", USER, "--group", USER, "--mode", "0750", str(STATE_DIR)),
                "the daemon's state and history",
            )
        )
    else:  # another root: the host's user ids mean nothing there; systemd (StateDirectory=) chowns it
        steps.append(MakeDir(STATE_DIR, "the daemon's state and history; systemd gives it to brewctl at start"))
    unit = render_unit(systemd_unit_text(), python, config)
    unit_path = system.path(UNIT_PATH)
    changed = not unit_path.is_file() or unit_path.read_text(encoding="utf-8") != unit
    if changed:
        steps.append(WriteFile(UNIT_PATH, unit, f"the hardened unit, running {python} -m brewctl"))
    else:
        steps.append(Note(f"{UNIT_PATH} is up to date"))
    if system.live:
        if changed:
            steps.append(Command(("systemctl", "daemon-reload"), "systemd reads the unit"))
        steps.append(Command(("systemctl", "enable", SERVICE), "start it at boot"))
        if changed:
            steps.append(Command(("systemctl", "restart", SERVICE), "(re)start it with this unit"))
        else:
            steps.append(Command(("systemctl", "start", SERVICE), "start it (nothing happens when it runs)"))
    else:
        steps.append(Command(("systemctl", "--root", str(system.root), "enable", SERVICE), "start it at boot"))
    return steps


def plan_uninstall(system: System, *, purge: bool = False) -> list[Step]:
    """What ``service uninstall`` still has to do (``purge``: the state, history and system user too)."""
    steps: list[Step] = []
    unit_path = system.path(UNIT_PATH)
    if unit_path.is_file():
        if system.live:
            steps.append(Command(("systemctl", "disable", "--now", SERVICE), "stop it (outputs off) and not at boot"))
        else:
            steps.append(Command(("systemctl", "--root", str(system.root), "disable", SERVICE), "not at boot"))
        steps.append(Remove(UNIT_PATH, "the unit"))
        if system.live:
            steps.append(Command(("systemctl", "daemon-reload"), "systemd forgets it"))
    else:
        steps.append(Note(f"{UNIT_PATH} is not installed"))
    dropins = PurePosixPath(f"{UNIT_PATH}.d")
    if purge:
        if system.path(dropins).is_dir():
            steps.append(Remove(dropins, "your drop-ins (systemctl edit brewctl)"))
        if system.path(STATE_DIR).exists():
            steps.append(Remove(STATE_DIR, "the state and history"))
        if system.user_exists(USER):
            root_args: tuple[str, ...] = () if system.live else ("--root", str(system.root))
            steps.append(Command(("userdel", *root_args, USER), "the system user"))
    else:
        kept = [str(p) for p in (STATE_DIR, dropins) if system.path(p).exists()]
        if kept:
            steps.append(Note(f"kept {', '.join(kept)} (--purge deletes them, and the {USER} user)"))
    steps.append(Note(f"your config stays in {PurePosixPath(DEFAULT_CONFIG_PATH).parent}"))
    return steps


def describe(step: Step) -> str:
    """One line for the report."""
    match step:
        case Command(argv, why):
            return f"run {shlex.join(argv)}  ({why})"
        case WriteFile(path, text, why):
            return f"write {path} ({len(text.splitlines())} lines: {why})"
        case MakeDir(path, why):
            return f"create {path}/ ({why})"
        case Remove(path, why):
            return f"delete {path} ({why})"
        case Note(text):
            return f"ok: {text}"


def apply(steps: Sequence[Step], system: System, *, dry_run: bool, say: Callable[[str], None]) -> None:
    """Carry out ``steps`` in order (or only describe them); stop at the first failing command."""
    for step in steps:
        line = describe(step)
        if isinstance(step, Note):
            say(f"  {line}")
            continue
        say(f"  {'would ' if dry_run else ''}{line}")
        if dry_run:
            continue
        match step:
            case Command(argv, _):
                done = system.runner(argv)
                if done.returncode != 0:
                    detail = (done.stderr or done.stdout).strip()
                    hint = f"; see: journalctl -u {SERVICE} -n 50" if "systemctl" in argv[:1] else ""
                    raise UserError(f"{shlex.join(argv)} failed (exit {done.returncode}): {detail}{hint}")
            case WriteFile(path, text, _):
                target = system.path(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, text, chmod=0o644)
            case MakeDir(path, _):
                system.path(path).mkdir(mode=0o750, parents=True, exist_ok=True)
            case Remove(path, _):
                target = system.path(path)
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink(missing_ok=True)
