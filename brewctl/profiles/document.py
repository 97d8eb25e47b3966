"""The profile *file*: the TOML document as people write it, and its JSON Schema.

Temperatures are in the file's ``units`` (C or F), durations are ``"3d 12h"`` strings or
seconds, gravities are in the file's ``gravity_units`` (SG or Plato). :func:`to_profile`
converts a validated document into the normalised :class:`~brewctl.core.profile.Profile`
and :func:`from_profile` converts back (for writing files and exporting).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self, assert_never

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from brewctl import validation
from brewctl.core.profile import (
    FORMAT_VERSION,
    MAX_DURATION_S,
    MAX_TEMP_C,
    MIN_TEMP_C,
    AnyCondition,
    AnyStep,
    Attenuation,
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
    union_tags,
)
from brewctl.units import c_to_f, delta_f_to_c, f_to_c, parse_duration, plato_to_sg, sg_to_plato
from brewctl.validation import validation_problems

__all__ = [
    "DOC_TAGS",
    "STEP_ADAPTER",
    "STEP_TYPES",
    "AnyStepDoc",
    "Problem",
    "ProfileDocument",
    "check_temperature",
    "convert_step",
    "from_profile",
    "json_schema",
    "to_profile",
]

Problem = validation.Problem
"""A problem found in a document: (location of the key, message)."""


def _duration(value: Any) -> float:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("expected a duration like '3d 12h', '90m' or a number of seconds")
    seconds = parse_duration(value)
    if not math.isfinite(seconds):
        raise ValueError(f"cannot read duration {value!r}; write e.g. '3d 12h', '90m' or '45s'")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"duration {value!r} is longer than {MAX_DURATION_S / 31_536_000:g} years")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*(\d+(\.\d+)?\s*[wdhmsWDHMS]\s*)+$"},
                {"type": "number", "minimum": 0},
            ],
            "description": "A duration: '3d 12h', '90m', '1w', '45s' or a number of seconds.",
        }
    ),
]
Temperature = Annotated[float, Field(allow_inf_nan=False, description="In the file's units (C or F).")]
Gravity = Annotated[float, Field(allow_inf_nan=False, description="In the file's gravity_units (SG or Plato).")]


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GravityDoc(_Doc):
    """Met when the newest fresh gravity reading is at or below ``at_or_below``."""

    type: Literal["gravity"]
    at_or_below: Gravity


class StableDoc(_Doc):
    """Met when the gravity has stayed within ``within_points`` (0.001 SG each) for ``period``."""

    type: Literal["stable"]
    within_points: float = Field(gt=0, le=20, description="Allowed spread, in SG points (1 = 0.001).")
    period: Duration


class AttenuationDoc(_Doc):
    """Met when apparent attenuation reaches ``percent``."""

    type: Literal["attenuation"]
    percent: float = Field(gt=0, le=100)
    og: Gravity | None = Field(
        None, description="Original gravity; default: the highest fresh gravity seen since the start."
    )


class StepTimeDoc(_Doc):
    """Met once the step has run at least ``at_least`` (a minimum time; combine with ``all``)."""

    type: Literal["step_time"]
    at_least: Duration


AnyConditionDoc = GravityDoc | StableDoc | AttenuationDoc | StepTimeDoc
ConditionDoc = Annotated[AnyConditionDoc, Field(discriminator="type")]


class HoldDoc(_Doc):
    """Hold a temperature for a duration."""

    type: Literal["hold"]
    name: str = Field("", max_length=80)
    temperature: Temperature
    duration: Duration


class RampDoc(_Doc):
    """Ramp the setpoint to ``temperature`` over ``duration`` or at ``rate`` degrees per hour."""

    # Editors flag a ramp with neither (or both) of duration and rate, as `validate` does.
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_extra={"oneOf": [{"required": ["duration"]}, {"required": ["rate"]}]}
    )

    type: Literal["ramp"]
    name: str = Field("", max_length=80)
    temperature: Temperature = Field(description="Target temperature (file units).")
    from_: Temperature | None = Field(
        None, alias="from", description="Start temperature; default: the setpoint when the step begins."
    )
    duration: Duration | None = None
    rate: float | None = Field(None, gt=0, description="Degrees (file units) per hour.")

    @model_validator(mode="after")
    def _duration_or_rate(self) -> Self:
        if self.duration is None and self.rate is None:
            raise ValueError("a ramp needs either 'duration' or 'rate' (it has neither)")
        if self.duration is not None and self.rate is not None:
            raise ValueError("a ramp needs either 'duration' or 'rate', not both")
        return self


class FreeRiseDoc(_Doc):
    """No temperature control; alarm when the beer leaves ``min``..``max``."""

    type: Literal["free_rise"]
    name: str = Field("", max_length=80)
    duration: Duration = Field(description="How long (the maximum, with 'until').")
    min: Temperature | None = None
    max: Temperature | None = None
    combine: Literal["any", "all"] = "any"
    until: list[ConditionDoc] | None = Field(None, min_length=1, description="End early when these are met.")


class HoldUntilDoc(_Doc):
    """Hold a temperature until gravity conditions are met, or ``max_duration`` has passed."""

    type: Literal["hold_until"]
    name: str = Field("", max_length=80)
    temperature: Temperature
    combine: Literal["any", "all"] = Field("any", description="'any' = OR, 'all' = AND.")
    until: list[ConditionDoc] = Field(min_length=1)
    max_duration: Duration = Field(description="Fallback: a dead hydrometer cannot stall the batch.")


class WaitForBrewerDoc(_Doc):
    """Hold a temperature and notify until the brewer confirms (e.g. before dry hopping)."""

    type: Literal["wait_for_brewer"]
    name: str = Field("", max_length=80)
    temperature: Temperature
    message: str = Field("", max_length=200, description="What the brewer should do.")


AnyStepDoc = HoldDoc | RampDoc | FreeRiseDoc | HoldUntilDoc | WaitForBrewerDoc
"""Every step as a file writes it (one per ``brewctl.core.profile.AnyStep`` kind)."""
StepDoc = Annotated[AnyStepDoc, Field(discriminator="type")]

STEP_ADAPTER: TypeAdapter[AnyStepDoc] = TypeAdapter(StepDoc)

STEP_TYPES: tuple[str, ...] = union_tags(AnyStepDoc, "type")
"""The step ``type`` tags a file may use, in order."""
DOC_TAGS: frozenset[str] = frozenset(STEP_TYPES + union_tags(AnyConditionDoc, "type"))
"""Every discriminator tag of the file format (pydantic puts them in error locations)."""


class ProfileDocument(_Doc):
    """A brewctl fermentation profile file (TOML)."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="brewctl fermentation profile")

    format_version: int = Field(FORMAT_VERSION, ge=1, le=FORMAT_VERSION, description="File format version.")
    name: str = Field(min_length=1, max_length=80)
    description: str = Field("", description="What the profile is for and when to use it.")
    author: str = ""
    license: str = Field("CC0-1.0", description="SPDX licence id; shared profiles default to CC0-1.0.")
    styles: list[str] = Field(default_factory=list, description="Style hints, e.g. 'German Pils'.")
    yeasts: list[str] = Field(default_factory=list, description="Yeast hints, e.g. 'W-34/70'.")
    units: Literal["C", "F"] = Field("C", description="Temperature units of this file.")
    gravity_units: Literal["sg", "plato"] = Field("sg", description="Gravity units of this file.")
    steps: list[StepDoc] = Field(min_length=1, max_length=100)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of profile files (what editors validate against)."""
    schema = ProfileDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    cleaned: dict[str, Any] = _without_null(schema)
    return cleaned


def _without_null(node: Any) -> Any:
    """TOML has no null: an optional key is simply left out, so drop ``{"type": "null"}`` branches."""
    if isinstance(node, list):
        return [_without_null(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _without_null(v) for k, v in node.items()}
    branches = out.get("anyOf")
    if isinstance(branches, list) and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        del out["anyOf"]
        if out.get("default", 0) is None:
            del out["default"]
        if len(rest) == 1:
            inner = dict(rest[0])
            inner.update(out)
            return inner
        out["anyOf"] = rest
    return out


# --- conversion ---------------------------------------------------------------------------


def check_temperature(
    value: float | None, units: str, loc: tuple[str | int, ...], problems: list[Problem]
) -> float | None:
    """``value`` (file units) in degC, or None with a problem when outside the allowed range."""
    if value is None:
        return None
    c = f_to_c(value) if units == "F" else value
    if not MIN_TEMP_C - 1e-9 <= c <= MAX_TEMP_C + 1e-9:
        lo, hi = (c_to_f(MIN_TEMP_C), c_to_f(MAX_TEMP_C)) if units == "F" else (MIN_TEMP_C, MAX_TEMP_C)
        problems.append((loc, f"{value:g} °{units} is outside the allowed {lo:g}..{hi:g} °{units}"))
        return None
    return min(max(c, MIN_TEMP_C), MAX_TEMP_C)


def _check_gravity(value: float, gravity_units: str, loc: tuple[str | int, ...], problems: list[Problem]) -> float:
    sg = plato_to_sg(value) if gravity_units == "plato" else value
    if not 0.980 <= sg <= 1.200 or not math.isfinite(sg):
        what = f"{value:g} °P" if gravity_units == "plato" else f"{value:g}"
        hint = " (is gravity_units right?)" if gravity_units == "sg" and value > 1.2 else ""
        problems.append((loc, f"gravity {what} is outside 0.980..1.200 SG{hint}"))
        return 1.0
    return sg


def _until(
    conds: list[AnyConditionDoc],
    combine: Literal["any", "all"],
    gravity_units: str,
    loc: tuple[str | int, ...],
    problems: list[Problem],
) -> Until:
    out: list[AnyCondition] = []
    for j, cond in enumerate(conds):
        here = (*loc, j)
        match cond:
            case GravityDoc():
                sg = _check_gravity(cond.at_or_below, gravity_units, (*here, "at_or_below"), problems)
                out.append(GravityAtOrBelow(sg=sg))
            case StableDoc():
                if cond.period <= 0:
                    problems.append(((*here, "period"), "the period must be longer than zero"))
                out.append(GravityStable(within_points=cond.within_points, period_s=max(cond.period, 1.0)))
            case AttenuationDoc():
                og = None if cond.og is None else _check_gravity(cond.og, gravity_units, (*here, "og"), problems)
                out.append(Attenuation(percent=cond.percent, og_sg=og))
            case StepTimeDoc():
                if cond.at_least <= 0:
                    problems.append(((*here, "at_least"), "the time must be longer than zero"))
                out.append(StepTimeAtLeast(duration_s=max(cond.at_least, 1.0)))
            case _:
                assert_never(cond)
    return Until(combine=combine, conditions=tuple(out))


StepModel = AnyStep


def convert_step(
    step: AnyStepDoc,
    i: int,
    units: Literal["C", "F"],
    gravity_units: Literal["sg", "plato"],
    problems: list[Problem],
) -> StepModel | None:
    """Normalise one validated step; range problems are appended to ``problems`` (then None).

    The file checks above should catch everything the models refuse; a model refusal that
    slips through is still reported as a problem of this step, never raised.
    """
    try:
        return _convert_step(step, i, units, gravity_units, problems)
    except ValidationError as exc:
        problems.extend(_model_problems(exc, ("steps", i)))
        return None


def _model_problems(exc: ValidationError, loc: tuple[str | int, ...]) -> list[Problem]:
    return [((*loc, *where), msg) for where, msg in validation_problems(exc)]


def _convert_step(
    step: AnyStepDoc,
    i: int,
    units: Literal["C", "F"],
    gravity_units: Literal["sg", "plato"],
    problems: list[Problem],
) -> StepModel:
    loc: tuple[str | int, ...] = ("steps", i)
    if isinstance(step, FreeRiseDoc):
        lo = check_temperature(step.min, units, (*loc, "min"), problems)
        hi = check_temperature(step.max, units, (*loc, "max"), problems)
        if lo is not None and hi is not None and lo >= hi:
            problems.append(((*loc, "min"), "the alarm bound 'min' must be below 'max'"))
            lo = hi = None
        until = _until(step.until, step.combine, gravity_units, (*loc, "until"), problems) if step.until else None
        return FreeRiseStep(name=step.name, duration_s=step.duration, min_c=lo, max_c=hi, until=until)
    temp = check_temperature(step.temperature, units, (*loc, "temperature"), problems)
    t = 20.0 if temp is None else temp
    match step:
        case HoldDoc():
            return HoldStep(name=step.name, temperature_c=t, duration_s=step.duration)
        case RampDoc():
            start = check_temperature(step.from_, units, (*loc, "from"), problems)
            rate = None
            if step.rate is not None:
                rate = delta_f_to_c(step.rate) if units == "F" else step.rate
                if rate > 100.0:
                    problems.append(((*loc, "rate"), f"a rate of {step.rate:g} °{units}/h is not a ramp"))
                    rate = 100.0
            return RampStep(name=step.name, temperature_c=t, from_c=start, duration_s=step.duration, rate_c_per_h=rate)
        case HoldUntilDoc():
            if step.max_duration <= 0:
                problems.append(((*loc, "max_duration"), "max_duration must be longer than zero"))
            until = _until(step.until, step.combine, gravity_units, (*loc, "until"), problems)
            return HoldUntilStep(
                name=step.name, temperature_c=t, until=until, max_duration_s=max(step.max_duration, 1.0)
            )
        case WaitForBrewerDoc():
            return WaitForBrewerStep(name=step.name, temperature_c=t, message=step.message)
        case _:
            assert_never(step)


def to_profile(doc: ProfileDocument) -> tuple[Profile | None, list[Problem]]:
    """Normalise a validated document. Returns the profile, or None and every problem."""
    problems: list[Problem] = []
    steps = [convert_step(step, i, doc.units, doc.gravity_units, problems) for i, step in enumerate(doc.steps)]
    previous_c: float | None = None
    for i, step in enumerate(steps):
        if isinstance(step, RampStep) and step.rate_c_per_h is not None:
            begin = step.from_c if step.from_c is not None else previous_c
            if begin is not None and step.duration_from(begin) > MAX_DURATION_S:
                problems.append((("steps", i, "rate"), "at this rate the ramp would take more than 10 years"))
        if step is not None:
            previous_c = None if isinstance(step, FreeRiseStep) else step.temperature_c
    if problems:
        return None, problems
    try:
        profile = Profile(
            format_version=doc.format_version,
            name=doc.name,
            description=doc.description,
            author=doc.author,
            license=doc.license,
            styles=tuple(doc.styles),
            yeasts=tuple(doc.yeasts),
            units=doc.units,
            gravity_units=doc.gravity_units,
            steps=tuple(s for s in steps if s is not None),
        )
    except ValidationError as exc:
        return None, _model_problems(exc, ())
    return profile, []


def _round(x: float, digits: int = 2) -> float | int:
    r = round(x, digits)
    return int(r) if r == int(r) else r


def _out_temp(c: float, units: str) -> float | int:
    return _round(c_to_f(c) if units == "F" else c)


def _out_gravity(sg: float, gravity_units: str) -> float | int:
    return _round(sg_to_plato(sg), 2) if gravity_units == "plato" else _round(sg, 4)


def _out_duration(seconds: float) -> str | float | int:
    s = round(seconds)
    if abs(seconds - s) > 1e-6:
        return _round(seconds, 3)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        n, s = divmod(s, size)
        if n:
            parts.append(f"{n}{unit}")
    return " ".join(parts) or "0s"


def _out_until(until: Until, gravity_units: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for cond in until.conditions:
        match cond:
            case GravityAtOrBelow():
                out.append({"type": "gravity", "at_or_below": _out_gravity(cond.sg, gravity_units)})
            case GravityStable():
                period = _out_duration(cond.period_s)
                out.append({"type": "stable", "within_points": _round(cond.within_points), "period": period})
            case Attenuation():
                item: dict[str, Any] = {"type": "attenuation", "percent": _round(cond.percent)}
                if cond.og_sg is not None:
                    item["og"] = _out_gravity(cond.og_sg, gravity_units)
                out.append(item)
            case StepTimeAtLeast():
                out.append({"type": "step_time", "at_least": _out_duration(cond.duration_s)})
            case _:
                assert_never(cond)
    return out


def from_profile(profile: Profile, units: Literal["C", "F"] | None = None) -> dict[str, Any]:
    """The TOML document (as a dict) for ``profile``, in ``units`` (default: the profile's)."""
    u = units or profile.units
    g = profile.gravity_units
    doc: dict[str, Any] = {"format_version": profile.format_version, "name": profile.name}
    for key in ("description", "author", "license"):
        if getattr(profile, key):
            doc[key] = getattr(profile, key)
    if profile.styles:
        doc["styles"] = list(profile.styles)
    if profile.yeasts:
        doc["yeasts"] = list(profile.yeasts)
    doc["units"] = u
    if g != "sg":
        doc["gravity_units"] = g
    steps: list[dict[str, Any]] = []
    for step in profile.steps:
        out: dict[str, Any] = {"type": step.kind}
        if step.name:
            out["name"] = step.name
        if isinstance(step, FreeRiseStep):
            out["duration"] = _out_duration(step.duration_s)
            if step.min_c is not None:
                out["min"] = _out_temp(step.min_c, u)
            if step.max_c is not None:
                out["max"] = _out_temp(step.max_c, u)
            if step.until is not None:
                if step.until.combine != "any":
                    out["combine"] = step.until.combine
                out["until"] = _out_until(step.until, g)
            steps.append(out)
            continue
        out["temperature"] = _out_temp(step.temperature_c, u)
        match step:
            case HoldStep():
                out["duration"] = _out_duration(step.duration_s)
            case RampStep():
                if step.from_c is not None:
                    out["from"] = _out_temp(step.from_c, u)
                if step.duration_s is not None:
                    out["duration"] = _out_duration(step.duration_s)
                if step.rate_c_per_h is not None:
                    out["rate"] = _round(step.rate_c_per_h * 9.0 / 5.0 if u == "F" else step.rate_c_per_h, 6)
            case HoldUntilStep():
                if step.until.combine != "any":
                    out["combine"] = step.until.combine
                out["until"] = _out_until(step.until, g)
                out["max_duration"] = _out_duration(step.max_duration_s)
            case WaitForBrewerStep():
                if step.message:
                    out["message"] = step.message
            case _:
                assert_never(step)
        steps.append(out)
    doc["steps"] = steps
    return doc
