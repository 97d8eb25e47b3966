"""The chiller's answer in the daemon's control cycle comes from this cycle's demands.

The daemon is driven by hand here, one ``control_cycle`` at a time on a clock the test moves,
with its outputs recorded: a valve a fermenter wants open is opened in the very cycle it is
wanted (its guards and the chiller's turns permitting), not one cycle later.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from brewctl.config import Config, parse_config
from brewctl.service.clock import Clock
from brewctl.service.daemon import Daemon, DaemonOptions
from brewctl.service.hub import Hub

PERIOD_S = 5.0


class HandClock(Clock):
    """Time that moves only when the test says."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def monotonic(self) -> float:
        return self.now_s

    def wall(self) -> float:
        return 1_780_000_000.0 + self.now_s


class Bank:
    """The output bank's ``set``, recorded (the levels the control cycle asks for)."""

    def __init__(self) -> None:
        self.levels: dict[str, float] = {}

    def set(self, name: str, value: float) -> None:
        self.levels[name] = value


def config(*, stagger_s: float = 0.0) -> Config:
    """Two glycol conicals on one chiller; no minimum valve times, so only the chiller holds a valve."""
    tank = {"rig": "glycol", "mode": "beer", "beer_setpoint_c": 12.0, "chiller": "main",
            "guards": {"valve_min_on_s": 0, "valve_min_off_s": 0}}  # fmt: skip
    probes = {
        "a_beer": {"id": "28-00000000000a"},
        "b_beer": {"id": "28-00000000000b"},
        "glycol": {"id": "28-00000000000c"},
    }
    chiller = {"reservoir_probe": "glycol", "capacity_w": 1500, "volume_l": 60, "stagger_s": stagger_s}
    return parse_config(
        {
            "node": {"name": "cellar", "probe_period_s": PERIOD_S},
            "probes": probes,
            "outputs": {"a_valve": {"kind": "solenoid", "pin": 17}, "b_valve": {"kind": "solenoid", "pin": 27}},
            "chillers": {"main": chiller},
            "fermenters": {
                "fva": {**tank, "beer_probe": "a_beer", "valve": "a_valve"},
                "fvb": {**tank, "beer_probe": "b_beer", "valve": "b_valve"},
            },
        }
    )


class Cycles:
    """A daemon stepped one control cycle at a time, with readings the test sets."""

    def __init__(self, cfg: Config, folder: Path) -> None:
        self.clock = HandClock()
        self.daemon = Daemon(cfg, DaemonOptions(state_dir=folder, install_signal_handlers=False), clock=self.clock)
        self.daemon.hub = Hub(cfg.node.name, wall_clock=self.clock.wall, monotonic_clock=self.clock.monotonic)
        self.daemon._load_state()
        self.bank = Bank()
        self.daemon.bank = self.bank  # type: ignore[assignment]

    def cycle(self, **beer_c: float) -> None:
        """One control cycle ``PERIOD_S`` after the last, with these beer readings (glycol at -2 °C)."""
        self.clock.now_s += PERIOD_S
        values = {"glycol": -2.0, **{f"{fid[-1]}_beer": v for fid, v in beer_c.items()}}
        for probe, value in values.items():
            self.daemon._probe_values[probe] = (value, self.clock.now_s)
        self.daemon.control_cycle()

    def valve(self, fid: str) -> float:
        return self.bank.levels[f"{fid[-1]}_valve"]


def test_a_valve_opens_in_the_cycle_its_tank_asks(tmp_path: Path) -> None:
    run = Cycles(config(), tmp_path)
    for _ in range(3):  # settled on its setpoint: nothing wanted
        run.cycle(fva=12.0, fvb=12.0)
    assert run.valve("fva") == 0.0 and run.valve("fvb") == 0.0
    run.cycle(fva=16.0, fvb=12.0)  # 4 °C warm: its control wants the jacket cold now
    fva = run.daemon.fermenters["fva"].result
    assert fva is not None and fva.cool_wanted
    assert run.valve("fva") == 1.0, "the chiller answered on the last cycle's demands"
    assert run.valve("fvb") == 0.0


def test_the_turns_are_given_on_this_cycles_demands(tmp_path: Path) -> None:
    """Both tanks start wanting in the same cycle; the stagger lets one open at once: the warmer
    (both under crash_gap_c above their setpoints: neither is crashing)."""
    run = Cycles(config(stagger_s=60.0), tmp_path)
    for _ in range(3):
        run.cycle(fva=12.0, fvb=12.0)
    run.cycle(fva=13.0, fvb=14.5)
    assert (run.valve("fva"), run.valve("fvb")) == (0.0, 1.0)  # the warmest first, in this cycle
    chiller = run.daemon.chillers["main"].status()
    assert chiller.waiting == ("fva",)
    for _ in range(int(60 / PERIOD_S)):
        run.cycle(fva=13.0, fvb=14.5)
    assert (run.valve("fva"), run.valve("fvb")) == (1.0, 1.0)  # its turn after stagger_s


@pytest.mark.parametrize("warm", [True, False])
def test_a_closing_valve_closes_in_its_own_cycle(tmp_path: Path, warm: bool) -> None:
    run = Cycles(config(), tmp_path)
    for _ in range(3):
        run.cycle(fva=12.0, fvb=12.0)
    for _ in range(3):
        run.cycle(fva=16.0, fvb=12.0)
    assert run.valve("fva") == 1.0
    run.cycle(fva=11.0 if warm else 10.0, fvb=12.0)  # below its setpoint: the jacket's work is done
    assert run.valve("fva") == 0.0
