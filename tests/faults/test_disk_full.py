"""Defect 7: a full disk (a real, tiny tmpfs) refuses what it cannot make durable, quietly."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from brewctl.config import Config
from brewctl.model import SetBeerSetpoint
from brewctl.service.state import load_state_file
from tests.service.conftest import config, running, short_dir

__all__ = ["config", "short_dir"]

pytestmark = pytest.mark.faults


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (root only; skipped elsewhere)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 1024)
    with pytest.raises(OSError) as exc:
        (folder / "probe").write_bytes(b"x" * 8192)
    assert exc.value.errno == errno.ENOSPC
    (folder / "probe").unlink()
    return filler


async def test_a_command_that_cannot_be_saved_is_refused_and_logged_once(
    config: Config, tiny_fs: Path, short_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(config, tiny_fs, short_dir / "s") as daemon:
        assert daemon.hub is not None
        filler = _fill(tiny_fs)
        with caplog.at_level(logging.INFO, logger="brewctl"):
            results = [await daemon.hub.command("fv1", SetBeerSetpoint(value_c=20 + i / 10), "api") for i in range(50)]
        assert all(not r.ok and "No space left on device" in str(r.error) for r in results)
        assert daemon.fermenters["fv1"].state.beer_setpoint_c == 19.0  # nothing applied that a restart would lose
        assert [a.code for a in daemon.hub.node_alarms] == ["state_not_saved"]
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1, [r.getMessage() for r in errors]
        assert not [n for n in os.listdir(tiny_fs) if n.endswith(".tmp")]  # no 0-byte .state.json.tmp
        filler.unlink()
        assert (await daemon.hub.command("fv1", SetBeerSetpoint(value_c=21.5), "api")).ok
        assert daemon.hub.node_alarms == ()
    saved = load_state_file(tiny_fs / "state.json")
    assert saved is not None and saved.fermenters["fv1"].beer_setpoint_c == 21.5
