"""A fermentation profile, normalised: degC, seconds and specific gravity throughout.

These frozen models are what the runner, the simulator and the daemon use. Files are read
through :mod:`brewctl.profiles.document` (which accepts degF, ``"3d 12h"`` and Plato) and
converted to these; nothing in here depends on how a file was written, except the
``units`` / ``gravity_units`` display preferences kept for writing it back.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from brewctl.limits import SETPOINT_MAX_C, SETPOINT_MIN_C

__all__ = [
    "FORMAT_VERSION",
    "MAX_DURATION_S",
    "MAX_TEMP_C",
    "MIN_TEMP_C",
    "STEP_KINDS",
    "AnyCondition",
    "AnyStep",
    "Attenuation",
    "Condition",
    "FreeRiseStep",
    "GravityAtOrBelow",
    "GravityStable",
    "HoldStep",
    "HoldUntilStep",
    "Profile",
    "RampStep",
    "Step",
    "StepTimeAtLeast",
    "Until",
    "WaitForBrewerStep",
    "union_tags",
]

FORMAT_VERSION = 1
"""The profile file format this code writes (and the newest it reads)."""

MIN_TEMP_C = SETPOINT_MIN_C
"""Lowest temperature a profile may ask for (degC): the setpoint limit."""
MAX_TEMP_C = SETPOINT_MAX_C
"""Highest temperature a profile may ask for (degC): the setpoint limit."""

MAX_DURATION_S = 10 * 365 * 86400.0
"""Longest duration a step may have (seconds): ten years."""

TempC = Annotated[float, Field(ge=MIN_TEMP_C, le=MAX_TEMP_C, allow_inf_nan=False)]
Seconds = Annotated[float, Field(ge=0.0, le=MAX_DURATION_S, allow_inf_nan=False)]
PositiveSeconds = Annotated[float, Field(gt=0.0, le=MAX_DURATION_S, allow_inf_nan=False)]
SG = Annotated[float, Field(ge=0.980, le=1.200, allow_inf_nan=False)]
StepName = Annotated[str, Field(max_length=80)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- hold-until conditions ---------------------------------------------------------------


class GravityAtOrBelow(_Frozen):
    """Met when the newest fresh gravity reading is at or below ``sg``."""

    type: Literal["gravity_at_or_below"] = "gravity_at_or_below"
    sg: SG


class GravityStable(_Frozen):
    """Met when every fresh reading of the last ``period_s`` lies within ``within_points``.

    One point is 0.001 SG. The readings must cover the whole period.
    """

    type: Literal["gravity_stable"] = "gravity_stable"
    within_points: float = Field(gt=0.0, le=20.0, allow_inf_nan=False)
    period_s: PositiveSeconds


class Attenuation(_Frozen):
    """Met when apparent attenuation ``(OG - SG) / (OG - 1)`` reaches ``percent``.

    ``og_sg`` defaults to the ``og_sg`` given to the runner or, failing that, the highest
    fresh gravity seen since the profile started.
    """

    type: Literal["attenuation"] = "attenuation"
    percent: float = Field(gt=0.0, le=100.0, allow_inf_nan=False)
    og_sg: SG | None = None


class StepTimeAtLeast(_Frozen):
    """Met once the step has run at least ``duration_s`` (a minimum time, AND-ed with gravity)."""

    type: Literal["step_time_at_least"] = "step_time_at_least"
    duration_s: PositiveSeconds


AnyCondition = GravityAtOrBelow | GravityStable | Attenuation | StepTimeAtLeast
"""Every hold-until condition; dispatch on it with ``match`` and ``assert_never``."""
Condition = Annotated[AnyCondition, Field(discriminator="type")]


class Until(_Frozen):
    """Conditions of a hold-until step, combined with OR (``any``) or AND (``all``)."""

    combine: Literal["any", "all"] = "any"
    conditions: tuple[Condition, ...] = Field(min_length=1)


# --- steps --------------------------------------------------------------------------------


class HoldStep(_Frozen):
    """Hold the beer at ``temperature_c`` for ``duration_s``."""

    kind: Literal["hold"] = "hold"
    name: StepName = ""
    temperature_c: TempC
    duration_s: Seconds


class RampStep(_Frozen):
    """Move the setpoint linearly to ``temperature_c``, over ``duration_s`` or at ``rate_c_per_h``.

    The ramp starts at ``from_c`` if given, else at the setpoint in force when the step
    begins (the previous step's temperature, or the beer temperature after a free rise).
    """

    kind: Literal["ramp"] = "ramp"
    name: StepName = ""
    temperature_c: TempC
    from_c: TempC | None = None
    duration_s: Seconds | None = None
    rate_c_per_h: float | None = Field(None, gt=0.0, le=100.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _duration_or_rate(self) -> Self:
        if (self.duration_s is None) == (self.rate_c_per_h is None):
            raise ValueError("a ramp needs either a duration or a rate, not both")
        return self

    def duration_from(self, start_c: float) -> float:
        """Seconds this ramp takes when it starts at ``start_c``."""
        if self.duration_s is not None:
            return self.duration_s
        assert self.rate_c_per_h is not None
        return abs(self.temperature_c - start_c) / self.rate_c_per_h * 3600.0


class FreeRiseStep(_Frozen):
    """No temperature control for ``duration_s``; alarm if the beer leaves ``min_c``..``max_c``.

    With ``until``, the step ends early when the conditions are met (``duration_s`` is then
    the maximum).
    """

    kind: Literal["free_rise"] = "free_rise"
    name: StepName = ""
    duration_s: Seconds
    min_c: TempC | None = None
    max_c: TempC | None = None
    until: Until | None = None

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Self:
        if self.min_c is not None and self.max_c is not None and self.min_c >= self.max_c:
            raise ValueError("the alarm bound 'min' must be below 'max'")
        return self


class HoldUntilStep(_Frozen):
    """Hold ``temperature_c`` until the gravity conditions are met, or ``max_duration_s`` passes."""

    kind: Literal["hold_until"] = "hold_until"
    name: StepName = ""
    temperature_c: TempC
    until: Until
    max_duration_s: PositiveSeconds


class WaitForBrewerStep(_Frozen):
    """Hold ``temperature_c`` and keep notifying until the brewer confirms (e.g. dry hopping)."""

    kind: Literal["wait_for_brewer"] = "wait_for_brewer"
    name: StepName = ""
    temperature_c: TempC
    message: str = Field("", max_length=200)


AnyStep = HoldStep | RampStep | FreeRiseStep | HoldUntilStep | WaitForBrewerStep
"""Every step kind. Adding one: a model above, then mypy names each ``match`` that must handle
it (each ends with ``assert_never``); tag lists derive from this union (``STEP_KINDS``)."""
Step = Annotated[AnyStep, Field(discriminator="kind")]


def union_tags(union: Any, field: str) -> tuple[str, ...]:
    """The discriminator tags of a union of models, in order (``field`` is a ``Literal``)."""
    return tuple(tag for cls in get_args(union) for tag in get_args(cls.model_fields[field].annotation))


STEP_KINDS: tuple[str, ...] = union_tags(AnyStep, "kind")
"""``("hold", "ramp", "free_rise", "hold_until", "wait_for_brewer")``."""


# --- the profile --------------------------------------------------------------------------


class Profile(_Frozen):
    """A fermentation profile: metadata and steps, in degC / seconds / SG."""

    format_version: int = Field(FORMAT_VERSION, ge=1, le=FORMAT_VERSION)
    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    author: str = ""
    license: str = "CC0-1.0"
    styles: tuple[str, ...] = ()
    yeasts: tuple[str, ...] = ()
    units: Literal["C", "F"] = Field("C", description="Display units (the file's).")
    gravity_units: Literal["sg", "plato"] = Field("sg", description="Display gravity units (the file's).")
    steps: tuple[Step, ...] = Field(min_length=1, max_length=100)

    def temperatures_c(self) -> tuple[float, ...]:
        """Every temperature the profile names (setpoints, ramp starts, free-rise bounds)."""
        temps: list[float] = []
        for step in self.steps:
            if isinstance(step, FreeRiseStep):
                temps.extend(t for t in (step.min_c, step.max_c) if t is not None)
            else:
                temps.append(step.temperature_c)
                if isinstance(step, RampStep) and step.from_c is not None:
                    temps.append(step.from_c)
        return tuple(temps)

    def last_setpoint_c(self) -> float | None:
        """The setpoint held after the last step (the last controlled temperature)."""
        for step in reversed(self.steps):
            if not isinstance(step, FreeRiseStep):
                return step.temperature_c
        return None
