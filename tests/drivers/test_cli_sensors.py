"""`brewctl sensors` and `brewctl outputs-off` on a fake bus and mock pins."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from gpiozero import DigitalOutputDevice
from gpiozero.pins.mock import MockFactory

from brewctl.cli import main
from brewctl.cli import sensors as sensors_cli
from brewctl.config import load_config
from brewctl.drivers.fake_w1 import FakeW1Bus

CONFIG = """\
[probes.beer]
id = "28-0316a2795aff"
offset_c = 0.5

[probes.new_1]
id = "28-0000000000f1"

[probes.gone]
id = "28-0000000000ee"

[outputs.cool]
kind = "relay"
pin = 17
active_high = false

[outputs.heat]
kind = "ssr"
pin = 18

[outputs.valve]
kind = "motorized-valve"
open_pin = 22
close_pin = 23
active_high = false
"""


@pytest.fixture(autouse=True)
def no_system_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sensors_cli, "DEFAULT_CONFIG_PATH", tmp_path / "no-such-config.toml")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    return path


def populate(bus: FakeW1Bus) -> None:
    bus.set_temperature("28-0316a2795aff", 19.0625)
    bus.set_temperature("28-0000000000f1", 4.0)
    bus.set_temperature("28-0a0000000001", 21.5)
    bus.set_crc_error("28-0b0000000002")


def test_sensors_marks_configured_probes_and_prints_a_snippet_for_new_ones(
    w1_bus: FakeW1Bus, config_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    populate(w1_bus)
    assert main(["sensors", "--config", str(config_file), "--w1-dir", str(w1_bus.base_directory)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "TEMPERATURE", "CONFIG"]
    assert lines[1].split() == ["28-0000000000f1", "4.00", "°C", "probes.new_1"]
    assert lines[2].split() == ["28-0316a2795aff", "19.06", "°C", "probes.beer", "(offset", "+0.5", "°C)"]
    assert lines[3].split() == ["28-0a0000000001", "21.50", "°C", "new"]
    assert lines[4].split() == ["28-0b0000000002", "CRC", "error", "new"]
    assert "In the config but not on the bus: probes.gone (28-0000000000ee)" in out
    snippet = out.split("add to the config):\n", 1)[1]
    assert tomllib.loads(snippet) == {
        "probes": {"new_2": {"id": "28-0a0000000001"}, "new_3": {"id": "28-0b0000000002"}}
    }, "names already in the config are skipped"
    # The snippet pasted into the config is a valid config.
    config_file.write_text(CONFIG + "\n" + snippet)
    assert set(load_config(config_file).probes) == {"beer", "new_1", "gone", "new_2", "new_3"}


def test_sensors_without_a_config_still_lists_the_bus(w1_bus: FakeW1Bus, capsys: pytest.CaptureFixture[str]) -> None:
    populate(w1_bus)
    assert main(["sensors", "--w1-dir", str(w1_bus.base_directory)]) == 0
    out = capsys.readouterr().out
    assert "28-0316a2795aff  19.06 °C" in out
    assert "[probes.new_1]" in out and "[probes.new_4]" in out
    assert "not on the bus" not in out


def test_sensors_in_fahrenheit_when_the_config_says_so(
    w1_bus: FakeW1Bus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w1_bus.set_temperature("28-0316a2795aff", 20.0)
    cfg = tmp_path / "f.toml"
    cfg.write_text('[node]\nunits = "F"\n')
    assert main(["sensors", "--config", str(cfg), "--w1-dir", str(w1_bus.base_directory)]) == 0
    assert "68.00 °F" in capsys.readouterr().out


def test_sensors_on_an_empty_bus(w1_bus: FakeW1Bus, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensors", "--w1-dir", str(w1_bus.base_directory)]) == 0
    assert "(no DS18B20 probes on the bus)" in capsys.readouterr().out


def test_sensors_without_a_bus_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensors", "--w1-dir", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "no 1-wire bus" in err and "dtoverlay=w1-gpio" in err and "Traceback" not in err


def test_sensors_with_a_bad_config_names_the_file_and_key(
    w1_bus: FakeW1Bus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[probes.beer]\nid = "28-XYZ"\n')
    assert main(["sensors", "--config", str(cfg), "--w1-dir", str(w1_bus.base_directory)]) == 2
    assert f"{cfg}: probes.beer.id:" in capsys.readouterr().err


def test_outputs_off_forces_every_configured_pin_to_its_off_level(
    mock_factory: MockFactory, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A daemon that died with the compressor relay (active-low) and the heater SSR on.
    for pin, active_high in ((17, False), (18, True), (23, False)):
        dev = DigitalOutputDevice(pin, active_high=active_high, initial_value=True)
        dev.close()  # the process is gone; the line keeps its level
    assert [mock_factory.pin(p).state for p in (17, 18, 23)] == [False, True, False]
    assert main(["outputs-off", "--config", str(config_file)]) == 0
    assert {p: mock_factory.pin(p).state for p in (17, 18, 22, 23)} == {17: True, 18: False, 22: True, 23: True}
    assert "3 output(s) off" in capsys.readouterr().out


def test_outputs_off_does_every_pin_it_can_when_one_is_busy(
    mock_factory: MockFactory, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stuck_on = DigitalOutputDevice(18, initial_value=True)  # another process holds the heater pin
    try:
        for pin in (17, 23):
            DigitalOutputDevice(pin, active_high=False, initial_value=True).close()
        assert main(["outputs-off", "--config", str(config_file)]) == 1
        assert {p: mock_factory.pin(p).state for p in (17, 22, 23)} == {17: True, 22: True, 23: True}
        out, err = capsys.readouterr()
        assert "outputs.heat (GPIO18): could not drive off" in err
        assert "2 output(s) off, 1 failed (is the daemon still running?)" in out
    finally:
        stuck_on.close()
