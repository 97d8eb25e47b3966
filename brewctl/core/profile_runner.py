"""Run a fermentation profile: pure and clock-free.

The daemon calls :func:`advance` on every tick with the *monotonic* seconds since the last
call (``dt_s``), the beer temperature and the recent gravity history, and persists the
returned :class:`ProfileProgress` (``dataclasses.asdict`` / :meth:`ProfileProgress.from_dict`).
Profile time moves only by ``dt_s``: a wall clock that jumps (a Pi without RTC, NTP at boot)
never skips or repeats a step, and paused time does not count.

Semantics, in order, on each call:

1. A finished profile holds the last setpoint and says so (an info alarm).
2. A paused profile holds the current setpoint (a ramp freezes where it is); time stands still.
3. Otherwise the current step's end conditions are checked *first* (gravity conditions,
   a brewer's confirmation), then ``dt_s`` is spent on the step; a step that runs out hands
   the rest of ``dt_s`` to the next one. Splitting ``dt_s`` into pieces gives the same result.

Gravity readings older than ``gravity_stale_s`` count as unknown: a condition that needs
them is not met, and the step's ``max_duration`` fallback ends it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, assert_never

from brewctl.core.profile import (
    MAX_TEMP_C,
    MIN_TEMP_C,
    AnyCondition,
    Attenuation,
    FreeRiseStep,
    GravityAtOrBelow,
    GravityStable,
    HoldStep,
    HoldUntilStep,
    Profile,
    RampStep,
    Step,
    StepTimeAtLeast,
    Until,
    WaitForBrewerStep,
)
from brewctl.errors import CommandError
from brewctl.model import Alarm, ProfileStatus

__all__ = [
    "GRAVITY_STALE_S",
    "GravityReading",
    "PlannedSetpoints",
    "ProfileProgress",
    "ProfileTarget",
    "advance",
    "confirm",
    "current_setpoint",
    "pause",
    "resume",
    "skip",
    "start",
    "status",
    "step_duration_s",
]

GRAVITY_STALE_S = 2 * 3600.0
"""A gravity reading older than this (seconds) is unknown."""

_EPS = 1e-9
_SG_MIN, _SG_MAX = 0.980, 1.200


@dataclass(frozen=True)
class ProfileProgress:
    """Where a running profile is. Persisted by the daemon as JSON."""

    step_index: int = 0
    step_elapsed_s: float = 0.0
    total_elapsed_s: float = 0.0
    paused: bool = False
    step_start_c: float | None = None
    """Where a ramp starts: the setpoint in force when the step began."""
    confirmed: bool = False
    """The brewer released a wait-for-brewer step."""
    finished: bool = False
    og_sg: float | None = None
    """The highest gravity seen since the start (attenuation default)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProfileProgress:
        """Rebuild from persisted JSON. Unknown keys are ignored; bad values raise ``ValueError``."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name == "step_index":
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"step_index: expected a non-negative integer, got {value!r}")
            elif f.name in ("paused", "confirmed", "finished"):
                if not isinstance(value, bool):
                    raise ValueError(f"{f.name}: expected true or false, got {value!r}")
            elif value is not None or f.name in ("step_elapsed_s", "total_elapsed_s"):
                if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                    raise ValueError(f"{f.name}: expected a number, got {value!r}")
                value = float(value)
                if f.name.endswith("elapsed_s") and value < 0:
                    raise ValueError(f"{f.name}: cannot be negative")
                if f.name == "step_start_c" and not MIN_TEMP_C <= value <= MAX_TEMP_C:
                    raise ValueError(f"step_start_c: {value:g} °C is outside {MIN_TEMP_C:g}..{MAX_TEMP_C:g} °C")
                if f.name == "og_sg" and not 0.98 <= value <= 1.2:
                    raise ValueError(f"og_sg: {value:g} is outside 0.980..1.200")
            kwargs[f.name] = value
        return cls(**kwargs)


@dataclass(frozen=True)
class GravityReading:
    """A gravity reading and its age (seconds before now)."""

    sg: float
    age_s: float


@dataclass(frozen=True)
class ProfileTarget:
    """What the controller should do now."""

    beer_setpoint_c: float | None
    """None: no control (free rise)."""
    status: ProfileStatus
    alarms: tuple[Alarm, ...]


# --- helpers ------------------------------------------------------------------------------


def _start_c_for(profile: Profile, index: int, previous_c: float | None, beer_c: float | None) -> float | None:
    """The setpoint in force when step ``index`` begins (a ramp's default start)."""
    if 0 <= index < len(profile.steps):
        step = profile.steps[index]
        if isinstance(step, RampStep) and step.from_c is not None:
            return step.from_c
    if previous_c is not None:
        return previous_c
    if beer_c is not None and math.isfinite(beer_c):
        # A probe gone wild must not become the setpoint: start within what a profile may ask.
        return min(max(beer_c, MIN_TEMP_C), MAX_TEMP_C)
    return None


def _static_start_c(profile: Profile, index: int) -> float | None:
    """A ramp's start as far as the profile alone tells (for planning and ETA)."""
    if not 0 <= index <= len(profile.steps):
        return None
    if index < len(profile.steps):
        step = profile.steps[index]
        if isinstance(step, RampStep) and step.from_c is not None:
            return step.from_c
    if index == 0:
        return None
    prev = profile.steps[index - 1]
    return None if isinstance(prev, FreeRiseStep) else prev.temperature_c


def step_duration_s(step: Step, start_c: float | None) -> float | None:
    """Planned length of ``step``: its duration, its maximum (hold-until), None if unbounded."""
    match step:
        case HoldStep() | FreeRiseStep():
            return step.duration_s
        case RampStep():
            return step.duration_from(step.temperature_c if start_c is None else start_c)
        case HoldUntilStep():
            return step.max_duration_s
        case WaitForBrewerStep():
            return None
        case _:
            assert_never(step)


def _setpoint(step: Step, start_c: float | None, elapsed_s: float) -> float | None:
    if isinstance(step, FreeRiseStep):
        return None
    if isinstance(step, RampStep):
        begin = step.temperature_c if start_c is None else start_c
        length = step.duration_from(begin)
        if length <= 0.0:
            return step.temperature_c
        frac = min(1.0, max(0.0, elapsed_s / length))
        value = begin + (step.temperature_c - begin) * frac
        lo, hi = sorted((begin, step.temperature_c))
        return min(max(value, lo), hi)
    return step.temperature_c


def current_setpoint(profile: Profile, progress: ProfileProgress) -> float | None:
    """The beer setpoint at ``progress`` (the last setpoint once finished)."""
    if progress.finished or progress.step_index >= len(profile.steps):
        return progress.step_start_c if progress.step_start_c is not None else profile.last_setpoint_c()
    step = profile.steps[progress.step_index]
    return _setpoint(step, progress.step_start_c, progress.step_elapsed_s)


def _plausible(g: GravityReading) -> bool:
    """A gravity a hydrometer can really read; anything else (NaN, 0.5, -1) counts as unknown."""
    return _SG_MIN <= g.sg <= _SG_MAX and g.age_s >= 0.0


def _fresh(gravity: Sequence[GravityReading], stale_s: float) -> list[GravityReading]:
    return [g for g in gravity if _plausible(g) and g.age_s <= stale_s]


def _condition_met(
    cond: AnyCondition,
    gravity: Sequence[GravityReading],
    stale_s: float,
    og_sg: float | None,
    elapsed_s: float,
) -> bool:
    if isinstance(cond, StepTimeAtLeast):
        return elapsed_s >= cond.duration_s - _EPS  # the step's own clock: no hydrometer needed
    fresh = _fresh(gravity, stale_s)
    if not fresh:
        return False
    newest = min(fresh, key=lambda g: g.age_s)
    match cond:
        case GravityAtOrBelow():
            return newest.sg <= cond.sg + _EPS
        case GravityStable():
            usable = [g for g in gravity if _plausible(g)]
            before = [g for g in usable if g.age_s >= cond.period_s]
            if not before:
                return False  # the history does not cover the period yet
            # The window starts at the gravity in force then (the newest reading at or before its
            # start): one fresh reading after a silent hydrometer is not "stable".
            window = [g.sg for g in usable if g.age_s <= cond.period_s]
            window.append(min(before, key=lambda g: g.age_s).sg)
            return (max(window) - min(window)) * 1000.0 <= cond.within_points + _EPS
        case Attenuation():
            og = cond.og_sg if cond.og_sg is not None else og_sg
            if og is None or og <= 1.0 + _EPS:
                return False
            return (og - newest.sg) / (og - 1.0) * 100.0 >= cond.percent - _EPS
        case _:
            assert_never(cond)


def _until_met(
    until: Until, gravity: Sequence[GravityReading], stale_s: float, og_sg: float | None, elapsed_s: float
) -> bool:
    results = (_condition_met(c, gravity, stale_s, og_sg, elapsed_s) for c in until.conditions)
    return all(results) if until.combine == "all" else any(results)


def _next_time_mark(until: Until | None, elapsed_s: float) -> float | None:
    """The next step time at which a ``step_time_at_least`` condition turns true (None: none left)."""
    if until is None:
        return None
    marks = [c.duration_s for c in until.conditions if isinstance(c, StepTimeAtLeast)]
    later = [m for m in marks if m > elapsed_s + _EPS]
    return min(later) if later else None


def _needs_gravity(until: Until | None) -> bool:
    return until is not None and any(not isinstance(c, StepTimeAtLeast) for c in until.conditions)


def _to_step(profile: Profile, progress: ProfileProgress, index: int, beer_c: float | None) -> ProfileProgress:
    """Move to step ``index`` (past the end: finished), the setpoint carrying over."""
    here = current_setpoint(profile, progress)
    if index >= len(profile.steps):
        if here is None and beer_c is not None and math.isfinite(beer_c):
            here = min(max(beer_c, MIN_TEMP_C), MAX_TEMP_C)  # after a free rise: hold where the beer is
        last = profile.last_setpoint_c() if here is None else here
        return replace(
            progress,
            step_index=len(profile.steps),
            step_elapsed_s=0.0,
            step_start_c=last,
            confirmed=False,
            finished=True,
        )
    return replace(
        progress,
        step_index=index,
        step_elapsed_s=0.0,
        step_start_c=_start_c_for(profile, index, here, beer_c),
        confirmed=False,
        finished=False,
    )


# --- public API ---------------------------------------------------------------------------


def start(profile: Profile, at_step: int = 0) -> ProfileProgress:
    """Progress at the beginning of step ``at_step``."""
    if not 0 <= at_step < len(profile.steps):
        raise CommandError(f"no step {at_step} in profile {profile.name!r} (it has {len(profile.steps)} steps, from 0)")
    return ProfileProgress(step_index=at_step, step_start_c=_static_start_c(profile, at_step))


def pause(progress: ProfileProgress) -> ProfileProgress:
    """Stop the profile clock; the current setpoint is held."""
    return replace(progress, paused=True)


def resume(progress: ProfileProgress) -> ProfileProgress:
    """Restart the profile clock where it stopped."""
    return replace(progress, paused=False)


def confirm(progress: ProfileProgress) -> ProfileProgress:
    """The brewer confirms: a wait-for-brewer step ends on the next :func:`advance`."""
    return replace(progress, confirmed=True)


def skip(profile: Profile, progress: ProfileProgress, to_step: int | None = None) -> ProfileProgress:
    """End the current step now (or jump to ``to_step``, backwards too). Past the last: finished."""
    target = progress.step_index + 1 if to_step is None else to_step
    if to_step is not None and not 0 <= to_step < len(profile.steps):
        raise CommandError(f"no step {to_step} in profile {profile.name!r} (it has {len(profile.steps)} steps, from 0)")
    return _to_step(profile, progress, target, None)


def advance(
    profile: Profile,
    progress: ProfileProgress,
    dt_s: float,
    *,
    beer_c: float | None = None,
    gravity: Sequence[GravityReading] = (),
    og_sg: float | None = None,
    gravity_stale_s: float = GRAVITY_STALE_S,
) -> tuple[ProfileProgress, ProfileTarget]:
    """Spend ``dt_s`` monotonic seconds on the profile; return the new progress and the target.

    ``og_sg`` is the batch's original gravity if known (recipe); attenuation conditions use
    it unless they name their own.
    """
    if not math.isfinite(dt_s) or dt_s < 0.0:
        dt_s = 0.0  # a bad delta never moves the profile
    n = len(profile.steps)
    p = progress
    if p.step_index >= n and not p.finished:
        p = _to_step(profile, p, n, beer_c)
    # Remember the highest gravity seen since the start (attenuation default): fresh readings
    # only, so an older batch still in the fermenter's history is not taken for this one's OG.
    seen = [g.sg for g in _fresh(gravity, gravity_stale_s)]
    if seen and (p.og_sg is None or max(seen) > p.og_sg):
        p = replace(p, og_sg=max(seen))
    og = og_sg if og_sg is not None else p.og_sg

    if not p.finished and not p.paused:
        remaining = dt_s
        passes = 0
        marks = sum(
            len(st.until.conditions)
            for st in profile.steps
            if isinstance(st, HoldUntilStep | FreeRiseStep) and st.until
        )
        while not p.finished and passes <= 2 * n + 2 + marks:  # each pass ends a step, reaches a mark or spends dt
            passes += 1
            step = profile.steps[p.step_index]
            if p.step_start_c is None and isinstance(step, RampStep):
                begin = _start_c_for(profile, p.step_index, None, beer_c)
                p = replace(p, step_start_c=step.temperature_c if begin is None else begin)
            until = step.until if isinstance(step, HoldUntilStep | FreeRiseStep) else None
            if (until is not None and _until_met(until, gravity, gravity_stale_s, og, p.step_elapsed_s)) or (
                isinstance(step, WaitForBrewerStep) and p.confirmed
            ):
                p = _to_step(profile, p, p.step_index + 1, beer_c)
                continue
            length = step_duration_s(step, p.step_start_c)
            if length is None:  # waiting for the brewer: time passes, the step does not end
                p = replace(
                    p, step_elapsed_s=p.step_elapsed_s + remaining, total_elapsed_s=p.total_elapsed_s + remaining
                )
                break
            spend = min(remaining, max(0.0, length - p.step_elapsed_s))
            mark = _next_time_mark(until, p.step_elapsed_s)
            at_mark = mark is not None and mark - p.step_elapsed_s <= spend
            if mark is not None and at_mark:
                spend = mark - p.step_elapsed_s  # stop at the mark: the conditions are checked again there
            p = replace(p, step_elapsed_s=p.step_elapsed_s + spend, total_elapsed_s=p.total_elapsed_s + spend)
            remaining -= spend
            if p.step_elapsed_s >= length - _EPS:
                p = _to_step(profile, p, p.step_index + 1, beer_c)
                continue
            if at_mark:
                continue
            break
    return p, _target(profile, p, beer_c, gravity, gravity_stale_s)


def status(profile: Profile, progress: ProfileProgress) -> ProfileStatus:
    """Step i of n, time left in the step and the ETA of the whole profile."""
    n = len(profile.steps)
    if progress.finished or progress.step_index >= n:
        last = profile.steps[-1]
        return ProfileStatus(
            name=profile.name,
            step_index=n - 1,
            step_count=n,
            step_name=last.name,
            step_kind=last.kind,
            step_remaining_s=0.0,
            eta_s=0.0,
            elapsed_s=progress.total_elapsed_s,
            paused=progress.paused,
            finished=True,
        )
    step = profile.steps[progress.step_index]
    length = step_duration_s(step, progress.step_start_c)
    left = None if length is None else max(0.0, length - progress.step_elapsed_s)
    eta = 0.0 if left is None else left
    prev_c = None if isinstance(step, FreeRiseStep) else step.temperature_c
    for later in profile.steps[progress.step_index + 1 :]:
        start_c = later.from_c if isinstance(later, RampStep) and later.from_c is not None else prev_c
        eta += step_duration_s(later, start_c) or 0.0
        if not isinstance(later, FreeRiseStep):
            prev_c = later.temperature_c
    return ProfileStatus(
        name=profile.name,
        step_index=progress.step_index,
        step_count=n,
        step_name=step.name,
        step_kind=step.kind,
        step_remaining_s=left,
        eta_s=eta,
        elapsed_s=progress.total_elapsed_s,
        paused=progress.paused,
        waiting_for_brewer=isinstance(step, WaitForBrewerStep) and not progress.confirmed,
        finished=False,
    )


def _target(
    profile: Profile,
    progress: ProfileProgress,
    beer_c: float | None,
    gravity: Sequence[GravityReading],
    stale_s: float,
) -> ProfileTarget:
    setpoint = current_setpoint(profile, progress)
    alarms: list[Alarm] = []
    if progress.finished:
        done: dict[str, float | str] = {"profile": profile.name, "cause": "no_setpoint"}
        if setpoint is not None:
            done |= {"cause": "holding", "setpoint_c": setpoint}
        alarms.append(Alarm(code="profile_finished", severity="info", values=done))
    else:
        step = profile.steps[progress.step_index]
        where: dict[str, float | str] = {
            "step": progress.step_index + 1,
            "step_name": step.name or "",
            "step_kind": step.kind,
        }
        if isinstance(step, WaitForBrewerStep) and not progress.confirmed:
            alarms.append(
                Alarm(code="waiting_for_brewer", severity="warning", values=where | {"note": step.message or ""})
            )
        if isinstance(step, FreeRiseStep) and beer_c is not None and math.isfinite(beer_c):
            low = step.min_c is not None and beer_c < step.min_c
            high = step.max_c is not None and beer_c > step.max_c
            bound = step.min_c if low else step.max_c
            if (low or high) and bound is not None:
                alarms.append(
                    Alarm(
                        code="free_rise_out_of_bounds",
                        severity="warning",
                        values={"cause": "below" if low else "above", "beer_c": beer_c, "bound_c": bound},
                    )
                )
        until = step.until if isinstance(step, HoldUntilStep | FreeRiseStep) else None
        if _needs_gravity(until) and not _fresh(gravity, stale_s):
            length = step_duration_s(step, progress.step_start_c) or 0.0
            alarms.append(
                Alarm(
                    code="gravity_unknown",
                    severity="info",
                    values=where | {"left_s": round(length - progress.step_elapsed_s)},
                )
            )
    return ProfileTarget(beer_setpoint_c=setpoint, status=status(profile, progress), alarms=tuple(alarms))


class PlannedSetpoints:
    """``elapsed_s -> beer setpoint`` along a profile, for simulations and plots.

    Calls must come with non-decreasing ``elapsed_s`` (an earlier time restarts the plan).
    No gravity is known, so gravity steps end by their time fallback; with
    ``auto_confirm`` a wait-for-brewer step is confirmed at once. ``beer_c`` is the beer
    temperature assumed where a ramp starts "from the beer" (first step, after a free rise).
    """

    def __init__(self, profile: Profile, *, auto_confirm: bool = True, beer_c: float | None = None) -> None:
        self.profile = profile
        self.auto_confirm = auto_confirm
        self.beer_c = beer_c
        self.progress = start(profile)
        self._at = 0.0

    def __call__(self, elapsed_s: float) -> float | None:
        if elapsed_s < self._at:
            self.progress, self._at = start(self.profile), 0.0
        self.progress, target = advance(self.profile, self.progress, elapsed_s - self._at, beer_c=self.beer_c)
        self._at = elapsed_s
        while self.auto_confirm and target.status.waiting_for_brewer:
            self.progress, target = advance(self.profile, confirm(self.progress), 0.0, beer_c=self.beer_c)
        return target.beer_setpoint_c
