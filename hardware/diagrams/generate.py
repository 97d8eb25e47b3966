"""Draw the wiring diagrams in this folder from the example configuration.

Run from anywhere, with brewctl importable (the project's venv):

    python hardware/diagrams/generate.py            # rewrites the .svg files next to this script
    python hardware/diagrams/generate.py --out DIR  # writes them somewhere else
    python hardware/diagrams/generate.py --config /etc/brewctl/config.toml --out DIR  # your own pins

A config without a fermenter of some rig (e.g. no glycol tank) skips that drawing, with a note.

The pin numbers and probe names come from ``config.example.toml``, so the drawings follow the
config. The SVG is written by plain Python (standard library only): the output is the same bytes
on every run, and nothing beyond brewctl is needed to check it. Each drawing is a few layout
functions at the bottom of this file; the small helpers above them draw boxes, wires and symbols.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from brewctl.config import Config, FermenterConfig, OutputConfig, Rig, load_config
from brewctl.errors import UserError

__all__ = ["DIAGRAMS", "HEADER_PIN", "CannotDrawError", "main", "render_all", "render_available"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EXAMPLE_CONFIG = REPO / "config.example.toml"

#: BCM GPIO number -> physical pin on the 40-pin header (every Raspberry Pi since the B+).
HEADER_PIN = {
    2: 3, 3: 5, 4: 7, 17: 11, 27: 13, 22: 15, 10: 19, 9: 21, 11: 23, 0: 27, 5: 29, 6: 31, 13: 33,
    19: 35, 26: 37, 14: 8, 15: 10, 18: 12, 23: 16, 24: 18, 25: 22, 8: 24, 7: 26, 1: 28, 12: 32,
    16: 36, 20: 38, 21: 40,
}  # fmt: skip
ONE_WIRE_GPIO = 4  # dtoverlay=w1-gpio,gpiopin=4

Point = tuple[float, float]

STYLE = """
text { font-family: 'DejaVu Sans', Verdana, sans-serif; font-size: 13px; fill: #1a1a1a; }
.title { font-size: 20px; font-weight: bold; }
.sub { font-size: 13px; fill: #444; }
.h { font-weight: bold; }
.small { font-size: 11px; fill: #333; }
.pin { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; }
.warn { fill: #b00000; font-weight: bold; }
.box { fill: #ffffff; stroke: #333; stroke-width: 1.5; }
.pi { fill: #e8f5e9; stroke: #2e7d32; stroke-width: 2; }
.part { fill: #f5f5f5; stroke: #333; stroke-width: 1.5; }
.probe { fill: #c9d1d9; stroke: #555; stroke-width: 1.5; }
.zone-lv { fill: #eef5ff; stroke: #7aa7e0; stroke-width: 1.5; stroke-dasharray: 8 5; }
.zone-mains { fill: #fff0ee; stroke: #d04030; stroke-width: 2; stroke-dasharray: 8 5; }
.sym { fill: #ffffff; stroke: #1a1a1a; stroke-width: 1.5; }
.symfill { fill: #1a1a1a; stroke: #1a1a1a; stroke-width: 1.5; }
.wire { fill: none; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
.pipe { fill: none; stroke: #7fb3d5; stroke-width: 9; stroke-linejoin: round; }
.v33 { stroke: #e67e22; } .v5 { stroke: #d62728; } .gnd { stroke: #1a1a1a; } .data { stroke: #c9a400; }
.v24 { stroke: #c2185b; } .v12 { stroke: #c2185b; }
.sigA { stroke: #1f77b4; } .sigB { stroke: #2ca02c; } .sigC { stroke: #9467bd; } .sigD { stroke: #17becf; }
.mainsL { stroke: #8b4513; } .mainsN { stroke: #1f4fd1; }
.pe { stroke: #2e9e2e; } .pe2 { stroke: #e6c300; stroke-dasharray: 6 6; }
.dot { stroke: none; }
"""

WIRE_COLOURS = {
    "v33": "#e67e22", "v5": "#d62728", "gnd": "#1a1a1a", "data": "#c9a400", "v24": "#c2185b",
    "v12": "#c2185b", "sigA": "#1f77b4", "sigB": "#2ca02c", "sigC": "#9467bd", "sigD": "#17becf",
    "mainsL": "#8b4513", "mainsN": "#1f4fd1", "pe": "#2e9e2e",
}  # fmt: skip


def _n(v: float) -> str:
    """A coordinate as short, stable text."""
    return f"{round(v, 1):g}"


@dataclass
class Svg:
    """An SVG document being drawn: elements are appended in drawing order."""

    width: int
    height: int
    title: str
    desc: str
    parts: list[str] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, cls: str, rx: float = 6) -> None:
        self.parts.append(
            f'<rect class="{cls}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(rx)}"/>'
        )

    def text(self, x: float, y: float, s: str, cls: str = "", anchor: str = "start") -> None:
        c = f' class="{cls}"' if cls else ""
        a = f' text-anchor="{anchor}"' if anchor != "start" else ""
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}"{c}{a}>{escape(s)}</text>')

    def lines(
        self, x: float, y: float, rows: Iterable[str], cls: str = "small", step: float = 15, anchor: str = "start"
    ) -> float:
        """Several lines of text; returns the y below the last one."""
        for row in rows:
            self.text(x, y, row, cls, anchor)
            y += step
        return y

    def wire(self, colour: str, *pts: Point) -> None:
        """An orthogonal wire through the given points (``colour`` is a class in STYLE)."""
        d = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        if colour == "pe":  # protective earth: green with a yellow stripe
            self.parts.append(f'<polyline class="wire pe" points="{d}"/>')
            self.parts.append(f'<polyline class="wire pe2" points="{d}"/>')
        else:
            self.parts.append(f'<polyline class="wire {colour}" points="{d}"/>')

    def pipe(self, *pts: Point) -> None:
        d = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        self.parts.append(f'<polyline class="pipe" points="{d}"/>')

    def dot(self, p: Point, colour: str = "gnd", r: float = 4) -> None:
        """A joint: wires that meet at a dot are connected."""
        self.parts.append(
            f'<circle class="dot" cx="{_n(p[0])}" cy="{_n(p[1])}" r="{_n(r)}" fill="{WIRE_COLOURS[colour]}"/>'
        )

    def terminal(self, p: Point) -> None:
        """A screw terminal or header pin (open circle)."""
        self.parts.append(f'<circle class="sym" cx="{_n(p[0])}" cy="{_n(p[1])}" r="4"/>')

    def raw(self, element: str) -> None:
        self.parts.append(element)

    def render(self) -> str:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}">\n'
            f"<title>{escape(self.title)}</title>\n<desc>{escape(self.desc)}</desc>\n"
            f"<style>{STYLE}</style>\n"
            f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="#ffffff"/>\n'
        )
        return head + "\n".join(self.parts) + "\n</svg>\n"


# --- parts ------------------------------------------------------------------------------------


def gpio(bcm: int) -> str:
    """'GPIO17 (pin 11)': the BCM name and the physical header pin."""
    return f"GPIO{bcm} (pin {HEADER_PIN[bcm]})"


def pi_header(svg: Svg, x: float, y: float, rows: Sequence[str], w: float = 200) -> dict[str, Point]:
    """The Raspberry Pi with the header pins used, one per row 40 px apart, the first at y + 72.

    Returns each pin's point, keyed by the first word of its row ('5V', 'GPIO17', 'GND').
    """
    h = 62 + 40 * len(rows)
    svg.rect(x, y, w, h, "pi")
    svg.text(x + 12, y + 24, "Raspberry Pi", "h")
    svg.text(x + 12, y + 42, "40-pin header, BCM names", "small")
    pts: dict[str, Point] = {}
    for i, row in enumerate(rows):
        py = y + 72 + 40 * i
        svg.text(x + w - 12, py + 4, row, "pin", anchor="end")
        pts[row.split(" ")[0]] = (x + w, py)
        svg.terminal((x + w, py))
    return pts


def module(
    svg: Svg,
    x: float,
    y: float,
    w: float,
    h: float,
    heading: Sequence[str],
    left: Sequence[tuple[str, float]] = (),
    right: Sequence[tuple[str, float]] = (),
    bottom: Sequence[tuple[str, float]] = (),
    cls: str = "part",
) -> dict[str, Point]:
    """A box with a heading and named terminals on its edges.

    Terminal offsets are from the top (left/right edges) or from the left (bottom edge).
    """
    svg.rect(x, y, w, h, cls)
    for i, line in enumerate(heading):
        svg.text(x + w / 2, y + 20 + 16 * i, line, "h" if i == 0 else "small", anchor="middle")
    pts: dict[str, Point] = {}
    for name, dy in left:
        pts[name] = (x, y + dy)
        svg.text(x + 10, y + dy + 4, name, "pin")
    for name, dy in right:
        pts[name] = (x + w, y + dy)
        svg.text(x + w - 10, y + dy + 4, name, "pin", anchor="end")
    for name, dx in bottom:
        pts[name] = (x + dx, y + h)
        svg.text(x + dx, y + h - 10, name, "pin", anchor="middle")
    for p in pts.values():
        svg.terminal(p)
    return pts


def supply(
    svg: Svg,
    x: float,
    y: float,
    w: float,
    heading: Sequence[str],
    plus_dx: float,
    minus_dx: float,
    minus_below: bool = False,
) -> Point:
    """A DC power supply 58 px tall, + on its top edge, − on top or bottom; returns their x positions."""
    svg.rect(x, y, w, 58, "part")
    for i, line in enumerate(heading):
        svg.text(x + w / 2, y + 32 + 16 * i, line, "h" if i == 0 else "small", anchor="middle")
    svg.terminal((x + plus_dx, y))
    svg.text(x + plus_dx + 8, y + 16, "+", "h")
    my = y + 58 if minus_below else y
    svg.terminal((x + minus_dx, my))
    svg.text(x + minus_dx + 8, my + (-6 if minus_below else 16), "−", "h")
    return (x + plus_dx, x + minus_dx)


def resistor_v(svg: Svg, x: float, y1: float, y2: float, top: str, bottom: str) -> None:
    """A resistor drawn vertically between y1 and y2 (IEC box symbol) with its leads."""
    mid = (y1 + y2) / 2
    svg.wire(top, (x, y1), (x, mid - 16))
    svg.wire(bottom, (x, mid + 16), (x, y2))
    svg.rect(x - 7, mid - 16, 14, 32, "sym", rx=2)


def inline_h(svg: Svg, x: float, y: float, w: float, label: str) -> None:
    """A fuse or thermal cut-off sitting on a horizontal wire, centred at (x, y), label above."""
    svg.rect(x - w / 2, y - 7, w, 14, "sym", rx=2)
    svg.raw(f'<line class="wire gnd" x1="{_n(x - w / 2)}" y1="{_n(y)}" x2="{_n(x + w / 2)}" y2="{_n(y)}"/>')
    svg.text(x, y - 13, label, "small", anchor="middle")


def fuse_v(svg: Svg, x: float, y: float, label: str) -> None:
    """A fuse sitting on a vertical wire, centred at (x, y), short label to the right."""
    svg.rect(x - 7, y - 16, 14, 32, "sym", rx=2)
    svg.raw(f'<line class="wire gnd" x1="{_n(x)}" y1="{_n(y - 16)}" x2="{_n(x)}" y2="{_n(y + 16)}"/>')
    svg.text(x + 11, y + 4, label, "small")


def diode_v(svg: Svg, x: float, y_cathode: float, y_anode: float) -> None:
    """A diode between two horizontal wires, band (cathode) up: the + side."""
    mid = (y_cathode + y_anode) / 2
    svg.wire("gnd", (x, y_cathode), (x, y_anode))
    svg.raw(
        f'<polygon class="symfill" points="{_n(x - 8)},{_n(mid + 7)} {_n(x + 8)},{_n(mid + 7)} {_n(x)},{_n(mid - 7)}"/>'
    )
    svg.raw(f'<line class="wire gnd" x1="{_n(x - 9)}" y1="{_n(mid - 8)}" x2="{_n(x + 9)}" y2="{_n(mid - 8)}"/>')
    svg.dot((x, y_cathode))
    svg.dot((x, y_anode))


def contact(svg: Svg, com: Point, throw_x: float, name: str, no_label_inside: bool = False) -> dict[str, Point]:
    """A relay changeover contact at rest: COM at ``com``, NO above and NC below at ``throw_x``.

    The blade rests on NC (relay off). ``throw_x`` may be left or right of COM. Terminal names
    sit on the far side of the terminals, or for NO on the COM side when a wire leaves outwards.
    """
    x, y = com
    no, nc = (throw_x, y - 40), (throw_x, y + 40)
    tip = (throw_x + (4 if throw_x < x else -4), y + 36)
    svg.raw(f'<line class="wire gnd" x1="{_n(x)}" y1="{_n(y)}" x2="{_n(tip[0])}" y2="{_n(tip[1])}"/>')
    for p in (com, no, nc):
        svg.terminal(p)
    side, anchor = (-10, "end") if throw_x < x else (10, "start")
    if no_label_inside:
        svg.text(throw_x - side, y - 36, "NO", "small", anchor="start" if anchor == "end" else "end")
    else:
        svg.text(throw_x + side, y - 36, "NO", "small", anchor=anchor)
    svg.text(throw_x + side, y + 44, "NC", "small", anchor=anchor)
    svg.text(x, y - 12, "COM", "small", anchor="middle")
    svg.text((x + throw_x) / 2, y - 62, name, "small", anchor="middle")
    return {"COM": com, "NO": no, "NC": nc}


def zone(svg: Svg, x: float, y: float, w: float, h: float, mains: bool, label: str) -> None:
    svg.rect(x, y, w, h, "zone-mains" if mains else "zone-lv", rx=10)
    svg.text(x + 12, y + 20, label, "warn" if mains else "h")


def legend(svg: Svg, x: float, y: float, entries: Sequence[tuple[str, str]], per_row: int = 4) -> None:
    """Wire colours: one short sample line and a name per entry."""
    for i, (colour, name) in enumerate(entries):
        cx = x + (i % per_row) * 235
        cy = y + (i // per_row) * 20
        svg.wire(colour, (cx, cy - 4), (cx + 28, cy - 4))
        svg.text(cx + 36, cy, name, "small")


def title(svg: Svg, heading: str, sub: str) -> None:
    svg.text(20, 34, heading, "title")
    svg.text(20, 56, sub, "sub")


def relay_board(svg: Svg, x: float, y: float, channels: Sequence[tuple[int, str]], h: float) -> dict[str, Point]:
    """The optocoupled relay board's low-voltage side.

    VCC at y + 72 and one IN per channel 40 px below it (the Pi header's rows, so wires run
    straight); each channel's NO and COM on the right; JD-VCC and GND at the bottom.
    """
    left = [("VCC", 72.0)] + [(f"IN{ch}", 112.0 + 40 * i) for i, (ch, _) in enumerate(channels)]
    right: list[tuple[str, float]] = []
    for i, (ch, _) in enumerate(channels):
        right += [(f"NO{ch}", 112.0 + 40 * i), (f"COM{ch}", 132.0 + 40 * i)]
    pts = module(
        svg,
        x,
        y,
        210,
        h,
        ["Relay board", "optocoupled, JD-VCC jumper off"],
        left=left,
        right=right,
        bottom=[("JD-VCC", 60), ("GND", 150)],
    )
    for i, (_, what) in enumerate(channels):
        svg.text(x + 105, y + 116 + 40 * i, what, "small", anchor="middle")
    return pts


def relay_supply(svg: Svg, board: dict[str, Point], y: float) -> None:
    """The separate 5 V supply for the relay coils, under the board, wired to JD-VCC and GND."""
    jd, gnd = board["JD-VCC"], board["GND"]
    supply(svg, jd[0] - 40, y, gnd[0] - jd[0] + 80, ["5 V supply", "relay coils, 1 A"], 40, gnd[0] - jd[0] + 40)
    svg.wire("v5", jd, (jd[0], y))
    svg.wire("gnd", gnd, (gnd[0], y))


# --- the diagrams -------------------------------------------------------------------------------


class CannotDrawError(Exception):
    """This config has nothing this drawing can show (e.g. no glycol fermenter)."""


def _output(cfg: Config, name: str | None) -> tuple[str, OutputConfig]:
    if name is None or name not in cfg.outputs:
        raise CannotDrawError(f"config: output {name!r} is missing")
    return name, cfg.outputs[name]


def _fermenter(cfg: Config, rig: Rig) -> tuple[str, FermenterConfig]:
    for fid, f in cfg.fermenters.items():
        if f.rig is rig:
            return fid, f
    raise CannotDrawError(f"config: no fermenter with rig = {rig.value!r}")


def _level(out: OutputConfig) -> str:
    return "active-high" if out.active_high else "active-low"


def _wrap(s: str, width: int) -> list[str]:
    """Split a short description into lines of at most ``width`` characters (at spaces)."""
    lines: list[str] = []
    for word in s.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def one_wire_bus(cfg: Config) -> Svg:
    """DS18B20 probes on GPIO 4 with the 4.7 kΩ pull-up."""
    probes = list(cfg.probes.items())
    spacing = 125
    width = max(1000, 470 + spacing * len(probes))
    svg = Svg(
        width,
        597,
        "1-wire bus: DS18B20 probes",
        f"Raspberry Pi 3V3, GPIO{ONE_WIRE_GPIO} and GND run to every probe; "
        "one 4.7 kΩ resistor joins 3V3 and the data line.",
    )
    title(svg, f"1-wire bus: every DS18B20 probe on GPIO{ONE_WIRE_GPIO}", "Powered mode: 3 wires to each probe.")
    svg.rect(250, 100, 150, 190, "zone-lv", rx=8)
    svg.text(258, 282, "junction: terminal block", "small")
    pi = pi_header(svg, 20, 80, ["3V3 (pin 1)", gpio(ONE_WIRE_GPIO), "GND (pin 9)"])
    y33, yd, yg = pi["3V3"][1], pi[f"GPIO{ONE_WIRE_GPIO}"][1], pi["GND"][1]
    end = width - 30
    svg.wire("v33", pi["3V3"], (end, y33))
    svg.wire("data", pi[f"GPIO{ONE_WIRE_GPIO}"], (end, yd))
    svg.wire("gnd", pi["GND"], (end, yg))
    rx = 300  # the pull-up, at the Pi end of the bus
    resistor_v(svg, rx, y33, yd, "v33", "data")
    svg.dot((rx, y33), "v33")
    svg.dot((rx, yd), "data")
    svg.text(rx + 14, (y33 + yd) / 2 + 4, "4.7 kΩ", "h")
    svg.text(415, y33 - 12, "bus cable, e.g. Cat5e: data and GND on one twisted pair", "small")
    for i, (name, probe) in enumerate(probes):
        px = 470 + spacing * i
        top = yg + 70
        svg.wire("v33", (px - 12, y33), (px - 12, top), (px - 4, top + 10))
        svg.wire("data", (px, yd), (px, top + 10))
        svg.wire("gnd", (px + 12, yg), (px + 12, top), (px + 4, top + 10))
        svg.dot((px - 12, y33), "v33")
        svg.dot((px, yd), "data")
        svg.dot((px + 12, yg), "gnd")
        svg.raw(f'<path class="probe" d="M{_n(px - 9)},{_n(top + 10)} h18 v70 a9,9 0 0 1 -18,0 z"/>')
        svg.text(px, top + 108, name, "h", anchor="middle")
        svg.text(px, top + 124, probe.id, "small", anchor="middle")
        svg.lines(px, top + 139, _wrap(probe.description, 18), step=14, anchor="middle")
    for i, row in enumerate(
        [
            "Each probe: red wire = VDD to 3V3, yellow (or white) = DATA, black = GND. "
            "Colours vary by maker: check the sheet.",
            "One 4.7 kΩ resistor for the whole bus, at the Pi end. "
            "Never 5 V on this bus: the Pi's pins take 3.3 V at most.",
            f"Enable it: add dtoverlay=w1-gpio,gpiopin={ONE_WIRE_GPIO} to /boot/firmware/config.txt, then reboot.",
            "List the probes and their ids: brewctl sensors",
            "A dot joins wires; wires that cross without a dot are not connected.",
        ]
    ):
        svg.text(20, 490 + 17 * i, row, "small")
    legend(svg, 20, 582, [("v33", "3V3 (probe VDD)"), ("data", "1-wire DATA"), ("gnd", "GND")])
    return svg


def chest_freezer(cfg: Config) -> Svg:
    """A heat + cool chamber: compressor through a contactor, heater through an SSR."""
    fid, f = _fermenter(cfg, Rig.HEAT_COOL)
    cool_name, cool = _output(cfg, f.cooler)
    heat_name, heat = _output(cfg, f.heater)
    if cool.pin is None or heat.pin is None:
        raise CannotDrawError("config: the heat-cool diagram needs single-pin heater and cooler outputs")
    svg = Svg(
        1180,
        880,
        f"{fid}: chest freezer with heater",
        f"GPIO{cool.pin} drives relay-board channel 1, which switches 24 V to a contactor coil for the compressor; "
        f"GPIO{heat.pin} drives a solid-state relay for the heater. Mains stays in the right-hand zone.",
    )
    title(
        svg,
        f"{f.name or fid}: heat + cool (rig = heat-cool)",
        "Compressor through a contactor, heater through an SSR. The Pi's side sees 24 V at most.",
    )
    zone(svg, 10, 70, 655, 700, False, "Low voltage: 3.3 V, 5 V, 24 V")
    zone(svg, 675, 70, 495, 700, True, "MAINS: qualified electrician only")
    pi = pi_header(svg, 24, 110, ["5V (pin 2)", gpio(cool.pin), gpio(heat.pin), "GND (pin 14)"])
    board = relay_board(svg, 300, 110, [(1, f"outputs.{cool_name}")], 220)
    svg.text(405, 238, _level(cool), "small", anchor="middle")
    svg.wire("v5", pi["5V"], board["VCC"])
    svg.wire("sigA", pi[f"GPIO{cool.pin}"], board["IN1"])
    relay_supply(svg, board, 370)

    # 24 V contactor coil circuit
    plus_x, minus_x = supply(svg, 300, 470, 210, ["24 V DC supply", "contactor coil"], 150, 185)
    k1 = module(
        svg,
        590,
        160,
        160,
        160,
        ["K1 contactor", "24 V DC coil", "AC-3, ≥ compressor"],
        left=[("A1", 62), ("A2", 125)],
        right=[("1/L1", 62), ("2/T1", 125)],
    )
    svg.wire("v24", board["NO1"], k1["A1"])
    svg.wire("v24", (plus_x, 470), (plus_x, 440), (530, 440), (530, board["COM1"][1]), board["COM1"])
    fuse_v(svg, 530, 300, "F3")
    svg.wire("gnd", (minus_x, 470), (minus_x, 455), (560, 455), (560, k1["A2"][1]), k1["A2"])
    diode_v(svg, 575, k1["A1"][1], k1["A2"][1])
    svg.text(585, 344, "D1 1N4007", "small")

    # heater SSR
    ssr = module(
        svg,
        590,
        560,
        160,
        120,
        ["SSR, zero-cross", "DC in, AC out", "on a heatsink"],
        left=[("3 +", 75), ("4 −", 100)],
        right=[("1", 75), ("2", 100)],
    )
    sig, gnd = pi[f"GPIO{heat.pin}"], pi["GND"]
    svg.wire("sigB", sig, (250, sig[1]), (250, ssr["3 +"][1]), ssr["3 +"])
    svg.wire("gnd", gnd, (235, gnd[1]), (235, ssr["4 −"][1]), ssr["4 −"])
    svg.text(265, ssr["3 +"][1] - 8, f"outputs.{heat_name}: {_level(heat)}, period {heat.period_s:g} s", "small")

    # mains side
    sup = module(
        svg,
        1000,
        90,
        155,
        110,
        ["Mains in", "via RCD 30 mA", "and breaker"],
        left=[("L", 60), ("N", 80), ("PE", 100)],
        cls="box",
    )
    freezer = module(
        svg,
        1000,
        222,
        155,
        110,
        ["Freezer socket", "compressor"],
        left=[("L", 63), ("N", 83), ("PE", 103)],
        cls="box",
    )
    heater = module(
        svg,
        1000,
        600,
        155,
        110,
        ["Heater socket", "25-100 W heater"],
        left=[("L", 60), ("N", 80), ("PE", 100)],
        cls="box",
    )
    xl, xn, xpe = 800, 840, 880
    svg.wire("mainsL", sup["L"], (xl, sup["L"][1]), (xl, ssr["1"][1]))
    svg.wire("mainsN", sup["N"], (xn, sup["N"][1]), (xn, heater["N"][1]), heater["N"])
    svg.wire("pe", sup["PE"], (xpe, sup["PE"][1]), (xpe, heater["PE"][1]), heater["PE"])
    svg.wire("mainsL", (xl, k1["1/L1"][1]), k1["1/L1"])
    svg.dot((xl, k1["1/L1"][1]), "mainsL")
    inline_h(svg, 775, k1["1/L1"][1], 28, "F1")
    svg.wire("mainsL", (xl, ssr["1"][1]), ssr["1"])
    inline_h(svg, 775, ssr["1"][1], 28, "F2")
    svg.wire("mainsL", k1["2/T1"], (960, k1["2/T1"][1]), (960, freezer["L"][1]), freezer["L"])
    svg.wire("mainsN", (xn, freezer["N"][1]), freezer["N"])
    svg.wire("pe", (xpe, freezer["PE"][1]), freezer["PE"])
    svg.dot((xn, freezer["N"][1]), "mainsN")
    svg.dot((xpe, freezer["PE"][1]), "pe")
    svg.wire("mainsL", ssr["2"], heater["L"])
    inline_h(svg, 940, heater["L"][1], 44, "TCO")
    svg.lines(
        690,
        718,
        [
            "F1: freezer fuse, e.g. 10 A. F2: heater, 2 A.",
            "TCO: thermal cut-off on the heater.",
            "Earth (PE) all metal and the SSR heatsink.",
            "Cords enter through cable glands.",
        ],
    )
    svg.lines(
        24,
        705,
        [
            f"GPIO{ONE_WIRE_GPIO} (pin 7): probes {f.beer_probe}, {f.chamber_probe} (see onewire.svg).",
            "Relay board: VCC from the Pi's 5V pin; its own GND pin stays free. F3: 1 A fuse.",
            "Dead Pi = no VCC = relays off. Channels 2-4: glycol.svg, motorized-valve.svg.",
            "SSR input must switch at 3 V and ≤ 10 mA, else add a transistor driver.",
        ],
    )
    legend(
        svg,
        20,
        800,
        [
            ("v5", "5 V"),
            ("v24", "24 V DC +"),
            ("gnd", "GND / 0 V"),
            ("sigA", f"GPIO{cool.pin} signal"),
            ("sigB", f"GPIO{heat.pin} signal"),
            ("mainsL", "mains L (live, brown)"),
            ("mainsN", "mains N (neutral, blue)"),
            ("pe", "PE (earth, green/yellow)"),
        ],
    )
    svg.text(20, 860, "A dot joins wires; wires that cross without a dot are not connected.", "small")
    return svg


def glycol(cfg: Config) -> Svg:
    """A glycol-jacketed conical: a 24 V normally-closed solenoid valve through a relay."""
    fid, f = _fermenter(cfg, Rig.GLYCOL)
    name, out = _output(cfg, f.valve)
    if out.pin is None:
        raise CannotDrawError("config: the glycol diagram needs a single-pin solenoid output")
    svg = Svg(
        1180,
        780,
        f"{fid}: glycol fermenter with a solenoid valve",
        f"GPIO{out.pin} drives relay-board channel 2, which switches 24 V DC to a normally-closed solenoid valve; "
        "a 1N4007 diode sits across the valve coil.",
    )
    title(
        svg,
        f"{f.name or fid}: glycol solenoid valve (rig = glycol)",
        "All low voltage. The chiller and pump plug into their own sockets and keep their own thermostat.",
    )
    zone(svg, 10, 70, 790, 580, False, "Low voltage: 3.3 V, 5 V, 24 V")
    pi = pi_header(svg, 24, 110, ["5V (pin 2)", gpio(out.pin)])
    svg.lines(24, 300, [f"GPIO{ONE_WIRE_GPIO} (pin 7): probe {f.beer_probe}:", "see onewire.svg"])
    board = relay_board(svg, 300, 110, [(2, f"outputs.{name}")], 220)
    svg.text(405, 238, _level(out), "small", anchor="middle")
    svg.wire("v5", pi["5V"], board["VCC"])
    svg.wire("sigC", pi[f"GPIO{out.pin}"], board["IN2"])
    relay_supply(svg, board, 370)
    plus_x, minus_x = supply(svg, 300, 480, 210, ["24 V DC supply", "valve coils"], 150, 185)

    # pipes first, so the valve box sits on top of them
    svg.pipe((880, 530), (750, 530), (750, 280))
    svg.pipe((780, 215), (880, 215))
    svg.pipe((1030, 180), (1100, 180), (1100, 620), (965, 620), (965, 560))
    # the bypass: back to the reservoir, so the pump never pushes against a closed valve
    svg.pipe((750, 360), (830, 360), (830, 495), (880, 495))
    svg.raw('<circle class="sym" cx="750" cy="420" r="20"/>')
    svg.raw('<polygon class="symfill" points="742,430 758,430 750,412"/>')
    svg.text(776, 424, "pump", "small")
    svg.text(838, 440, "bypass", "small")
    valve = module(
        svg,
        640,
        170,
        140,
        110,
        ["Solenoid valve", "NC, 24 V DC coil", "direct-acting"],
        left=[("+", 60), ("−", 95)],
    )
    svg.wire("v24", board["NO2"], (600, board["NO2"][1]), (600, valve["+"][1]), valve["+"])
    svg.wire("v24", (plus_x, 480), (plus_x, 450), (540, 450), (540, board["COM2"][1]), board["COM2"])
    fuse_v(svg, 540, 390, "F1")
    svg.wire("gnd", (minus_x, 480), (minus_x, 465), (580, 465), (580, valve["−"][1]), valve["−"])
    diode_v(svg, 620, valve["+"][1], valve["−"][1])
    svg.text(606, 252, "D1", "small", anchor="end")

    svg.rect(880, 470, 170, 90, "box")
    svg.lines(892, 494, ["Chiller + reservoir", "glycol about −2 °C", "own thermostat"], step=16)
    svg.raw('<path class="box" d="M880,120 h150 v150 l-60,70 h-30 l-60,-70 z"/>')
    svg.raw('<rect x="884" y="160" width="142" height="70" fill="#cfe3f3" stroke="#7fb3d5"/>')
    svg.text(955, 144, "Conical FV", "h", anchor="middle")
    svg.text(955, 200, "cooling jacket", "small", anchor="middle")
    svg.text(955, 258, f"thermowell: {f.beer_probe}", "small", anchor="middle")
    svg.text(1108, 400, "return", "small")
    svg.lines(
        820,
        646,
        [
            "Pipes in light blue. The valve is shut without",
            "power, so a dead Pi or a cut wire stops cooling.",
            "The bypass (or the chiller's own) keeps the pump",
            "from pushing against a closed valve.",
        ],
        step=14,
    )
    svg.lines(
        24,
        600,
        [
            "Relay board as in chest-freezer.svg: VCC from the Pi's 5V pin, its own GND pin free.",
            "F1: 1 A fuse. D1: a 1N4007 diode across the coil, band (cathode) to +; it absorbs the kick at turn-off.",
            "A MOSFET module plus D1 also works; then active_high = true in the config.",
        ],
    )
    legend(svg, 20, 712, [("v5", "5 V"), ("v24", "24 V DC +"), ("gnd", "GND / 0 V"), ("sigC", f"GPIO{out.pin} signal")])
    svg.text(20, 752, "A dot joins wires; wires that cross without a dot are not connected.", "small")
    return svg


def motorized_valve(cfg: Config) -> Svg:
    """A motorized ball valve: an open relay and a close relay, two ways to wire the valve."""
    fid, f = _fermenter(cfg, Rig.VALVE)
    name, out = _output(cfg, f.valve)
    if out.open_pin is None or out.close_pin is None:
        raise CannotDrawError("config: the valve diagram needs a motorized-valve output")
    op, cp = out.open_pin, out.close_pin
    svg = Svg(
        1180,
        905,
        f"{fid}: motorized ball valve",
        f"GPIO{op} drives the open relay (channel 3) and GPIO{cp} the close relay (channel 4). "
        "A 3-wire valve takes + on its open or close wire; a 2-wire valve is reversed by two changeover contacts.",
    )
    title(
        svg,
        f"{f.name or fid}: motorized ball valve (rig = valve)",
        f"outputs.{name}: open relay GPIO{op}, close relay GPIO{cp}, {_level(out)}, "
        f"travel_s = {out.travel_s:g}. All low voltage (12 or 24 V DC valve).",
    )
    zone(svg, 10, 70, 1160, 735, False, "Low voltage: 3.3 V, 5 V, 12/24 V")
    pi = pi_header(svg, 24, 110, ["5V (pin 2)", gpio(op), gpio(cp)])
    svg.lines(24, 330, [f"GPIO{ONE_WIRE_GPIO} (pin 7): probe {f.beer_probe}:", "see onewire.svg"])
    board = relay_board(svg, 300, 110, [(3, "open"), (4, "close")], 260)
    svg.text(405, 278, _level(out), "small", anchor="middle")
    svg.wire("v5", pi["5V"], board["VCC"])
    svg.wire("sigA", pi[f"GPIO{op}"], board["IN3"])
    svg.wire("sigD", pi[f"GPIO{cp}"], board["IN4"])
    relay_supply(svg, board, 410)
    svg.lines(
        24,
        520,
        [
            "The relay board's terminals NO3/COM3/NC3 and",
            "NO4/COM4/NC4 are the contacts drawn on the right",
            "(relays at rest: off). Wire the valve as A or B.",
            "",
            "brewctl never turns both relays on at once, and",
            "switches each one off after travel_s.",
        ],
    )

    # A: 3-wire valve (one common wire, an open wire and a close wire)
    svg.rect(560, 90, 595, 355, "box", rx=8)
    svg.text(575, 112, "A. 3-wire valve: + on 'open' opens it, + on 'close' closes it", "h")
    k3 = contact(svg, (650, 195), 710, f"relay 3, GPIO{op}: open", no_label_inside=True)
    k4 = contact(svg, (650, 320), 710, f"relay 4, GPIO{cp}: close", no_label_inside=True)
    va = module(svg, 960, 125, 170, 215, ["Valve", "3-wire"], left=[("open", 30), ("close", 155), ("common", 190)])
    px, mx = supply(svg, 585, 380, 200, ["12/24 V DC supply", "fused 2 A"], 30, 170)
    svg.wire("v12", (px, 380), (px, k3["COM"][1]), k3["COM"])
    svg.wire("v12", (px, k4["COM"][1]), k4["COM"])
    svg.dot((px, k4["COM"][1]), "v12")
    svg.wire("sigA", k3["NO"], va["open"])
    svg.wire("sigD", k4["NO"], va["close"])
    svg.wire("gnd", va["common"], (900, va["common"][1]), (900, 362), (mx, 362), (mx, 380))
    svg.text(790, 245, "NC terminals: not used", "small")

    # B: 2-wire valve reversed by two changeover contacts: an H-bridge that cannot short
    svg.rect(560, 460, 595, 330, "box", rx=8)
    svg.text(575, 482, "B. 2-wire valve: the polarity sets the direction", "h")
    top, bottom = 510, 770
    b3 = contact(svg, (800, 640), 750, f"relay 3, GPIO{op}: open")
    b4 = contact(svg, (1030, 640), 1080, f"relay 4, GPIO{cp}: close")
    vb = module(svg, 840, 605, 150, 70, ["Valve", "2-wire"], left=[("A", 35)], right=[("B", 35)])
    sp, sm = supply(svg, 580, 660, 130, ["12/24 V", "DC, fused"], 30, 100, minus_below=True)
    svg.wire("v12", (sp, 660), (sp, top), (b4["NO"][0], top), b4["NO"])
    svg.wire("v12", (b3["NO"][0], top), b3["NO"])
    svg.dot((b3["NO"][0], top), "v12")
    svg.wire("gnd", (sm, 718), (sm, bottom), (b4["NC"][0], bottom), b4["NC"])
    svg.wire("gnd", (b3["NC"][0], bottom), b3["NC"])
    svg.dot((b3["NC"][0], bottom), "gnd")
    svg.wire("sigA", b3["COM"], vb["A"])
    svg.wire("sigD", b4["COM"], vb["B"])
    svg.text(915, 504, "+ rail", "small", anchor="middle")
    svg.text(915, 784, "0 V rail", "small", anchor="middle")
    svg.lines(
        850,
        700,
        ["Both relays off (or both on):", "A and B sit at the same level,", "the motor stops. No short."],
        step=14,
    )
    svg.lines(
        24,
        830,
        [
            "Choose a valve that stays where it is when power is removed "
            "(not the 'auto-return' or 'power + signal' kinds).",
            f"Time a full open-to-closed move with a watch and set travel_s (here {out.travel_s:g} s) a little longer.",
        ],
        step=17,
    )
    legend(
        svg,
        20,
        885,
        [
            ("v5", "5 V"),
            ("v12", "valve supply +"),
            ("gnd", "0 V"),
            ("sigA", f"GPIO{op} / open"),
            ("sigD", f"GPIO{cp} / close"),
        ],
        per_row=5,
    )
    return svg


#: file name -> drawing function
DIAGRAMS: dict[str, Callable[[Config], Svg]] = {
    "onewire.svg": one_wire_bus,
    "chest-freezer.svg": chest_freezer,
    "glycol.svg": glycol,
    "motorized-valve.svg": motorized_valve,
}


def render_all(cfg: Config) -> dict[str, str]:
    """Every diagram as SVG text, keyed by file name (raises ``CannotDrawError`` if one cannot be drawn)."""
    return {name: draw(cfg).render() for name, draw in DIAGRAMS.items()}


def render_available(cfg: Config) -> tuple[dict[str, str], dict[str, str]]:
    """The diagrams this config can show, and why each of the others is skipped."""
    drawn: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for name, draw in DIAGRAMS.items():
        try:
            drawn[name] = draw(cfg).render()
        except CannotDrawError as exc:
            skipped[name] = str(exc)
    return drawn, skipped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--config", type=Path, default=None, help="config file (default: the example)")
    parser.add_argument("--out", type=Path, default=None, help="folder to write the .svg files to")
    args = parser.parse_args(argv)
    if args.config is not None and args.out is None:
        parser.error("with --config, give --out too: the drawings in this folder are the example's")
    try:
        cfg = load_config(args.config or EXAMPLE_CONFIG)
    except UserError as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 2
    drawn, skipped = render_available(cfg)
    out: Path = args.out or HERE
    out.mkdir(parents=True, exist_ok=True)
    for name, text in drawn.items():
        (out / name).write_text(text, encoding="utf-8")
        print(out / name)
    for name, why in skipped.items():
        print(f"skipped {name}: {why}", file=sys.stderr)
    return 0 if drawn else 1


if __name__ == "__main__":
    sys.exit(main())
