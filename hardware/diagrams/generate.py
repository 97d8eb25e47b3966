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
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from brewctl.config import Config, FermenterConfig, OutputConfig, OutputKind, Rig, load_config
from brewctl.drivers.outputs import Channel, output_channels
from brewctl.errors import UserError
from brewctl.pins import HEADER_PIN, pin_problems

__all__ = ["DIAGRAMS", "HEADER_PIN", "CannotDrawError", "main", "render_all", "render_available"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EXAMPLE_CONFIG = REPO / "config.example.toml"

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
.v33 { stroke: #d62728; } .v5 { stroke: #e67e22; } .gnd { stroke: #1a1a1a; } .data { stroke: #c9a400; }
.v24 { stroke: #c2185b; } .v12 { stroke: #c2185b; }
.sigA { stroke: #1f77b4; } .sigB { stroke: #2ca02c; } .sigC { stroke: #9467bd; } .sigD { stroke: #17becf; }
.sigE { stroke: #7f7f7f; } .sigF { stroke: #bcbd22; } .sigG { stroke: #393b79; } .sigH { stroke: #637939; }
.sigI { stroke: #5254a3; }
.mainsL { stroke: #8b4513; } .mainsN { stroke: #1f4fd1; }
.pe { stroke: #2e9e2e; } .pe2 { stroke: #e6c300; stroke-dasharray: 6 6; }
.dot { stroke: none; }
.zone-out { fill: #fafafa; stroke: #999; stroke-width: 1.5; stroke-dasharray: 4 4; }
.cord { fill: none; stroke: #555; stroke-width: 7; stroke-linecap: round; }
"""

WIRE_COLOURS = {
    "v33": "#d62728", "v5": "#e67e22", "gnd": "#1a1a1a", "data": "#c9a400", "v24": "#c2185b",
    "v12": "#c2185b", "sigA": "#1f77b4", "sigB": "#2ca02c", "sigC": "#9467bd", "sigD": "#17becf",
    "sigE": "#7f7f7f", "sigF": "#bcbd22", "sigG": "#393b79", "sigH": "#637939", "sigI": "#5254a3",
    "mainsL": "#8b4513", "mainsN": "#1f4fd1", "pe": "#2e9e2e",
}  # fmt: skip


def _n(v: float) -> str:
    """A coordinate as short, stable text."""
    return f"{round(v, 1):g}"


@dataclass
class Svg:
    """An SVG document being drawn: elements are appended in drawing order.

    Wires are remembered as segments. Where two wires cross without a joint, ``render`` draws
    a hop (the horizontal wire jumps over the vertical one), so a crossing never looks like a
    connection; ``undotted_joints`` lists T-junctions drawn without a dot (a drawing error).
    """

    width: int
    height: int
    title: str
    desc: str
    parts: list[str] = field(default_factory=list)
    segments: list[tuple[str, Point, Point]] = field(default_factory=list)
    dots: set[Point] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    """Drawn in red under the drawing (the pin rules' warnings for the outputs shown)."""

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

    def wire(self, colour: str, *pts: Point, track: bool = True) -> None:
        """An orthogonal wire through the given points (``colour`` is a class in STYLE)."""
        d = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        if colour == "pe":  # protective earth: green with a yellow stripe
            self.parts.append(f'<polyline class="wire pe" points="{d}"/>')
            self.parts.append(f'<polyline class="wire pe2" points="{d}"/>')
        else:
            self.parts.append(f'<polyline class="wire {colour}" points="{d}"/>')
        if track:
            self.segments += [(colour, a, b) for a, b in itertools.pairwise(pts) if a != b]

    def pipe(self, *pts: Point) -> None:
        d = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        self.parts.append(f'<polyline class="pipe" points="{d}"/>')

    def dot(self, p: Point, colour: str = "gnd", r: float = 4) -> None:
        """A joint: wires that meet at a dot are connected."""
        self.dots.add(p)
        self.parts.append(
            f'<circle class="dot" cx="{_n(p[0])}" cy="{_n(p[1])}" r="{_n(r)}" fill="{WIRE_COLOURS[colour]}"/>'
        )

    def terminal(self, p: Point) -> None:
        """A screw terminal or header pin (open circle)."""
        self.parts.append(f'<circle class="sym" cx="{_n(p[0])}" cy="{_n(p[1])}" r="4"/>')

    def raw(self, element: str) -> None:
        self.parts.append(element)

    def crossings(self) -> list[tuple[Point, str, str]]:
        """Where a horizontal wire crosses a vertical one, both running through: (point, h, v colours)."""
        found = []
        for hc, (ax, ay), (bx, by) in self.segments:
            if ay != by:
                continue
            for vc, (cx, cy), (dx, dy) in self.segments:
                if cx != dx:
                    continue
                if min(ax, bx) < cx < max(ax, bx) and min(cy, dy) < ay < max(cy, dy) and (cx, ay) not in self.dots:
                    found.append(((cx, ay), hc, vc))
        return sorted(found)

    def undotted_joints(self) -> list[Point]:
        """Wire ends that land on the middle of another wire without a dot (a joint must have one)."""
        bad = set()
        ends = {p for _, a, b in self.segments for p in (a, b)}
        for _, (ax, ay), (bx, by) in self.segments:
            for px, py in ends:
                inside = (ay == by == py and min(ax, bx) < px < max(ax, bx)) or (
                    ax == bx == px and min(ay, by) < py < max(ay, by)
                )
                if inside and (px, py) not in self.dots:
                    bad.add((px, py))
        return sorted(bad)

    def _hops(self) -> list[str]:
        out = []
        for (x, y), hc, vc in self.crossings():
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="7" fill="#ffffff" stroke="none"/>')
            straight = f'x1="{_n(x)}" y1="{_n(y - 7)}" x2="{_n(x)}" y2="{_n(y + 7)}"'
            arc = f'd="M{_n(x - 7)},{_n(y)} A7,7 0 0 1 {_n(x + 7)},{_n(y)}"'
            for cls, lay in ((vc, "line"), (hc, "path")):
                layers = ["wire pe", "wire pe2"] if cls == "pe" else [f"wire {cls}"]
                for layer in layers:
                    element = "line" if lay == "line" else "path"
                    out.append(f'<{element} class="{layer}" {straight if lay == "line" else arc}/>')
        return out

    def render(self) -> str:
        height = self.height + (20 * len(self.warnings) + 12 if self.warnings else 0)
        warn = [
            f'<text x="20" y="{_n(self.height + 20 * i + 12)}" class="warn">{escape("WARNING: " + w)}</text>'
            for i, w in enumerate(self.warnings)
        ]
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{height}" '
            f'viewBox="0 0 {self.width} {height}">\n'
            f"<title>{escape(self.title)}</title>\n<desc>{escape(self.desc)}</desc>\n"
            f"<style>{STYLE}</style>\n"
            f'<rect x="0" y="0" width="{self.width}" height="{height}" fill="#ffffff"/>\n'
        )
        return head + "\n".join(self.parts + self._hops() + warn) + "\n</svg>\n"


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
    # Each sign on its terminal's outer side, so two terminals close together never share one.
    right = minus_below or minus_dx < plus_dx
    svg.text(x + plus_dx + (8 if right else -8), y + 16, "+", "h", anchor="start" if right else "end")
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
    """A fuse (or a heater's element) sitting on a horizontal wire, centred at (x, y), label above."""
    svg.rect(x - w / 2, y - 7, w, 14, "sym", rx=2)
    svg.raw(f'<line class="wire gnd" x1="{_n(x - w / 2)}" y1="{_n(y)}" x2="{_n(x + w / 2)}" y2="{_n(y)}"/>')
    svg.text(x, y - 13, label, "small", anchor="middle")


def nc_contact_h(svg: Svg, x: float, y: float, w: float, label: str, bg: str = "#eef5ff") -> None:
    """A thermostat's normally-closed contact on a horizontal wire, centred at (x, y), label above.

    Drawn as a switch (IEC: the blade rests on the fixed contact), never as a fuse's box, so a
    thermostat or thermal cut-off is not mistaken for a fuse; a small θ marks it thermal.
    """
    x1, x2 = x - w / 2, x + w / 2
    svg.raw(f'<rect x="{_n(x1 + 4)}" y="{_n(y - 4)}" width="{_n(w - 8)}" height="8" fill="{bg}" stroke="none"/>')
    svg.raw(f'<line class="wire gnd" x1="{_n(x2)}" y1="{_n(y)}" x2="{_n(x2)}" y2="{_n(y + 9)}"/>')
    svg.raw(f'<line class="wire gnd" x1="{_n(x1)}" y1="{_n(y)}" x2="{_n(x2 + 4)}" y2="{_n(y + 9)}"/>')
    for px in (x1, x2):
        svg.raw(f'<circle class="sym" cx="{_n(px)}" cy="{_n(y)}" r="3"/>')
    svg.text(x1 + 2, y + 19, "θ", "small")
    svg.text(x, y - 10, label, "small", anchor="middle")


def rcd_q1(svg: Svg, inlet: dict[str, Point]) -> None:
    """Q1, the 30 mA RCBO, on the inlet's L and N (both poles) before the buses: drawn after the wires."""
    x = inlet["L"][0] - 22
    top, bottom = inlet["L"][1] - 9, inlet["N"][1] + 9
    svg.rect(x - 10, top, 20, bottom - top, "sym", rx=2)
    svg.text(x, top - 5, "Q1", "small", anchor="middle")


def fuse_v(svg: Svg, x: float, y: float, label: str, left: bool = False) -> None:
    """A fuse sitting on a vertical wire, centred at (x, y), short label to the right (or left)."""
    svg.rect(x - 7, y - 16, 14, 32, "sym", rx=2)
    svg.raw(f'<line class="wire gnd" x1="{_n(x)}" y1="{_n(y - 16)}" x2="{_n(x)}" y2="{_n(y + 16)}"/>')
    svg.text(x - 11 if left else x + 11, y + 4, label, "small", anchor="end" if left else "start")


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


def contact(
    svg: Svg, com: Point, throw_x: float, name: str, no_label_inside: bool = False, suffix: str = ""
) -> dict[str, Point]:
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
        svg.text(throw_x - side, y - 36, "NO" + suffix, "small", anchor="start" if anchor == "end" else "end")
    else:
        svg.text(throw_x + side, y - 36, "NO" + suffix, "small", anchor=anchor)
    svg.text(throw_x + side, y + 44, "NC" + suffix, "small", anchor=anchor)
    svg.text(x, y - 12, "COM" + suffix, "small", anchor="middle")
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
        svg.wire(colour, (cx, cy - 4), (cx + 28, cy - 4), track=False)
        svg.text(cx + 36, cy, name, "small")


def title(svg: Svg, heading: str, sub: str) -> None:
    svg.text(20, 34, heading, "title")
    svg.text(20, 56, sub, "sub")


def relay_board(
    svg: Svg, x: float, y: float, channels: Sequence[tuple[int, str]], h: float, contacts: bool = True
) -> dict[str, Point]:
    """The optocoupled relay board's low-voltage side.

    VCC at y + 72 and one IN per channel 40 px below it (the Pi header's rows, so wires run
    straight); each channel's NO and COM on the right (unless ``contacts`` is false: then the
    drawing shows them elsewhere); JD-VCC and GND at the bottom.
    """
    left = [("VCC", 72.0)] + [(f"IN{ch}", 112.0 + 40 * i) for i, (ch, _) in enumerate(channels)]
    right: list[tuple[str, float]] = []
    for i, (ch, _) in enumerate(channels):
        if contacts:
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
    """The separate 5 V supply for the relay coils, under the board, wired to JD-VCC (through F4) and GND."""
    jd, gnd = board["JD-VCC"], board["GND"]
    supply(svg, jd[0] - 40, y, gnd[0] - jd[0] + 80, ["5 V supply", "relay coils, ≥ 1 A"], 40, gnd[0] - jd[0] + 40)
    svg.wire("v5", jd, (jd[0], y))
    fuse_v(svg, jd[0], (jd[1] + y) / 2, FUSE_LABEL["F4"])
    svg.wire("gnd", gnd, (gnd[0], y))
    svg.text(jd[0] - 40, y + 72, "AC in: mains through F3 (system.svg)", "small")


#: One fuse naming scheme for every drawing: name -> (value, wire, what it protects).
FUSES: dict[str, tuple[str, str, str]] = {
    "F1": ("10 A slow or C10 breaker", "1.5 mm² (US: 14 AWG)", "freezer"),
    "F2": ("2 A slow (T2A)", "1.5 mm² (US: 14 AWG)", "heater"),
    "F3": ("2 A slow (T2A)", "1.5 mm² (US: 14 AWG)", "DC supplies' mains feed"),
    "F4": ("1 A fast (F1A)", "0.5 mm² (20 AWG)", "5 V relay-coil supply +"),
    "F5": ("2 A fast (F2A)", "0.75 mm² (18 AWG)", "24 V supply + (coils, valves)"),
}
#: The short label drawn on each fuse symbol.
FUSE_LABEL = {"F1": "F1 10 A", "F2": "F2 2 A T", "F3": "F3 2 A T", "F4": "F4 1 A", "F5": "F5 2 A"}


def fuse_table(svg: Svg, x: float, y: float, names: Sequence[str]) -> float:
    """The value and wire size of each fuse drawn, one line each; returns the y below."""
    return svg.lines(x, y, [f"{n} {FUSES[n][0]}, wire {FUSES[n][1]}: {FUSES[n][2]}" for n in names])


def pe_symbol(svg: Svg, p: Point, down: bool = True) -> None:
    """A protective-earth connection: a green/yellow stub to the earth symbol (to the PE bar)."""
    x, y = p
    y2 = y + 14 if down else y - 14
    svg.wire("pe", p, (x, y2), track=False)
    s = 1 if down else -1
    for i, half in enumerate((9, 6, 3)):
        yy = y2 + s * 4 * i
        svg.raw(f'<line class="wire gnd" x1="{_n(x - half)}" y1="{_n(yy)}" x2="{_n(x + half)}" y2="{_n(yy)}"/>')


def cord(svg: Svg, *pts: Point) -> None:
    """An appliance cord with its plug (L, N and PE in one cable)."""
    d = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
    svg.raw(f'<polyline class="cord" points="{d}"/>')


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


def _warn_pins(svg: Svg, cfg: Config, names: Iterable[str]) -> None:
    """Add the pin rules' warnings (brewctl/pins.py) for the outputs this drawing shows."""
    shown = {n: cfg.outputs[n] for n in names}
    svg.warnings += [str(p) for p in pin_problems(shown)]


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
            "List the probes and their ids: brewctl sensors. About six probes per bus at a 5 s read period; "
            "more: a second bus.",
            "A dot joins wires; a wire that hops over another (a small arc) is not connected to it.",
        ]
    ):
        svg.text(20, 490 + 17 * i, row, "small")
    legend(svg, 20, 582, [("v33", "3V3 (probe VDD, red wire)"), ("data", "1-wire DATA"), ("gnd", "GND")])
    return svg


def chest_freezer(cfg: Config) -> Svg:
    """A heat + cool chamber: compressor through a contactor, heater through an SSR."""
    fid, f = _fermenter(cfg, Rig.HEAT_COOL)
    cool_name, cool = _output(cfg, f.cooler)
    heat_name, heat = _output(cfg, f.heater)
    if cool.pin is None or heat.pin is None:
        raise CannotDrawError("config: the heat-cool diagram needs single-pin heater and cooler outputs")
    svg = Svg(
        1400,
        1010,
        f"{fid}: chest freezer with heater",
        f"GPIO{cool.pin} drives relay-board channel 1, which switches 24 V to a contactor coil for the compressor; "
        f"GPIO{heat.pin} drives a solid-state relay for the heater. Mains stays in the right-hand zone; the "
        "thermal cut-off sits on the heater and a plug-in thermostat backs up the cooling.",
    )
    title(
        svg,
        f"{f.name or fid}: heat + cool (rig = heat-cool)",
        "Compressor through a contactor, heater through an SSR. The Pi's side sees 24 V at most.",
    )
    zone(svg, 10, 70, 650, 800, False, "Low voltage: 3.3 V, 5 V, 24 V")
    zone(svg, 670, 70, 440, 800, True, "MAINS: qualified electrician only")
    svg.rect(1120, 70, 270, 800, "zone-out", rx=10)
    svg.text(1132, 90, "Outside the enclosure", "h")
    pi = pi_header(svg, 24, 110, ["3V3 (pin 1)", gpio(cool.pin), gpio(heat.pin), "GND (pin 14)"])
    board = relay_board(svg, 320, 110, [(1, f"outputs.{cool_name}")], 220)
    svg.text(425, 238, _level(cool), "small", anchor="middle")
    svg.wire("v33", pi["3V3"], board["VCC"])
    svg.wire("sigA", pi[f"GPIO{cool.pin}"], board["IN1"])
    pull_up(svg, 290, board["VCC"][1], board["IN1"][1], "sigA")

    # the parts that join both worlds sit on the boundary: low voltage left, mains right
    k1 = module(
        svg, 590, 152, 170, 130, ["K1 contactor", "24 V DC coil", "AC-3 ≥ compressor"],
        left=[("A1", 70), ("A2", 105)], right=[("1/L1", 70), ("2/T1", 105)],
    )  # fmt: skip
    p24 = module(
        svg, 590, 305, 170, 100, ["24 V DC supply", "≥ 1.5 A, DIN rail"],
        left=[("−", 55), ("+", 80)], right=[("L", 50), ("N", 68)], bottom=[("PE", 150)],
    )  # fmt: skip
    p5 = module(
        svg, 590, 425, 170, 100, ["5 V DC supply", "relay coils, ≥ 1 A"],
        left=[("−", 55), ("+", 80)], right=[("L", 50), ("N", 68)], bottom=[("PE", 150)],
    )  # fmt: skip
    ssr = module(
        svg, 590, 560, 170, 150, ["SSR, zero-cross", "DC in, AC out", "earthed heatsink"],
        left=[("3 +", 85), ("4 −", 110)], right=[("1", 70), ("2", 105)], bottom=[("PE", 150)],
    )  # fmt: skip
    for part in (p24, p5, ssr):
        pe_symbol(svg, part["PE"])

    # 24 V contactor coil circuit
    svg.wire("gnd", p24["−"], (565, p24["−"][1]), (565, k1["A2"][1]), k1["A2"])
    svg.wire("v24", p24["+"], (548, p24["+"][1]), (548, board["COM1"][1]), board["COM1"])
    fuse_v(svg, 548, 357, FUSE_LABEL["F5"], left=True)
    svg.wire("v24", board["NO1"], k1["A1"])
    diode_v(svg, 578, k1["A1"][1], k1["A2"][1])
    svg.text(572, 276, "D1", "small", anchor="end")
    # 5 V relay-coil supply
    jd, bg = board["JD-VCC"], board["GND"]
    svg.wire("v5", jd, (jd[0], p5["+"][1]), p5["+"])
    inline_h(svg, 430, p5["+"][1], 26, FUSE_LABEL["F4"])
    svg.wire("gnd", bg, (bg[0], p5["−"][1]), p5["−"])

    # heater SSR, driven straight from the Pi
    sig, gnd = pi[f"GPIO{heat.pin}"], pi["GND"]
    svg.wire("sigB", sig, (250, sig[1]), (250, ssr["3 +"][1]), ssr["3 +"])
    svg.wire("gnd", gnd, (238, gnd[1]), (238, ssr["4 −"][1]), ssr["4 −"])
    svg.text(265, ssr["3 +"][1] - 8, f"outputs.{heat_name}: {_level(heat)}, period {heat.period_s:g} s", "small")

    # mains side: buses from the inlet, one fuse per circuit
    inlet = module(
        svg, 950, 95, 150, 100, ["Mains inlet", "Q1: RCBO 30 mA"],
        left=[("L", 40), ("N", 60), ("PE", 80)], cls="box",
    )  # fmt: skip
    freezer = module(svg, 950, 230, 150, 100, ["Freezer socket"], left=[("L", 45), ("N", 65), ("PE", 85)], cls="box")
    heater = module(svg, 950, 620, 150, 100, ["Heater socket"], left=[("L", 45), ("N", 65), ("PE", 85)], cls="box")
    xl, xn, xpe = 830, 870, 905
    svg.wire("mainsL", inlet["L"], (xl, inlet["L"][1]), (xl, ssr["1"][1]))
    svg.wire("mainsN", inlet["N"], (xn, inlet["N"][1]), (xn, heater["N"][1]), heater["N"])
    svg.wire("pe", inlet["PE"], (xpe, inlet["PE"][1]), (xpe, heater["PE"][1]), heater["PE"])
    svg.text(xpe + 6, 560, "PE bar", "small")
    rcd_q1(svg, inlet)
    for y, fuse in ((k1["1/L1"][1], "F1"), (ssr["1"][1], "F2"), (p24["L"][1], "F3")):
        svg.wire("mainsL", (xl, y), (760, y))
        svg.dot((xl, y), "mainsL")
        inline_h(svg, 797 if fuse != "F3" else 805, y, 26, FUSE_LABEL[fuse])
    svg.wire("mainsL", (775, p24["L"][1]), (775, p5["L"][1]), p5["L"])
    svg.dot((775, p24["L"][1]), "mainsL")
    for part in (p24, p5):
        svg.wire("mainsN", (xn, part["N"][1]), part["N"])
        svg.dot((xn, part["N"][1]), "mainsN")
    svg.wire("mainsL", k1["2/T1"], (920, k1["2/T1"][1]), (920, freezer["L"][1]), freezer["L"])
    svg.wire("mainsL", ssr["2"], heater["L"])
    for sock in (freezer, heater):
        svg.wire("mainsN", (xn, sock["N"][1]), sock["N"])
        svg.dot((xn, sock["N"][1]), "mainsN")
        svg.wire("pe", (xpe, sock["PE"][1]), sock["PE"])
        svg.dot((xpe, sock["PE"][1]), "pe")

    # outside: the backstop thermostat in the freezer's cord, the cut-off on the heater
    cord(svg, (1100, 280), (1140, 280))
    module(
        svg, 1140, 225, 120, 125, ["TS1", "plug-in", "thermostat", "cooling outlet", "probe on the FV"], cls="box"
    )  # fmt: skip
    cord(svg, (1260, 280), (1285, 280))
    module(svg, 1285, 225, 95, 125, ["Freezer", "compressor", "own thermostat", "at warmest"], cls="box")
    svg.lines(
        1132,
        375,
        [
            "TS1: independent low-temperature",
            "backstop. Set it to cut the freezer",
            "off a few degrees below your coldest",
            "setpoint (e.g. −1 °C). K1 welded on",
            "= cooling stops at TS1, beer not frozen.",
        ],
        step=14,
    )
    cord(svg, (1100, 675), (1130, 675))
    svg.rect(1130, 590, 255, 190, "zone-out", rx=8)
    svg.text(1140, 608, "Heater (in the freezer)", "h")
    svg.rect(1130, 640, 14, 95, "sym", rx=2)  # the plug / connector
    svg.wire("mainsL", (1144, 650), (1360, 650), (1360, 700))
    svg.wire("mainsN", (1360, 700), (1144, 700))
    svg.wire("pe", (1144, 725), (1170, 725))
    nc_contact_h(svg, 1195, 650, 40, "TCO 55 °C NC", bg="#fafafa")
    inline_h(svg, 1295, 650, 90, "heater 25-100 W")
    svg.raw('<path class="wire gnd" style="stroke-dasharray: 4 4; stroke-width: 1.5" d="M1195,660 v20 h100 v-20"/>')
    svg.text(1245, 694, "clamped together", "small", anchor="middle")
    svg.text(1176, 729, "PE to the heater's metal", "small")
    svg.lines(
        1150,
        748,
        ["The TCO senses the heater itself: an SSR", "failed shorted still cannot overheat it."],
        step=13,
    )

    fuse_table(svg, 680, 750, ["F1", "F2", "F3"])
    svg.lines(
        680,
        805,
        [
            "Earth symbol: its own green/yellow wire to the PE bar.",
            "Earth the inlet, sockets, supplies, SSR heatsink, DIN rail.",
            "Cords enter through glands. Reversible plug? See README.",
        ],
    )
    svg.lines(
        24,
        735,
        [
            f"GPIO{ONE_WIRE_GPIO} (pin 7): probes {f.beer_probe}, {f.chamber_probe} (see onewire.svg).",
            "Relay board: VCC from the Pi's 3V3 (pin 1), JD-VCC jumper removed, the GND pin",
            "beside VCC left free. 10 kΩ from IN1 to 3V3 holds the relay off while the Pi boots.",
            "Dead Pi = no VCC = relays off. Channels 2-4: glycol.svg, motorized-valve.svg.",
            "SSR input must switch at 3 V and ≤ 10 mA, else add a transistor driver.",
        ],
    )
    fuse_table(svg, 24, 815, ["F4", "F5"])
    legend(
        svg,
        20,
        900,
        [
            ("v33", "3V3"),
            ("v5", "5 V"),
            ("v24", "24 V DC +"),
            ("gnd", "GND / 0 V"),
            ("sigA", f"GPIO{cool.pin} signal"),
            ("sigB", f"GPIO{heat.pin} signal"),
        ],
        per_row=6,
    )
    mains_legend(svg, 20, 930)
    _warn_pins(svg, cfg, [cool_name, heat_name])
    svg.text(20, 995, "A dot joins wires; a wire that hops over another (a small arc) is not connected to it.", "small")
    return svg


def mains_legend(svg: Svg, x: float, y: float) -> None:
    """The mains wire colours drawn, with the colours of the three common standards."""
    rows = [
        ("mainsL", "L (live): brown (EU, new UK) · black or red (US) · red (old UK)"),
        ("mainsN", "N (neutral): blue (EU, new UK) · white or grey (US) · black (old UK)"),
        ("pe", "PE (earth): green/yellow (EU, UK) · green or bare copper (US)"),
    ]
    for i, (colour, name) in enumerate(rows):
        svg.wire(colour, (x, y + 20 * i - 4), (x + 28, y + 20 * i - 4), track=False)
        svg.text(x + 36, y + 20 * i, name, "small")


def pull_up(svg: Svg, x: float, y_vcc: float, y_in: float, colour: str, label: bool = True) -> None:
    """A 10 kΩ resistor from the 3V3 line down to an IN line (its body just above the IN line)."""
    svg.wire("v33", (x, y_vcc), (x, y_in - 36))
    svg.wire(colour, (x, y_in - 4), (x, y_in))
    svg.rect(x - 6, y_in - 36, 12, 32, "sym", rx=2)
    svg.dot((x, y_vcc), "v33")
    svg.dot((x, y_in), colour)
    if label:
        svg.text(x - 10, y_in - 16, "10 kΩ", "small", anchor="end")


def glycol(cfg: Config) -> Svg:
    """A glycol-jacketed conical: a 24 V normally-closed solenoid valve through a relay."""
    fid, f = _fermenter(cfg, Rig.GLYCOL)
    name, out = _output(cfg, f.valve)
    if out.pin is None:
        raise CannotDrawError("config: the glycol diagram needs a single-pin solenoid output")
    svg = Svg(
        1180,
        800,
        f"{fid}: glycol fermenter with a solenoid valve",
        f"GPIO{out.pin} drives relay-board channel 2, which switches 24 V DC to a normally-closed solenoid valve; "
        "a 1N4007 diode sits across the valve coil.",
    )
    title(
        svg,
        f"{f.name or fid}: glycol solenoid valve (rig = glycol)",
        "All low voltage. The chiller and pump plug into their own sockets and keep their own thermostat.",
    )
    zone(svg, 10, 70, 790, 610, False, "Low voltage: 3.3 V, 5 V, 24 V")
    pi = pi_header(svg, 24, 110, ["3V3 (pin 1)", gpio(out.pin)])
    svg.lines(24, 300, [f"GPIO{ONE_WIRE_GPIO} (pin 7): probe {f.beer_probe}:", "see onewire.svg"])
    board = relay_board(svg, 300, 110, [(2, f"outputs.{name}")], 220)
    svg.text(405, 238, _level(out), "small", anchor="middle")
    svg.wire("v33", pi["3V3"], board["VCC"])
    svg.wire("sigC", pi[f"GPIO{out.pin}"], board["IN2"])
    pull_up(svg, 270, board["VCC"][1], board["IN2"][1], "sigC")
    relay_supply(svg, board, 370)
    plus_x, minus_x = supply(svg, 300, 480, 210, ["24 V DC supply", "valve coils"], 150, 185)
    svg.text(300, 554, "AC in: mains through F3 (system.svg)", "small")

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
    nc_contact_h(svg, 560, board["NO2"][1], 34, "TS2")
    svg.wire("v24", (plus_x, 480), (plus_x, 450), (540, 450), (540, board["COM2"][1]), board["COM2"])
    fuse_v(svg, 540, 348, FUSE_LABEL["F5"], left=True)
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
        574,
        [
            "Relay board as in chest-freezer.svg: VCC from the Pi's 3V3, JD-VCC jumper removed, "
            "GND pin beside VCC free.",
            "D1: a 1N4007 diode across the coil, band (cathode) to +; it absorbs the kick at turn-off.",
            "TS2 (a thermostat's contact, not a fuse): low-temperature backstop. A 24 V thermostat (e.g. an",
            "STC-1000, 24 V model) powered from the 24 V supply after F5, its probe on the tank, its cooling contact",
            "opens a few degrees below your coldest setpoint: a stuck relay cannot freeze the beer.",
        ],
    )
    fuse_table(svg, 24, 652, ["F4", "F5"])
    legend(
        svg,
        20,
        722,
        [("v33", "3V3"), ("v5", "5 V"), ("v24", "24 V DC +"), ("gnd", "GND / 0 V"), ("sigC", f"GPIO{out.pin} signal")],
    )
    _warn_pins(svg, cfg, [name])
    svg.text(20, 780, "A dot joins wires; a wire that hops over another (a small arc) is not connected to it.", "small")
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
        945,
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
    pi = pi_header(svg, 24, 110, ["3V3 (pin 1)", gpio(op), gpio(cp)])
    svg.lines(24, 330, [f"GPIO{ONE_WIRE_GPIO} (pin 7): probe {f.beer_probe}:", "see onewire.svg"])
    board = relay_board(svg, 300, 110, [(3, "open"), (4, "close")], 260, contacts=False)
    svg.text(405, 278, _level(out), "small", anchor="middle")
    svg.wire("v33", pi["3V3"], board["VCC"])
    svg.wire("sigA", pi[f"GPIO{op}"], board["IN3"])
    svg.wire("sigD", pi[f"GPIO{cp}"], board["IN4"])
    pull_up(svg, 252, board["VCC"][1], board["IN3"][1], "sigA")
    pull_up(svg, 284, board["VCC"][1], board["IN4"][1], "sigD")
    for y, ch in ((board["IN3"][1], 3), (board["IN4"][1], 4)):  # the contacts' terminals are drawn in A and B
        down = 536 + 8 * (ch - 3)  # each relay's leader also runs down to panel B
        svg.raw(
            f'<path class="wire gnd" style="stroke-dasharray: 5 4; stroke-width: 1.5" '
            f'd="M510,{_n(y)} h{_n(80 + 8 * ch)} M{_n(down)},{_n(y)} V{_n(560 + 10 * ch)} H600"/>'
        )
        svg.text(505, y - 8, f"K{ch}", "small", anchor="end")
    relay_supply(svg, board, 410)
    svg.lines(
        24,
        520,
        [
            "Relay K3's screw terminals NO3/COM3/NC3 and K4's",
            "NO4/COM4/NC4 sit on the board's edge; the dashed",
            "boxes in A and B are those terminals (relays at",
            "rest: off). Wire the valve as A or B, not both.",
            "",
            "brewctl never turns both relays on at once, and",
            "switches each one off after travel_s.",
            "",
            "F5 protects the valve wiring in A and B alike",
            "(a 12 V valve on its own 12 V supply: the same",
            "2 A fuse on that supply's +).",
        ],
    )
    fuse_table(svg, 24, 720, ["F4", "F5"])

    # A: 3-wire valve (one common wire, an open wire and a close wire)
    svg.rect(560, 90, 595, 355, "box", rx=8)
    svg.text(575, 112, "A. 3-wire valve: + on 'open' opens it, + on 'close' closes it", "h")
    svg.rect(624, 120, 148, 250, "zone-out", rx=6)  # right of the + wire and F5: they are not on the board
    k3 = contact(svg, (650, 195), 710, f"K3, GPIO{op}: open", no_label_inside=True, suffix="3")
    k4 = contact(svg, (650, 320), 710, f"K4, GPIO{cp}: close", no_label_inside=True, suffix="4")
    va = module(svg, 960, 125, 170, 215, ["Valve", "3-wire"], left=[("open", 30), ("close", 155), ("common", 190)])
    px, mx = supply(svg, 585, 380, 200, ["12/24 V DC supply", "valve motor"], 30, 170)
    svg.wire("v12", (px, 380), (px, k3["COM"][1]), k3["COM"])
    fuse_v(svg, px, 290, FUSE_LABEL["F5"], left=True)
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
    svg.rect(722, 555, 120, 135, "zone-out", rx=6)
    svg.rect(988, 555, 120, 135, "zone-out", rx=6)
    b3 = contact(svg, (800, 640), 750, f"K3, GPIO{op}: open", suffix="3")
    b4 = contact(svg, (1030, 640), 1080, f"K4, GPIO{cp}: close", suffix="4")
    vb = module(svg, 855, 605, 120, 70, ["Valve", "2-wire"], left=[("A", 35)], right=[("B", 35)])
    sp, sm = supply(svg, 580, 660, 130, ["12/24 V", "DC supply"], 30, 100, minus_below=True)
    svg.wire("v12", (sp, 660), (sp, top), (b4["NO"][0], top), b4["NO"])
    fuse_v(svg, sp, 590, FUSE_LABEL["F5"], left=False)
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
            ("v33", "3V3"),
            ("v5", "5 V"),
            ("v12", "valve supply +"),
            ("gnd", "0 V"),
            ("sigA", f"GPIO{op} / open"),
            ("sigD", f"GPIO{cp} / close"),
        ],
    )
    _warn_pins(svg, cfg, [name])
    svg.text(20, 935, "A dot joins wires; a wire that hops over another (a small arc) is not connected to it.", "small")
    return svg


def _signal_name(out: OutputConfig, ch: Channel) -> str:
    """A legend entry: a motorized valve's colour also marks the 24 V wire from its relay to the valve."""
    if out.kind is OutputKind.MOTORIZED_VALVE:
        return f"GPIO{ch.pin} / valve {ch.name.rsplit('.', 1)[-1]} (24 V)"
    return f"GPIO{ch.pin} signal"


def system(cfg: Config) -> Svg:
    """The whole controller: the Pi, one relay board for every relay channel, the SSRs, the supplies, mains side."""
    relay_kinds = (OutputKind.RELAY, OutputKind.SOLENOID, OutputKind.MOTORIZED_VALVE)
    channels = [
        (name, out, ch)
        for name, out in cfg.outputs.items()
        if out.kind in relay_kinds
        for ch in output_channels(name, out)
    ]
    ssrs = [(name, out) for name, out in cfg.outputs.items() if out.kind is OutputKind.SSR]
    if not channels and not ssrs:
        raise CannotDrawError("config: no outputs to draw")
    if len(channels) > 8:
        raise CannotDrawError(f"config: {len(channels)} relay channels; the system drawing shows 8 at most")
    if len(ssrs) > 2:
        raise CannotDrawError(f"config: {len(ssrs)} SSRs; the system drawing shows 2 at most")
    size = 4 if len(channels) <= 4 else 8
    n = len(channels)
    contactors = [name for name, out in cfg.outputs.items() if out.kind is OutputKind.RELAY]
    svg = Svg(
        1900,
        0,  # set below, once the parts are placed
        "The whole controller",
        f"One Raspberry Pi, one {size}-channel relay board, {len(ssrs)} SSR(s), the 5 V and 24 V supplies and "
        "the mains side, for every output of the config.",
    )
    title(
        svg,
        f"The whole controller: {', '.join(f.name or fid for fid, f in cfg.fermenters.items())}",
        f"One Pi, one {size}-channel relay board, the supplies and the mains side, for every output of the config. "
        "Details: chest-freezer.svg, glycol.svg, motorized-valve.svg, onewire.svg.",
    )
    lv_w, mains_x, out_x = 1150, 1170, 1610

    rows = ["3V3 (pin 1)"] + [gpio(ch.pin) for _, _, ch in channels] + [gpio(o.pin or 0) for _, o in ssrs]
    rows += ["GND (pin 14)"] if ssrs else []
    pi = pi_header(svg, 24, 110, rows)
    labels = []
    for i, (name, _, ch) in enumerate(channels):
        part = ch.name.removeprefix(name + ".") if ch.name != name else ""
        labels.append((i + 1, f"outputs.{name}" + (f" {part}" if part else "")))
    board = relay_board(svg, 330, 110, labels, 112 + 40 * n + 60)
    board_bottom = board["GND"][1]
    svg.text(435, 104, f"{size}-channel board, channels 1-{n} used", "small", anchor="middle")
    svg.wire("v33", pi["3V3"], board["VCC"])
    for i, (_, _, ch) in enumerate(channels):
        colour = SIGNALS[i % len(SIGNALS)]
        svg.wire(colour, pi[f"GPIO{ch.pin}"], board[f"IN{i + 1}"])
        pull_up(svg, 250 + 16 * i, board["VCC"][1], board[f"IN{i + 1}"][1], colour, label=i == 0)
    one_wire = [f"GPIO{ONE_WIRE_GPIO} (pin 7): the 1-wire bus,", "every probe: onewire.svg"]
    svg.lines(24, 110 + 62 + 40 * len(rows) + 24, one_wire)

    # low-voltage loads, stacked right of the board
    col_x, col_w = 1080, 170
    com_x, zero_x = 570.0, 1045.0
    load_y = 120.0 + 130 * len(contactors) + 120
    loads: dict[str, dict[str, Point]] = {}
    for name, out, _ in channels:
        if name in loads:
            continue
        if out.kind is OutputKind.SOLENOID:
            loads[name] = module(
                svg, 720, load_y, 210, 80, ["Solenoid valve", f"outputs.{name}, NC, 24 V DC"],
                left=[("+", 55)], right=[("−", 55)],
            )  # fmt: skip
            load_y += 110
        elif out.kind is OutputKind.MOTORIZED_VALVE:
            loads[name] = module(
                svg, 720, load_y, 210, 120, ["Motorized valve", f"outputs.{name}, 3-wire"],
                left=[("open", 60), ("close", 90)], right=[("common", 90)],
            )  # fmt: skip
            load_y += 150
    # parts on the boundary: contactors, the 24 V supply, SSRs, the 5 V supply
    y = 120.0
    kpts: dict[str, dict[str, Point]] = {}
    for k, name in enumerate(contactors, start=1):
        kpts[name] = module(
            svg, col_x, y, col_w, 110, [f"K{k} contactor", "24 V DC coil, AC-3"],
            left=[("A1", 55), ("A2", 85)], right=[("1/L1", 55), ("2/T1", 85)],
        )  # fmt: skip
        y += 130
    p24 = module(
        svg, col_x, y, col_w, 100, ["24 V DC supply", "≥ 1.5 A, DIN rail"],
        left=[("−", 55), ("+", 80)], right=[("L", 50), ("N", 68)], bottom=[("PE", 150)],
    )  # fmt: skip
    y = max(y + 130, load_y + 20)
    spts: dict[str, dict[str, Point]] = {}
    for name, _ in ssrs:
        spts[name] = module(
            svg, col_x, y, col_w, 130, ["SSR, zero-cross", "earthed heatsink"],
            left=[("3 +", 70), ("4 −", 95)], right=[("1", 55), ("2", 90)], bottom=[("PE", 150)],
        )  # fmt: skip
        y += 160
    y = max(y, board_bottom + 40)
    p5 = module(
        svg, col_x, y, col_w, 100, ["5 V DC supply", "relay coils, ≥ 1 A"],
        left=[("−", 55), ("+", 80)], right=[("L", 50), ("N", 68)], bottom=[("PE", 150)],
    )  # fmt: skip
    for part in (p24, p5, *spts.values()):
        pe_symbol(svg, part["PE"])
    bottom = y + 150
    svg.height = int(bottom + 215)
    mark = len(svg.parts)
    zone(svg, 10, 70, lv_w, bottom - 70, False, "Low voltage: 3.3 V, 5 V, 24 V")
    zone(svg, mains_x, 70, out_x - mains_x - 10, bottom - 70, True, "MAINS: qualified electrician only")
    svg.rect(out_x, 70, 1890 - out_x, bottom - 70, "zone-out", rx=10)
    svg.text(out_x + 12, 90, "Outside the enclosure", "h")
    svg.parts[:] = svg.parts[mark:] + svg.parts[:mark]  # the zones go under everything drawn so far

    # 24 V: + through F5, over the top to a COM rail; each NO to its load; each load's − to a 0 V rail
    top = 100.0
    plus = p24["+"]
    svg.wire("v24", plus, (1015, plus[1]), (1015, top), (com_x, top), (com_x, board[f"COM{n}"][1] if n else top))
    inline_h(svg, 800, top, 26, FUSE_LABEL["F5"])
    svg.wire("gnd", p24["−"], (zero_x, p24["−"][1]))
    zero_ends = [p24["−"][1]]
    for i, (name, out, ch) in enumerate(channels):
        com, no = board[f"COM{i + 1}"], board[f"NO{i + 1}"]
        svg.wire("v24", com, (com_x, com[1]))
        if i < n - 1:
            svg.dot((com_x, com[1]), "v24")
        x = 610 + 18 * i
        colour = SIGNALS[i % len(SIGNALS)]
        if out.kind is OutputKind.RELAY:
            k = kpts[name]
            svg.wire("v24", no, (x, no[1]), (x, k["A1"][1]), k["A1"])
            svg.wire("gnd", k["A2"], (zero_x, k["A2"][1]))
            zero_ends.append(k["A2"][1])
            diode_v(svg, col_x - 16, k["A1"][1], k["A2"][1])
        elif out.kind is OutputKind.SOLENOID:
            v = loads[name]
            svg.wire("v24", no, (x, no[1]), (x, v["+"][1]), v["+"])
            nc_contact_h(svg, 690, v["+"][1], 32, "TS2")
            svg.wire("gnd", v["−"], (zero_x, v["−"][1]))
            zero_ends.append(v["−"][1])
        else:
            v = loads[name]
            term = v["open"] if ch.name.endswith(".open") else v["close"]
            svg.wire(colour, no, (x, no[1]), (x, term[1]), term)
            if ch.name.endswith(".open"):
                svg.wire("gnd", v["common"], (zero_x, v["common"][1]))
                zero_ends.append(v["common"][1])
    svg.wire("gnd", (zero_x, min(zero_ends)), (zero_x, max(zero_ends)))
    for yy in zero_ends:
        if yy not in (min(zero_ends), max(zero_ends)):
            svg.dot((zero_x, yy))
    svg.text(zero_x - 6, min(zero_ends) - 8, "0 V", "small", anchor="end")
    svg.text(com_x + 6, top + 16, "24 V +", "small")
    # 5 V relay coils, below every load
    jd, bg = board["JD-VCC"], board["GND"]
    svg.wire("v5", jd, (jd[0], p5["+"][1]), p5["+"])
    inline_h(svg, 700, p5["+"][1], 26, FUSE_LABEL["F4"])
    svg.wire("gnd", bg, (bg[0], p5["−"][1]), p5["−"])
    # SSRs straight from the Pi
    for j, (name, out) in enumerate(ssrs):
        sp = spts[name]
        assert out.pin is not None
        sig = pi[f"GPIO{out.pin}"]
        svg.wire("sigB", sig, (240 - 8 * j, sig[1]), (240 - 8 * j, sp["3 +"][1]), sp["3 +"])
        svg.wire("gnd", pi["GND"], (228, pi["GND"][1]), (228, sp["4 −"][1]), sp["4 −"])
        if j:
            svg.dot((228, sp["4 −"][1] - 0), "gnd")
        svg.text(560, sp["3 +"][1] - 8, f"outputs.{name}: {_level(out)}, period {out.period_s:g} s", "small")

    # mains: inlet, buses, one fuse per circuit, sockets
    sx = 1440
    inlet = module(
        svg, sx, 95, 150, 100, ["Mains inlet", "Q1: RCBO 30 mA"], left=[("L", 40), ("N", 60), ("PE", 80)], cls="box"
    )
    xl, xn, xpe = 1320, 1360, 1395
    sockets: list[tuple[str, dict[str, Point], Point]] = []
    sy = 230.0
    socket_terms = [("L", 45.0), ("N", 65.0), ("PE", 85.0)]
    for name in contactors:
        sock = module(svg, sx, sy, 150, 100, ["Socket", _socket_for(cfg, name)], left=socket_terms, cls="box")
        sockets.append((name, sock, kpts[name]["2/T1"]))
        sy += 130
    for name, _ in ssrs:
        sy = max(sy, spts[name]["2"][1] - 45)
        sock = module(svg, sx, sy, 150, 100, ["Socket", _socket_for(cfg, name)], left=socket_terms, cls="box")
        sockets.append((name, sock, spts[name]["2"]))
        sy += 130
    feeds = [(kpts[c]["1/L1"], "F1" if len(contactors) == 1 else f"F1.{k}") for k, c in enumerate(contactors, 1)]
    feeds += [(spts[nm]["1"], "F2" if len(ssrs) == 1 else f"F2.{j}") for j, (nm, _) in enumerate(ssrs, 1)]
    feeds.append((p24["L"], "F3"))
    last_l = max(t[1] for t, _ in feeds)
    n_taps = [p24["N"][1], p5["N"][1]] + [sock["N"][1] for _, sock, _ in sockets]
    pe_taps = [sock["PE"][1] for _, sock, _ in sockets]
    svg.wire("mainsL", inlet["L"], (xl, inlet["L"][1]), (xl, last_l))
    svg.wire("mainsN", inlet["N"], (xn, inlet["N"][1]), (xn, max(n_taps)))
    svg.wire("pe", inlet["PE"], (xpe, inlet["PE"][1]), (xpe, max(pe_taps, default=inlet["PE"][1])))
    rcd_q1(svg, inlet)
    pe_label_y = (min(pe_taps) + max(pe_taps)) / 2 if len(pe_taps) > 1 else inlet["PE"][1] + 40
    svg.text(xpe + 6, pe_label_y, "PE bar", "small")
    for term, fuse in feeds:
        svg.wire("mainsL", (xl, term[1]), term)
        if term[1] != last_l:
            svg.dot((xl, term[1]), "mainsL")
        base = fuse.split(".")[0]
        inline_h(svg, col_x + col_w + 40, term[1], 26, FUSE_LABEL[base].replace(base, fuse, 1))
    svg.wire("mainsL", (col_x + col_w + 12, p24["L"][1]), (col_x + col_w + 12, p5["L"][1]), p5["L"])
    svg.dot((col_x + col_w + 12, p24["L"][1]), "mainsL")
    for part in (p24, p5):
        svg.wire("mainsN", (xn, part["N"][1]), part["N"])
        if part["N"][1] != max(n_taps):
            svg.dot((xn, part["N"][1]), "mainsN")
    for name, sock, src in sockets:
        svg.wire("mainsL", src, (sx - 25, src[1]), (sx - 25, sock["L"][1]), sock["L"])
        svg.wire("mainsN", (xn, sock["N"][1]), sock["N"])
        if sock["N"][1] != max(n_taps):
            svg.dot((xn, sock["N"][1]), "mainsN")
        svg.wire("pe", (xpe, sock["PE"][1]), sock["PE"])
        if sock["PE"][1] != max(pe_taps):
            svg.dot((xpe, sock["PE"][1]), "pe")
        # outside: the backstop for a compressor, the cut-off on a heater
        cy = sock["L"][1] + 5
        cord(svg, (sx + 150, cy), (out_x + 20, cy))
        if "compressor" in _socket_for(cfg, name):
            module(svg, out_x + 20, cy - 50, 110, 100, ["TS1", "plug-in", "thermostat", "(backstop)"], cls="box")
            cord(svg, (out_x + 130, cy), (out_x + 150, cy))
            module(svg, out_x + 150, cy - 50, 120, 100, ["Freezer", "compressor"], cls="box")
        else:
            heater = ["Heater", "TCO 55 °C clamped on it,", "in its live wire"]
            module(svg, out_x + 20, cy - 50, 250, 100, heater, cls="box")

    ny = bottom + 20
    fuse_table(svg, 24, ny, ["F1", "F2", "F3", "F4", "F5"])
    svg.lines(
        900,
        ny,
        [
            "Relay board: VCC from the Pi's 3V3, JD-VCC jumper removed, its GND pin beside VCC free.",
            "10 kΩ from each IN to 3V3. A 1N4007 across K1's coil (drawn) and each solenoid coil, band to +;",
            "never across a motorized valve's wires (reversing it would short the supply through the diode).",
            "TS1/TS2: independent low-temperature backstops. TCO: on the heater, never in the box.",
            "Chiller and pump plug into their own sockets with their own thermostat (glycol.svg).",
            "Earth symbol: its own green/yellow wire to the PE bar.",
        ],
    )
    legend(
        svg,
        20,
        ny + 95,
        [("v33", "3V3"), ("v5", "5 V"), ("v24", "24 V DC +"), ("gnd", "GND / 0 V")]
        + [(SIGNALS[i % len(SIGNALS)], _signal_name(out, ch)) for i, (_, out, ch) in enumerate(channels)]
        + [("sigB", f"GPIO{o.pin} signal (SSR)") for _, o in ssrs],
        per_row=6,
    )
    mains_legend(svg, 20, ny + 140)
    svg.text(
        900, ny + 180, "A dot joins wires; a wire that hops over another (a small arc) is not connected to it.", "small"
    )
    _warn_pins(svg, cfg, list(cfg.outputs))
    return svg


def enclosure(cfg: Config) -> Svg:
    """Where the parts go in the box: low voltage left, mains right, a barrier between, glands below."""
    contactors = [n for n, o in cfg.outputs.items() if o.kind is OutputKind.RELAY]
    ssrs = [n for n, o in cfg.outputs.items() if o.kind is OutputKind.SSR]
    channels = sum(len(o.pins) for o in cfg.outputs.values() if o.kind is not OutputKind.SSR)
    if not cfg.outputs:
        raise CannotDrawError("config: no outputs to draw")
    svg = Svg(
        1200,
        860,
        "Enclosure layout",
        "Top view of the controller box: low voltage on the left, mains on the right, a barrier between them, "
        "DIN rails, the earth bar, and the cable glands on the bottom face.",
    )
    title(
        svg,
        "Enclosure layout (front view, lid off)",
        "DIN rails, low voltage left, mains right, a barrier between; every cable enters from below.",
    )
    bx, by, bw, bh = 40, 90, 1120, 620
    svg.rect(bx, by, bw, bh, "box", rx=14)
    mid = bx + 520
    svg.rect(bx + 10, by + 10, mid - bx - 20, bh - 20, "zone-lv", rx=10)
    svg.text(bx + 22, by + 32, "LOW VOLTAGE (≤ 24 V)", "h")
    svg.rect(mid + 10, by + 10, bx + bw - mid - 20, bh - 20, "zone-mains", rx=10)
    svg.text(mid + 22, by + 32, "MAINS: qualified electrician only", "warn")
    svg.rect(mid - 4, by + 4, 8, bh - 8, "symfill", rx=2)
    svg.text(mid, by + bh + 18, "barrier", "small", anchor="middle")

    def rail(x: float, y: float, parts: Sequence[tuple[str, float, Sequence[str]]]) -> None:
        width = sum(w for _, w, _ in parts) + 10 * (len(parts) + 1)
        svg.rect(x, y + 28, width, 14, "part", rx=2)  # the DIN rail behind the parts
        px = x + 10
        for name, w, lines in parts:
            svg.rect(px, y, w, 70, "part", rx=4)
            svg.text(px + w / 2, y + 20, name, "h", anchor="middle")
            svg.lines(px + w / 2, y + 36, lines, step=13, anchor="middle")
            px += w + 10

    board = f"{4 if channels <= 4 else 8}-ch relays"
    lx, mx = bx + 20, mid + 20
    rail(lx, by + 55, [("Pi", 130, ["+ GPIO terminal", "HAT"]), (board, 170, ["optocoupled,", "JD-VCC off"]),
                       ("R 10 kΩ", 110, ["pull-ups", "IN → 3V3"])])  # fmt: skip
    rail(lx, by + 175, [("F4", 55, ["1 A"]), ("F5", 55, ["2 A"]), ("1-wire", 110, ["block", "+ 4.7 kΩ"]),
                        ("LV terminals", 180, ["valves, TS2,", "coils, probes"])])  # fmt: skip
    rail(mx, by + 55, [("Q1", 90, ["RCBO", "30 mA"]), ("F1", 65, ["10 A"]), ("F2", 65, ["2 A T"]),
                       ("F3", 65, ["2 A T"]), ("N / L", 100, ["terminals"]), ("PE", 70, ["bar"])])  # fmt: skip
    heatsink = ["on heatsink,", "fins vertical"]
    rail(mx, by + 175, [(f"K{i + 1}", 80, ["contactor"]) for i in range(len(contactors))]
         + [(f"SSR{i + 1}" if len(ssrs) > 1 else "SSR", 110, heatsink) for i in range(len(ssrs))]
         + [("sockets", 140, [f"{len(contactors) + len(ssrs)} × DIN/panel"])])  # fmt: skip
    rail(
        mx,
        by + 295,
        [("24 V supply", 150, ["coils, valves", "≥ 1.5 A"]), ("5 V supply", 150, ["relay coils", "≥ 1 A"])],
    )
    svg.raw(f'<rect x="{_n(mid - 6)}" y="{_n(by + 250)}" width="12" height="40" fill="#ffffff" stroke="#1a1a1a"/>')
    svg.text(mid - 14, by + 266, "one gap for the", "small", anchor="end")
    svg.text(mid - 14, by + 280, "low-voltage wires", "small", anchor="end")
    svg.lines(
        mx,
        by + 420,
        [
            "K1, the SSR and the DC supplies have mains terminals: they live on",
            "the mains side, their coil, input and DC terminals towards the barrier.",
            "Their low-voltage wires cross it at one gap, in mains-rated insulation",
            "(or sleeved), tied down so a loose one cannot reach the other side.",
            "PE bar: one green/yellow wire to each metal part, socket, supply PE",
            "terminal and the DIN rail. Keep 5 cm above the SSR's fins free.",
        ],
        step=16,
    )
    # glands on the bottom face
    lv = [("probes", len(cfg.probes))] + [("valve", 1) for o in cfg.outputs.values() if o.kind is not OutputKind.SSR
                                           and o.kind is not OutputKind.RELAY]  # fmt: skip
    x = bx + 40
    for name, count in lv:
        svg.raw(f'<circle class="sym" cx="{_n(x)}" cy="{_n(by + bh)}" r="12"/>')
        svg.text(x, by + bh + 40, f"{name}" + (f" ×{count}" if count > 1 else ""), "small", anchor="middle")
        x += 80
    x = mid + 60
    for name in ["mains in"] + [f"{_socket_for(cfg, n)}" for n in contactors + ssrs]:
        svg.raw(f'<circle class="sym" cx="{_n(x)}" cy="{_n(by + bh)}" r="15"/>')
        svg.text(x, by + bh + 40, name, "small", anchor="middle")
        x += 150
    svg.lines(
        40,
        by + bh + 75,
        [
            "Cable glands on the bottom face only, each sized to grip its cable (M16 low voltage, M20 mains); "
            "a drip loop below the box.",
            "Probe cables can end in panel sockets (M8/M12 or 3.5 mm jacks) instead of glands. The appliance sockets "
            "may sit on the box's side.",
            "Label every terminal, fuse (with its value) and relay channel (with its output name); "
            "'Disconnect before opening' on the lid.",
        ],
        step=17,
    )
    return svg


SIGNALS = ("sigA", "sigC", "sigD", "sigE", "sigF", "sigG", "sigH", "sigI")
"""Wire colours of the relay-board inputs, channel by channel (sigB is the SSR's)."""


def _socket_for(cfg: Config, name: str) -> str:
    for fid, f in cfg.fermenters.items():
        if name in (f.heater, f.cooler):
            return f"{fid} {'heater' if name == f.heater else 'compressor'}"
    return f"outputs.{name}"


#: file name -> drawing function
DIAGRAMS: dict[str, Callable[[Config], Svg]] = {
    "onewire.svg": one_wire_bus,
    "chest-freezer.svg": chest_freezer,
    "glycol.svg": glycol,
    "motorized-valve.svg": motorized_valve,
    "system.svg": system,
    "enclosure.svg": enclosure,
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
