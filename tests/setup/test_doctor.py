"""``brewctl doctor``: each usual new-Pi problem is found in a temporary root, with its fix."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path, PurePosixPath

import pytest

from brewctl.cli import main
from brewctl.config import load_config
from brewctl.drivers.fake_w1 import FakeW1Bus
from brewctl.setup.doctor import Finding, Probes, format_findings, run_checks
from brewctl.setup.service import apply, plan_install
from brewctl.setup.system import System
from tests.setup.conftest import FakeOS

ROOT = Path(__file__).resolve().parents[2]
CONFIG = PurePosixPath("/etc/brewctl/config.toml")
EXAMPLE_IDS = tuple(p.id for p in load_config(ROOT / "config.example.toml").probes.values())
GB = 10**9


def probes(user: str = "pi", *, free: int = 20 * GB, adjtimex: int | None = 0) -> Probes:
    return Probes(user=user, adjtimex=lambda: adjtimex, disk_usage=lambda _: (32 * GB, free))


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def healthy(system: System, fake_os: FakeOS) -> None:
    """A Pi where everything is right: config, overlay, probes, service running, socket."""
    config = system.path(CONFIG)
    config.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "config.example.toml", config)
    boot = system.path("/boot/firmware/config.txt")
    boot.parent.mkdir(parents=True)
    boot.write_text("[all]\ndtparam=audio=on\ndtoverlay=w1-gpio\n")
    bus = FakeW1Bus(system.path("/sys/bus/w1/devices"))
    for i, sensor_id in enumerate(EXAMPLE_IDS):
        bus.set_temperature(sensor_id, 18.0 + i)
    steps = plan_install(system, python="/usr/bin/python3", config=CONFIG, login="pi")
    apply(steps, system, dry_run=False, say=lambda _: None)
    system.path("/usr/bin").mkdir(parents=True)
    system.path("/usr/bin/python3").touch()
    sock_path = system.path("/run/brewctl/brewctl.sock")
    sock_path.parent.mkdir(parents=True)
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
    os.chmod(sock_path, 0o660)
    os.chown(sock_path, -1, 995)  # group brewctl in the fake /etc/group


@pytest.fixture
def pi(system: System, fake_os: FakeOS) -> System:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the socket its group")
    healthy(system, fake_os)
    return system


def test_a_healthy_pi_has_no_problems(pi: System) -> None:
    findings = run_checks(pi, probes(), CONFIG)
    assert [f.level for f in findings] == ["ok"] * len(findings), format_findings(findings)
    assert format_findings(findings).endswith("no problems found")


def test_a_fresh_pi_is_told_every_step(system: System) -> None:
    found = by_check(run_checks(system, probes(), CONFIG))
    assert found["config"].level == "problem" and "sudo brewctl config init" in found["config"].fix
    assert found["1-wire bus"].level == "problem"
    assert "raspi-config nonint do_onewire 0" in found["1-wire bus"].fix
    assert found["probes"].level == "problem" and "4.7 kΩ pull-up" in found["probes"].fix
    assert found["service"].level == "warning" and found["service"].fix == "sudo brewctl service install"
    assert found["gpio group"].level == "ok"  # pi is in gpio on Raspberry Pi OS


def test_overlay_on_another_pin_than_the_config(pi: System) -> None:
    pi.path("/boot/firmware/config.txt").write_text("dtoverlay=w1-gpio,gpiopin=17\n#dtoverlay=w1-gpio\n")
    finding = by_check(run_checks(pi, probes(), CONFIG))["1-wire bus"]
    assert finding.level == "problem" and "GPIO 17, the config on GPIO 4" in finding.detail


def test_overlay_missing(pi: System) -> None:
    pi.path("/boot/firmware/config.txt").write_text("dtparam=audio=on\n")
    shutil.rmtree(pi.path("/sys/bus/w1"))
    finding = by_check(run_checks(pi, probes(), CONFIG))["1-wire bus"]
    assert finding.level == "problem" and "config.txt has no dtoverlay=w1-gpio" in finding.detail


def test_a_configured_probe_missing_from_the_bus(pi: System) -> None:
    FakeW1Bus(pi.path("/sys/bus/w1/devices")).remove(EXAMPLE_IDS[1])
    finding = by_check(run_checks(pi, probes(), CONFIG))["probes"]
    assert finding.level == "problem" and f"fv1_chamber ({EXAMPLE_IDS[1]})" in finding.detail


def test_user_not_in_gpio(pi: System) -> None:
    with pi.path("/etc/passwd").open("a") as f:
        f.write("bob:x:1001:1001::/home/bob:/bin/bash\n")
    found = by_check(run_checks(pi, probes("bob"), CONFIG))
    assert found["gpio group"].level == "problem"
    assert found["gpio group"].fix == "sudo usermod -aG gpio bob, then log in again"
    # ... nor in brewctl, the socket's group: status and the TUI would fail.
    assert found["API socket"].level == "problem"
    assert found["API socket"].fix == "sudo usermod -aG brewctl bob, then log in again"


def test_socket_missing_means_the_daemon_is_down(pi: System) -> None:
    pi.path("/run/brewctl/brewctl.sock").unlink()
    finding = by_check(run_checks(pi, probes(), CONFIG))["API socket"]
    assert finding.level == "warning" and "the daemon is not running" in finding.detail


def test_clock_not_synchronised(pi: System, fake_os: FakeOS) -> None:
    fake_os.synced = "no"
    finding = by_check(run_checks(pi, probes(), CONFIG))["clock"]
    assert finding.level == "problem" and "(timedatectl)" in finding.detail and "systemd-timesyncd" in finding.fix
    fake_os.fail.add("timedatectl")  # no timedatectl (or no systemd): ask the kernel
    assert by_check(run_checks(pi, probes(adjtimex=5), CONFIG))["clock"].level == "problem"
    assert by_check(run_checks(pi, probes(adjtimex=0), CONFIG))["clock"].level == "ok"
    assert by_check(run_checks(pi, probes(adjtimex=None), CONFIG))["clock"].level == "warning"


def test_disk_nearly_full(pi: System) -> None:
    finding = by_check(run_checks(pi, probes(free=50 * 10**6), CONFIG))["disk"]
    assert finding.level == "problem" and "nearly full" in finding.detail and "journalctl --vacuum-size" in finding.fix
    assert by_check(run_checks(pi, probes(free=2 * GB), CONFIG))["disk"].level == "warning"  # 6 %


def test_service_states(pi: System, fake_os: FakeOS) -> None:
    fake_os.active = False
    finding = by_check(run_checks(pi, probes(), CONFIG))["service"]
    assert finding.level == "problem" and "journalctl -u brewctl" in finding.fix
    fake_os.active, fake_os.enabled = True, False
    assert by_check(run_checks(pi, probes(), CONFIG))["service"].level == "warning"
    pi.path("/usr/bin/python3").unlink()  # brewctl's Python went away (an upgrade)
    finding = by_check(run_checks(pi, probes(), CONFIG))["service"]
    assert finding.level == "problem" and finding.fix == "sudo brewctl service install"


def test_an_invalid_config_points_at_config_check(pi: System) -> None:
    pi.path(CONFIG).write_text("[node]\nunits = 'K'\n")
    finding = by_check(run_checks(pi, probes(), CONFIG))["config"]
    assert finding.level == "problem" and "node.units" in finding.detail
    assert finding.fix == f"brewctl config check --config {CONFIG}"


def test_cli_exit_status_and_report(fake_os: FakeOS, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--root", str(fake_os.root)]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM  config" in out and "fix: brewctl config init --out" in out
    assert "not checked" in out  # the clock of another root is not this machine's
    assert out.rstrip().endswith("problem(s)")
