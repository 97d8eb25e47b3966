"""What ``hardware/README.md`` tells a builder to do works with the code as it is.

The guide's commands parse with the real ``brewctl`` parser, the example config keeps to the
guide's pin rules, and the bench-lamp walkthrough (heat, then cool, then off) runs through the
real control core with the example config's guards, on an injected clock.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import pytest
from w1thermsensor import W1ThermSensor

from brewctl.cli import build_parser
from brewctl.cli.client import format_status
from brewctl.cli.sensors import format_sensors
from brewctl.config import Config, Mode, load_config
from brewctl.core import FermenterController, Target
from brewctl.core.control import ControlResult
from brewctl.drivers.fake_w1 import FakeW1Bus
from brewctl.drivers.probes import scan_bus
from brewctl.drivers.timing import OVERDRIVE
from brewctl.model import FermenterStatus, NodeStatus
from brewctl.pins import PULLED_DOWN_AT_BOOT, RESERVED, pin_problems
from brewctl.wording import output_reason, word_output

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "hardware" / "README.md"
SYSTEMD_README = ROOT / "systemd" / "README.md"
UNIT = ROOT / "systemd" / "brewctl.service"
EXAMPLE = ROOT / "config.example.toml"

ONE_WIRE_GPIO = 4

FENCE_RE = re.compile(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", re.M | re.S)  # also indented, in list items


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(EXAMPLE)


# --- commands ----------------------------------------------------------------------------------


def brewctl_command(words: list[str]) -> str | None:
    """The arguments after ``brewctl`` if these words run it (after sudo or VAR=value), else None."""
    for word in words:
        if word == "sudo":
            continue
        program = word.partition("=")[2] if re.match(r"^\w+=", word) else word
        if program == "brewctl" or program.endswith("/bin/brewctl"):
            return shlex.join(words[words.index(word) + 1 :])
        if program != word:
            continue  # an environment assignment (or ExecStart=...) before the program
        return None
    return None


def brewctl_commands(markdown: str) -> list[str]:
    """Every ``brewctl ...`` command line in the sh/ini code blocks of a Markdown text."""
    found = []
    for lang, body in FENCE_RE.findall(markdown):
        if lang not in ("sh", "ini", ""):
            continue
        for line in re.sub(r"\\\n\s*", " ", body).splitlines():  # a trailing backslash continues the line
            for words in shell_commands(line):
                command = brewctl_command(words)
                if command is not None:
                    found.append(command)
    return found


def shell_commands(line: str) -> list[list[str]]:
    """The simple commands of one shell line: split at ``&&``, ``||``, ``;`` and ``|`` outside quotes."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    commands: list[list[str]] = [[]]
    for word in lex:  # comments (#...) are dropped by shlex
        if word in ("&&", "||", ";", "|", "&"):
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


def unparsable(commands: list[str]) -> list[str]:
    """The commands (arguments after ``brewctl``) the real parser rejects."""
    parser = build_parser()
    bad = []
    for command in commands:
        try:
            parser.parse_args(shlex.split(command))
        except SystemExit as exc:
            if exc.code != 0:  # --help exits 0
                bad.append(command)
    return bad


def test_every_brewctl_command_in_the_guides_parses(capsys: pytest.CaptureFixture[str]) -> None:
    guide = brewctl_commands(GUIDE.read_text(encoding="utf-8"))
    systemd = brewctl_commands(SYSTEMD_README.read_text(encoding="utf-8"))
    unit = [m.group(1) for m in re.finditer(r"^Exec\w+=\S*/brewctl (.+)$", UNIT.read_text(encoding="utf-8"), re.M)]
    assert len(guide) >= 10 and len(systemd) >= 3 and len(unit) == 2
    assert "set fv1 --mode chamber --chamber 30" in guide
    assert unparsable(guide + systemd + unit) == []
    capsys.readouterr()  # the --help output


def test_the_command_checker_notices_a_wrong_flag(capsys: pytest.CaptureFixture[str]) -> None:
    text = "```sh\nsudo brewctl set fv1 --temp 30     # heat\nbrewctl sensors; brewctl --help\n"
    text += "sudo brewctl outputs test \\\n    --simulate\n```\n"
    assert brewctl_commands(text) == ["set fv1 --temp 30", "sensors", "--help", "outputs test --simulate"]
    assert unparsable(brewctl_commands(text)) == ["set fv1 --temp 30"]
    capsys.readouterr()


# --- pins --------------------------------------------------------------------------------------


def test_the_example_config_keeps_to_the_pin_rules(config: Config) -> None:
    assert pin_problems(config.outputs) == []
    assert all(p not in RESERVED and p != ONE_WIRE_GPIO for out in config.outputs.values() for p in out.pins)


def test_the_guides_pin_rules_are_the_ones_the_tools_apply() -> None:
    """The guide's "Choosing other pins" names the same pins as brewctl/pins.py, which the config check applies."""
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert "**Never GPIO 0-3 or 14-15**" in text and set(RESERVED) == {0, 1, 2, 3, 14, 15}
    assert "only on pins pulled down at boot: GPIO 9-13 and 16-27" in text
    assert PULLED_DOWN_AT_BOOT - set(RESERVED) == set(range(9, 14)) | set(range(16, 28))
    assert "`brewctl config check` (and brewctl itself at start) refuses" in text
    # The 1-wire pin is refused by the config loader itself.


def test_the_guides_list_of_pins_pulled_down_at_boot_is_the_example_pins(config: Config) -> None:
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    m = re.search(r"GPIO ([\d, ]+) and (\d+) are therefore pulled down", text)
    assert m, "the guide no longer lists the example's pins at boot"
    listed = {int(n) for n in re.findall(r"\d+", m.group(1))} | {int(m.group(2))}
    assert listed == {p for out in config.outputs.values() for p in out.pins}
    assert listed <= PULLED_DOWN_AT_BOOT


# --- the bench-lamp walkthrough -----------------------------------------------------------------


def run(
    ctrl: FermenterController, readings: Mapping[str, float | None], target: Target, start: float, end: float
) -> ControlResult:
    result = ctrl.step(start, readings, target)
    t = start
    while t < end:
        t += 5.0
        result = ctrl.step(t, readings, target)
    return result


def fermenter_status(result: ControlResult) -> FermenterStatus:
    """What the daemon would publish for fv1 after this control step (the parts the table shows)."""
    return FermenterStatus(id="fv1", mode=Mode.CHAMBER, outputs=tuple(word_output(o) for o in result.output_status))


def reason(result: ControlResult, role: str) -> str:
    return next(output_reason(s) for s in result.output_status if s.role == role)


def test_bench_lamp_walkthrough_waits_as_the_guide_says(config: Config) -> None:
    """Step 3 of "Testing with a bench lamp": heat within 10 minutes of the start, cool 10 after."""
    fv1 = config.fermenters["fv1"]
    dead_s = fv1.guards.heat_cool_dead_time_s
    assert dead_s == 600, "the guide says 10 minutes"
    lamps = {"beer": 20.0, "chamber": 20.0, "room": 20.0}
    ctrl = FermenterController(fv1)
    heat30 = Target(Mode.CHAMBER, chamber_setpoint_c=30.0)

    r = run(ctrl, lamps, heat30, 0.0, 25.0)
    assert r.outputs["heat"] == 0.0
    assert reason(r, "heat") == "pause before heating, 9:35"
    shown = format_status(NodeStatus(node="pi", version="0", fermenters={"fv1": fermenter_status(r)}))
    assert "\n  fv1 heat: pause before heating, 9:35" in shown
    assert "`fv1 heat: pause before heating, 9:35`" in " ".join(GUIDE.read_text(encoding="utf-8").split())
    r = run(ctrl, lamps, heat30, 30.0, dead_s - 5.0)
    assert r.outputs["heat"] == 0.0
    r = run(ctrl, lamps, heat30, dead_s, dead_s + 5.0)
    assert r.outputs["heat"] > 0.0 and r.outputs["cool"] == 0.0

    cool2 = Target(Mode.CHAMBER, chamber_setpoint_c=2.0)
    stop = dead_s + 300.0
    r = run(ctrl, lamps, heat30, dead_s + 10.0, stop - 5.0)
    assert r.outputs["heat"] > 0.0
    r = run(ctrl, lamps, cool2, stop, stop + dead_s - 10.0)
    assert r.outputs["heat"] == 0.0 and r.outputs["cool"] == 0.0
    assert reason(r, "cool").startswith("pause before cooling")
    r = run(ctrl, lamps, cool2, stop + dead_s - 5.0, stop + dead_s + 5.0)
    assert r.outputs["cool"] == 1.0

    on_s = fv1.guards.cool_min_on_s
    assert on_s == 180, "the guide says a 3-minute minimum run"
    r = run(ctrl, lamps, Target(Mode.OFF), stop + dead_s + 10.0, stop + dead_s + 60.0)
    assert r.outputs["cool"] == 1.0, "mode off lets the compressor finish its minimum run"
    r = run(ctrl, lamps, Target(Mode.OFF), stop + dead_s + 65.0, stop + dead_s + on_s + 10.0)
    assert r.outputs["heat"] == 0.0 and r.outputs["cool"] == 0.0


def test_the_guides_compressor_guards_are_the_examples(config: Config) -> None:
    g = config.fermenters["fv1"].guards
    minutes = {"off": g.cool_min_off_s / 60, "on": g.cool_min_on_s / 60, "dead": g.heat_cool_dead_time_s / 60}
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert (
        f"at least {minutes['off']:g} minutes off between runs, at least {minutes['on']:g} minutes on, "
        f"{minutes['dead']:g} minutes between heating and cooling" in text
    )


def test_bench_lamp_walkthrough_needs_the_chamber_probe(config: Config) -> None:
    """Without ``fv1_chamber`` wired, chamber mode never heats (the guide says to wire the probes)."""
    ctrl = FermenterController(config.fermenters["fv1"])
    r = run(ctrl, {"beer": 20.0, "chamber": None}, Target(Mode.CHAMBER, chamber_setpoint_c=30.0), 0.0, 900.0)
    assert r.outputs["heat"] == 0.0 and r.outputs["cool"] == 0.0


def test_the_guides_valve_homing_time_is_the_drivers(config: Config) -> None:
    travel_s = config.outputs["fv3_valve"].travel_s
    home_s = (1 + 2 * OVERDRIVE) * travel_s  # to the closed end, then on past it (tests/drivers checks this)
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert f"{1 + 2 * OVERDRIVE:g} × `travel_s` ({home_s:g} s here)" in text
    assert f"FV3's close lamp lights for {home_s:g} s at every start" in text


# --- troubleshooting -----------------------------------------------------------------------------


def test_the_sensors_messages_the_guide_quotes_are_what_brewctl_sensors_prints(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A browned-out probe, a garbled one and a missing one on a fake bus, read by w1thermsensor."""
    monkeypatch.setattr(W1ThermSensor, "RETRY_DELAY_SECONDS", 0)
    bus = FakeW1Bus(tmp_path / "devices")
    bus.set_power_on_reset(config.probes["fv1_beer"].id)
    bus.set_crc_error(config.probes["fv1_chamber"].id)
    for name in ("fv2_beer", "fv3_beer"):
        bus.set_temperature(config.probes[name].id, 18.0)  # the room probe is missing
    report = format_sensors(scan_bus(bus.base_directory), config)
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    for quoted, line_of in [
        ("power-on reset value", config.probes["fv1_beer"].id),
        ("CRC error", config.probes["fv1_chamber"].id),
        ("In the config but not on the bus", "probes.room"),
    ]:
        assert f"`{quoted}`" in guide
        assert any(quoted in line and line_of in line for line in report.splitlines()), (quoted, report)


def test_the_fail_closed_valve_the_guide_suggests_is_a_valid_config(tmp_path: Path) -> None:
    """An auto-return valve "wired like FV2 and configured as kind = solenoid with rig = glycol"."""
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert 'configured as `kind = "solenoid"` with `rig = "glycol"`' in text
    path = tmp_path / "config.toml"
    path.write_text(
        '[probes.beer]\nid = "28-0616a28b7dff"\n'
        '[outputs.fv3_valve]\nkind = "solenoid"\npin = 22\nactive_high = false\n'
        '[fermenters.fv3]\nrig = "glycol"\nbeer_probe = "beer"\nvalve = "fv3_valve"\n',
        encoding="utf-8",
    )
    fv3 = load_config(path).fermenters["fv3"]
    ctrl = FermenterController(fv3)
    warm = {"beer": 22.0}
    r = run(ctrl, warm, Target(Mode.BEER, beer_setpoint_c=18.0), 0.0, 120.0)
    assert r.outputs["valve"] == 1.0, "warm beer opens it"
    r = run(ctrl, {"beer": 14.0}, Target(Mode.BEER, beer_setpoint_c=18.0), 125.0, 1200.0)
    assert r.outputs["valve"] == 0.0, "cold beer closes it"


def test_the_checklist_names_every_fuse_with_its_value_and_the_bench_test() -> None:
    """hardware/checklist.md, printed for the electrician, agrees with the fuse table and the tools."""
    text = " ".join((ROOT / "hardware" / "checklist.md").read_text(encoding="utf-8").split())
    for fuse, amps in (("F1", "10 A"), ("F2", "2 A"), ("F3", "2 A"), ("F4", "1 A"), ("F5", "2 A")):
        assert re.search(rf"\b{fuse}\b\**,? \(?[^)]*?\b{amps}", text), fuse
    assert "`brewctl outputs test`" in text and "`brewctl config check" in text
    assert "VCC → Pi 3V3 (pin 1)" in text and "10 kΩ resistor to 3V3" in text
    assert "TCO on the heater" in text and "TS1" in text and "normally off" in text


def _bom_rows(section_start: str, section_end: str) -> list[list[str]]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index(section_start) : text.index(section_end)]
    return [
        [c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines() if line.startswith("|")
    ]


def test_the_bom_counts_every_probe_of_the_example(config: Config) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    words = {5: "five", 6: "six", 7: "seven", 8: "eight"}
    listed = next(line for line in text.splitlines() if line.startswith("| probes | DS18B20"))
    assert f"{words[len(config.probes)]} probes: " in listed
    assert all(f"`{name}`" in listed for name in config.probes)
    assert f"The example has {words[len(config.probes)]} probes on one bus" in text
    probes = next(r for r in _bom_rows("### Controller and probes", "### Switching") if r[0] == "DS18B20 probes")
    assert int(probes[1]) == len(config.probes)
    priced = _bom_rows("### Rough prices", "## Enclosure layout")
    for name in ("DS18B20 probes", "Probe sockets"):
        row = next(r for r in priced if r[0].startswith(name))
        assert int(row[2]) == len(config.probes), row


def test_the_bom_total_is_the_sum_of_its_rows() -> None:
    low = high = 0
    total = ""
    for row in _bom_rows("### Rough prices", "## Enclosure layout"):
        if len(row) == 4 and re.fullmatch(r"[\d,]+-[\d,]+", row[3]):
            a, b = (int(v.replace(",", "")) for v in row[3].split("-"))
            low, high = low + a, high + b
        elif row[0] == "**Total**":
            total = row[3]
    found = re.search(r"about ([\d,]+)-([\d,]+)", total)
    assert found is not None
    stated = [int(v.replace(",", "")) for v in found.groups()]
    assert abs(stated[0] - low) <= 5 and abs(stated[1] - high) <= 5, (stated, low, high)
