"""``brewctl service install|uninstall`` against a temporary root (no real systemd in tests)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from brewctl.cli import main
from brewctl.errors import UserError
from brewctl.setup.service import UNIT_PATH, Command, Note, apply, plan_install, plan_uninstall
from brewctl.setup.system import System
from tests.setup.conftest import FakeOS

ROOT = Path(__file__).resolve().parents[2]
CONFIG = PurePosixPath("/etc/brewctl/config.toml")
PYTHON = "/usr/local/lib/pipx/venvs/brewctl/bin/python"


def with_config(system: System, text: str | None = None) -> None:
    path = system.path(CONFIG)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else (ROOT / "config.example.toml").read_text())


def install(system: System) -> list[str]:
    said: list[str] = []
    apply(plan_install(system, python=PYTHON, config=CONFIG, login="pi"), system, dry_run=False, say=said.append)
    return said


def test_install_creates_the_user_the_state_dir_and_the_unit_then_starts_it(system: System, fake_os: FakeOS) -> None:
    with_config(system)
    install(system)
    assert fake_os.programs() == [
        "useradd --system",
        "usermod --append",  # pi joins group brewctl: the CLI and TUI may use the socket
        "install --directory",
        "systemctl daemon-reload",
        "systemctl enable",
        "systemctl restart",
    ]
    assert system.user_exists("brewctl") and "gpio" in system.groups_of("brewctl")
    assert "brewctl" in system.groups_of("pi")
    assert system.path("/var/lib/brewctl").is_dir()
    unit = system.path(UNIT_PATH)
    assert unit.stat().st_mode & 0o777 == 0o644
    text = unit.read_text()
    assert f"\nExecStart={PYTHON} -m brewctl run --config {CONFIG}\n" in text
    assert f"\nExecStopPost={PYTHON} -m brewctl outputs-off --config {CONFIG}\n" in text
    assert "\nUser=brewctl\n" in text and "\nSupplementaryGroups=gpio\n" in text
    assert fake_os.enabled and fake_os.active


def test_install_twice_changes_nothing_the_second_time(system: System, fake_os: FakeOS) -> None:
    with_config(system)
    install(system)
    unit = system.path(UNIT_PATH)
    written = unit.stat().st_mtime_ns
    passwd = system.path("/etc/passwd").read_text()
    fake_os.calls.clear()
    said = install(system)
    # Only the idempotent systemctl calls run again: enable, and start (a no-op when running).
    assert fake_os.programs() == ["systemctl enable", "systemctl start"]
    assert unit.stat().st_mtime_ns == written
    assert system.path("/etc/passwd").read_text() == passwd
    assert any("is up to date" in line for line in said)


def test_an_upgrade_to_another_python_rewrites_the_unit_and_restarts(system: System, fake_os: FakeOS) -> None:
    with_config(system)
    install(system)
    fake_os.calls.clear()
    steps = plan_install(system, python="/usr/local/bin/python3.13", config=CONFIG, login=None)
    apply(steps, system, dry_run=False, say=lambda _: None)
    assert fake_os.programs() == ["systemctl daemon-reload", "systemctl enable", "systemctl restart"]
    assert "ExecStart=/usr/local/bin/python3.13 -m brewctl run" in system.path(UNIT_PATH).read_text()


def test_dry_run_changes_nothing(system: System, fake_os: FakeOS) -> None:
    with_config(system)
    said: list[str] = []
    steps = plan_install(system, python=PYTHON, config=CONFIG, login="pi")
    apply(steps, system, dry_run=True, say=said.append)
    assert fake_os.calls == []
    assert not system.path(UNIT_PATH).exists() and not system.user_exists("brewctl")
    assert any(line.startswith("  would run useradd") for line in said)
    assert any(line.startswith(f"  would write {UNIT_PATH}") for line in said)


def test_refuses_without_a_config_and_says_how_to_write_one(system: System) -> None:
    with pytest.raises(UserError, match=r"no config yet; write one first: sudo brewctl config init"):
        plan_install(system, python=PYTHON, config=CONFIG, login=None)


def test_refuses_a_config_the_sandbox_could_not_run(system: System) -> None:
    text = (ROOT / "config.example.toml").read_text().replace('"/var/lib/brewctl"', '"/srv/brew"')
    with_config(system, text)
    with pytest.raises(UserError, match=r"state_dir = '/srv/brew': the service may only write in /var/lib/brewctl"):
        plan_install(system, python=PYTHON, config=CONFIG, login=None)
    with_config(system, "[node\n")
    with pytest.raises(UserError, match=r"config.toml:1: not valid TOML"):
        plan_install(system, python=PYTHON, config=CONFIG, login=None)


def test_refuses_a_python_the_sandbox_hides(system: System) -> None:
    with_config(system)
    with pytest.raises(UserError, match=r"under /home, which the service's sandbox hides \(ProtectHome=yes\)"):
        plan_install(system, python="/home/pi/.local/pipx/venvs/brewctl/bin/python", config=CONFIG, login=None)


def test_a_failing_command_stops_with_its_message(system: System, fake_os: FakeOS) -> None:
    with_config(system)
    fake_os.fail.add("useradd")
    with pytest.raises(UserError, match=r"useradd .* failed \(exit 1\): useradd: failed on purpose"):
        install(system)
    assert not system.path(UNIT_PATH).exists()


def test_another_root_is_prepared_but_nothing_is_started(tmp_path: Path, fake_os: FakeOS) -> None:
    image = System(root=fake_os.root, runner=fake_os)  # not the running system: an SD card image
    with_config(image)
    apply(plan_install(image, python=PYTHON, config=CONFIG, login=None), image, dry_run=False, say=lambda _: None)
    root = str(fake_os.root)
    assert fake_os.calls[0][:3] == ("useradd", "--root", root)
    assert fake_os.calls[-1] == ("systemctl", "--root", root, "enable", "brewctl.service")
    assert not fake_os.active
    assert image.path("/var/lib/brewctl").is_dir()


def test_uninstall_undoes_it_and_keeps_the_history_unless_purged(system: System, fake_os: FakeOS) -> None:
    with_config(system)
    install(system)
    fake_os.calls.clear()
    said: list[str] = []
    apply(plan_uninstall(system), system, dry_run=False, say=said.append)
    assert fake_os.programs() == ["systemctl disable", "systemctl daemon-reload"]
    assert not system.path(UNIT_PATH).exists() and not fake_os.enabled and not fake_os.active
    assert system.path("/var/lib/brewctl").is_dir() and system.user_exists("brewctl")
    assert system.path(CONFIG).is_file()
    assert any("kept /var/lib/brewctl" in line for line in said)
    # Twice: nothing left to stop or remove.
    fake_os.calls.clear()
    steps = plan_uninstall(system)
    assert all(isinstance(s, Note) for s in steps)
    # --purge: the state, history and user go too (the config stays).
    apply(plan_uninstall(system, purge=True), system, dry_run=False, say=lambda _: None)
    assert fake_os.programs() == ["userdel brewctl"]
    assert not system.path("/var/lib/brewctl").exists() and not system.user_exists("brewctl")
    assert system.path(CONFIG).is_file()
    assert all(isinstance(s, Note) for s in plan_uninstall(system, purge=True))


def test_the_written_unit_passes_systemd_analyze_security(system: System) -> None:
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze is not installed (apt install systemd)")
    with_config(system)
    install(system)
    proc = subprocess.run(
        [exe, "security", "--offline=yes", "--no-pager", str(system.path(UNIT_PATH))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", proc.stdout)
    assert match is not None, proc.stdout + proc.stderr
    assert float(match.group(1)) <= 3.0, proc.stdout


def test_cli_dry_run(tmp_path: Path, fake_os: FakeOS, capsys: pytest.CaptureFixture[str]) -> None:
    with_config(System(root=fake_os.root))
    assert main(["service", "install", "--root", str(fake_os.root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "brewctl service install (dry run):" in out and f"would run useradd --root {fake_os.root}" in out
    assert not (fake_os.root / "etc/systemd/system/brewctl.service").exists()
    assert main(["service", "uninstall", "--root", str(fake_os.root), "--dry-run"]) == 0
    assert "is not installed" in capsys.readouterr().out


def test_steps_are_commands_with_reasons(system: System) -> None:
    with_config(system)
    for step in plan_install(system, python=PYTHON, config=CONFIG, login="pi"):
        if isinstance(step, Command):
            assert step.why, step
