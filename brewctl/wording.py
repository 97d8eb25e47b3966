"""Every word a brewer reads about why an output does what it does and what an alarm means.

The control core returns codes and values (``OutputReason``, ``Alarm.code`` / ``role`` /
``values``); this module turns them into text, once, for the status the daemon publishes (API,
MQTT, history) and for the CLI and the TUI. To change how something reads, change it here: one
table or one function per code.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from brewctl.rigs import COOL_ROLES, HEAT_ROLE, OUTPUT_ROLES, probe_lost_code
from brewctl.units import format_duration

if TYPE_CHECKING:  # it reads the models' fields only: `brewctl status` words a status without building them
    from brewctl.model import Alarm, Note, OffCause, OutputReason, OutputStatus

__all__ = [
    "ALARM_WORDS",
    "GUARD_WORDS",
    "IDLE_WORDS",
    "NOTE_WORDS",
    "OFF_WORDS",
    "STUCK_ACTIONS",
    "alarm_message",
    "format_left",
    "idle_cause",
    "is_probe_lost",
    "output_reason",
    "probe_error_text",
    "probe_problem",
    "word_alarm",
    "word_output",
]


def format_left(seconds: float) -> str:
    """``"2:40"`` (m:ss) or ``"1:02:03"`` (h:mm:ss) for a time left."""
    s = max(0, int(seconds + 0.999))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


# --- outputs ------------------------------------------------------------------------------

OFF_WORDS: Mapping[OffCause, str] = {
    "mode_off": "mode off",
    "free_rise": "free rise",
    "invalid_setpoint": "safe: invalid setpoint",
    "probe_lost": "safe: probe lost",
    "beer_probe_lost": "safe: beer probe lost",
    "every_probe_lost": "safe: every probe lost",
}
"""Why an output is off (``OutputReason.off``)."""

GUARD_WORDS: Mapping[str, str] = {
    "min off": "{part} resting",
    "min on": "{part} {runs}",
    "dead time": "pause before {own}",
    "other output on": "{other_part} is on",
}
"""Which guard holds an output (``OutputReason.guard``, from ``brewctl.core.guards``), in a
brewer's words; the fields come from :data:`PART_WORDS`."""

PART_WORDS: Mapping[str, Mapping[str, str]] = {
    "cool": {"part": "compressor", "runs": "must run", "own": "cooling", "other_part": "heater"},
    "heat": {"part": "heater", "runs": "must run", "own": "heating", "other_part": "cooler"},
    "valve": {"part": "valve", "runs": "stays open", "own": "cooling", "other_part": "heater"},
}
"""What each output role is to a brewer: its part, how it keeps on, what it does, the other part."""

IDLE_WORDS: Mapping[str, str] = {
    "on_target": "beer on target",
    "valve_on_target": "valve closed: beer on target",
    "cannot_warm": "no heater: cannot warm",
    "cannot_cool": "no cooling: cannot cool",
    "idle": "idle",
}
"""Why an idle output is idle, from the beer's distance to its setpoint (see :func:`idle_cause`)."""

ON_TARGET_C = 0.5
"""A beer within this of its setpoint is "on target"."""

NOTE_WORDS: Mapping[Note, str] = {
    "holding_chamber": "beer probe lost: holding the chamber",
    "peak_stop": "stopping early: peak estimate -{value:.1f} °C",
    "glycol_pulse": "glycol pulse {left}",
    "glycol_settling": "the last pulse is still cooling the beer",
    "heat_belt": "heat belt",
    "chiller_turn": "the chiller is serving other tanks first",
}
"""What the controller adds about an output (``OutputReason.note``; ``{value}`` is its ``note_value``,
``{left}`` the same seconds as ``m:ss``)."""


def _note(why: OutputReason) -> str:
    if why.note is None:
        return ""
    value = why.note_value if why.note_value is not None else 0.0
    return NOTE_WORDS[why.note].format(value=value, left=format_left(value))


def idle_cause(role: str, beer_error_c: float | None, can_heat: bool, can_cool: bool) -> str:
    """Why an idle output is idle (a key of :data:`IDLE_WORDS`).

    ``beer_error_c`` is beer minus its setpoint (None when either is unknown).
    """
    if beer_error_c is None:
        return "idle"
    if beer_error_c < -ON_TARGET_C and not can_heat and role in COOL_ROLES:
        return "cannot_warm"
    if beer_error_c > ON_TARGET_C and not can_cool and role == HEAT_ROLE:
        return "cannot_cool"
    if abs(beer_error_c) <= ON_TARGET_C:
        return "valve_on_target" if role == "valve" else "on_target"
    return "idle"


def _guard(role: str, guard: str) -> str:
    words = PART_WORDS.get(role, {"part": role, "runs": "must run", "own": role, "other_part": "the other output"})
    return GUARD_WORDS.get(guard, guard).format(**words)


@lru_cache(maxsize=1024)
def _reason(role: str, why: OutputReason, brief: bool, idle: str) -> str:
    verb = OUTPUT_ROLES[role].verb if role in OUTPUT_ROLES else role
    match why.code:
        case "off":
            cause = OFF_WORDS[why.off] if why.off is not None else "off"
            text = cause if brief else f"off: {cause}"
        case "on":
            # Brief: the duty is shown beside the role already ("Valve 100%: cooling").
            text = f"{verb} {why.duty:.0%}" if why.duty is not None and not brief else verb
        case "min_on":
            text = f"{verb}, {_guard(role, 'min on')} {format_left(why.left_s or 0.0)} more"
        case "blocked":
            text = _guard(role, why.guard or "")
            if why.left_s is not None:
                text += f", {format_left(why.left_s)}"
        case "idle":
            text = IDLE_WORDS[idle]
            if why.note == "glycol_settling" and idle == "idle":
                return _note(why)  # the reason itself, not "idle (...)"
    note = _note(why)
    return f"{text} ({note})" if note else text


def output_reason(
    o: OutputStatus,
    *,
    brief: bool = False,
    beer_error_c: float | None = None,
    can_heat: bool = True,
    can_cool: bool = True,
) -> str:
    """Why an output is as it is: ``compressor resting, 2:40`` or ``no heater: cannot warm``.

    ``brief`` leaves out what the TUI shows beside it (the ``off:`` of an off output, the duty
    of one that is on). ``beer_error_c`` (beer minus setpoint) and what the rig can do say why
    an idle output is idle. A status without codes (a yardstick thermostat's) keeps its own
    ``reason``.
    """
    if o.why is None:
        return o.reason
    idle = idle_cause(o.role, beer_error_c, can_heat, can_cool) if o.why.code == "idle" else "idle"
    return _reason(o.role, o.why, brief, idle)


def word_output(
    o: OutputStatus, *, beer_error_c: float | None = None, can_heat: bool = True, can_cool: bool = True
) -> OutputStatus:
    """The status with its ``reason`` text filled from its codes (and the beer's distance to its setpoint)."""
    if o.why is None:
        return o
    text = output_reason(o, beer_error_c=beer_error_c, can_heat=can_heat, can_cool=can_cool)
    return o if o.reason == text else o.model_copy(update={"reason": text})


# --- alarms -------------------------------------------------------------------------------

PROBE_PROBLEMS: Mapping[str, str] = {
    "not_a_number": "not a number",
    "power_on": "85.0 °C power-on value",
    "out_of_range": "{reading_c:.1f} °C is out of range ({min_c:g}..{max_c:g} °C)",
}
"""Why a probe reading was refused (``brewctl.core.probes``)."""


def probe_problem(code: str, values: Mapping[str, float | str]) -> str:
    """``85.0 °C power-on value``: why a reading was refused."""
    return PROBE_PROBLEMS.get(code, code).format(**values)


PROBE_ERROR_WORDS: Mapping[str, str] = {
    "crc": "CRC error",
    "power_on_reset": "power-on reset value",
    "missing": "not on the bus",
    "timeout": "read timed out",
    "unreadable": "unreadable: {detail}",
}
"""Why the bus gave no reading (``brewctl.drivers.probes`` ``ERROR_*``; ``{detail}`` is the exception)."""


def probe_error_text(code: str, detail: str | None = None) -> str:
    """``not on the bus``: why a probe gave no reading (an unknown code reads as itself)."""
    words = PROBE_ERROR_WORDS.get(code)
    return code if words is None else words.format(detail=detail or "?")


ALARM_WORDS: Mapping[str, str] = {
    "probe_lost": "{role} probe lost (missing, stale or implausible)",
    "probe_implausible": "{role} probe: {problem}",
    "invalid_setpoint": "setpoint is not a number: all outputs off",
    "all_probes_lost/no_usable_probe": "no usable probe: all outputs off",
    "all_probes_lost/beer_probe_lost": "beer probe lost: all outputs off",
    "all_probes_lost/every_probe_lost": "every probe lost: all outputs off",
    "beer_off_target": "beer {beer_c:.1f} °C is {error_c:.1f} °C off its setpoint {setpoint_c:.1f} °C",
    "profile_finished/holding": "profile {profile!r} finished; holding {setpoint_c:.1f} °C",
    "profile_finished/no_setpoint": "profile {profile!r} finished; no setpoint",
    "waiting_for_brewer": "step {step:.0f} ({label}): {note}; confirm to go on",
    "free_rise_out_of_bounds/below": "free rise: beer {beer_c:.1f} °C is below {bound_c:.1f} °C",
    "free_rise_out_of_bounds/above": "free rise: beer {beer_c:.1f} °C is above {bound_c:.1f} °C",
    "gravity_unknown": "step {step:.0f} ({label}): no fresh gravity; ends by time in {left}",
    "beer_probe_stuck/chamber_gap": "beer probe reads {reading_c:.2f} °C, flat for {hours:.1f} h, although the "
    "chamber has been {gap_c:.1f} K {side} all along: {action}",
    "beer_probe_stuck/chamber_far": "beer probe reads {reading_c:.2f} °C, flat for {hours:.1f} h, although the "
    "chamber has been {gap_c:.1f} K {side} all along: {action}",
    "beer_probe_stuck/output_duty": "beer probe reads {reading_c:.2f} °C, flat for {hours:.1f} h, although "
    "{output} ran {duty:.0%} of the time: {action}",
    "chamber_probe_stuck/beer_cooled": "chamber probe reads {reading_c:.2f} °C, flat for {hours:.1f} h, while the "
    "beer cooled {moved_c:.1f} K, which a chamber warmer than the beer cannot do: {action}",
    "chamber_probe_stuck/beer_warmed": "chamber probe reads {reading_c:.2f} °C, flat for {hours:.1f} h, while the "
    "beer warmed {moved_c:.1f} K, which a chamber {gap_c:.1f} K colder than the beer cannot do: {action}",
}
"""Alarm texts by code (``code/cause`` where one code has several causes); ``{name}`` are the
alarm's ``role`` and ``values``."""

STUCK_ACTIONS: Mapping[str, str] = {
    "hold_chamber": "not trusted; the chamber is held near the beer setpoint until it reads true again",
    "outputs_off": "not trusted; outputs off until it reads true again",
    "direct_beer": "not trusted; the beer is controlled directly until it reads true again",
}
"""What the controller does about a stuck probe (``brewctl.core.stuck_probe``)."""


def is_probe_lost(alarm: Alarm) -> bool:
    """Whether the alarm is a lost probe's (its ``role`` says which probe)."""
    return alarm.role is not None and alarm.code == probe_lost_code(alarm.role)


def _alarm_key(alarm: Alarm) -> str:
    if is_probe_lost(alarm):
        return "probe_lost"
    cause = alarm.values.get("cause")
    return f"{alarm.code}/{cause}" if cause is not None else alarm.code


def alarm_message(alarm: Alarm, probe_error: str | None = None) -> str:
    """The text of an alarm from its code and values (its own ``message`` if it has no entry).

    What the bus said about a lost probe (its ``bus_error`` value or ``probe_error``: a code of
    :data:`PROBE_ERROR_WORDS`, ``bus_detail`` for an unreadable one) replaces the generic cause:
    ``chamber probe lost (not on the bus)``.
    """
    key = _alarm_key(alarm)
    bus_error = alarm.values.get("bus_error", probe_error)
    if key == "probe_lost" and bus_error:
        detail = alarm.values.get("bus_detail")
        return f"{alarm.role} probe lost ({probe_error_text(str(bus_error), None if detail is None else str(detail))})"
    words = ALARM_WORDS.get(key)
    if words is None:
        return alarm.message
    values = dict(alarm.values)
    if alarm.code == "probe_implausible" and "problem" in values:
        values["problem"] = probe_problem(str(values["problem"]), values)
    if "action" in values:
        values["action"] = STUCK_ACTIONS.get(str(values["action"]), str(values["action"]))
    if "step_kind" in values:  # a profile step: its name, else its kind ("hold until")
        values["label"] = values.get("step_name") or str(values["step_kind"]).replace("_", " ")
    if alarm.code == "waiting_for_brewer":
        values["note"] = values.get("note") or "waiting for you"
    if "left_s" in values:
        values["left"] = format_duration(float(values["left_s"]))
    return words.format(role=alarm.role, **values)


def word_alarm(alarm: Alarm, probe_error: str | None = None) -> Alarm:
    """The alarm with its ``message`` filled from its code and values."""
    text = alarm_message(alarm, probe_error)
    return alarm if alarm.message == text else alarm.model_copy(update={"message": text})
