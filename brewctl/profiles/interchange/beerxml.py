"""BeerXML 1.0 recipes: primary, secondary and tertiary stages and ageing, as holds.

``FERMENTATION_STAGES`` says how many of PRIMARY/SECONDARY/TERTIARY are used;
``*_AGE`` are days and ``*_TEMP`` degC. ``AGE``/``AGE_TEMP`` (conditioning) become a last
hold when ``AGE`` is above zero. ``DISPLAY_*`` tags repeat the same values for display and
are not read. BeerXML has no ramps: a change of temperature between stages is a step change.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from brewctl.core.profile import HoldStep
from brewctl.errors import ProfileError
from brewctl.profiles.interchange.common import ImportResult, Warnings, build_profile, number, pick, temp_c

__all__ = ["import_beerxml", "looks_like_beerxml"]

_STAGES = (("PRIMARY", "Primary"), ("SECONDARY", "Secondary"), ("TERTIARY", "Tertiary"))


def looks_like_beerxml(text: str) -> bool:
    head = text.lstrip()[:2000].upper()
    return head.startswith("<") and ("<RECIPES" in head or "<RECIPE>" in head or "<RECIPE " in head)


def _text(node: ET.Element, tag: str) -> str | None:
    found = node.find(tag)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def import_beerxml(text: str, source: str, name: str | None) -> ImportResult:
    """A profile from a BeerXML 1.0 RECIPE's fermentation stages."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0]
        raise ProfileError(f"{source}:{line}: not valid XML: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    recipes = [root] if root.tag.upper() == "RECIPE" else [r for r in root.iter() if r.tag.upper() == "RECIPE"]
    entries: list[dict[str, Any]] = [{"name": _text(r, "NAME") or "", "node": r} for r in recipes]
    chosen = pick(entries, name, "recipe", source)
    recipe: ET.Element = chosen["node"]
    recipe_name = name or chosen["name"] or "Imported from BeerXML"
    warnings = Warnings()
    where = f"RECIPE {recipe_name!r}"

    stages_text = _text(recipe, "FERMENTATION_STAGES")
    if stages_text is None:
        stages = sum(1 for tag, _ in _STAGES if _text(recipe, f"{tag}_AGE") not in (None, "0", "0.0"))
        warnings.add(where, f"no FERMENTATION_STAGES; using the {stages} stage(s) with an age above zero")
    else:
        stages = int(number(stages_text, f"{where}: FERMENTATION_STAGES", source))
        if not 0 <= stages <= 3:
            raise ProfileError(f"{source}: {where}: FERMENTATION_STAGES must be 1, 2 or 3, not {stages}")
    steps: list[HoldStep] = []
    for tag, label in _STAGES[:stages]:
        age = _text(recipe, f"{tag}_AGE")
        temp = _text(recipe, f"{tag}_TEMP")
        if temp is None:
            raise ProfileError(f"{source}: {where}: {tag}_TEMP is missing for stage {label.lower()}")
        days = number(age, f"{where}: {tag}_AGE", source) if age is not None else 0.0
        if age is None:
            warnings.add(where, f"{tag}_AGE missing: stage {label.lower()} has no length (0 days)")
        c = temp_c(number(temp, f"{where}: {tag}_TEMP", source), "C", f"{where}: {tag}_TEMP", source)
        steps.append(HoldStep(name=label, temperature_c=c, duration_s=days * 86400.0))
    for tag, label in _STAGES[stages:]:
        if _text(recipe, f"{tag}_AGE") not in (None, "0", "0.0", "0.00"):
            warnings.add(
                where, f"{tag}_AGE is set but FERMENTATION_STAGES is {stages}: stage {label.lower()} not imported"
            )
    age = _text(recipe, "AGE")
    if age is not None and number(age, f"{where}: AGE", source) > 0:
        temp = _text(recipe, "AGE_TEMP")
        if temp is None:
            warnings.add(where, "AGE without AGE_TEMP: conditioning not imported")
        else:
            c = temp_c(number(temp, f"{where}: AGE_TEMP", source), "C", f"{where}: AGE_TEMP", source)
            steps.append(
                HoldStep(name="Conditioning", temperature_c=c, duration_s=number(age, "AGE", source) * 86400.0)
            )
    if not steps:
        raise ProfileError(f"{source}: {where}: no fermentation stages to import")
    if len(steps) > 1:
        warnings.add(where, "BeerXML has no ramps: temperatures change in steps between stages")

    style = recipe.find("STYLE")
    style_name = _text(style, "NAME") if style is not None else None
    yeasts = [y for y in recipe.iter() if y.tag.upper() == "YEAST"]
    yeast_names = tuple(n for n in (_text(y, "NAME") for y in yeasts) if n)
    description = _text(recipe, "NOTES") or ""
    data: dict[str, Any] = {
        "name": recipe_name[:80],
        "description": description,
        "author": _text(recipe, "BREWER") or "",
        "styles": (style_name,) if style_name else (),
        "yeasts": yeast_names,
        "steps": steps,
    }
    return ImportResult(build_profile(data, source), tuple(warnings.items))
