"""The config file: the shipped example is valid; mistakes are named by file and key path."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from brewctl.config import Config, Mode, OutputKind, Rig, load_config, parse_config
from brewctl.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text())


def test_example_config_is_valid_and_resolves_folders_next_to_it() -> None:
    cfg = load_config(EXAMPLE)
    assert set(cfg.fermenters) == {"fv1", "fv2", "fv3"}
    assert cfg.fermenters["fv1"].rig is Rig.HEAT_COOL
    assert cfg.fermenters["fv1"].mode is Mode.BEER
    assert cfg.outputs["fv3_valve"].kind is OutputKind.MOTORIZED_VALVE
    assert cfg.outputs["fv3_valve"].pins == (22, 23)
    assert cfg.node.profiles_dir == ROOT / "profiles"


def problem(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(data, "cfg.toml")
    return str(info.value)


def test_unknown_output_reference_names_the_key_path() -> None:
    data = example_data()
    data["fermenters"]["fv1"]["cooler"] = "cooler2"
    assert "cfg.toml: fermenters.fv1.cooler: no output named 'cooler2'" in problem(data)


def test_unknown_probe_reference() -> None:
    data = example_data()
    data["fermenters"]["fv2"]["beer_probe"] = "nope"
    assert "fermenters.fv2.beer_probe: no probe named 'nope'" in problem(data)


def test_typo_in_a_key_is_reported_not_ignored() -> None:
    data = example_data()
    data["fermenters"]["fv1"]["beer_setpiont_c"] = 20
    assert "cfg.toml: fermenters.fv1.beer_setpiont_c: unknown key" in problem(data)


def test_out_of_range_value_names_the_field() -> None:
    data = example_data()
    data["outputs"]["fv1_heat"]["pin"] = 40
    assert "outputs.fv1_heat.pin" in problem(data)


def test_pin_used_twice_is_rejected() -> None:
    data = example_data()
    data["outputs"]["fv1_heat"]["pin"] = 17
    assert "outputs.fv1_heat: GPIO 17 is already used by outputs.fv1_cool" in problem(data)


def test_output_shared_by_two_fermenters_is_rejected() -> None:
    data = example_data()
    data["fermenters"]["fv3"]["rig"] = "glycol"
    data["fermenters"]["fv3"]["valve"] = "fv2_glycol"
    assert "output 'fv2_glycol' is already used by fermenters.fv2" in problem(data)


def test_output_of_the_wrong_kind_is_rejected() -> None:
    data = example_data()
    data["fermenters"]["fv1"]["heater"] = "fv2_glycol"
    assert "fermenters.fv1.heater: output 'fv2_glycol' is a solenoid" in problem(data)


def test_rig_without_its_parts_is_rejected() -> None:
    data = example_data()
    del data["fermenters"]["fv1"]["cooler"]
    assert "fermenters.fv1: a heat-cool fermenter needs cooler" in problem(data)


def test_motorized_valve_needs_both_pins() -> None:
    data = example_data()
    del data["outputs"]["fv3_valve"]["close_pin"]
    assert "outputs.fv3_valve: a motorized-valve needs open_pin and close_pin" in problem(data)


def test_bad_probe_id() -> None:
    data = example_data()
    data["probes"]["room"]["id"] = "10-abc"
    assert "probes.room.id" in problem(data)


def test_minimal_config_gets_safe_defaults() -> None:
    cfg = Config.model_validate({})
    assert cfg.fermenters == {}
    assert cfg.mqtt is None and cfg.influx is None
    assert cfg.node.probe_period_s == 5.0


def test_missing_file_and_bad_toml_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[node\nname = 1\n")
    with pytest.raises(ConfigError, match=r"bad\.toml:1: not valid TOML: "):
        load_config(bad)


def test_cli_reports_config_errors_without_traceback_and_exits_2(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(EXAMPLE.read_text().replace('cooler = "fv1_cool"', 'cooler = "cooler2"'))
    proc = subprocess.run(
        [sys.executable, "-m", "brewctl", "config", "check", "--config", str(cfg)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert f"{cfg}: fermenters.fv1.cooler: no output named 'cooler2'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_config_check_summarises_a_good_file() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "brewctl", "config", "check", "--config", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 fermenter(s), 6 probe(s), 4 output(s)" in proc.stdout
    assert "fv2: FV2 glycol conical (glycol, mode beer)" in proc.stdout
    assert "chiller main: 1500 W, 60 L, feeds fv2, fv3" in proc.stdout


def test_commented_optional_sections_of_the_example_are_valid_when_enabled() -> None:
    text = re.sub(r"^# (\[|[a-z_]+ = )", r"\1", EXAMPLE.read_text(), flags=re.MULTILINE)
    cfg = parse_config(tomllib.loads(text), "uncommented example")
    assert cfg.mqtt is not None and cfg.mqtt.tls
    assert cfg.influx is not None
    assert set(cfg.hydrometers) == {"red", "tilt_red"}
    assert cfg.alerts.apprise_urls


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(
    ("section", "key"),
    [("tuning", "kp"), ("tuning", "kd"), ("tuning", "ki"), (None, "alarm_after_s"), ("guards", "cool_min_off_s")],
)
def test_nan_and_inf_are_rejected_with_the_key_path(section: str | None, key: str, value: float) -> None:
    # TOML accepts `kp = nan`; before, an unbounded gain took it and the simulated beer ended 8 °C off.
    data = example_data()
    fv1 = data["fermenters"]["fv1"]
    (fv1.setdefault(section, {}) if section else fv1)[key] = value
    path = f"fermenters.fv1.{section}.{key}" if section else f"fermenters.fv1.{key}"
    assert f"cfg.toml: {path}: " in problem(data)


def test_negative_proportional_gain_is_rejected() -> None:
    data = example_data()
    data["fermenters"]["fv1"].setdefault("tuning", {})["kp"] = -6.0
    assert "cfg.toml: fermenters.fv1.tuning.kp: " in problem(data)


def test_nan_in_a_config_file_is_a_user_error_from_the_cli(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text(
        '[probes.beer]\nid = "28-000000000001"\n[outputs.heat]\nkind = "ssr"\npin = 17\n'
        '[fermenters.fv1]\nrig = "heat-only"\nbeer_probe = "beer"\nheater = "heat"\n'
        "[fermenters.fv1.tuning]\nkp = nan\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "brewctl", "config", "check", "--config", str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert f"{bad}: fermenters.fv1.tuning.kp: " in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_config_check_takes_the_file_as_an_argument_too(tmp_path: Path) -> None:
    """`brewctl config check FILE`, the first thing a hobbyist types, checks FILE; two different files are refused."""

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "brewctl", "config", "check", *args], capture_output=True, text=True
        )

    ok = check(str(EXAMPLE))
    assert ok.returncode == 0, ok.stderr
    assert f"{EXAMPLE}: ok" in ok.stdout
    assert check(str(EXAMPLE), "--config", str(EXAMPLE)).returncode == 0
    two = check(str(tmp_path / "other.toml"), "--config", str(EXAMPLE))
    assert two.returncode == 2
    assert "two config files given" in two.stderr and "Traceback" not in two.stderr


def test_an_output_on_the_one_wire_pin_is_rejected() -> None:
    data = example_data()
    data["outputs"]["fv1_cool"]["pin"] = 4  # active-low: GPIO 4's boot pull-up keeps it off
    assert "outputs.fv1_cool: GPIO 4 is the 1-wire bus (node.onewire_pin)" in problem(data)
    data["node"]["onewire_pin"] = 26
    assert parse_config(data).outputs["fv1_cool"].pin == 4
