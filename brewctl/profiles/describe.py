"""Human-readable views of a profile: a steps table and the planned temperature curve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, assert_never

from brewctl.core.profile import (
    Attenuation,
    Condition,
    FreeRiseStep,
    GravityAtOrBelow,
    GravityStable,
    HoldStep,
    HoldUntilStep,
    Profile,
    RampStep,
    StepTimeAtLeast,
    Until,
    WaitForBrewerStep,
)
from brewctl.core.profile_runner import advance, skip, start, status
from brewctl.display import format_gravity, format_temp
from brewctl.units import format_duration

__all__ = ["planned_curve", "render_table", "step_rows", "total_s"]

Units = Literal["C", "F"]


def _t(c: float, units: Units) -> str:
    return format_temp(c, units)


def _sg(sg: float, gravity_units: str) -> str:
    return format_gravity(sg, gravity_units)


def _condition(cond: Condition, gravity_units: str) -> str:
    match cond:
        case GravityAtOrBelow():
            return f"gravity ≤ {_sg(cond.sg, gravity_units)}"
        case Attenuation():
            og = f" of OG {_sg(cond.og_sg, gravity_units)}" if cond.og_sg is not None else ""
            return f"attenuation ≥ {cond.percent:g} %{og}"
        case GravityStable():
            return f"stable within {cond.within_points:g} pt for {format_duration(cond.period_s)}"
        case StepTimeAtLeast():
            return f"at least {format_duration(cond.duration_s)} in the step"
        case _:
            assert_never(cond)


def _until(until: Until, gravity_units: str) -> str:
    joiner = " and " if until.combine == "all" else " or "
    return joiner.join(_condition(c, gravity_units) for c in until.conditions)


def _join(name: str, detail: str) -> str:
    return f"{name.strip()}: {detail}" if name.strip() else detail


def step_rows(profile: Profile, units: Units | None = None) -> list[tuple[str, str, str, str, str]]:
    """``(#, kind, temperature, time, detail)`` for each step."""
    u = units or profile.units
    rows = []
    previous: float | None = None
    for i, step in enumerate(profile.steps):
        kind = step.kind.replace("_", "-")
        name = f" {step.name}" if step.name else ""
        match step:
            case HoldStep():
                rows.append(
                    (f"{i + 1}", kind, _t(step.temperature_c, u), format_duration(step.duration_s), name.strip())
                )
            case RampStep():
                begin = step.from_c if step.from_c is not None else previous
                frm = _t(begin, u) if begin is not None else "beer"
                if step.duration_s is not None:
                    time = format_duration(step.duration_s)
                else:
                    rate = step.rate_c_per_h or 0.0
                    per_h = f"{rate * 9 / 5:.2f} °F/h" if u == "F" else f"{rate:.2f} °C/h"
                    time = f"{format_duration(step.duration_from(begin))} ({per_h})" if begin is not None else per_h
                rows.append((f"{i + 1}", kind, f"{frm} → {_t(step.temperature_c, u)}", time, name.strip()))
            case FreeRiseStep():
                bounds = " .. ".join(_t(b, u) if b is not None else "·" for b in (step.min_c, step.max_c))
                detail = f"alarm outside {bounds}" if step.min_c is not None or step.max_c is not None else "no control"
                if step.until is not None:
                    detail += f"; ends early: {_until(step.until, profile.gravity_units)}"
                rows.append((f"{i + 1}", kind, "—", format_duration(step.duration_s), _join(name, detail)))
            case HoldUntilStep():
                detail = _join(name, f"until {_until(step.until, profile.gravity_units)}")
                time = f"≤ {format_duration(step.max_duration_s)}"
                rows.append((f"{i + 1}", kind, _t(step.temperature_c, u), time, detail))
            case WaitForBrewerStep():
                detail = _join(name, step.message or "until you confirm")
                rows.append((f"{i + 1}", kind, _t(step.temperature_c, u), "until confirmed", detail))
            case _:
                assert_never(step)
        previous = None if isinstance(step, FreeRiseStep) else step.temperature_c
    return rows


def render_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain aligned text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def total_s(profile: Profile) -> float:
    """The planned length: every step's duration, hold-until at its maximum, brewer waits at zero."""
    eta = status(profile, start(profile)).eta_s
    return 0.0 if eta is None else eta


def planned_curve(profile: Profile, samples: int = 400) -> list[tuple[float, float | None]]:
    """``(elapsed_s, setpoint_c)`` along the plan (no gravity: time fallbacks; brewer waits skipped)."""
    length = max(total_s(profile), 1.0)
    dt = length / samples
    progress = start(profile)
    out: list[tuple[float, float | None]] = []
    _, target = advance(profile, progress, 0.0)
    out.append((0.0, target.beer_setpoint_c))
    for _ in range(samples):
        progress, target = advance(profile, progress, dt)
        while not progress.finished and isinstance(profile.steps[progress.step_index], WaitForBrewerStep):
            progress = skip(profile, progress)  # the plan assumes a prompt brewer
            _, target = advance(profile, progress, 0.0)
        out.append((progress.total_elapsed_s, target.beer_setpoint_c))
    return out
