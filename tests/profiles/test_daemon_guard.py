"""A malformed profile never crashes the daemon nor disturbs the running ferment (issue 4)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from brewctl.config import Mode, load_config
from brewctl.model import StartProfile
from tests.service.conftest import running, write_config

BROKEN = {
    # A syntax error, a bad value, and values the file checks once let through to the models
    # (the daemon then answered HTTP 500 and the library listing failed).
    "syntax.toml": 'name = "Syntax"\n[[steps]]\ntype = \n',
    "boil.toml": 'name = "Boil"\n[[steps]]\ntype = "hold"\ntemperature = 100\nduration = "1h"\n',
    "forever.toml": 'name = "Forever"\n[[steps]]\ntype = "hold"\ntemperature = 19\nduration = "99999999999d"\n',
    "nan.toml": 'name = "Nan"\n[[steps]]\ntype = "hold"\ntemperature = 19\nduration = nan\n',
}


@pytest.fixture
def short_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="bc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def test_malformed_profiles_are_refused_and_the_ferment_goes_on(tmp_path: Path, short_dir: Path) -> None:
    config = load_config(write_config(tmp_path))
    for name, text in BROKEN.items():
        (config.node.profiles_dir / name).write_text(text)
    async with running(config, tmp_path / "state", short_dir / "s") as daemon:
        assert daemon.hub is not None
        assert (await daemon.hub.command("fv1", StartProfile(profile="test-ale", at_step=1), "test")).ok
        before = daemon.fermenters["fv1"].state
        for name in BROKEN:
            result = await daemon.hub.command("fv1", StartProfile(profile=Path(name).stem), "test")
            assert not result.ok
            assert result.error is not None and f"{name}:" in result.error, result.error
        # By name, the search skips the broken files instead of failing on them.
        assert not (await daemon.hub.command("fv1", StartProfile(profile="No such profile"), "test")).ok
        after = daemon.fermenters["fv1"].state
        assert after.mode is Mode.PROFILE and after.profile == before.profile
        assert after.progress is not None and after.progress.step_index == 1
        rows = await daemon.list_profiles()
        assert {r["file"] for r in rows if "error" in r} == set(BROKEN)
        assert any(r.get("name") == "Test ale" for r in rows)
