"""The fermenter chart, drawn in braille as rich Text (pure: no Textual, no clock).

Rows, top to bottom: a marker row (profile steps, commands, alarms, the brewer's notes), the
plot (beer, chamber, setpoint and, ahead of now, the profile's planned setpoint; gravity on a
second axis at the right), a heating strip, a cooling strip, and the time axis.

Both axes say their unit: the temperature labels carry °C or °F (worded by
:mod:`brewctl.display`, as everywhere), and the time axis is headed ``hours`` or ``days`` (from
now: ``-6h … now … +2h``).

Each line has its own colour *and* its own dash pattern, so it reads in 256 colours and in
monochrome: beer solid, chamber dotted, setpoint dashed and drawn last (on top), the plan
sparsely dotted. The colours are xterm-256 palette entries, so a 256-colour terminal shows
exactly them; :data:`STYLES` is also what the key uses, so key and lines cannot disagree.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.text import Text

from brewctl.display import Units, with_unit

__all__ = [
    "MARKER_GLYPHS",
    "STYLES",
    "ChartData",
    "Marker",
    "chart_key",
    "render_chart",
]

STYLES: dict[str, str] = {
    "beer": "#ffaf00",  # xterm 214, orange
    "chamber": "#5fd7ff",  # xterm 81, sky blue
    "setpoint": "#87ff5f",  # xterm 119, light green
    "plan": "#87ff5f",  # the setpoint's colour: it is the setpoint to come
    "gravity": "#d787ff",  # xterm 177, violet
    "heat": "#ff5f5f",  # xterm 203, red
    "cool": "#5f87ff",  # xterm 69, blue
    "now": "#808080",
    "axis": "#8a8a8a",
}
"""Each series' style, shared by the plot and the key."""

_DASH = {
    "beer": (1, 0),  # solid
    "chamber": (1, 1),  # dotted: every other dot
    "setpoint": (3, 2),  # dashed
    "plan": (1, 3),  # sparse dots
}

MARKER_GLYPHS: dict[str, str] = {"step": "S", "command": "C", "alarm": "!", "note": "N"}
"""Letters on the marker row (letters, so they read without colour)."""
_MARKER_STYLES = {"step": "bold", "command": "", "alarm": "bold #ff5f5f", "note": "bold #ffff5f"}
_MARKER_RANK = {"alarm": 0, "note": 1, "step": 2, "command": 3}

Point = tuple[float, float | None]


@dataclass(frozen=True)
class Marker:
    """Something that happened at ``ts_s``: a ``step``, ``command``, ``alarm`` or ``note``."""

    ts_s: float
    kind: str


@dataclass
class ChartData:
    """What to draw; times in Unix seconds, temperatures in the display units."""

    start_s: float
    end_s: float
    now_s: float
    beer: list[Point] = field(default_factory=list)
    chamber: list[Point] = field(default_factory=list)
    setpoint: list[Point] = field(default_factory=list)
    plan: list[Point] = field(default_factory=list)
    """The profile's planned setpoint from now on."""
    gravity: list[Point] = field(default_factory=list)
    """Specific gravity (second axis)."""
    heat: list[tuple[float, float]] = field(default_factory=list)
    cool: list[tuple[float, float]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    units: Units = "C"
    """The display units the temperatures are in (°C or °F): the axis labels say it."""
    axis_unit_s: float = 3600.0
    """The time axis counts in hours (3600) or days (86400) from now."""
    plan_only: bool = False
    """A profile's plan alone (the editors' preview): no marker row, no output strips."""


_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


class _Canvas:
    """A braille canvas of ``cols`` x ``rows`` cells; one style per cell (the last drawn wins)."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.bits = [[0] * cols for _ in range(rows)]
        self.style: list[list[str]] = [[""] * cols for _ in range(rows)]
        self.owner: list[list[str]] = [[""] * cols for _ in range(rows)]

    def dot(self, px: int, py: int, name: str) -> None:
        if 0 <= px < self.cols * 2 and 0 <= py < self.rows * 4:
            cx, cy = px // 2, py // 4
            self.bits[cy][cx] |= _BITS[px % 2][py % 4]
            self.style[cy][cx] = STYLES[name]
            self.owner[cy][cx] = name

    def line(self, points: Sequence[tuple[int, int]], name: str, *, solid: bool = False) -> None:
        """Join ``points``; a dashed series keeps the dots where (x or, on steep parts, y) fits its pattern."""
        on, off = (1, 0) if solid else _DASH.get(name, (1, 0))
        period = on + off
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            n = max(abs(x1 - x0), abs(y1 - y0), 1)
            steep = abs(y1 - y0) > abs(x1 - x0)
            for i in range(n + 1):
                x, y = round(x0 + (x1 - x0) * i / n), round(y0 + (y1 - y0) * i / n)
                if (y if steep else x) % period < on:
                    self.dot(x, y, name)
        if len(points) == 1:
            self.dot(points[0][0], points[0][1], name)


def _segments(points: Sequence[Point]) -> list[list[tuple[float, float]]]:
    out: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for t, v in points:
        if v is None or not math.isfinite(v):
            if current:
                out.append(current)
            current = []
        else:
            current.append((t, v))
    if current:
        out.append(current)
    return out


def _nice_range(values: Sequence[float], min_span: float) -> tuple[float, float]:
    low, high = min(values), max(values)
    span = max(high - low, min_span)
    mid = (low + high) / 2
    pad = span * 0.08
    return mid - span / 2 - pad, mid + span / 2 + pad


def _temp_labels(low: float, high: float, units: Units) -> tuple[str, str, str]:
    """The temperature axis' top, middle and bottom labels: ``21.5 °C``."""
    top, middle, bottom = (with_unit(f"{v:.1f}", units) for v in (high, (high + low) / 2, low))
    return top, middle, bottom


def _time_unit_s(data: ChartData, span_s: float, cols: int) -> tuple[float, float]:
    """The tick step of the time axis and the unit its labels count in (3600 or 86400 s)."""
    wanted = max(1, cols // 12)
    step = next((s for s in _TICK_STEPS_S if span_s / s <= wanted), _TICK_STEPS_S[-1])
    return step, (data.axis_unit_s if step >= 86400 else 3600.0)


def _axis_label(offset_s: float, unit_s: float) -> str:
    value = offset_s / unit_s
    suffix = "d" if unit_s >= 86400 else "h"
    if abs(value) < 1e-9:
        return "now"
    text = f"{value:+.0f}" if abs(value - round(value)) < 1e-6 else f"{value:+.1f}"
    return text + suffix


def chart_key(has_gravity: bool = False, has_plan: bool = False, *, has_chamber: bool = True) -> Text:
    """The colour key, in the very styles the lines are drawn in (only the lines there are:
    no chamber for a glycol conical without a chamber probe)."""
    key = Text()
    parts = [("beer ━", "beer"), ("chamber ┅", "chamber"), ("setpoint ╍", "setpoint")]
    if not has_chamber:
        del parts[1]
    if has_plan:
        parts.append(("plan ┈", "plan"))
    if has_gravity:
        parts.append(("gravity ·", "gravity"))
    parts += [("heat █", "heat"), ("cool █", "cool")]
    for i, (label, name) in enumerate(parts):
        if i:
            key.append(" ")
        key.append(label, style=STYLES[name])
    return key


def render_chart(data: ChartData, width: int, height: int) -> list[Text]:
    """The chart as ``height`` lines of at most ``width`` cells."""
    has_gravity = any(v is not None for _, v in data.gravity)
    temps = [v for series in (data.beer, data.chamber, data.setpoint, data.plan) for _, v in series if v is not None]
    lines: list[Text] = []
    if not temps:
        temps = [0.0, 1.0]
    low, high = _nice_range(temps, 1.0)
    labels = _temp_labels(low, high, data.units)
    left = max(len(_TIME_HEADS[86400.0]), *(len(label) for label in labels)) + 1  # "-12.5 °C" and a space
    right = 6 if has_gravity else 1
    cols = max(4, width - left - right)
    plot_rows = max(2, height - (1 if data.plan_only else 4))
    canvas = _Canvas(cols, plot_rows)
    span_s = max(data.end_s - data.start_s, 1.0)

    def px(t: float) -> int:
        return round((t - data.start_s) / span_s * (cols * 2 - 1))

    def py(v: float) -> int:
        return round((high - v) / (high - low) * (plot_rows * 4 - 1))

    # "now": a faint column, under the lines.
    now_x = px(data.now_s)
    gravity_range: tuple[float, float] | None = None
    if has_gravity:
        g_values = [v for _, v in data.gravity if v is not None]
        g_low, g_high = gravity_range = _nice_range(g_values, 0.004)
        for t, v in data.gravity:
            if v is not None:
                canvas.dot(px(t), round((g_high - v) / (g_high - g_low) * (plot_rows * 4 - 1)), "gravity")

    for name in ("chamber", "beer", "setpoint", "plan"):  # the setpoint last: on top
        series: list[Point] = getattr(data, name)
        for seg in _segments(series):
            # Alone (the editors' preview) the plan is a solid line; beside the history, dotted.
            canvas.line([(px(t), py(v)) for t, v in seg], name, solid=data.plan_only)

    if not data.plan_only:
        lines.append(_marker_row(data, cols, left, px))
    lines += _plot_rows(canvas, data, plot_rows, left, cols, labels, now_x, gravity_range)
    if not data.plan_only:
        lines += _strips(data, cols, left, px)
    lines.append(_time_axis(data, cols, left, now_x, span_s))
    return lines[:height]


def _marker_row(data: ChartData, cols: int, left: int, px: Callable[[float], int]) -> Text:
    markers = Text(" " * left)
    row = [" "] * cols
    row_style = [""] * cols
    rank = [99] * cols
    for m in data.markers:
        if not data.start_s <= m.ts_s <= data.end_s or m.kind not in MARKER_GLYPHS:
            continue
        c = min(cols - 1, px(m.ts_s) // 2)
        if _MARKER_RANK[m.kind] < rank[c]:
            rank[c], row[c], row_style[c] = _MARKER_RANK[m.kind], MARKER_GLYPHS[m.kind], _MARKER_STYLES[m.kind]
    for ch, st in zip(row, row_style, strict=True):
        markers.append(ch, style=st)
    return markers


def _plot_rows(
    canvas: _Canvas,
    data: ChartData,
    plot_rows: int,
    left: int,
    cols: int,
    labels: tuple[str, str, str],
    now_x: int,
    gravity_range: tuple[float, float] | None,
) -> list[Text]:
    top, middle, bottom = labels
    lines = []
    for r in range(plot_rows):
        text = Text()
        label = ""
        if r == 0:
            label = top
        elif r == plot_rows - 1:
            label = bottom
        elif r == plot_rows // 2:
            label = middle
        text.append(f"{label:>{left - 1}} ", style=STYLES["axis"])
        for c in range(cols):
            bits = canvas.bits[r][c]
            if bits:
                text.append(chr(0x2800 + bits), style=canvas.style[r][c])
            elif c == now_x // 2 and data.end_s > data.now_s and not data.plan_only:
                text.append("│", style=STYLES["now"])
            else:
                text.append(" ")
        if gravity_range is not None:
            g = ""
            if r == 0:
                g = f"{gravity_range[1]:.3f}"
            elif r == plot_rows - 1:
                g = f"{gravity_range[0]:.3f}"
            text.append(f" {g:<5}", style=STYLES["gravity"])
        lines.append(text)
    return lines


def _strips(data: ChartData, cols: int, left: int, px: Callable[[float], int]) -> list[Text]:
    """Output strips, one cell per column: on when any duty > 0 in that column's time."""
    lines = []
    for name, points in (("heat", data.heat), ("cool", data.cool)):
        on = [False] * cols
        for t, duty in points:
            if duty > 0 and data.start_s <= t <= data.end_s:
                on[min(cols - 1, px(t) // 2)] = True
        text = Text(f"{name:>{left - 1}} ", style=STYLES["axis"])
        for c in range(cols):
            text.append("█" if on[c] else "·" if c % 4 == 0 else " ", style=STYLES[name] if on[c] else "dim")
        lines.append(text)
    return lines


_TICK_STEPS_S = (
    600,
    1800,
    3600,
    2 * 3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    28 * 86400,
)

_TIME_HEADS = {3600.0: "hours", 86400.0: "days"}
"""The word before the time axis: what its labels count."""


def _time_axis(data: ChartData, cols: int, left: int, now_x: int, span_s: float) -> Text:
    """Labels at round times from now (every 2 h, every day ...), about 12 columns apart, headed by
    what they count (``hours``, ``days``)."""
    axis = [" "] * cols
    step, unit_s = _time_unit_s(data, span_s, cols)
    first = math.ceil((data.start_s - data.now_s) / step)
    last = math.floor((data.end_s - data.now_s) / step)
    for k in [0, *range(first, last + 1)]:  # "now" first: it wins a crowded spot
        offset = k * step
        t = data.now_s + offset
        if not data.start_s <= t <= data.end_s:
            continue
        c = min(cols - 1, round((t - data.start_s) / span_s * (cols * 2 - 1)) // 2)
        label = "now" if k == 0 else _axis_label(offset, unit_s)
        at = max(0, min(cols - len(label), c - len(label) // 2))
        if all(ch == " " for ch in axis[max(0, at - 1) : at + len(label) + 1]):
            axis[at : at + len(label)] = list(label)
    head = _TIME_HEADS.get(unit_s, "")
    return Text(f"{head:>{left - 1}} " + "".join(axis), style=STYLES["axis"])
