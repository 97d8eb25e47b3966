"""One glycol chiller, many jackets: which valves may open now.

Pure: no I/O, no clock; the caller passes monotonic seconds and carries ``ChillerState`` from
one call to the next. ``coordinate`` takes every fermenter's valve demand (what its own control
wants, the valve's state and its guard times, how far the beer is off) and the reservoir
temperature, and answers which valves may be open:

- **Stagger**: at most one closed valve is let open per ``stagger_s``, so the reservoir never
  takes every jacket's first gulp at once.
- **Budget**: while the reservoir is warmer than ``high_c`` the number of valves open at once
  shrinks by one per ``stagger_s``; once it is back below the middle of setpoint..high it grows
  again by one per ``stagger_s`` (then no limit).
- **Danger first**: within the budget, tanks are served warmest-first (beer minus setpoint); a
  tank more than ``crash_gap_c`` above its setpoint is pulling down (a cold crash) and yields
  to every other tank: a slow crash costs hours, a warm high krausen costs the beer.
- **Guards**: a valve open for less than its minimum open time is never closed by the chiller,
  and a valve closed for less than its minimum closed time is never let open (the fermenter's
  own guards apply on top: the daemon hands the answer to ``Target.cooling_allowed``).
- **Alarm**: the reservoir above ``alarm_c`` for ``alarm_after_s`` raises
  ``chiller_overloaded``: the chiller cannot keep up and the beer will drift.

``chiller_thermostat`` drives an optional chiller output (on/off on the reservoir, with
compressor minimum on/off times).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from brewctl.config import ChillerConfig
from brewctl.model import Alarm

__all__ = [
    "ChillerDecision",
    "ChillerState",
    "ValveDemand",
    "chiller_thermostat",
    "coordinate",
    "priority",
]


@dataclass(frozen=True, slots=True)
class ValveDemand:
    """One fermenter's valve as the coordinator sees it."""

    fermenter: str
    wants: bool
    """Its own control wants the valve open (before the chiller's answer)."""
    open: bool
    """The valve is open now."""
    since_s: float
    """When it last opened or closed (monotonic s; the start counts as a close)."""
    min_on_s: float = 0.0
    min_off_s: float = 0.0
    error_c: float | None = None
    """Beer minus its setpoint (+ = too warm); None = unknown."""


@dataclass(frozen=True, slots=True)
class ChillerState:
    """What the coordinator carries between calls. Start with ``ChillerState()``."""

    budget: int | None = None
    """Valves that may be open at once; None = no limit."""
    budget_changed_s: float = -math.inf
    last_grant_s: float = -math.inf
    """When a closed valve was last let open."""
    warm_since_s: float | None = None
    """When the reservoir went above ``alarm_c`` (None: it is not)."""


@dataclass(frozen=True, slots=True)
class ChillerDecision:
    allowed: Mapping[str, bool]
    """Fermenter -> its valve may be open."""
    state: ChillerState
    waiting: tuple[str, ...]
    """Fermenters that want their valve open and are held back."""
    alarms: tuple[Alarm, ...]


def priority(demand: ValveDemand, limits: ChillerConfig) -> tuple[int, float]:
    """Sort key, most urgent first: tanks not crashing before crashing ones, then the warmest."""
    error = demand.error_c if demand.error_c is not None else 0.0
    crashing = error >= limits.crash_gap_c
    return (1 if crashing else 0, -error)


def _budget(
    limits: ChillerConfig, state: ChillerState, now_s: float, reservoir_c: float | None, n_open: int, n_want: int
) -> ChillerState:
    if reservoir_c is None:  # no reservoir reading: do not throttle on a guess
        return replace(state, budget=None)
    due = now_s - state.budget_changed_s >= limits.stagger_s
    if reservoir_c > limits.high_c and due:
        current = state.budget if state.budget is not None else n_open
        return replace(state, budget=max(1, min(current, n_open) - 1), budget_changed_s=now_s)
    recover_c = (limits.setpoint_c + limits.high_c) / 2.0  # half way from the setpoint to high_c
    if reservoir_c < recover_c and state.budget is not None and due:
        grown = state.budget + 1
        return replace(state, budget=None if grown >= max(n_want, 1) else grown, budget_changed_s=now_s)
    return state


def _alarm(
    limits: ChillerConfig, state: ChillerState, now_s: float, reservoir_c: float | None, name: str
) -> tuple[ChillerState, tuple[Alarm, ...]]:
    if reservoir_c is None:
        lost = Alarm(code="reservoir_probe_lost", severity="warning", message=f"chiller {name}: reservoir probe lost")
        return state, (lost,)
    if reservoir_c <= limits.alarm_c:
        return replace(state, warm_since_s=None), ()
    since = state.warm_since_s if state.warm_since_s is not None else now_s
    state = replace(state, warm_since_s=since)
    if now_s - since < limits.alarm_after_s:
        return state, ()
    minutes = (now_s - since) / 60.0
    message = (
        f"chiller {name}: reservoir {reservoir_c:.1f} °C, above {limits.alarm_c:.1f} °C for {minutes:.0f} min: "
        "it cannot keep up"
    )
    return state, (Alarm(code="chiller_overloaded", severity="critical", message=message),)


def coordinate(
    limits: ChillerConfig,
    state: ChillerState,
    now_s: float,
    reservoir_c: float | None,
    demands: Sequence[ValveDemand],
    *,
    name: str = "",
) -> ChillerDecision:
    """Which valves may be open now (see the module docstring)."""
    n_open = sum(d.open for d in demands)
    n_want = sum(d.wants for d in demands)
    state = _budget(limits, state, now_s, reservoir_c, n_open, n_want)
    state, alarms = _alarm(limits, state, now_s, reservoir_c, name)
    slots = state.budget if state.budget is not None else len(demands)
    allowed: dict[str, bool] = {}
    # Valves inside their minimum open time stay open, whatever the budget.
    for d in demands:
        if d.open and now_s - d.since_s < d.min_on_s:
            allowed[d.fermenter] = True
    used = len(allowed)
    may_grant = now_s - state.last_grant_s >= limits.stagger_s
    ranked = sorted((d for d in demands if d.fermenter not in allowed), key=lambda d: priority(d, limits))
    waiting: list[str] = []
    for d in ranked:
        if not d.wants:
            allowed[d.fermenter] = d.open  # an open valve closes by its own control; a closed one waits its turn
            continue
        if used >= slots:
            allowed[d.fermenter] = False
            waiting.append(d.fermenter)
            continue
        if d.open:
            allowed[d.fermenter] = True
            used += 1
            continue
        if may_grant and now_s - d.since_s >= d.min_off_s:
            allowed[d.fermenter] = True
            used += 1
            may_grant = False
            state = replace(state, last_grant_s=now_s)
            continue
        allowed[d.fermenter] = False
        waiting.append(d.fermenter)
    return ChillerDecision(allowed, state, tuple(waiting), alarms)


def chiller_thermostat(
    limits: ChillerConfig, on: bool, since_s: float, now_s: float, reservoir_c: float | None
) -> bool:
    """Whether the chiller output should be on: above setpoint + band on, below setpoint - band
    off, min on/off times kept. A lost reservoir probe keeps it running (warm glycol is the danger;
    its own frost stat protects the chiller)."""
    elapsed = now_s - since_s
    if reservoir_c is None or reservoir_c > limits.setpoint_c + limits.band_c:
        want = True
    elif reservoir_c < limits.setpoint_c - limits.band_c:
        want = False
    else:
        want = on
    if want != on and elapsed < (limits.min_on_s if on else limits.min_off_s):
        return on
    return want
