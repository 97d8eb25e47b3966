"""End to end: ``brewctl run --simulate`` as a subprocess, then ``brewctl history`` as another."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import DaemonProcess, daemon_process


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[DaemonProcess]:
    yield from daemon_process(tmp_path)


def exported_rows(state_dir: Path) -> list[list[float]]:
    argv = ["history", "fv1", "--json", "--since", "1d", "--state-dir", str(state_dir)]
    out = subprocess.run(
        [sys.executable, "-m", "brewctl", *argv], capture_output=True, text=True, timeout=30, check=True
    )
    rows: list[list[float]] = json.loads(out.stdout)["rows"]
    return rows


async def test_sigterm_commits_the_history_and_the_cli_exports_it(daemon: DaemonProcess) -> None:
    daemon.start(speed=100)
    first = (await daemon.ready()).fermenters["fv1"].updated_s
    last = (await daemon.wait_for(lambda s: s.fermenters["fv1"].updated_s > first + 60)).fermenters["fv1"].updated_s
    assert daemon.terminate() == 0  # well inside the 60 s commit interval: only the clean stop commits
    rows = exported_rows(daemon.state_dir)  # another process, reading the file
    stamps = [r[0] for r in rows]
    assert stamps == sorted(stamps) and len(stamps) == len(set(stamps))
    assert stamps[0] <= first + 5 and stamps[-1] >= last - 0.001  # from the first cycle to the last one
