"""``simulate_brewery`` and ``brewctl sim --config``: every fermenter, with its chiller."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from brewctl.config import load_config, parse_config
from brewctl.errors import ConfigError
from brewctl.sim import parse_inline_profile
from brewctl.sim.brewery import simulate_brewery

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def tank(i: int) -> dict[str, object]:
    return {"rig": "glycol", "beer_probe": f"b{i}", "valve": f"v{i}", "mode": "beer", "chiller": "main",
            "beer_setpoint_c": 10.0}  # fmt: skip


def cellar(capacity_w: float) -> dict[str, object]:
    return {
        "probes": {"b1": {"id": "28-000000000001"}, "b2": {"id": "28-000000000002"}, "g": {"id": "28-000000000003"}},
        "outputs": {"v1": {"kind": "solenoid", "pin": 17}, "v2": {"kind": "solenoid", "pin": 27}},
        "fermenters": {f"fv{i}": tank(i) for i in (1, 2)},
        "chillers": {"main": {"reservoir_probe": "g", "capacity_w": capacity_w, "volume_l": 20.0}},
    }


def test_a_small_chiller_warms_and_the_coordinator_keeps_it_usable() -> None:
    """Two 50 L tanks pulled from 20 to 10 °C on a 100 W chiller: uncoordinated the reservoir runs
    away; coordinated it stays cooler, and the guards hold either way."""
    cfg = parse_config(cellar(100.0))
    free = simulate_brewery(cfg, days=0.5, coordinated=False)
    held = simulate_brewery(cfg, days=0.5)
    assert free.chillers["main"]["overload_hours"] > 0
    assert held.chillers["main"]["reservoir_max_c"] < free.chillers["main"]["reservoir_max_c"]
    assert held.chillers["main"]["held_valve_hours"] > 0
    for r in held.fermenters.values():
        assert r.metrics["min_on_violations"] == 0 and r.metrics["min_off_violations"] == 0


def test_chiller_references_are_validated() -> None:
    data = cellar(100.0)
    data["fermenters"]["fv1"]["chiller"] = "nope"  # type: ignore[index]
    with pytest.raises(ConfigError, match=r"fermenters.fv1.chiller: no chiller named 'nope'"):
        parse_config(data, "x.toml")
    data = cellar(100.0)
    data["chillers"]["main"]["reservoir_probe"] = "missing"  # type: ignore[index]
    with pytest.raises(ConfigError, match=r"chillers.main.reservoir_probe: no probe named 'missing'"):
        parse_config(data, "x.toml")


def test_a_chamber_rig_cannot_name_a_chiller() -> None:
    cfg = load_config(EXAMPLE).model_dump(mode="json")
    cfg["fermenters"]["fv1"]["chiller"] = "main"
    with pytest.raises(ConfigError, match=r"fermenters.fv1.chiller: a heat-cool rig has no glycol jacket"):
        parse_config(cfg, "x.toml")


def test_profile_on_one_fermenter_of_the_example() -> None:
    cfg = load_config(EXAMPLE)
    res = simulate_brewery(cfg, days=0.3, setpoints={"fv3": parse_inline_profile("16:1d")})
    assert set(res.fermenters) == set(cfg.fermenters) and set(res.chillers) == {"main"}
    assert res.fermenters["fv3"].metrics["valve_strokes_per_day"] is not None


def test_cli_brewery_json_and_text() -> None:
    run = [sys.executable, "-m", "brewctl", "sim", "--config", str(EXAMPLE), "--days", "0.2"]
    out = subprocess.run([*run, "--json", "--profile", "fv3=16:1d"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert set(data["fermenters"]) == {"fv1", "fv2", "fv3"}
    assert {"reservoir_max_c", "overload_hours"} <= set(data["chillers"]["main"])
    assert "valve_strokes_per_day" in data["fermenters"]["fv3"]
    text = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert "chiller main" in text and "reservoir max" in text
    bad = subprocess.run([*run, "--profile", "fv9=16:1d"], capture_output=True, text=True, check=False)
    assert bad.returncode != 0 and "no fermenter named 'fv9'" in bad.stderr and "Traceback" not in bad.stderr
