"""The planned temperature curve of a profile, for the editor's preview (pure).

Conditional steps are drawn at their longest (a hold-until at its ``max_duration``); a
wait-for-brewer step has no length of its own and is drawn as :data:`WAIT_DRAWN_S`. During a
free rise nothing is controlled: the curve has a gap (None).
"""

from __future__ import annotations

from typing import assert_never

from brewctl.profiles import FreeRiseStep, HoldStep, HoldUntilStep, Profile, RampStep, WaitForBrewerStep

__all__ = ["WAIT_DRAWN_S", "planned_curve"]

WAIT_DRAWN_S = 12 * 3600.0
"""How long a wait-for-brewer step is drawn (it lasts until the brewer confirms)."""

Point = tuple[float, float | None]


def planned_curve(profile: Profile) -> list[Point]:
    """``(seconds from start, setpoint degC or None)`` corners of the planned curve."""
    points: list[Point] = []
    t = 0.0
    current: float | None = None
    for step in profile.steps:
        match step:
            case FreeRiseStep():
                points.append((t, None))
                t += step.duration_s
                points.append((t, None))
                continue
            case RampStep():
                start = step.from_c if step.from_c is not None else current
                if start is None:  # a profile that opens with a ramp starts from the beer: draw it flat
                    start = step.temperature_c
                points.append((t, start))
                t += step.duration_from(start)
            case HoldStep():
                points.append((t, step.temperature_c))
                t += step.duration_s
            case HoldUntilStep():
                points.append((t, step.temperature_c))
                t += step.max_duration_s
            case WaitForBrewerStep():
                points.append((t, step.temperature_c))
                t += WAIT_DRAWN_S
            case _:
                assert_never(step)
        points.append((t, step.temperature_c))
        current = step.temperature_c
    return points
