"""The chart drawing (pure): colours that match the key, the setpoint on top, strips, markers, axes, the plan."""

from __future__ import annotations

import re

import pytest
from rich.color import Color, ColorSystem
from rich.text import Text

from brewctl.profiles import parse_profile
from brewctl.tui.chart import STYLES, ChartData, Marker, chart_key, render_chart
from brewctl.tui.curve import plan_ahead
from brewctl.tui.format import Units, to_display_c

H = 3600.0
NOW = 1_780_000_000.0


def styles_of(line: Text) -> list[tuple[str, str]]:
    """(character, style) for every cell of a line."""
    out = []
    for i, ch in enumerate(line.plain):
        style = ""
        for span in line.spans:
            if span.start <= i < span.end:
                style = str(span.style)
        out.append((ch, style or str(line.style)))
    return out


def flat(value: float, start: float = NOW - 6 * H, end: float = NOW) -> list[tuple[float, float | None]]:
    return [(start + i * (end - start) / 60, value) for i in range(61)]


def test_4_each_line_has_its_own_colour_in_256_colours_and_the_key_uses_it() -> None:
    names = ("beer", "chamber", "setpoint", "gravity", "heat", "cool")
    eight_bit = {name: Color.parse(STYLES[name]).downgrade(ColorSystem.EIGHT_BIT).number for name in names}
    assert len(set(eight_bit.values())) == len(names), eight_bit  # no two the same in 256 colours
    assert eight_bit["beer"] != eight_bit["cool"]  # the issue: both were the same purple
    key = chart_key(has_gravity=True, has_plan=True)
    for name in names:
        label = next(i for i in range(len(key.plain)) if key.plain.startswith(name, i))
        assert styles_of(key)[label][1] == STYLES[name], name


def test_4_the_setpoint_is_drawn_on_top_of_the_beer_and_dashed() -> None:
    data = ChartData(start_s=NOW - 6 * H, end_s=NOW, now_s=NOW, beer=flat(19.0), setpoint=flat(19.0),
                     chamber=flat(17.0))  # fmt: skip
    lines = render_chart(data, 80, 20)
    row = next(line for line in lines[1:-3] if STYLES["setpoint"] in str(line.spans))
    cells = [(ch, st) for ch, st in styles_of(row)[7:] if ch.strip()]
    # Where beer and setpoint share cells the setpoint's colour shows; its dashes leave beer-only cells between.
    assert any(st == STYLES["setpoint"] for _, st in cells)
    assert any(st == STYLES["beer"] for _, st in cells)
    # In monochrome the chamber (dotted) and the beer (solid) differ by their dots, not only colour.
    chamber_row = next(line for line in lines[1:-3] if STYLES["chamber"] in str(line.spans))
    chamber_dots = sum(bin(ord(ch) - 0x2800).count("1") for ch in chamber_row.plain[7:] if "⠀" <= ch <= "⣿")
    beer_only = render_chart(ChartData(start_s=NOW - 6 * H, end_s=NOW, now_s=NOW, beer=flat(17.0)), 80, 20)
    beer_row = next(line for line in beer_only[1:-3] if STYLES["beer"] in str(line.spans))
    beer_dots = sum(bin(ord(ch) - 0x2800).count("1") for ch in beer_row.plain[7:] if "⠀" <= ch <= "⣿")
    assert chamber_dots < beer_dots * 0.7


def test_heating_and_cooling_are_strips_under_the_plot_with_markers_above() -> None:
    heat = [(NOW - 5 * H + i * 60, 1.0) for i in range(30)]
    cool = [(NOW - 2 * H + i * 60, 1.0) for i in range(30)]
    markers = [Marker(NOW - 3 * H, "note"), Marker(NOW - 4 * H, "alarm"), Marker(NOW - 1 * H, "step")]
    data = ChartData(start_s=NOW - 6 * H, end_s=NOW, now_s=NOW, beer=flat(19.0), heat=heat, cool=cool,
                     markers=markers)  # fmt: skip
    lines = render_chart(data, 80, 20)
    assert len(lines) == 20 and all(len(line.plain) <= 80 for line in lines)
    heat_row, cool_row, axis = lines[-3], lines[-2], lines[-1]
    assert heat_row.plain.strip().startswith("heat") and cool_row.plain.strip().startswith("cool")
    assert "█" in heat_row.plain and "█" in cool_row.plain
    assert heat_row.plain.index("█") < cool_row.plain.index("█")  # heat earlier than cool, as given
    assert STYLES["heat"] in str(heat_row.spans) and STYLES["cool"] in str(cool_row.spans)
    top = lines[0].plain
    assert top.index("!") < top.index("N") < top.index("S")
    assert "-6h" in axis.plain and "now" in axis.plain


def test_gravity_has_its_own_axis_and_the_plan_goes_past_now() -> None:
    gravity = [(NOW - 6 * H + i * 600, 1.050 - i * 0.0005) for i in range(36)]
    plan = [(NOW, 19.0), (NOW + H, 19.0), (NOW + 2 * H, 21.0)]
    data = ChartData(start_s=NOW - 6 * H, end_s=NOW + 2 * H, now_s=NOW, beer=flat(19.0), gravity=gravity, plan=plan)
    lines = render_chart(data, 100, 20)
    assert lines[1].plain.rstrip().endswith("1.05" + lines[1].plain.rstrip()[-1])  # top of the right axis
    assert any(STYLES["gravity"] in str(line.spans) for line in lines[1:-3])
    now_col = lines[-1].plain.index("now")
    right_of_now = [line.plain[now_col + 4 : -6] for line in lines[1:-3]]
    assert any(any("⠁" <= ch <= "⣿" for ch in part) for part in right_of_now)  # the plan is drawn ahead
    assert "+2h" in lines[-1].plain


def test_plan_ahead_continues_the_current_step_then_the_rest() -> None:
    profile = parse_profile(
        'name = "ale"\n'
        '[[steps]]\ntype = "hold"\ntemperature = 18\nduration = "2d"\n'
        '[[steps]]\ntype = "ramp"\ntemperature = 21\nduration = "1d"\n'
        '[[steps]]\ntype = "hold"\ntemperature = 21\nduration = "1d"\n'
    )
    plan = plan_ahead(profile, 0, 86400.0, NOW)  # one day left of the 2-day hold
    assert plan[0] == (NOW, 18.0)
    assert (NOW + 86400.0, 18.0) in plan  # the hold ends a day from now
    assert plan[-1] == (NOW + 3 * 86400.0, 21.0)  # then a day of ramp and a day of hold
    midway = plan_ahead(profile, 1, 43200.0, NOW)  # half way up the ramp
    assert midway[0] == (NOW, 19.5)


LABEL = re.compile(r"\s*(-?\d+\.\d °[CF]) ")
"""A temperature axis label at the start of a plot row, then the plot: ``  19.5 °C ⠉⠁``."""


def axis_labels(lines: list[Text]) -> list[str]:
    """The temperature axis' labels, from the plot rows' left gutter."""
    return [m.group(1) for line in lines[1:-3] if (m := LABEL.match(line.plain))]


@pytest.mark.parametrize("size", [(60, 20), (160, 50)])
@pytest.mark.parametrize("units", ["C", "F"])
def test_the_axes_say_their_units(size: tuple[int, int], units: Units) -> None:
    width, height = size
    beer = [(t, None if v is None else to_display_c(v, units)) for t, v in flat(19.0)]
    day = ChartData(start_s=NOW - 24 * H, end_s=NOW, now_s=NOW, beer=beer, units=units)
    lines = render_chart(day, width, height)
    assert len(lines) == height and all(len(line.plain) <= width for line in lines)
    labels = axis_labels(lines)
    assert len(labels) == 3 and all(label.endswith(f" °{units}") for label in labels), labels  # "19.5 °C"
    assert lines[-1].plain.split()[:2] == ["hours", "-24h"] and "now" in lines[-1].plain
    week = ChartData(start_s=NOW - 7 * 86400, end_s=NOW, now_s=NOW, beer=beer, units=units, axis_unit_s=86400.0)
    axis = render_chart(week, width, height)[-1].plain.split()
    assert axis[0] == "days" and axis[-1] == "now" and all(label.endswith("d") for label in axis[1:-1]), axis


@pytest.mark.parametrize(("values", "units"), [((-12.5, -4.0), "C"), ((98.0, 104.0), "F")])
def test_a_wide_temperature_label_is_whole(values: tuple[float, float], units: Units) -> None:
    low, high = values
    beer = [(t, low + (high - low) * i / 60) for i, (t, _) in enumerate(flat(0.0))]
    lines = render_chart(ChartData(start_s=NOW - 6 * H, end_s=NOW, now_s=NOW, beer=beer, units=units), 60, 20)
    assert all(len(line.plain) <= 60 for line in lines)
    labels = axis_labels(lines)
    assert len(labels) == 3 and all(label.endswith(f" °{units}") for label in labels), labels
    tops = [float(label.split()[0]) for label in labels]
    assert tops[0] > high and tops[2] < low  # nothing cut: "-13.2 °C", not "13.2 °C"
    # The gutter fits the widest label: each stands whole, right-aligned, a space before the plot.
    gutter = max(len(label) for label in labels) + 1
    rows = [line.plain[:gutter] for line in lines[1:-3] if LABEL.match(line.plain)]
    assert rows == [f"{label:>{gutter - 1}} " for label in labels]
