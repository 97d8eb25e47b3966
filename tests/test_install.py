"""A wheel of brewctl, installed outside the git tree, does what the README's Raspberry Pi section shows.

How, honestly: the wheel is built from this tree (``pip wheel --no-deps --no-build-isolation``,
with the hatchling of the test environment) and installed with ``--no-deps --no-index`` into a
fresh venv in a temporary folder. That venv gets brewctl's *dependencies* from the test
environment's site-packages through a ``.pth`` file, instead of downloading them (a network
install would take minutes); brewctl itself, and every file it reads (profile library,
schemas, example config, unit), come from the wheel alone. ``PYTHONPATH`` is cleared and the
commands run from the temporary folder, and the test checks that ``brewctl`` is imported from
the new venv, so the source tree cannot stand in for a missing file. It then runs
``config init`` (answers from a file), ``config check``, ``profile list``, a simulated daemon
and ``profile start fv1 clean-ale`` with the installed ``brewctl`` command. About 6 s.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from brewctl.drivers.fake_w1 import FakeW1Bus

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = "trial-pi\nC\n1\ny\nheat-cool\n1\n2\n17\n18\nnone\n"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The ``bin`` folder of a fresh venv with the brewctl wheel in it."""
    work = tmp_path_factory.mktemp("wheel-install")
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("brewctl-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "_brewctl_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    yield venv / "bin"
    shutil.rmtree(work, ignore_errors=True)


def run(bin_dir: Path, *args: str, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["W1THERMSENSOR_NO_KERNEL_MODULE"] = "1"
    return subprocess.run(
        [str(bin_dir / "brewctl"), *args], input=stdin, capture_output=True, text=True, cwd=cwd, env=env,
        timeout=60, check=False,
    )  # fmt: skip


def test_the_wheel_carries_the_data_files(installed: Path) -> None:
    (wheel,) = (installed.parent.parent / "dist").glob("brewctl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read("brewctl-0.1.0.dist-info/METADATA").decode()
    for name in (
        "brewctl/_data/profiles/clean-ale.toml",
        "brewctl/_data/profiles/profile.schema.json",
        "brewctl/_data/recipes/recipe.schema.json",
        "brewctl/_data/recipes/munich-helles.toml",
        "brewctl/_data/config.example.toml",
        "brewctl/_data/brewctl.service",
        "brewctl/_data/grafana/brewctl-fermenter.json",
        "brewctl-0.1.0.dist-info/licenses/LICENSE",
        "brewctl-0.1.0.dist-info/licenses/LICENSES/CC0-1.0.txt",
    ):
        assert name in names, name
    assert "License-Expression: GPL-3.0-or-later AND CC0-1.0" in metadata


def test_from_wheel_to_a_running_profile(installed: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="bc-"))  # short: a Unix socket path has ~100 characters
    try:
        where = subprocess.run(
            [str(installed / "python"), "-c", "import brewctl.resources as r; print(r.builtin_profiles_dir())"],
            capture_output=True, text=True, cwd=home, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
            check=True,
        ).stdout.strip()  # fmt: skip
        assert where.startswith(str(installed.parent)) and where.endswith("brewctl/_data/profiles"), where

        bus = FakeW1Bus(home / "w1")
        bus.set_temperature("28-00000000b001", 18.5)
        bus.set_temperature("28-00000000b002", 12.0)
        config = home / "etc" / "config.toml"
        init = run(installed, "config", "init", "--out", str(config), "--w1-dir", str(bus.base_directory),
                   stdin=ANSWERS, cwd=home)  # fmt: skip
        assert init.returncode == 0, init.stdout + init.stderr
        check = run(installed, "config", "check", "--config", str(config), cwd=home)
        assert check.returncode == 0 and "1 fermenter(s), 2 probe(s), 2 output(s)" in check.stdout, check.stderr

        listing = run(installed, "profile", "list", "--config", str(config), cwd=home)
        assert listing.returncode == 0, listing.stderr
        assert any(line.startswith("clean-ale") and line.endswith("built-in") for line in listing.stdout.splitlines())

        sock = home / "s"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        log = home / "daemon.log"
        with log.open("wb") as out:
            daemon = subprocess.Popen(
                [str(installed / "brewctl"), "run", "--simulate", "--speed", "60", "--config", str(config),
                 "--state-dir", str(home / "state"), "--socket", str(sock)],
                cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while not sock.exists():
                assert daemon.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the daemon did not open its socket"
                time.sleep(0.05)
            start = run(installed, "profile", "start", "fv1", "clean-ale", "--socket", str(sock), cwd=home)
            assert start.returncode == 0, start.stdout + start.stderr
            status = run(installed, "status", "--socket", str(sock), cwd=home)
            assert status.returncode == 0 and "Clean ale" in status.stdout, status.stdout + status.stderr
        finally:
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(20) == 0
    finally:
        shutil.rmtree(home, ignore_errors=True)
