"""The planned temperature curve of a profile, for the editor's preview (pure).

Conditional steps are drawn at their longest (a hold-until at its ``max_duration``); a
wait-for-brewer step has no length of its own and is drawn as :data:`WAIT_DRAWN_S`. During a
free rise nothing is controlled: the curve has a gap (None).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import assert_never

from brewctl.core.profile import AnyStep
from brewctl.profiles import FreeRiseStep, HoldStep, HoldUntilStep, Profile, RampStep, WaitForBrewerStep

__all__ = ["WAIT_DRAWN_S", "plan_ahead", "planned_curve", "step_starts"]

WAIT_DRAWN_S = 12 * 3600.0
"""How long a wait-for-brewer step is drawn (it lasts until the brewer confirms)."""

Point = tuple[float, float | None]


def _drawn(profile: Profile) -> Iterator[tuple[AnyStep, float | None, float]]:
    """Each step with the setpoint it is drawn from (None in a free rise) and its drawn length.

    The one dispatch on step kinds here: mypy names it when a kind is added.
    """
    current: float | None = None
    for step in profile.steps:
        match step:
            case FreeRiseStep():
                yield step, None, step.duration_s
                continue
            case RampStep():
                start = step.from_c if step.from_c is not None else current
                if start is None:  # a profile that opens with a ramp starts from the beer: draw it flat
                    start = step.temperature_c
                yield step, start, step.duration_from(start)
            case HoldStep():
                yield step, step.temperature_c, step.duration_s
            case HoldUntilStep():
                yield step, step.temperature_c, step.max_duration_s
            case WaitForBrewerStep():
                yield step, step.temperature_c, WAIT_DRAWN_S
            case _:
                assert_never(step)
        current = step.temperature_c


def planned_curve(profile: Profile) -> list[Point]:
    """``(seconds from start, setpoint degC or None)`` corners of the planned curve."""
    points: list[Point] = []
    t = 0.0
    for step, start, length in _drawn(profile):
        points.append((t, start))
        t += length
        points.append((t, None if isinstance(step, FreeRiseStep) else step.temperature_c))
    return points


def step_starts(profile: Profile) -> list[float]:
    """Where each step begins on the planned curve (seconds from the start), as :func:`planned_curve` draws it."""
    starts = [0.0]
    for _, _, length in _drawn(profile):
        starts.append(starts[-1] + length)
    return starts[:-1]


def plan_ahead(
    profile: Profile, step_index: int, step_remaining_s: float | None, now_s: float
) -> list[tuple[float, float | None]]:
    """The planned setpoint from ``now_s`` on (Unix seconds, degC or None in a free rise).

    The current step ends ``step_remaining_s`` from now (when known; else as planned from its
    start), then the rest of the profile follows as :func:`planned_curve` draws it.
    """
    points = planned_curve(profile)
    starts = step_starts(profile)
    if not points or not 0 <= step_index < len(starts):
        return []
    step_end = starts[step_index + 1] if step_index + 1 < len(starts) else points[-1][0]
    length = step_end - starts[step_index]
    into = length - step_remaining_s if step_remaining_s is not None else 0.0
    plan_now = starts[step_index] + max(0.0, min(length, into))
    out: list[tuple[float, float | None]] = [(now_s, _value_at(points, plan_now))]
    out += [(now_s + t - plan_now, v) for t, v in points if t > plan_now]
    return out


def _value_at(points: list[Point], t: float) -> float | None:
    """The planned setpoint at ``t`` (linear between corners; None in a gap)."""
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if t0 <= t <= t1:
            if v0 is None or v1 is None:
                return None
            if t1 == t0:
                return v1
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return points[-1][1] if points else None
