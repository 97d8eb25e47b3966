"""The one temp-file-and-rename helper."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from brewctl.atomic import write_atomic


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.toml"
    write_atomic(path, "old")

    def disk_full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, "new")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["f.toml"]


def test_chmod_sets_exact_permissions_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "config.toml", "x", chmod=0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "config.toml").stat().st_mode) == 0o644


def test_a_scratch_write_does_not_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    write_atomic(tmp_path / "w1_slave", b"data", durable=False)
    assert synced == [] and (tmp_path / "w1_slave").read_bytes() == b"data"
    write_atomic(tmp_path / "state.json", b"data")
    assert len(synced) == 2  # the file, then its folder
