"""One module words every output reason and core alarm; the codes stay data."""

from __future__ import annotations

import pytest

from brewctl.model import Alarm, OutputReason, OutputStatus
from brewctl.wording import (
    OFF_WORDS,
    alarm_message,
    format_left,
    output_reason,
    probe_error_text,
    word_alarm,
    word_output,
)


def out(role: str, **why: object) -> OutputStatus:
    return OutputStatus(role=role, value=0.0, active=False, why=OutputReason.model_validate(why))


def test_format_left() -> None:
    assert format_left(160) == "2:40"
    assert format_left(0.2) == "0:01"
    assert format_left(3723) == "1:02:03"
    assert format_left(-5) == "0:00"


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (out("cool", code="blocked", guard="min off", left_s=160.0), "compressor resting, 2:40"),
        (out("cool", code="blocked", guard="other output on"), "heater is on"),
        (out("heat", code="blocked", guard="dead time", left_s=575.0), "pause before heating, 9:35"),
        (out("heat", code="on", duty=0.4), "heating 40%"),
        (out("cool", code="on"), "cooling"),
        (out("valve", code="min_on", left_s=59.5), "cooling, valve stays open 1:00 more"),
        (out("cool", code="min_on", left_s=120.0), "cooling, compressor must run 2:00 more"),
        (out("cool", code="off", off="mode_off"), "off: mode off"),
        (out("cool", code="off", off="every_probe_lost"), "off: safe: every probe lost"),
        (out("cool", code="idle", note="holding_chamber"), "idle (beer probe lost: holding the chamber)"),
        (out("cool", code="on", note="peak_stop", note_value=1.24), "cooling (stopping early: peak estimate -1.2 °C)"),
    ],
)
def test_output_reasons_in_a_brewers_words(status: OutputStatus, text: str) -> None:
    assert output_reason(status) == text
    assert word_output(status).reason == text


def test_brief_drops_the_off_prefix_only() -> None:
    assert output_reason(out("cool", code="off", off="free_rise"), brief=True) == "free rise"
    assert output_reason(out("cool", code="idle"), brief=True) == "idle"


def test_every_off_cause_has_words() -> None:
    from typing import get_args

    from brewctl.model import OffCause

    assert set(OFF_WORDS) == set(get_args(OffCause))


def test_a_status_without_codes_keeps_its_words() -> None:
    plain = OutputStatus(role="heat", value=1.0, active=True, reason="thermostat")
    assert output_reason(plain) == "thermostat" and word_output(plain) is plain


@pytest.mark.parametrize(
    ("alarm", "text"),
    [
        (Alarm(code="beer_probe_lost", role="beer"), "beer probe lost (missing, stale or implausible)"),
        (
            Alarm(code="beer_off_target", role="beer", values={"beer_c": 22.5, "error_c": 3.5, "setpoint_c": 19.0}),
            "beer 22.5 °C is 3.5 °C off its setpoint 19.0 °C",
        ),
        (
            Alarm(code="probe_implausible", role="chamber", values={"problem": "not_a_number"}),
            "chamber probe: not a number",
        ),
        (
            Alarm(
                code="probe_implausible",
                role="beer",
                values={"problem": "out_of_range", "reading_c": 127.0, "min_c": -20.0, "max_c": 60.0},
            ),
            "beer probe: 127.0 °C is out of range (-20..60 °C)",
        ),
        (Alarm(code="all_probes_lost", values={"cause": "beer_probe_lost"}), "beer probe lost: all outputs off"),
        (Alarm(code="invalid_setpoint"), "setpoint is not a number: all outputs off"),
        (Alarm(code="history_write_failed", message="history: cannot write"), "history: cannot write"),
    ],
)
def test_alarm_messages_read_as_before(alarm: Alarm, text: str) -> None:
    assert alarm_message(alarm) == text
    assert word_alarm(alarm).message == text


def test_a_lost_probe_says_what_the_bus_said() -> None:
    assert (
        alarm_message(Alarm(code="chamber_probe_lost", role="chamber"), "CRC error") == "chamber probe lost (CRC error)"
    )


@pytest.mark.parametrize(
    ("role", "error_c", "can_heat", "text"),
    [
        ("valve", -5.0, False, "no heater: cannot warm"),
        ("valve", 0.2, False, "valve closed: beer on target"),
        ("cool", -0.3, True, "beer on target"),
        ("heat", 3.0, True, "idle"),
        ("cool", None, True, "idle"),
    ],
)
def test_an_idle_output_says_why(role: str, error_c: float | None, can_heat: bool, text: str) -> None:
    status = out(role, code="idle")
    assert output_reason(status, beer_error_c=error_c, can_heat=can_heat) == text
    assert word_output(status, beer_error_c=error_c, can_heat=can_heat).reason == text


@pytest.mark.parametrize(
    ("alarm", "text"),
    [
        (
            Alarm(code="profile_finished", values={"profile": "ale", "cause": "holding", "setpoint_c": 2.0}),
            "profile 'ale' finished; holding 2.0 °C",
        ),
        (
            Alarm(code="profile_finished", values={"profile": "ale", "cause": "no_setpoint"}),
            "profile 'ale' finished; no setpoint",
        ),
        (
            Alarm(
                code="waiting_for_brewer",
                values={"step": 3, "step_name": "dry hop", "step_kind": "wait_for_brewer", "note": "add hops"},
            ),
            "step 3 (dry hop): add hops; confirm to go on",
        ),
        (
            Alarm(code="waiting_for_brewer", values={"step": 2, "step_name": "", "step_kind": "wait_for_brewer"}),
            "step 2 (wait for brewer): waiting for you; confirm to go on",
        ),
        (
            Alarm(code="free_rise_out_of_bounds", values={"cause": "above", "beer_c": 35.44, "bound_c": 35.0}),
            "free rise: beer 35.4 °C is above 35.0 °C",
        ),
        (
            Alarm(code="free_rise_out_of_bounds", values={"cause": "below", "beer_c": 14.0, "bound_c": 15.0}),
            "free rise: beer 14.0 °C is below 15.0 °C",
        ),
        (
            Alarm(
                code="gravity_unknown",
                values={"step": 1, "step_name": "", "step_kind": "hold_until", "left_s": 5 * 86400 - 3600},
            ),
            "step 1 (hold until): no fresh gravity; ends by time in 4d 23h",
        ),
    ],
)
def test_profile_alarms_read_as_before(alarm: Alarm, text: str) -> None:
    assert alarm_message(alarm) == text
    assert word_alarm(alarm).message == text


@pytest.mark.parametrize(
    ("code", "detail", "text"),
    [
        ("crc", None, "CRC error"),
        ("power_on_reset", None, "power-on reset value"),
        ("missing", None, "not on the bus"),
        ("timeout", None, "read timed out"),
        ("unreadable", "ValueError: bad line", "unreadable: ValueError: bad line"),
        ("something new", None, "something new"),
    ],
)
def test_probe_errors_read_as_before(code: str, detail: str | None, text: str) -> None:
    assert probe_error_text(code, detail) == text
    lost = Alarm(
        code="beer_probe_lost", role="beer", values={"bus_error": code} | ({"bus_detail": detail} if detail else {})
    )
    assert alarm_message(lost) == f"beer probe lost ({text})"
