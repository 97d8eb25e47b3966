"""How daemon events read in the TUI: the dashboard's headline and the event log's lines (pure)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from brewctl.model import Event

__all__ = ["CATEGORIES", "category", "event_line", "headline"]

CATEGORIES = ("alarm", "note", "step", "command", "gravity", "other")
"""What the event log can filter by."""

_RANK = {"alarm": 0, "note": 1, "step": 2, "command": 3, "gravity": 4, "other": 5}
SAME_MOMENT_S = 5.0
"""Events this close to the last one came from the same cause (a skip raises and clears at once)."""


def category(event: Event) -> str:
    """``alarm`` (raised, not cleared or a notice), ``note``, ``step``, ``command``, ``gravity`` or ``other``."""
    kind = event.kind
    if kind == "alarm":
        return "alarm" if event.data.get("severity") != "info" else "other"
    if kind == "note":
        return "note"
    if kind in {"profile_step", "profile_start", "profile_stop", "profile_finished"} or kind.startswith("step"):
        return "step"
    if kind in {"mode", "setpoint", "command", "command_refused"} or kind.startswith("profile_"):
        return "command"
    if "gravity" in kind:
        return "gravity"
    return "other"


def event_line(event: Event, *, with_day: bool = False) -> str:
    """``14:05 fv1: profile skip`` (``Sat 14:05`` with ``with_day``)."""
    stamp = time.strftime("%a %H:%M" if with_day else "%H:%M", time.localtime(event.ts_s))
    what = event.message or event.kind
    if event.kind == "note":
        what = f"note: {what}"
    return f"{stamp} {event.fermenter or 'node'}: {what}"


def headline(events: Sequence[Event], units: str = "C") -> str:
    """The one event the dashboard shows: the latest, but of the events of that same moment the
    most important (a new alarm before the clearing of the last step's notice)."""
    if not events:
        return ""
    last = events[-1].ts_s
    now = [e for e in events if last - e.ts_s <= SAME_MOMENT_S]
    # An alarm raised and cleared in the same moment (a probe lost for a second) is over.
    cleared = {_alarm_id(e, e.message.removeprefix("cleared: ")) for e in now if e.kind == "alarm_cleared"}
    moment = [e for e in now if e.kind != "alarm_cleared" and not (e.kind == "alarm" and _alarm_id(e) in cleared)]
    if not moment:
        return event_line(events[-1])
    best = min(enumerate(moment), key=lambda ie: (_RANK[category(ie[1])], -ie[0]))[1]
    return event_line(best)


def _alarm_id(event: Event, message: str | None = None) -> tuple[str | None, str]:
    """Which alarm an ``alarm`` or ``alarm_cleared`` event is about: its code, else its text."""
    code = event.data.get("code")
    return (event.fermenter, str(code) if code is not None else message or event.message)
