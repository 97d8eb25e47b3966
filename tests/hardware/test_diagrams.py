"""The wiring diagrams and the hardware guide agree with the example configuration.

Each SVG in ``hardware/diagrams`` names the outputs it shows as ``outputs.NAME`` and labels
header pins as ``GPIO17 (pin 11)``. These tests read the committed SVG text (no renderer
needed) and check the pins against ``config.example.toml``, the physical header layout, and
the generator script that drew them.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from brewctl.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]
HARDWARE = ROOT / "hardware"
DIAGRAMS = HARDWARE / "diagrams"
README = HARDWARE / "README.md"
EXAMPLE = ROOT / "config.example.toml"
ONE_WIRE_GPIO = 4
SVG_NS = "{http://www.w3.org/2000/svg}"

# BCM GPIO -> physical pin on the 40-pin header, written out here independently of the generator.
PHYSICAL_PIN = {
    2: 3, 3: 5, 4: 7, 14: 8, 15: 10, 17: 11, 18: 12, 27: 13, 22: 15, 23: 16, 24: 18, 10: 19,
    9: 21, 25: 22, 11: 23, 8: 24, 7: 26, 0: 27, 1: 28, 5: 29, 6: 31, 12: 32, 13: 33, 19: 35,
    16: 36, 26: 37, 20: 38, 21: 40,
}  # fmt: skip

GPIO_RE = re.compile(r"\bGPIO(\d+)\b")
GPIO_PIN_RE = re.compile(r"\bGPIO(\d+) \(pin (\d+)\)")
OUTPUT_RE = re.compile(r"\boutputs\.([A-Za-z0-9_][A-Za-z0-9_-]*)")
LINK_RE = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(EXAMPLE)


def svg_text(svg: str) -> str:
    """All the visible text of an SVG document, one <text> element per line."""
    root = ET.fromstring(svg)
    return "\n".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))


def pin_problems(text: str, config: Config) -> list[str]:
    """What is wrong with the GPIO labels of one diagram's text (empty when it is right).

    The GPIO numbers drawn must be exactly the pins of the outputs the diagram names
    (``outputs.NAME``), plus the 1-wire pin; every ``GPIOn (pin m)`` must be the real header pin.
    """
    problems = []
    shown = set(OUTPUT_RE.findall(text))
    for name in sorted(shown - set(config.outputs)):
        problems.append(f"names outputs.{name}, which the example config does not have")
    expected = {p for name in shown & set(config.outputs) for p in config.outputs[name].pins}
    drawn = {int(n) for n in GPIO_RE.findall(text)}
    for p in sorted(expected - drawn):
        problems.append(f"GPIO{p} of the outputs shown is not drawn")
    for p in sorted(drawn - expected - {ONE_WIRE_GPIO}):
        problems.append(f"GPIO{p} is drawn but is no pin of the outputs shown ({', '.join(sorted(shown))})")
    for bcm, physical in GPIO_PIN_RE.findall(text):
        if PHYSICAL_PIN.get(int(bcm)) != int(physical):
            problems.append(f"GPIO{bcm} is labelled pin {physical}, but it is pin {PHYSICAL_PIN.get(int(bcm))}")
    return problems


def committed() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(DIAGRAMS.glob("*.svg"))}


def test_the_six_diagrams_exist() -> None:
    assert set(committed()) >= {
        "onewire.svg",
        "chest-freezer.svg",
        "glycol.svg",
        "motorized-valve.svg",
        "system.svg",
        "enclosure.svg",
    }


def test_the_enclosure_layout_follows_the_config(config: Config) -> None:
    text = svg_text(committed()["enclosure.svg"])
    assert f"probes ×{len(config.probes)}" in text and "2 × DIN/panel" in text and "4-ch relays" in text
    assert "fv1 compressor" in text and "fv1 heater" in text and "mains in" in text
    assert text.index("LOW VOLTAGE") < text.index("MAINS") and "barrier" in text


def test_the_generator_ignores_the_config_sections_it_does_not_draw(config: Config, tmp_path: Path) -> None:
    """MQTT, InfluxDB, hydrometers, alerts...: the drawings are those of the outputs and probes alone."""
    extra = (
        '\n[mqtt]\nhost = "broker"\n[influx]\nurl = "http://localhost:8428"\n'
        '[hydrometers.red]\nfermenter = "fv1"\nname = "red"\n[alerts]\napprise_urls = ["ntfy://x/y"]\n'
    )
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    out = tmp_path / "svg"
    assert _generator().main(["--config", str(path), "--out", str(out)]) == 0
    fresh = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.svg"))}
    assert fresh == committed()


def test_the_system_drawing_shows_every_output_on_one_board(config: Config) -> None:
    """One 4-channel board carries every relay channel of the example, in config order; the SSR is direct."""
    text = svg_text(committed()["system.svg"])
    assert set(OUTPUT_RE.findall(text)) == set(config.outputs)
    assert "4-channel board, channels 1-4 used" in text
    board = [line for line in text.splitlines() if re.match(r"^outputs\.\w+( open| close)?$", line)]
    assert board == ["outputs.fv1_cool", "outputs.fv2_glycol", "outputs.fv3_valve open", "outputs.fv3_valve close"]
    for part in ("K1 contactor", "24 V DC supply", "5 V DC supply", "SSR, zero-cross", "Mains inlet", "TS1", "TS2"):
        assert part in text, part
    assert "TCO 55 °C clamped on it," in text


@pytest.mark.parametrize("name", sorted(set(committed()) - {"enclosure.svg"}))  # the layout shows no wires
def test_diagram_pins_match_the_example_config(name: str, config: Config) -> None:
    text = svg_text(committed()[name])
    assert GPIO_RE.search(text), f"{name} labels no GPIO pin"
    assert pin_problems(text, config) == [], name


def test_every_output_pin_appears_in_a_diagram(config: Config) -> None:
    texts = {name: svg_text(svg) for name, svg in committed().items()}
    for oid, out in config.outputs.items():
        homes = [name for name, text in texts.items() if oid in OUTPUT_RE.findall(text)]
        assert homes, f"outputs.{oid} is drawn in no diagram"
        for p in out.pins:
            assert any(p in {int(n) for n in GPIO_RE.findall(texts[h])} for h in homes), f"GPIO{p} ({oid}) not drawn"


def test_the_one_wire_diagram_shows_gpio4_and_every_probe(config: Config) -> None:
    text = svg_text(committed()["onewire.svg"])
    assert {int(n) for n in GPIO_RE.findall(text)} == {ONE_WIRE_GPIO}
    assert f"GPIO{ONE_WIRE_GPIO} (pin 7)" in text
    assert f"dtoverlay=w1-gpio,gpiopin={ONE_WIRE_GPIO}" in text
    assert "4.7 kΩ" in text
    for name, probe in config.probes.items():
        assert name in text and probe.id in text, name


def test_the_checker_notices_a_wrong_pin(config: Config) -> None:
    """The checks above can fail: a diagram with a moved or mislabelled pin is caught."""
    good = svg_text(committed()["chest-freezer.svg"])
    assert pin_problems(good, config) == []
    moved = good.replace("GPIO17", "GPIO5")
    assert pin_problems(moved, config) == [
        "GPIO17 of the outputs shown is not drawn",
        "GPIO5 is drawn but is no pin of the outputs shown (fv1_cool, fv1_heat)",
        "GPIO5 is labelled pin 11, but it is pin 29",
    ]
    mislabelled = good.replace("GPIO18 (pin 12)", "GPIO18 (pin 13)")
    assert pin_problems(mislabelled, config) == ["GPIO18 is labelled pin 13, but it is pin 12"]
    unknown = good + "\noutputs.fv9_cool"
    assert pin_problems(unknown, config) == ["names outputs.fv9_cool, which the example config does not have"]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hardware_diagrams_generate", DIAGRAMS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_svgs(config: Config, tmp_path: Path) -> None:
    """The generator needs only the standard library and brewctl, so this never skips."""
    gen = _generator()
    assert gen.main(["--out", str(tmp_path)]) == 0
    fresh = {p.name: p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.svg"))}
    assert fresh == committed(), "run: python hardware/diagrams/generate.py, and commit the SVGs"
    assert gen.render_all(config) == fresh  # and it is deterministic


MY_CHEST_FREEZER = """\
[probes.beer]
id = "28-0316a2795aff"
[probes.air]
id = "28-0416a27c3bff"
[outputs.cool]
kind = "relay"
pin = 23
[outputs.heat]
kind = "ssr"
pin = 24
active_high = true
[fermenters.fv1]
rig = "heat-cool"
beer_probe = "beer"
chamber_probe = "air"
heater = "heat"
cooler = "cool"
"""


def test_generator_draws_a_brewers_own_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only a chest freezer, on other pins: its two drawings, with its pins; the others skipped."""
    path = tmp_path / "config.toml"
    path.write_text(MY_CHEST_FREEZER, encoding="utf-8")
    out = tmp_path / "svg"
    assert _generator().main(["--config", str(path), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["chest-freezer.svg", "enclosure.svg", "onewire.svg", "system.svg"]
    err = capsys.readouterr().err
    assert "skipped glycol.svg: config: no fermenter with rig = 'glycol'" in err
    assert "skipped motorized-valve.svg" in err
    mine = load_config(path)
    text = svg_text((out / "chest-freezer.svg").read_text(encoding="utf-8"))
    assert pin_problems(text, mine) == []
    assert "GPIO23 (pin 16)" in text and "GPIO24 (pin 18)" in text and "GPIO17" not in text


def test_generator_reports_a_bad_config_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[outputs.cool\n", encoding="utf-8")
    out = tmp_path / "svg"
    assert _generator().main(["--config", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"generate.py: error: {path}:1: not valid TOML") and "Traceback" not in err
    assert not out.exists()


def test_generator_never_draws_a_brewers_config_over_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        _generator().main(["--config", str(EXAMPLE)])
    assert exc.value.code == 2
    assert "give --out too" in capsys.readouterr().err


def test_generator_header_table_matches_the_real_header() -> None:
    assert _generator().HEADER_PIN == PHYSICAL_PIN


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    s = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return s.replace(" ", "-")


def broken_links(text: str, base: Path) -> list[str]:
    """Relative links and #anchors in a Markdown text that lead nowhere."""
    anchors = {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}
    broken = []
    for target in LINK_RE.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue  # an absolute URL
        path, _, anchor = target.partition("#")
        if (path and not (base / path).exists()) or (not path and anchor not in anchors):
            broken.append(target)
    return broken


def test_readme_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    links = LINK_RE.findall(text)
    assert len(links) > 10
    assert broken_links(text, HARDWARE) == []
    linked = {Path(t.partition("#")[0]).name for t in links}
    for name in committed():
        assert name in linked, f"hardware/README.md does not show diagrams/{name}"


def test_the_link_checker_notices_broken_links() -> None:
    text = "# Wiring it\n[ok](diagrams/onewire.svg) [gone](diagrams/nope.svg) [a](#wiring-it) [b](#nowhere)\n"
    text += "![img](diagrams/glycol.svg) [web](https://example.org/x)"
    assert broken_links(text, HARDWARE) == ["diagrams/nope.svg", "#nowhere"]


def test_readme_pins_match_the_example_config(config: Config) -> None:
    text = README.read_text(encoding="utf-8")
    for bcm, physical in GPIO_PIN_RE.findall(text):
        assert PHYSICAL_PIN.get(int(bcm)) == int(physical), f"README: GPIO{bcm} is pin {PHYSICAL_PIN.get(int(bcm))}"
    for oid, out in config.outputs.items():
        for p in out.pins:
            assert re.search(rf"`{re.escape(oid)}`.*GPIO{p}\b|GPIO{p}\b.*`{re.escape(oid)}`", text), (
                f"README: no line gives {oid} on GPIO{p}"
            )
    assert f"dtoverlay=w1-gpio,gpiopin={ONE_WIRE_GPIO}" in text


# --- what an electrician checks -------------------------------------------------------------------

FUSE_RE = re.compile(r"\bF(\d)\b ([^,:]+?)(?:,|$)", re.M)


def test_no_wire_joins_another_without_a_dot(config: Config) -> None:
    """A wire ending on the middle of another is a joint: it must carry a dot (IEC 60617)."""
    gen = _generator()
    for name, draw in gen.DIAGRAMS.items():
        assert draw(config).undotted_joints() == [], name


def test_every_crossing_is_drawn_as_a_hop(config: Config) -> None:
    """Wires that cross without joining hop over each other, so no crossing can be read as a joint."""
    gen = _generator()
    freezer = gen.DIAGRAMS["chest-freezer.svg"](config)
    crossings = freezer.crossings()
    assert crossings, "the mains buses cross the switched lives: the test would prove nothing"
    text = freezer.render()
    assert text.count("A7,7 0 0 1") >= len(crossings)
    # the switched live from K1 hops over the unswitched live bus: never a dot there
    k1_out = [p for p, h, v in crossings if h == "mainsL" and v == "mainsL"]
    assert k1_out and all(p not in freezer.dots for p in k1_out)


def test_the_crossing_checker_notices_an_undotted_joint() -> None:
    gen = _generator()
    svg = gen.Svg(100, 100, "t", "d")
    svg.wire("gnd", (0, 50), (100, 50))
    svg.wire("gnd", (50, 50), (50, 100))  # a T without a dot
    svg.wire("v5", (20, 0), (20, 100))  # a crossing
    assert svg.undotted_joints() == [(50, 50)]
    assert [p for p, _, _ in svg.crossings()] == [(20, 50)]
    svg.dot((50, 50))
    assert svg.undotted_joints() == []


def test_one_fuse_scheme_in_every_drawing_and_the_guide() -> None:
    """Each fuse name has one value everywhere: on the symbol, in each drawing's table, in the README."""
    gen = _generator()
    drawn: set[str] = set()
    for name, svg in committed().items():
        text = svg_text(svg)
        for label in re.findall(r"^F\d \d[^,\n]*$", text, re.M):  # the label on a fuse symbol
            fuse = label.split()[0]
            drawn.add(fuse)
            assert label == gen.FUSE_LABEL[fuse], f"{name}: {label!r}, but {fuse} is {gen.FUSE_LABEL[fuse]!r}"
            value, wire, _ = gen.FUSES[fuse]
            assert f"{fuse} {value}, wire {wire}" in text, f"{name}: {fuse} has no value and wire size line"
    assert drawn == {"F1", "F2", "F3", "F4", "F5"}
    readme = README.read_text(encoding="utf-8")
    for fuse, (value, wire, _) in gen.FUSES.items():
        row = re.search(rf"^ *\| {fuse} \| ([^|]+) \| ([^|]+) \|", readme, re.M)
        assert row, f"README: no fuse table row for {fuse}"
        assert row.group(1).startswith(value.split(" or ")[0].split(" (")[0]), (fuse, row.group(1), value)
        assert row.group(2).strip() == wire, (fuse, row.group(2), wire)


def test_the_fuse_checker_notices_a_clash() -> None:
    """The old drawings called the 24 V fuse F3 (1 A) in one place and F1 in another."""
    gen = _generator()
    assert gen.FUSE_LABEL["F3"] != "F3 1 A" and gen.FUSE_LABEL["F1"] != "F1 1 A"
    assert len(set(gen.FUSE_LABEL.values())) == len(gen.FUSE_LABEL)


def test_relay_boards_take_vcc_from_3v3_with_a_pull_up_on_every_input() -> None:
    for name in ("chest-freezer.svg", "glycol.svg", "motorized-valve.svg"):
        text = svg_text(committed()[name])
        assert "3V3 (pin 1)" in text and "5V (pin 2)" not in text, name
        inputs = len(re.findall(r"^IN\d$", text, re.M))
        assert inputs and text.count("10 kΩ") >= inputs, name


def test_the_heater_cut_off_is_drawn_at_the_heater_and_the_cooling_has_a_backstop() -> None:
    text = svg_text(committed()["chest-freezer.svg"])
    assert "Heater (in the freezer)" in text and "TCO 55 °C NC" in text
    assert text.index("Heater (in the freezer)") < text.index("TCO 55 °C NC")
    assert "TS1" in text and "cooling outlet" in text
    assert "TS2" in svg_text(committed()["glycol.svg"])
    assert "PE bar" in text and "earthed heatsink" in text


def test_the_mains_legend_gives_us_and_old_uk_colours() -> None:
    text = svg_text(committed()["chest-freezer.svg"])
    for colours in ("brown (EU, new UK)", "black or red (US)", "red (old UK)", "white or grey (US)", "black (old UK)"):
        assert colours in text


def test_the_generator_draws_the_pin_warnings(tmp_path: Path) -> None:
    """A pin the rules warn about (here SPI's GPIO10) is named in red on the drawing that shows it."""
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pin = 27\n", "pin = 10\n"), encoding="utf-8")
    out = tmp_path / "svg"
    assert _generator().main(["--config", str(path), "--out", str(out)]) == 0
    glycol = svg_text((out / "glycol.svg").read_text(encoding="utf-8"))
    assert "WARNING: outputs.fv2_glycol: GPIO10: SPI0 uses GPIO 7-11 when SPI is enabled" in glycol
    assert "WARNING" not in svg_text((out / "chest-freezer.svg").read_text(encoding="utf-8"))


def test_the_generator_refuses_a_pin_the_rules_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("pin = 18\n", "pin = 6\n"), encoding="utf-8")
    assert _generator().main(["--config", str(path), "--out", str(tmp_path / "svg")]) == 2
    err = capsys.readouterr().err
    assert "outputs.fv1_heat: GPIO6: an active-high output on a pin pulled up at boot" in err


def _relays(count: int) -> str:
    pins = [5, 6, 12, 13, 16, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27]
    text = '[probes.beer]\nid = "28-0316a2795aff"\n'
    for i in range(count):
        text += f'[outputs.v{i}]\nkind = "solenoid"\npin = {pins[i]}\nactive_high = false\n'
        text += f'[fermenters.f{i}]\nrig = "glycol"\nbeer_probe = "beer"\nvalve = "v{i}"\n' if i == 0 else ""
    return text


@pytest.mark.parametrize(("count", "board"), [(4, "4-channel board, channels 1-4 used"), (5, "8-channel board")])
def test_the_system_drawing_picks_a_4_or_8_channel_board(tmp_path: Path, count: int, board: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(_relays(count), encoding="utf-8")
    svg = _generator().system(load_config(path))
    assert board in svg_text(svg.render())
    assert svg.undotted_joints() == []


def test_the_system_drawing_refuses_more_than_one_board(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(_relays(9), encoding="utf-8")
    assert _generator().main(["--config", str(path), "--out", str(tmp_path / "svg")]) == 0
    assert "skipped system.svg: config: 9 relay channels; the system drawing shows 8 at most" in capsys.readouterr().err


def _labels_and_outlines(svg: str) -> tuple[list[tuple[str, float, float, float, float]], list[tuple[float, ...]]]:
    """Each <text>: (text, x0, x1, y0, y1), its width estimated from DejaVu Sans' average advance;
    each dashed terminal or heater outline (``zone-out``): (x, y, w, h)."""
    root = ET.fromstring(svg)
    texts = []
    for el in root.iter(f"{SVG_NS}text"):
        s = "".join(el.itertext())
        size = 11.0 if el.get("class") == "small" else 13.0
        width = 0.55 * size * len(s)
        x, y = float(el.get("x", "0")), float(el.get("y", "0"))
        anchor = el.get("text-anchor", "start")
        x0 = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
        texts.append((s, x0, x0 + width, y - 0.75 * size, y))
    outlines = [
        tuple(float(el.get(k, "0")) for k in ("x", "y", "width", "height"))
        for el in root.iter(f"{SVG_NS}rect")
        if el.get("class") == "zone-out"
    ]
    return texts, outlines


def label_crossings(svg: str) -> list[str]:
    """Fuse, thermostat and cut-off labels that a dashed outline's edge runs through (unreadable)."""
    texts, outlines = _labels_and_outlines(svg)
    found = []
    for s, x0, x1, y0, y1 in texts:
        if not re.match(r"(F\d|TS\d|TCO)\b", s):
            continue
        for rx, ry, rw, rh in outlines:
            if y0 < ry + rh and y1 > ry and any(x0 < edge < x1 for edge in (rx, rx + rw)):
                found.append(s)
    return found


def test_no_fuse_or_thermostat_label_is_crossed_by_an_outline() -> None:
    for name, svg in committed().items():
        assert label_crossings(svg) == [], name


def test_the_label_checker_notices_a_crossed_label() -> None:
    svg = committed()["motorized-valve.svg"].replace('<rect class="zone-out" x="624"', '<rect class="zone-out" x="585"')
    assert label_crossings(svg) == ["F5 2 A"]


def test_thermostats_and_cut_offs_are_drawn_as_contacts_not_as_fuses() -> None:
    """A TS or TCO label sits over a switch's blade; a fuse's box (rect.sym) under it would read as a fuse."""
    for name in ("chest-freezer.svg", "glycol.svg", "system.svg"):
        root = ET.fromstring(committed()[name])
        labels = [
            (float(el.get("x", "0")), float(el.get("y", "0")))
            for el in root.iter(f"{SVG_NS}text")
            if re.match(r"(TS\d|TCO)\b", "".join(el.itertext())) and el.get("text-anchor") == "middle"
        ]
        fuses = [
            (float(el.get("x", "0")) + float(el.get("width", "0")) / 2, float(el.get("y", "0")))
            for el in root.iter(f"{SVG_NS}rect")
            if el.get("class") == "sym"
        ]
        assert labels, name
        for lx, ly in labels:
            assert not any(abs(fx - lx) < 3 and 0 < fy - ly < 12 for fx, fy in fuses), (name, lx, ly)


def test_a_supplys_signs_sit_on_the_outer_sides_of_its_terminals() -> None:
    """Two terminals close together never share a sign between them (the glycol drawing's 24 V supply)."""
    gen = _generator()
    svg = gen.Svg(400, 200, "t", "d")
    plus_x, minus_x = gen.supply(svg, 0, 100, 210, ["24 V DC supply"], 150, 185)
    signs = {sign: float(x) for x, sign in re.findall(r'<text x="([\d.]+)"[^>]*>([+−])</text>', "\n".join(svg.parts))}
    assert signs["+"] < plus_x < minus_x < signs["−"]


def test_q1_is_drawn_where_the_enclosure_puts_it() -> None:
    """The layout has Q1 as an RCBO in the box; the schematics draw it on L and N after the inlet."""
    assert "RCBO" in svg_text(committed()["enclosure.svg"])
    for name in ("chest-freezer.svg", "system.svg"):
        lines = svg_text(committed()[name]).splitlines()
        assert "Q1" in lines and "Q1: RCBO 30 mA" in lines, name
