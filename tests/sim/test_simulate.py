"""simulate(): the real controller against plants, metrics, the yardstick and the CLI."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.config import Rig
from brewctl.core import ControlResult, Target
from brewctl.model import PidTerms
from brewctl.sim import ChestFreezer, Thermostat, default_config, parse_inline_profile, simulate


def test_short_hold_tracks_within_targets_and_never_violates_guards() -> None:
    # Two days at 19 degC through the fermentation peak (the 11-day comparison is bench/sim_targets.py).
    m = simulate(parse_inline_profile("19:2d"), days=2).metrics
    assert m["heat_and_cool_together"] == 0
    assert m["min_off_violations"] == m["min_on_violations"] == m["dead_time_violations"] == 0
    assert m["rms_c"] is not None and m["rms_c"] <= 0.12
    assert m["max_abs_c"] is not None and m["max_abs_c"] <= 0.3
    assert m["compressor_starts_per_day"] <= 24
    assert json.loads(json.dumps(m)) == m


def test_cold_crash_does_not_undershoot() -> None:
    m = simulate(parse_inline_profile("20:1d,2:2d"), days=3).metrics
    assert m["crash_undershoot_c"] is not None and m["crash_undershoot_c"] <= 0.3
    assert m["min_off_violations"] == 0 and m["heat_and_cool_together"] == 0
    assert m["min_on_violations"] == m["dead_time_violations"] == 0


def test_a_crash_ramp_tracks_with_feed_forward() -> None:
    # 0.5 degC/h from 20 to 1 degC: the chamber leads the beer by ramp_lead_h x slope.
    profile = parse_inline_profile("20:18h,ramp1:38h,1:1d")
    m = simulate(profile, days=3).metrics
    assert m["rms_c"] is not None and m["rms_c"] <= 0.15
    assert m["max_abs_c"] is not None and m["max_abs_c"] <= 0.45
    assert m["compressor_starts_per_day"] <= 20
    assert m["min_off_violations"] == 0 and m["heat_and_cool_together"] == 0
    # A crash by a ramp is a crash too (only a step of more than 5 degC counted before).
    assert m["crash_undershoot_c"] is not None and m["crash_undershoot_c"] <= 0.3


@pytest.mark.parametrize(
    ("spec", "crash"),
    [("20:1d,17:1d,20:1d,17:1d", False), ("20:1d,17:1d,14:1d", True), ("20:1d,ramp14:6h,14:18h", True)],
)
def test_a_crash_is_a_fall_of_more_than_5_degc_by_steps_or_a_ramp(spec: str, crash: bool) -> None:
    m = simulate(parse_inline_profile(spec), days=2.5).metrics
    assert (m["crash_undershoot_c"] is not None) is crash


class Scripted:
    """A controller that switches by a timetable, ignoring every guard: the metrics must see it."""

    PLAN = (  # (from s, heat, cool), each held until the next row
        (0, 0.0, 0.0),
        (700, 1.0, 0.0),  # heater on
        (800, 0.0, 0.0),
        (1000, 0.0, 1.0),  # cooling 200 s after heating: dead time (600 s) violated
        (1100, 0.0, 0.0),  # stopped after 100 s: min on (180 s) violated
        (1200, 0.0, 1.0),  # restarted after 100 s: min off (300 s) violated, 400 s after heating: dead time
        (1500, 0.0, 0.0),
        (1600, 0.5, 0.0),  # heating 100 s after cooling: dead time violated
        (1700, 0.0, 0.0),
        (3000, 1.0, 1.0),  # both at once, for one step
        (3010, 0.0, 1.0),
        (3200, 0.0, 0.0),
    )

    def step(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> ControlResult:
        heat, cool = next((h, c) for t, h, c in reversed(self.PLAN) if now_s >= t)
        return ControlResult({"heat": heat, "cool": cool}, (), PidTerms(), None, None, (), False)


def test_guard_metrics_are_measured_by_the_simulator_not_taken_from_the_guards() -> None:
    m = simulate(lambda _t: 19.0, days=4000 / 86400, controller=Scripted()).metrics
    assert m["compressor_starts"] == 3
    assert m["min_off_violations"] == 1
    assert m["min_on_violations"] == 1
    assert m["dead_time_violations"] == 3
    assert m["heat_and_cool_together"] == 1


def test_deterministic() -> None:
    a = simulate(parse_inline_profile("19:6h"), days=0.25).metrics
    b = simulate(parse_inline_profile("19:6h"), days=0.25).metrics
    assert a == b


def test_thermostat_yardstick_runs_on_the_same_plant() -> None:
    m = simulate(parse_inline_profile("19:1d"), days=1, controller=Thermostat()).metrics
    assert m["heat_and_cool_together"] == 0
    assert m["compressor_starts"] > 0


class Bucket:
    """A user's own plant: one lumped beer mass and an ice-bath pump on 'cool'."""

    heater_w = 0.0

    def __init__(self) -> None:
        self.beer_c = 24.0

    def read(self) -> Mapping[str, float | None]:
        return {"beer": self.beer_c, "chamber": None, "room": 22.0}

    def step(self, dt: float, outputs: Mapping[str, float]) -> None:
        self.beer_c += dt * (2.0 * (22.0 - self.beer_c) - 60.0 * outputs.get("cool", 0.0)) / 80_000.0


def test_a_user_plant_through_the_contract() -> None:
    cfg = default_config(Rig.COOL_ONLY).model_copy(update={"chamber_probe": None})
    plant = Bucket()
    result = simulate(lambda _t: 18.0, plant, days=1, config=cfg)
    assert plant.beer_c < 19.0
    assert result.trace.t_s and result.trace.outputs["cool"]


@pytest.mark.parametrize("rig", [Rig.GLYCOL, Rig.VALVE])
def test_jacketed_rigs_hold_the_beer(rig: Rig) -> None:
    m = simulate(parse_inline_profile("18:1d"), days=1, config=default_config(rig)).metrics
    assert m["max_abs_c"] is not None and m["max_abs_c"] <= 0.5
    assert m["heat_and_cool_together"] == 0


def test_valve_wear_metrics_count_openings_and_driven_strokes() -> None:
    cfg = default_config(Rig.VALVE)
    m = simulate(parse_inline_profile("12:1d"), days=1, config=cfg, controller=Thermostat.for_glycol()).metrics
    openings, strokes = m["valve_openings_per_day"], m["valve_strokes_per_day"]
    assert isinstance(openings, float) and isinstance(strokes, float) and openings > 2
    # An on/off thermostat drives the valve fully open and fully closed: two strokes per opening
    # (the last one may still be open when the day ends).
    assert 2 * openings - 1 <= strokes <= 2 * openings + 1e-9
    solenoid = simulate(parse_inline_profile("12:1d"), days=1, config=default_config(Rig.GLYCOL)).metrics
    assert solenoid["valve_strokes_per_day"] is None and solenoid["valve_openings_per_day"] is not None
    freezer = simulate(parse_inline_profile("19:6h"), days=0.25).metrics
    assert freezer["valve_openings_per_day"] is None and freezer["valve_strokes_per_day"] is None


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "19:6h", "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert {
        "rms_c",
        "max_abs_c",
        "crash_undershoot_c",
        "compressor_starts_per_day",
        "min_off_violations",
        "min_on_violations",
        "dead_time_violations",
        "heat_and_cool_together",
        "cool_hours",
        "heat_kwh",
    } <= set(metrics)


def test_cli_text_and_plot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "19:3h,ramp20:3h", "--plot", "--days", "0.25"]) == 0
    out = capsys.readouterr().out
    assert "compressor starts/day" in out and "days" in out


def test_cli_bad_profile_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "19:4x"]) == 2
    assert "cannot read duration" in capsys.readouterr().err


def test_cli_takes_tuning_guards_and_chamber_limits_from_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def cool_hours(extra: str) -> float:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            '[probes.b]\nid = "28-000000000001"\n[probes.c]\nid = "28-000000000002"\n'
            '[outputs.h]\nkind = "ssr"\npin = 17\n[outputs.k]\nkind = "relay"\npin = 27\n'
            f'[fermenters.fv1]\nbeer_probe = "b"\nchamber_probe = "c"\nheater = "h"\ncooler = "k"\n{extra}'
        )
        assert main(["sim", "2:6h", "--json", "--config", str(cfg)]) == 0
        return float(json.loads(capsys.readouterr().out)["cool_hours"])

    # A crash to 2 degC: the compressor runs flat out unless the chamber may not go below 15 degC.
    assert cool_hours("chamber_min_c = 15.0\n") < cool_hours("") - 1.0


class FlakyFreezer(ChestFreezer):
    """The built-in plant with a beer probe that glitches: NaN, then the 85.0 degC power-on value."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def read(self) -> Mapping[str, float | None]:
        self.reads += 1
        readings = dict(super().read())
        if self.reads % 97 == 0:
            readings["beer"] = math.nan if self.reads % 2 else 85.0
        return readings


def test_probe_glitches_of_a_user_plant_stay_out_of_the_metrics() -> None:
    result = simulate(parse_inline_profile("19:1d"), FlakyFreezer(), days=1)
    m = result.metrics
    json.dumps(m, allow_nan=False)  # before: rms_c was NaN, and `brewctl sim --json` printed invalid JSON
    assert m["rms_c"] is not None and m["rms_c"] <= 0.15
    assert m["max_abs_c"] is not None and m["max_abs_c"] <= 0.5
    assert all(b is None or b < 30.0 for b in result.trace.beer_c)
