"""``brewctl doctor``: what usually goes wrong on a new Pi, each finding with how to fix it.

Every check reads the system through :class:`~brewctl.setup.system.System` (a root folder and a
command runner) and the few other things it needs are passed in (:class:`Probes`), so the tests
build a temporary root with the problem in it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import grp
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from brewctl.config import Config, load_config
from brewctl.errors import ConfigError
from brewctl.setup.service import GPIO_GROUP, SERVICE, UNIT_PATH, USER
from brewctl.setup.system import System

__all__ = ["Finding", "Probes", "format_findings", "run_checks"]

Level = Literal["ok", "note", "warning", "problem"]
W1_DEVICES = PurePosixPath("/sys/bus/w1/devices")
BOOT_CONFIGS = (PurePosixPath("/boot/firmware/config.txt"), PurePosixPath("/boot/config.txt"))
_PROBE = re.compile(r"^28-[0-9a-f]{12}$")
_TIME_ERROR = 5  # adjtimex(2): the clock is not synchronised


@dataclass(frozen=True)
class Finding:
    """The result of one check."""

    check: str
    level: Level
    detail: str
    fix: str = ""


def _adjtimex_state() -> int | None:
    """adjtimex(2)'s clock state (5 = not synchronised), or None where it cannot be asked."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name, use_errno=True)
    buf = ctypes.create_string_buffer(512)  # struct timex is 208 bytes on 64-bit Linux; modes = 0 reads only
    state = int(libc.adjtimex(buf))
    return None if state < 0 else state


def _disk_usage(path: Path) -> tuple[int, int]:
    usage = shutil.disk_usage(path)
    return usage.total, usage.free


@dataclass(frozen=True)
class Probes:
    """What the checks ask outside the root folder (the tests replace these)."""

    user: str
    """The person running ``doctor`` (``$SUDO_USER`` under sudo)."""
    adjtimex: Callable[[], int | None] = _adjtimex_state
    disk_usage: Callable[[Path], tuple[int, int]] = _disk_usage
    """(total, free) bytes of the file system holding a folder."""
    extra_groups: frozenset[str] = field(default_factory=frozenset)
    """Groups of ``user`` that /etc/group does not list (the current process's)."""


def check_config(system: System, config: PurePosixPath) -> tuple[Finding, Config | None]:
    path = system.path(config)
    if not path.is_file():
        fix = f"sudo brewctl config init --out {config}" if system.live else f"brewctl config init --out {path}"
        return Finding("config", "problem", f"{config}: no config file", fix), None
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        first = str(exc).splitlines()[0]
        return Finding("config", "problem", first, f"brewctl config check --config {config}"), None
    summary = f"{config}: {len(cfg.fermenters)} fermenter(s), {len(cfg.probes)} probe(s), {len(cfg.outputs)} output(s)"
    return Finding("config", "ok", summary), cfg


def _overlay_pins(system: System) -> tuple[PurePosixPath | None, list[int]]:
    """The boot config.txt and the GPIO pins of its ``dtoverlay=w1-gpio`` lines (4 when not given)."""
    for boot in BOOT_CONFIGS:
        path = system.path(boot)
        if not path.is_file():
            continue
        pins = []
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.split("#", 1)[0].strip()
            m = re.match(r"^dtoverlay\s*=\s*w1-gpio(?:-pullup)?(.*)$", line)
            if m:
                pin = re.search(r"gpiopin\s*=\s*(\d+)", m.group(1))
                pins.append(int(pin.group(1)) if pin else 4)
        return boot, pins
    return None, []


def check_onewire(system: System, cfg: Config | None) -> Finding:
    want = cfg.node.onewire_pin if cfg is not None else 4
    boot, pins = _overlay_pins(system)
    enable = f"sudo raspi-config nonint do_onewire 0 (or add dtoverlay=w1-gpio,gpiopin={want} to config.txt), reboot"
    if boot is not None and pins and want not in pins:
        return Finding(
            "1-wire bus",
            "problem",
            f"{boot} puts the 1-wire bus on GPIO {', '.join(map(str, pins))}, the config on GPIO {want}",
            f"make them agree: dtoverlay=w1-gpio,gpiopin={want} in {boot} (then reboot), or node.onewire_pin",
        )
    if not system.path(W1_DEVICES).is_dir():
        where = f"{boot} has no dtoverlay=w1-gpio" if boot is not None and not pins else f"{W1_DEVICES} is missing"
        return Finding("1-wire bus", "problem", f"no 1-wire bus: {where}", enable)
    return Finding("1-wire bus", "ok", f"{W1_DEVICES} (GPIO {want})")


def check_probes(system: System, cfg: Config | None) -> Finding:
    folder = system.path(W1_DEVICES)
    found = sorted(p.name for p in folder.iterdir() if _PROBE.match(p.name)) if folder.is_dir() else []
    pin = cfg.node.onewire_pin if cfg is not None else 4
    if not found:
        return Finding(
            "probes",
            "problem",
            "no DS18B20 probe on the 1-wire bus",
            f"wire each probe: data to GPIO {pin}, a 4.7 kΩ pull-up from data to 3.3 V, ground; then brewctl sensors",
        )
    configured = {p.id: name for name, p in cfg.probes.items()} if cfg is not None else {}
    missing = [f"{name} ({pid})" for pid, name in configured.items() if pid not in found]
    new = [pid for pid in found if pid not in configured]
    detail = f"{len(found)} on the bus"
    if missing:
        return Finding(
            "probes",
            "problem",
            f"{detail}; in the config but not on the bus: {', '.join(missing)}",
            "check that probe's wiring, or correct its id (brewctl sensors lists the ids on the bus)",
        )
    if new and cfg is not None:
        return Finding("probes", "note", f"{detail}; not in the config: {', '.join(new)}", "brewctl sensors")
    return Finding("probes", "ok", detail)


def check_gpio_group(system: System, probes: Probes) -> Finding:
    if not system.group_exists(GPIO_GROUP):
        return Finding("gpio group", "warning", "no group gpio (not Raspberry Pi OS?): only root can drive the pins")
    problems = []
    if probes.user != "root" and GPIO_GROUP not in system.groups_of(probes.user) | probes.extra_groups:
        problems.append((f"{probes.user} is not in group gpio (brewctl outputs test needs it)",
                         f"sudo usermod -aG gpio {probes.user}, then log in again"))  # fmt: skip
    if system.user_exists(USER) and GPIO_GROUP not in system.groups_of(USER):
        problems.append((f"the service user {USER} is not in group gpio", "sudo brewctl service install"))
    if problems:
        return Finding("gpio group", "problem", "; ".join(p for p, _ in problems), "; ".join(f for _, f in problems))
    return Finding("gpio group", "ok", f"{probes.user} may use the GPIO pins")


def _group_name(system: System, gid: int) -> str:
    for line in (system.path("/etc/group").read_text(encoding="utf-8").splitlines()
                 if system.path("/etc/group").is_file() else []):  # fmt: skip
        row = line.split(":")
        if len(row) > 2 and row[2] == str(gid):
            return row[0]
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def check_socket(system: System, cfg: Config | None, probes: Probes) -> Finding:
    if cfg is None:
        return Finding("API socket", "note", "no config: socket not checked")
    sock = PurePosixPath(cfg.node.socket_path)
    path = system.path(sock)
    if not path.exists():
        return Finding("API socket", "warning", f"{sock} does not exist: the daemon is not running",
                       "sudo brewctl service install (or: sudo systemctl start brewctl)")  # fmt: skip
    st = path.stat()
    if not stat.S_ISSOCK(st.st_mode):
        fix = f"sudo rm {sock}; sudo systemctl restart brewctl"
        return Finding("API socket", "problem", f"{sock} is not a socket", fix)
    group = _group_name(system, st.st_gid)
    groups = system.groups_of(probes.user) | probes.extra_groups
    rw_group = st.st_mode & 0o060 == 0o060
    if probes.user == "root" or (group in groups and rw_group) or st.st_mode & 0o006 == 0o006:
        return Finding("API socket", "ok", f"{sock} (group {group}): {probes.user} may use it")
    fix = f"sudo usermod -aG {group} {probes.user}, then log in again" if rw_group else "set node.socket_group"
    return Finding("API socket", "problem", f"{probes.user} may not use {sock} (group {group}, "
                   f"mode {stat.S_IMODE(st.st_mode):04o}): brewctl status and the TUI will fail", fix)  # fmt: skip


def check_clock(system: System, probes: Probes) -> Finding:
    if not system.live:
        return Finding("clock", "note", f"not checked: {system.root} is not the running system")
    fix = "connect the Pi to the network; sudo systemctl enable --now systemd-timesyncd; then timedatectl"
    why = "until it is, wall-clock times in the history and logs are wrong (profiles are not affected)"
    done = system.run("timedatectl", "show", "--property=NTPSynchronized", "--value")
    answer = done.stdout.strip()
    if done.returncode == 0 and answer in ("yes", "no"):
        if answer == "yes":
            return Finding("clock", "ok", "synchronised (timedatectl)")
        return Finding("clock", "problem", f"not synchronised (timedatectl): {why}", fix)
    state = probes.adjtimex()
    if state is None:
        return Finding("clock", "warning", "cannot tell whether the clock is synchronised", fix)
    if state == _TIME_ERROR:
        return Finding("clock", "problem", f"not synchronised (adjtimex): {why}", fix)
    return Finding("clock", "ok", "synchronised (adjtimex)")


def check_disk(system: System, cfg: Config | None, probes: Probes) -> Finding:
    state_dir = PurePosixPath(cfg.node.state_dir) if cfg is not None else PurePosixPath("/var/lib/brewctl")
    folder = system.path(state_dir)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    total, free = probes.disk_usage(folder)
    pct = 100.0 * free / total if total else 0.0
    detail = f"{free / 1e9:.1f} GB free of {total / 1e9:.1f} GB ({pct:.0f} %) for {state_dir}"
    fix = "free some space, e.g. sudo journalctl --vacuum-size=100M; sudo apt clean"
    if free < 200e6 or pct < 5:
        return Finding("disk", "problem", f"nearly full: {detail}; state and history may not be saved", fix)
    if free < 1e9 or pct < 10:
        return Finding("disk", "warning", f"getting full: {detail}", fix)
    return Finding("disk", "ok", detail)


def _unit_python(unit_text: str) -> str | None:
    for line in unit_text.splitlines():
        if line.startswith("ExecStart="):
            return line.removeprefix("ExecStart=").strip().split()[0].strip('"')
    return None


def check_service(system: System) -> Finding:
    unit = system.path(UNIT_PATH)
    if not unit.is_file():
        return Finding("service", "warning", f"not installed ({UNIT_PATH} is missing)", "sudo brewctl service install")
    python = _unit_python(unit.read_text(encoding="utf-8", errors="replace"))
    if python is not None and not system.path(python).exists():
        return Finding("service", "problem", f"the unit runs {python}, which no longer exists (brewctl moved or "
                       "was upgraded to another Python)", "sudo brewctl service install")  # fmt: skip
    if not system.live:
        return Finding("service", "ok", f"{UNIT_PATH} installed")
    active = system.run("systemctl", "is-active", SERVICE).stdout.strip() or "unknown"
    enabled = system.run("systemctl", "is-enabled", SERVICE).stdout.strip() or "unknown"
    if active == "active" and enabled == "enabled":
        return Finding("service", "ok", "active and enabled")
    if active == "active":
        fix = "sudo systemctl enable brewctl"
        return Finding("service", "warning", f"active but {enabled}: it will not start at boot", fix)
    return Finding("service", "problem", f"{active} ({enabled})",
                   "journalctl -u brewctl -n 50 says why; then sudo systemctl restart brewctl")  # fmt: skip


def run_checks(system: System, probes: Probes, config: PurePosixPath) -> list[Finding]:
    """Every check, in the order a new Pi needs them fixed."""
    config_finding, cfg = check_config(system, config)
    return [
        config_finding,
        check_onewire(system, cfg),
        check_probes(system, cfg),
        check_gpio_group(system, probes),
        check_service(system),
        check_socket(system, cfg, probes),
        check_clock(system, probes),
        check_disk(system, cfg, probes),
    ]


def format_findings(findings: list[Finding]) -> str:
    """One line per check, and its fix indented below it."""
    width = max(len(f.check) for f in findings)
    lines = []
    for f in findings:
        lines.append(f"{f.level.upper() if f.level == 'problem' else f.level:<8} {f.check:<{width}}  {f.detail}")
        if f.fix and f.level != "ok":
            lines.append(f"{'':<8} {'':<{width}}  fix: {f.fix}")
    problems = sum(f.level == "problem" for f in findings)
    lines.append("")
    lines.append(f"{problems} problem(s)" if problems else "no problems found")
    return "\n".join(lines)
