"""The TUI's pure helpers: text formatting, history series, the planned curve, drafts, backoff."""

from __future__ import annotations

import time

import pytest

from brewctl.config import Mode
from brewctl.model import FermenterStatus, GravityStatus, OutputReason, OutputStatus, ProfileStatus
from brewctl.profiles import parse_profile
from brewctl.tui.curve import WAIT_DRAWN_S, planned_curve, step_starts
from brewctl.tui.fermenter_actions import check_setpoint
from brewctl.tui.fermenter_card import alarmed
from brewctl.tui.format import format_gravity, format_output, format_profile, format_temp, format_temperatures
from brewctl.tui.history import Series, parse_history, segments
from brewctl.tui.profile_draft import ProfileDraft, step_from_texts, step_summary
from brewctl.tui.source import backoff_s

NOW = time.mktime((2026, 11, 26, 9, 0, 0, 0, 0, -1))


def test_temperatures_in_both_units_and_a_missing_probe() -> None:
    assert format_temp(19.0) == "19.0 °C"
    assert format_temp(20.0, "F") == "68.0 °F"
    assert format_temp(None) == "—"
    f = FermenterStatus(id="fv1", mode=Mode.BEER, beer_c=None, beer_setpoint_c=19.0, chamber_c=4.0)
    assert format_temperatures(f) == "Beer — → 19.0 °C  Chamber 4.0 °C"


def test_outputs_say_what_and_why() -> None:
    assert format_output(OutputStatus(role="heat", value=0.4, active=True, reason="heating")) == "Heat 40%: heating"
    blocked = OutputStatus(role="cool", value=0.0, active=False, reason="cooling blocked: min off, 2:40 left")
    assert format_output(blocked) == "Cool off: cooling blocked: min off, 2:40 left"
    off = OutputReason(code="off", off="mode_off")
    assert format_output(OutputStatus(role="valve", value=0.0, active=False, reason="off: mode off", why=off)) == (
        "Valve off: mode off"
    )


def test_profile_progress_time_left_and_eta() -> None:
    p = ProfileStatus(
        name="Clean ale", step_index=1, step_count=5, step_name="Rest", step_remaining_s=93600, eta_s=3 * 3600
    )
    assert format_profile(p, NOW) == "Clean ale: step 2/5 Rest, 1d 2h left, ETA 12:00 (3h)"
    far = p.model_copy(update={"name": "Hazy IPA with dry hop", "step_name": "Primary", "eta_s": 8 * 86400 + 11 * 3600})
    line = "▶ " + format_profile(far, NOW)
    assert line.endswith("ETA 04 Dec (8d 11h)")
    assert len(line) <= 76  # fits one line of a card at 80 columns (border and padding take 4)
    waiting = p.model_copy(update={"waiting_for_brewer": True, "paused": True})
    assert "WAITING FOR YOU (press o to confirm)" in format_profile(waiting, NOW)
    assert format_profile(waiting, NOW).endswith("[PAUSED]")
    assert format_profile(p.model_copy(update={"finished": True}), NOW) == "Clean ale: finished"
    assert format_gravity(GravityStatus(sg=1.0123, age_s=300, source="red")) == "1.012 SG (5m ago, red)"


@pytest.mark.parametrize(
    ("text", "units", "problem"),
    [
        ("19.5", "C", None),
        ("19,5", "C", None),
        ("abc", "C", "type a number"),
        ("nan", "C", "type a number"),
        ("41", "C", "out of range: -5.0 °C to 40.0 °C"),
        ("66", "F", None),
        ("104", "F", None),
        # In °F the limits are said in °F: "40" would read as 40 °F, a cold crash the daemon takes.
        ("110", "F", "out of range: 23.0 °F to 104.0 °F"),
        ("22", "F", "out of range: 23.0 °F to 104.0 °F"),
    ],
)
def test_setpoint_check(text: str, units: str, problem: str | None) -> None:
    found = check_setpoint(text, units, beer=True)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_history_table_to_series_with_gaps() -> None:
    data = {
        "columns": ["ts_s", "beer_c", "chamber_c", "beer_setpoint_c", "heat", "cool", "valve"],
        "rows": [
            [10, 19.0, 18.0, 19.0, 0.5, 0, None],
            [20, None, 18.5, 19.0, 0, 0, 1.0],
            [30, 19.2, 18.2, 19.0, 0, 1, 0],
        ],
    }
    s = parse_history(data)
    assert s.ts_s == [10.0, 20.0, 30.0]
    assert s.heat == [0.5, 0.0, 0.0] and s.cool == [0.0, 1.0, 1.0]  # a valve counts as cooling
    assert segments(s.ts_s, s.beer_c) == [([10.0], [19.0]), ([30.0], [19.2])]
    s.trim(15)
    assert s.ts_s == [20.0, 30.0] and len(s.beer_c) == 2
    empty = Series()
    empty.trim(100)
    assert empty.ts_s == []


def test_planned_curve_ramps_gaps_and_waits() -> None:
    profile = parse_profile(
        'name = "p"\n'
        '[[steps]]\ntype = "hold"\ntemperature = 18\nduration = "2d"\n'
        '[[steps]]\ntype = "ramp"\ntemperature = 21\nrate = 1.5\n'
        '[[steps]]\ntype = "free_rise"\nduration = "1d"\n'
        '[[steps]]\ntype = "wait_for_brewer"\ntemperature = 2\n'
    )
    points = planned_curve(profile)
    assert points[0] == (0.0, 18.0)
    assert points[3] == (2 * 86400.0 + 2 * 3600.0, 21.0)  # 3 degrees at 1.5 per hour
    assert points[4][1] is None and points[5][1] is None  # no control: a gap
    assert points[-1] == (points[5][0] + WAIT_DRAWN_S, 2.0)
    # each step starts where the curve draws it (one dispatch on step kinds serves both)
    assert step_starts(profile) == [points[i][0] for i in range(0, len(points), 2)]
    assert step_starts(profile)[1:] == [2 * 86400.0, 2 * 86400.0 + 2 * 3600.0, 3 * 86400.0 + 2 * 3600.0]


def test_profile_draft_edits_and_validation() -> None:
    draft = ProfileDraft.new()
    step, problem = step_from_texts("ramp", {"temperature": "21", "duration": "1d", "rate": "2"})
    assert problem is None
    assert draft.check_step(1, step) == ["step: a ramp needs either 'duration' or 'rate', not both"]
    step, problem = step_from_texts("hold_until", {"until": "[{type = "})
    assert problem is not None and problem.startswith("until: not a TOML list")
    draft.insert_step(0, {"type": "hold", "temperature": 12.0, "duration": "3x"})
    profile, problems = draft.check()
    assert profile is None and draft.problem_rows(problems) == {0}
    assert draft.move_step(0, 5) == 1 and draft.steps[1]["duration"] == "3x"
    draft.remove_step(1)
    assert draft.check()[0] is not None and draft.modified
    assert step_summary({"type": "ramp", "temperature": 21.0, "rate": 1.5}, "C") == ("ramp", "", "→21 °C", "1.5 °C/h")


def test_backoff_doubles_to_a_ceiling() -> None:
    assert [backoff_s(a) for a in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff_s(10_000) == 10.0


def test_card_shows_alarms_and_safe_state_loudly() -> None:
    from brewctl.model import Alarm
    from brewctl.tui.fermenter_card import card_text

    f = FermenterStatus(
        id="fv2",
        mode=Mode.BEER,
        safe=True,
        alarms=(Alarm(code="beer_probe_lost", message="beer probe lost", severity="critical"),),
        profile=ProfileStatus(name="Lager", step_index=0, step_count=2, waiting_for_brewer=True),
        updated_s=NOW,
    )
    text = card_text(f, "C", NOW)
    lines = text.plain.splitlines()
    assert lines[-2:] == ["SAFE STATE: every output forced off", "⚠ beer probe lost"]
    assert "WAITING FOR YOU" in lines[1]
    styles = {str(span.style) for span in text.spans}
    assert "bold white on red" in styles and "bold yellow" in styles
    assert alarmed(f)


def test_a_notice_does_not_look_like_an_alarm() -> None:
    """Every hold-until step without a hydrometer carries an info notice: red cards would hide real alarms."""
    from brewctl.model import Alarm
    from brewctl.tui.fermenter_card import card_text

    notice = Alarm(code="gravity_unknown", severity="info", message="step 1 (Primary): no fresh gravity")
    f = FermenterStatus(id="fv1", mode=Mode.PROFILE, alarms=(notice,), updated_s=NOW)
    text = card_text(f, "C", NOW)
    assert text.plain.splitlines()[-1] == "ℹ step 1 (Primary): no fresh gravity"
    assert not any("red" in str(span.style) for span in text.spans)
    assert not alarmed(f)
    off_target = Alarm(code="beer_off_target", severity="warning", message="beer 2.0 °C above its setpoint")
    assert alarmed(f.model_copy(update={"alarms": (notice, off_target)}))
