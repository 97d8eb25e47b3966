"""The pin rules (brewctl/pins.py), as the config loader, `brewctl config check` and the daemon apply them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.config import OutputConfig, OutputKind, load_config
from brewctl.errors import ConfigError
from brewctl.pins import PULLED_DOWN_AT_BOOT, PULLED_UP_AT_BOOT, RESERVED, PinProblem, pin_problems

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"


def relay(pin: int, active_high: bool) -> OutputConfig:
    return OutputConfig(kind=OutputKind.RELAY, pin=pin, active_high=active_high)


@pytest.mark.parametrize("pin", range(28))
@pytest.mark.parametrize("active_high", [True, False])
def test_every_pin_is_refused_exactly_when_the_guide_says(pin: int, active_high: bool) -> None:
    errors = [p for p in pin_problems({"out": relay(pin, active_high)}) if p.severity == "error"]
    refused = pin in {0, 1, 2, 3, 14, 15} or (active_high and pin <= 8)
    assert bool(errors) == refused
    for e in errors:
        assert (e.output, e.pin) == ("out", pin)


def test_the_boot_tables_cover_the_header_once() -> None:
    assert set(range(28)) == PULLED_UP_AT_BOOT | PULLED_DOWN_AT_BOOT
    assert not PULLED_UP_AT_BOOT & PULLED_DOWN_AT_BOOT
    assert set(RESERVED) == {0, 1, 2, 3, 14, 15}


def test_problems_name_the_output_the_pin_and_the_reason() -> None:
    outputs = {
        "heat": OutputConfig(kind=OutputKind.SSR, pin=5, active_high=True),
        "valve": OutputConfig(kind=OutputKind.MOTORIZED_VALVE, open_pin=9, close_pin=14, active_high=False),
        "lamp": OutputConfig(kind=OutputKind.SSR, pin=17, active_high=False),
    }
    got = [str(p) for p in pin_problems(outputs)]
    assert got == [
        "outputs.heat: GPIO5: an active-high output on a pin pulled up at boot (GPIO 0-8) turns its load on "
        "while the Pi boots (use GPIO 9-13 or 16-27)",
        "outputs.valve: GPIO14: not for outputs: it is the serial console's TX, which toggles while the Pi boots",
        "outputs.valve: GPIO9: SPI0 uses GPIO 7-11 when SPI is enabled (dtparam=spi=on): keep SPI off",
        "outputs.lamp: GPIO17: an SSR is normally wired active-high (input + to the pin, − to GND): check active_high",
    ]
    assert [p.severity for p in pin_problems(outputs)] == ["error", "error", "warning", "warning"]


def test_the_example_config_keeps_every_rule() -> None:
    assert pin_problems(load_config(EXAMPLE).outputs) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("pin = 18\n", "pin = 5\n", "outputs.fv1_heat: GPIO5: an active-high output on a pin pulled up at boot"),
        ("pin = 27\n", "pin = 14\n", "outputs.fv2_glycol: GPIO14: not for outputs: it is the serial console's TX"),
        ("open_pin = 22\n", "open_pin = 2\n", "outputs.fv3_valve: GPIO2: not for outputs: it is I²C SDA"),
    ],
)
def test_the_config_loader_refuses_a_bad_pin_naming_file_output_pin_and_reason(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "config.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert str(exc.value).startswith(f"{path}: {message}")


def test_config_check_refuses_a_bad_pin_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pin = 18\n", "pin = 3\n"), encoding="utf-8")
    assert main(["config", "check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"brewctl: error: {path}: outputs.fv1_heat: GPIO3: not for outputs: it is I²C SCL" in err
    assert "Traceback" not in err


def test_config_check_prints_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pin = 27\n", "pin = 10\n"), encoding="utf-8")
    assert main(["config", "check", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: warning: outputs.fv2_glycol: GPIO10: SPI0 uses GPIO 7-11" in out


def test_config_check_of_the_example_warns_about_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", "--config", str(EXAMPLE)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_the_daemon_logs_the_warnings_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`brewctl run` logs each pin warning before it starts the daemon (stubbed here: only the start matters)."""
    import brewctl.service.daemon as daemon_module

    started = []

    class StubDaemon:
        def __init__(self, config: object, *args: object, **kwargs: object) -> None:
            started.append(config)

        async def run(self) -> None:
            return None

    monkeypatch.setattr(daemon_module, "Daemon", StubDaemon)
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pin = 27\n", "pin = 10\n"), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="brewctl"):
        assert main(["run", "--simulate", "--config", str(path), "--state-dir", str(tmp_path)]) == 0
    assert started
    assert f"{path}: outputs.fv2_glycol: GPIO10: SPI0 uses GPIO 7-11" in caplog.text


def test_the_daemon_refuses_a_bad_pin_at_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pin = 17\n", "pin = 15\n"), encoding="utf-8")
    assert main(["run", "--simulate", "--config", str(path), "--state-dir", str(tmp_path)]) == 2
    assert "outputs.fv1_cool: GPIO15: not for outputs: it is the serial console's RX" in capsys.readouterr().err


def test_a_problem_reads_as_one_line() -> None:
    assert str(PinProblem("x", 3, "error", "why")) == "outputs.x: GPIO3: why"
