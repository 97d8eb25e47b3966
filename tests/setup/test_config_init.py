"""``brewctl config init``: the probes on a fake 1-wire bus, answers from a file, a valid config."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.config import load_config
from brewctl.drivers.fake_w1 import FakeW1Bus
from brewctl.rigs import Rig

IDS = ("28-00000000a001", "28-00000000a002", "28-00000000a003", "28-00000000a004", "28-00000000a005")

# name, units, fermenters, active-low?, then per fermenter: rig, probes, pins (an empty line takes
# the default: no heater on the glycol and valve rigs), then the room probe.
ANSWERS = """\
cellar-pi
F
3
y
heat-cool
1
2
18
17
glycol
3

27
valve
4

22
23
5
"""


@pytest.fixture
def bus(tmp_path: Path) -> Path:
    fake = FakeW1Bus(tmp_path / "w1")
    for i, sensor_id in enumerate(IDS):
        fake.set_temperature(sensor_id, 10.0 + i)
    return fake.base_directory


def init(monkeypatch: pytest.MonkeyPatch, answers: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    return main(["config", "init", *args])


def test_answers_from_a_file_make_a_valid_config(
    bus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "etc" / "config.toml"
    assert init(monkeypatch, ANSWERS, "--out", str(out), "--w1-dir", str(bus)) == 0
    said = capsys.readouterr().out
    assert "  1  28-00000000a001  10.00 °C" in said  # the probes found, with a reading each
    assert "fv1: heater (ssr) GPIO [17]: 18" in said  # the transcript shows each answer
    cfg = load_config(out)
    assert cfg.node.name == "cellar-pi" and cfg.node.units == "F"
    fv1, fv2, fv3 = cfg.fermenters["fv1"], cfg.fermenters["fv2"], cfg.fermenters["fv3"]
    assert (fv1.rig, fv2.rig, fv3.rig) == (Rig.HEAT_COOL, Rig.GLYCOL, Rig.VALVE)
    assert cfg.probes[fv1.beer_probe or ""].id == IDS[0] and cfg.probes[fv1.chamber_probe or ""].id == IDS[1]
    assert fv1.room_probe is not None and cfg.probes[fv1.room_probe].id == IDS[4]
    heater, cooler = cfg.outputs[fv1.heater or ""], cfg.outputs[fv1.cooler or ""]
    assert (heater.kind.value, heater.pin, heater.active_high) == ("ssr", 18, True)
    assert (cooler.kind.value, cooler.pin, cooler.active_high) == ("relay", 17, False)
    assert fv2.heater is None and cfg.outputs[fv2.valve or ""].pin == 27
    valve = cfg.outputs[fv3.valve or ""]
    assert (valve.kind.value, valve.open_pin, valve.close_pin) == ("motorized-valve", 22, 23)
    assert all(f.mode.value == "off" for f in cfg.fermenters.values())  # nothing switches on by itself
    assert out.stat().st_mode & 0o777 == 0o644  # the service user reads it
    assert main(["config", "check", "--config", str(out)]) == 0


def test_never_overwrites_without_asking(
    bus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "config.toml"
    out.write_text("# mine\n")
    assert init(monkeypatch, "\n" + ANSWERS, "--out", str(out), "--w1-dir", str(bus)) == 1  # default: no
    assert out.read_text() == "# mine\n"
    assert "kept as it was" in capsys.readouterr().out
    assert init(monkeypatch, "y\n" + ANSWERS, "--out", str(out), "--w1-dir", str(bus)) == 0
    assert load_config(out).node.name == "cellar-pi"


def test_dry_run_prints_and_writes_nothing(
    bus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "config.toml"
    assert init(monkeypatch, ANSWERS, "--out", str(out), "--w1-dir", str(bus), "--dry-run") == 0
    assert not out.exists()
    text = capsys.readouterr().out
    assert "(dry run: not written)" in text and '[fermenters.fv3]\nname = "FV3"\nrig = "valve"' in text


def test_a_bad_answer_is_asked_again(
    bus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GPIO 4 is the 1-wire bus, probe 1 is taken, "x" is not a rig: each is refused and asked again.
    answers = "pi\nC\n1\ny\nx\nheat-only\n1\n1\n\n4\n\n\n"
    out = tmp_path / "config.toml"
    assert init(monkeypatch, answers, "--out", str(out), "--w1-dir", str(bus)) == 0
    said = capsys.readouterr().out
    assert "one of heat-cool, heat-only, cool-only, glycol, valve" in said
    assert "GPIO 4 is the 1-wire bus" in said
    assert "probe 1 is taken" in said
    cfg = load_config(out)
    assert cfg.probes[cfg.fermenters["fv1"].chamber_probe or ""].id == IDS[1]
    assert cfg.outputs["fv1_heat"].pin == 17  # the default after the refused answer


def test_gives_up_after_three_bad_answers(
    bus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "config.toml"
    assert init(monkeypatch, "pi\nK\nK\nK\n", "--out", str(out), "--w1-dir", str(bus)) == 2
    assert "no valid answer (last: 'K')" in capsys.readouterr().err
    assert not out.exists()


def test_without_probes_on_the_bus_it_writes_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "config.toml"
    assert init(monkeypatch, "", "--out", str(out), "--w1-dir", str(tmp_path / "no-bus")) == 0  # all defaults
    assert "placeholder ids" in capsys.readouterr().out
    text = out.read_text()
    assert "the probe ids below are placeholders" in text
    cfg = load_config(out)
    assert list(cfg.fermenters) == ["fv1"] and cfg.fermenters["fv1"].rig is Rig.HEAT_COOL


def test_permission_denied_says_sudo(
    bus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert init(monkeypatch, ANSWERS, "--out", str(tmp_path / "etc/config.toml"), "--w1-dir", str(bus)) == 2
    assert "permission denied: run it with sudo, or write elsewhere with --out FILE" in capsys.readouterr().err


def test_config_example_prints_the_annotated_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "example"]) == 0
    root = Path(__file__).resolve().parents[2]
    assert capsys.readouterr().out == (root / "config.example.toml").read_text(encoding="utf-8")


def test_config_files_lists_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "files"]) == 0
    out = capsys.readouterr().out
    for name in ("profiles", "recipes", "config.example.toml", "brewctl.service", "grafana"):
        assert any(line.startswith(name) for line in out.splitlines()), name
    assert "clean-ale.toml" in out and "profile.schema.json" in out and "brewctl-fermenter.json" in out
