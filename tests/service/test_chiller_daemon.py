"""The daemon with a shared glycol chiller: reservoir in the status, turns taken, the alarm."""

from __future__ import annotations

import asyncio
from pathlib import Path

from brewctl.cli.client import format_status
from brewctl.config import Config, Mode, load_config
from brewctl.service.clock import ScaledClock

from .conftest import running, wait_until

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def example(**chiller: object) -> Config:
    cfg = load_config(EXAMPLE)
    main = cfg.chillers["main"].model_copy(update=chiller)
    fv3 = cfg.fermenters["fv3"].model_copy(update={"mode": Mode.BEER})
    return cfg.model_copy(update={"chillers": {"main": main}, "fermenters": {**cfg.fermenters, "fv3": fv3}})


async def test_the_reservoir_is_in_the_status(tmp_path: Path, short_dir: Path) -> None:
    async with running(example(), tmp_path / "state", short_dir / "s", clock=ScaledClock(300)) as daemon:

        def reservoir() -> float | None:
            latest = daemon.hub.latest if daemon.hub is not None else None
            return latest.chillers["main"].reservoir_c if latest is not None else None

        await wait_until(lambda: reservoir() is not None, 5)
        assert daemon.hub is not None and daemon.hub.latest is not None
        chiller = daemon.hub.latest.chillers["main"]
    assert chiller.reservoir_c is not None and -4.0 < chiller.reservoir_c < 0.0
    assert "chiller main: reservoir" in format_status(daemon.hub.latest)


async def test_a_chiller_too_small_makes_tanks_take_turns_and_alarms(tmp_path: Path, short_dir: Path) -> None:
    """A 100 W chiller with 5 L of glycol under two jackets pulling 20 °C beer down: the reservoir
    warms past high_c, the valves take turns, and after alarm_after_s the node alarms."""
    cfg = example(capacity_w=100.0, volume_l=5.0, high_c=0.0, alarm_c=1.0, alarm_after_s=300.0)
    async with running(cfg, tmp_path / "state", short_dir / "s", clock=ScaledClock(600)) as daemon:
        assert daemon.hub is not None
        hub = daemon.hub
        seen_budget = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while loop.time() < deadline:
            await asyncio.sleep(0.05)
            st = hub.latest
            if st is None:
                continue
            c = st.chillers["main"]
            seen_budget = seen_budget or c.budget == 1
            assert len(c.open_valves) <= 2
            if seen_budget and any(a.code == "chiller_overloaded" for a in st.alarms):
                break
        st = hub.latest
        assert st is not None
        assert seen_budget, "a warm reservoir should limit the valves open at once"
        alarm = next(a for a in st.alarms if a.code == "chiller_overloaded")
    assert "chiller main" in alarm.message and "cannot keep up" in alarm.message
