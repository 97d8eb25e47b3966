"""systemd/brewctl.service: hardened (systemd-analyze score) yet able to reach the hardware."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from brewctl.cli import build_parser

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "brewctl.service"
MAX_EXPOSURE = 3.0


def directives(path: Path) -> dict[str, list[str]]:
    """Key -> values in order (systemd units repeat keys), comments and sections dropped."""
    out: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        out.setdefault(key.strip(), []).append(value.strip())
    return out


@pytest.fixture(scope="module")
def unit() -> dict[str, list[str]]:
    return directives(UNIT)


@pytest.fixture(scope="module")
def analysis() -> str:
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze is not installed (apt install systemd)")
    proc = subprocess.run(
        [exe, "security", "--offline=yes", "--no-pager", str(UNIT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The exit status is non-zero when the score is above a threshold we do not pass; read the text.
    assert "Overall exposure level" in proc.stdout, proc.stdout + proc.stderr
    return proc.stdout


def test_exposure_score_is_at_most_3(analysis: str) -> None:
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", analysis)
    assert match is not None
    assert float(match.group(1)) <= MAX_EXPOSURE, analysis


def test_gpio_devices_are_the_only_ones_allowed(analysis: str, unit: dict[str, list[str]]) -> None:
    assert unit["DevicePolicy"] == ["closed"]
    assert "char-gpiochip rw" in unit["DeviceAllow"]
    assert "/dev/gpiomem rw" in unit["DeviceAllow"]
    assert "char-gpiochip:rw" in analysis and "/dev/gpiomem:rw" in analysis
    # PrivateDevices=yes would replace /dev with one that has no gpiochip.
    assert unit.get("PrivateDevices", ["no"]) == ["no"]
    assert "gpio" in unit["SupplementaryGroups"]


def test_one_wire_sysfs_and_pi_identity_stay_readable(unit: dict[str, list[str]]) -> None:
    hidden = " ".join(unit.get("InaccessiblePaths", []) + unit.get("TemporaryFileSystem", []))
    for path in ("/sys", "/sys/bus", "/sys/bus/w1", "/sys/devices", "/sys/devices/w1_bus_master1", "/dev", "/proc"):
        assert not re.search(rf"(^|\s)-?{re.escape(path)}(\s|:|$)", hidden), f"{path} is made inaccessible"
    # gpiozero reads /proc/cpuinfo and /proc/device-tree to identify the board.
    assert unit.get("ProcSubset", ["all"]) == ["all"]
    # Read-only is fine: probes are read, never written.
    assert unit["ProtectSystem"] == ["strict"] and unit["ProtectKernelTunables"] == ["yes"]
    # lgpio needs a writable working folder for its notification pipes.
    assert "LG_WD=%t/brewctl" in unit["Environment"]
    assert "W1THERMSENSOR_NO_KERNEL_MODULE=1" in unit["Environment"]


def test_service_shape(unit: dict[str, list[str]]) -> None:
    expected = {
        "Type": "notify",
        "WatchdogSec": "30",
        "Restart": "always",
        "User": "brewctl",
        "StateDirectory": "brewctl",
        "RuntimeDirectory": "brewctl",
        "KillSignal": "SIGTERM",
        "NoNewPrivileges": "yes",
    }
    assert {k: unit[k][-1] for k in expected} == expected
    assert float(unit["TimeoutStopSec"][-1]) >= 10


def test_commands_are_real_brewctl_commands(unit: dict[str, list[str]]) -> None:
    parser = build_parser()
    run = shlex.split(unit["ExecStart"][0])
    assert run[0].endswith("/bin/brewctl") and run[1:] == ["run", "--config", "/etc/brewctl/config.toml"]
    assert parser.parse_args(run[1:]).command == "run"
    off = shlex.split(unit["ExecStopPost"][0])
    assert off[1:] == ["outputs-off", "--config", "/etc/brewctl/config.toml"]
    assert parser.parse_args(off[1:]).command == "outputs-off"
