"""Recipe files (TOML): a batch's key numbers and its fermentation profile.

The profile is given by reference (``profile = "lager-diacetyl-rest"``: a file stem, a
profile name or a path relative to the recipe) or inline (a ``[profile]`` table in the
profile format). Errors name the file, line and field like profile errors do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema

from brewctl.core.profile import FORMAT_VERSION, Attenuation, FreeRiseStep, GravityAtOrBelow, HoldUntilStep, Profile
from brewctl.errors import ProfileError
from brewctl.profiles.document import Problem, ProfileDocument, _without_null, to_profile
from brewctl.profiles.files import find_profile, format_problems, read_toml, validation_problems
from brewctl.resources import builtin_profiles_dir
from brewctl.units import plato_to_sg
from brewctl.userfiles import read_user_text

__all__ = ["Recipe", "RecipeDocument", "load_recipe", "parse_recipe", "recipe_json_schema", "recipe_warnings"]

_VOLUME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(l|L|litres?|liters?|gal|gallons?)?\s*$")
_GAL_L = 3.785411784
_MAX_BATCH_L = 100_000.0


def _litres(value: Any) -> float:
    litres: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        litres = float(value)
    elif isinstance(value, str):
        m = _VOLUME.match(value)
        if m:
            n = float(m.group(1))
            litres = n * _GAL_L if (m.group(2) or "l").lower().startswith("gal") else n
    if litres is None:
        raise ValueError(f"cannot read batch size {value!r}; write e.g. '20 L', '5 gal' or a number of litres")
    if not 0.0 < litres <= _MAX_BATCH_L:
        raise ValueError(f"batch size {value!r} must be more than 0 and at most {_MAX_BATCH_L:g} L")
    return litres


Volume = Annotated[
    float,
    BeforeValidator(_litres),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(l|L|litres?|liters?|gal|gallons?)?\s*$"},
                {"type": "number", "exclusiveMinimum": 0},
            ],
            "description": "Batch size into the fermenter: '20 L', '5 gal' (US) or litres.",
        }
    ),
]


class RecipeDocument(BaseModel):
    """A brewctl recipe file (TOML)."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="brewctl recipe")

    format_version: int = Field(FORMAT_VERSION, ge=1, le=FORMAT_VERSION)
    name: str = Field(min_length=1, max_length=80)
    style: str = ""
    batch_size: Volume | None = None
    gravity_units: Literal["sg", "plato"] = Field("sg", description="Units of og and fg.")
    og: float | None = Field(None, description="Original gravity (SG or Plato).")
    fg: float | None = Field(None, description="Target final gravity (SG or Plato).")
    yeast: str | list[str] = Field(default_factory=list, description="Yeast strain(s).")
    notes: str = ""
    author: str = ""
    license: str = ""
    profile: str | ProfileDocument = Field(
        description="A profile file stem, name or path (relative to this file), or an inline [profile] table."
    )


class Recipe(BaseModel):
    """A validated recipe with its profile resolved (gravities in SG, volume in litres)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    style: str = ""
    batch_size_l: float | None = None
    og_sg: float | None = None
    fg_sg: float | None = None
    yeasts: tuple[str, ...] = ()
    notes: str = ""
    author: str = ""
    license: str = ""
    gravity_units: Literal["sg", "plato"] = "sg"
    profile_ref: str | None = Field(None, description="How the profile was referenced; None when inline.")
    profile: Profile


def recipe_json_schema() -> dict[str, Any]:
    """JSON Schema of recipe files."""
    schema = RecipeDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    cleaned: dict[str, Any] = _without_null(schema)
    return cleaned


def _default_dirs(source: Path | None) -> list[Path]:
    builtin = builtin_profiles_dir()
    if source is None:
        return [Path("profiles"), builtin]
    base = source.resolve().parent
    return [base, base.parent / "profiles", Path("profiles"), builtin]


def parse_recipe(text: str, source: str = "<recipe>", profile_dirs: Sequence[Path | str] | None = None) -> Recipe:
    """Parse and validate recipe TOML; resolve its profile (searching ``profile_dirs``)."""
    data = read_toml(text, source)
    problems: list[Problem] = []
    try:
        doc = RecipeDocument.model_validate(data)
    except ValidationError as exc:
        for loc, msg in validation_problems(exc):
            # A bad inline table is reported against the profile format, not the string branch.
            if loc[:1] == ("profile",) and len(loc) > 1 and loc[1] == "str":
                continue
            if loc[:2] == ("profile", "ProfileDocument"):
                loc = ("profile", *loc[2:])
            problems.append((loc, msg))
        raise ProfileError(format_problems(source, problems, text)) from None
    g = doc.gravity_units

    def sg(value: float | None) -> float | None:
        return None if value is None else (plato_to_sg(value) if g == "plato" else value)

    og, fg = sg(doc.og), sg(doc.fg)
    for key, value, converted in (("og", doc.og, og), ("fg", doc.fg, fg)):
        if value is not None and converted is not None and not 0.98 <= converted <= 1.2:
            problems.append(((key,), f"{key} {value:g} is outside 0.980..1.200 SG (is gravity_units right?)"))
    if not problems and og is not None and fg is not None and fg >= og:
        problems.append((("fg",), "the target FG must be below the OG"))
    profile: Profile | None
    if isinstance(doc.profile, ProfileDocument):
        profile, profile_problems = to_profile(doc.profile)
        problems += [(("profile", *loc), msg) for loc, msg in profile_problems]
        ref = None
    else:
        ref = doc.profile
        source_path = Path(source) if source and not source.startswith("<") else None
        dirs = list(profile_dirs) if profile_dirs is not None else _default_dirs(source_path)
        candidate = source_path.parent / ref if source_path is not None else Path(ref)
        try:
            profile = find_profile(str(candidate) if candidate.suffix == ".toml" and candidate.is_file() else ref, dirs)
        except ProfileError as exc:
            profile = None
            problems.append((("profile",), str(exc)))
    if problems or profile is None:
        raise ProfileError(format_problems(source, problems, text))
    yeasts = (doc.yeast,) if isinstance(doc.yeast, str) else tuple(doc.yeast)
    return Recipe(
        name=doc.name,
        style=doc.style,
        batch_size_l=doc.batch_size,
        og_sg=og,
        fg_sg=fg,
        yeasts=tuple(y for y in yeasts if y),
        notes=doc.notes,
        author=doc.author,
        license=doc.license,
        gravity_units=g,
        profile_ref=ref,
        profile=profile,
    )


def load_recipe(path: Path | str, profile_dirs: Sequence[Path | str] | None = None) -> Recipe:
    """Read and validate a recipe file and resolve its profile."""
    path = Path(path)
    return parse_recipe(read_user_text(path, "recipe file", ProfileError), str(path), profile_dirs)


def recipe_warnings(recipe: Recipe) -> list[str]:
    """Things that are valid but probably not what the brewer meant."""
    out: list[str] = []
    fg, og = recipe.fg_sg, recipe.og_sg
    steps = recipe.profile.steps
    for i, step in enumerate(steps):
        until = step.until if isinstance(step, HoldUntilStep | FreeRiseStep) else None
        if until is None:
            continue
        label = f"profile step {i + 1}" + (f" ({step.name})" if step.name else "")
        for cond in until.conditions:
            if isinstance(cond, GravityAtOrBelow) and fg is not None and cond.sg < fg - 0.0005:
                out.append(
                    f"{label}: waits for gravity {cond.sg:.3f}, below the target FG {fg:.3f}: "
                    "it will likely end by its time limit"
                )
            if isinstance(cond, Attenuation) and og is not None and fg is not None and og > 1.0:
                expected = (og - fg) / (og - 1.0) * 100.0
                if cond.percent > expected + 0.5:
                    out.append(
                        f"{label}: waits for {cond.percent:g} % attenuation; this recipe expects {expected:.0f} %: "
                        "it will likely end by its time limit"
                    )
    return out
