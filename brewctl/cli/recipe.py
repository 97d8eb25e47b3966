"""``brewctl recipe validate|show|schema``: recipe files and their fermentation profiles."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from brewctl.cli.profile import plot_profile, show_text
from brewctl.display import format_gravity
from brewctl.errors import ProfileError

if TYPE_CHECKING:  # the recipe models (pydantic): imported when a command runs
    from brewctl.cli import Commands
    from brewctl.profiles.recipe import Recipe

__all__ = ["recipe_text", "register"]


def register(commands: Commands) -> None:
    """Add ``brewctl recipe``."""
    recipe = commands.top.add_parser("recipe", help="recipes: validate, show")
    sub = recipe.add_subparsers(dest="recipe_command", metavar="ACTION", required=True)

    p = sub.add_parser("validate", help="check recipe files and the profiles they use (exit 2 on any error)")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.add_argument("--profiles", action="append", type=Path, metavar="DIR", help="where to look for profiles")
    p.set_defaults(func=_validate)

    p = sub.add_parser("show", help="a recipe and its fermentation profile")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--profiles", action="append", type=Path, metavar="DIR", help="where to look for profiles")
    p.add_argument("--plot", action="store_true", help="draw the planned temperature curve")
    p.add_argument("--units", choices=("C", "F"), help="display units (default: the profile's)")
    p.set_defaults(func=_show)

    p = sub.add_parser("schema", help="print the JSON Schema of recipe files")
    p.set_defaults(func=_schema)


def _validate(args: argparse.Namespace) -> int:
    from brewctl.profiles.recipe import load_recipe, recipe_warnings

    failed = 0
    for path in args.files:
        try:
            recipe = load_recipe(path, args.profiles)
        except ProfileError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        for warning in recipe_warnings(recipe):
            print(f"{path}: warning: {warning}", file=sys.stderr)
        print(f"{path}: ok: {recipe.name!r}, profile {recipe.profile.name!r}")
    if failed:
        print(f"{failed} of {len(args.files)} file(s) invalid", file=sys.stderr)
        return 2
    return 0


def _schema(args: argparse.Namespace) -> int:
    from brewctl.profiles.recipe import recipe_json_schema

    print(json.dumps(recipe_json_schema(), indent=2, ensure_ascii=False))
    return 0


def _gravity(sg: float | None, units: str) -> str:
    return format_gravity(sg, units)


def recipe_text(recipe: Recipe, units: str | None = None) -> str:
    """The ``show`` text of a recipe, its profile included."""
    rows = [
        ("style", recipe.style or "—"),
        ("batch size", f"{recipe.batch_size_l:.1f} L" if recipe.batch_size_l is not None else "—"),
        ("OG", _gravity(recipe.og_sg, recipe.gravity_units)),
        ("target FG", _gravity(recipe.fg_sg, recipe.gravity_units)),
        ("yeast", ", ".join(recipe.yeasts) or "—"),
        ("profile", f"{recipe.profile.name} ({recipe.profile_ref or 'inline'})"),
    ]
    if recipe.og_sg is not None and recipe.fg_sg is not None:
        att = (recipe.og_sg - recipe.fg_sg) / (recipe.og_sg - 1.0) * 100.0
        abv = (recipe.og_sg - recipe.fg_sg) * 131.25
        rows.insert(4, ("expected", f"{att:.0f} % apparent attenuation, {abv:.1f} % ABV"))
    width = max(len(k) for k, _ in rows)
    lines = [recipe.name, ""] + [f"{k.ljust(width)}  {v}" for k, v in rows]
    if recipe.notes:
        lines += ["", recipe.notes.strip()]
    lines += ["", show_text(recipe.profile, "F" if units == "F" else "C" if units == "C" else None)]
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> int:
    from brewctl.profiles.recipe import load_recipe, recipe_warnings

    recipe = load_recipe(args.file, args.profiles)
    print(recipe_text(recipe, args.units))
    for warning in recipe_warnings(recipe):
        print(f"warning: {warning}", file=sys.stderr)
    if args.plot:
        print()
        print(plot_profile(recipe.profile, args.units, color=sys.stdout.isatty()))
    return 0
