"""``brewctl profile validate|show|import|export|schema``: profile files, no daemon needed.

(The daemon's ``start``/``pause``/``resume``/``skip``/``stop`` live in another module.)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from brewctl.errors import ProfileError
from brewctl.profiles.formats import EXPORT_FORMATS, IMPORT_FORMATS
from brewctl.units import c_to_f, format_duration

if TYPE_CHECKING:  # the profile models (pydantic) and the importers: imported when a command runs
    from brewctl.cli import Commands
    from brewctl.profiles import Profile
    from brewctl.profiles.library import LibraryEntry

__all__ = ["list_text", "plot_profile", "register", "show_text"]


def register(commands: Commands) -> None:
    """Add the profile file tools to ``brewctl profile``."""
    p = commands.profile.add_parser(
        "validate", help="check profile files; every problem with file, line and field (exit 2 on any)"
    )
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.set_defaults(func=_validate)

    p = commands.profile.add_parser("show", help="a profile's steps as a table, optionally the temperature curve")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--plot", action="store_true", help="draw the planned temperature curve")
    p.add_argument("--units", choices=("C", "F"), help="display units (default: the file's)")
    p.set_defaults(func=_show)

    p = commands.profile.add_parser(
        "import", help=f"convert a profile from another tool ({', '.join(IMPORT_FORMATS)}) to TOML"
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--from", dest="fmt", choices=IMPORT_FORMATS, help="the format (default: detected from content)")
    p.add_argument("--name", help="which recipe/procedure to take from a file with several; names the profile")
    p.add_argument("--units", choices=("C", "F"), help="units of a file that does not say (BrewPi CSV, CraftBeerPi)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT.toml", help="write here (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite OUT.toml if it exists")
    p.set_defaults(func=_import)

    p = commands.profile.add_parser("export", help=f"write a profile as {' or '.join(EXPORT_FORMATS)}")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--to", dest="fmt", choices=EXPORT_FORMATS, required=True)
    p.add_argument("--start", help="BrewPi CSV: date of the first row (ISO, default today 00:00 UTC)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="write here (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=_export)

    p = commands.profile.add_parser("schema", help="print the JSON Schema of profile files")
    p.set_defaults(func=_schema)

    p = commands.profile.add_parser(
        "list", help="the profiles you can start by name: your profiles_dir first, then the built-in library"
    )
    p.add_argument("--config", type=Path, help="config file: its profiles_dir (default /etc/brewctl/config.toml)")
    p.add_argument("--profiles-dir", type=Path, metavar="DIR", help="your profile folder (instead of the config's)")
    p.add_argument("--json", action="store_true", help="print the rows of GET /v1/profiles as JSON")
    p.set_defaults(func=_list)


def _validate(args: argparse.Namespace) -> int:
    from brewctl.profiles import load_profile
    from brewctl.profiles.describe import total_s

    failed = 0
    for path in args.files:
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        n = len(profile.steps)
        print(f"{path}: ok: {profile.name!r}, {n} step{'s' if n != 1 else ''}, {format_duration(total_s(profile))}")
    if failed:
        print(f"{failed} of {len(args.files)} file(s) invalid", file=sys.stderr)
        return 2
    return 0


def show_text(profile: Profile, units: Literal["C", "F"] | None = None) -> str:
    """The ``show`` text: heading, description, steps table and plan length."""
    from brewctl.profiles.describe import render_table, step_rows, total_s

    lines = [profile.name]
    meta = [f"licence {profile.license}"]
    if profile.author:
        meta.insert(0, f"by {profile.author}")
    if profile.styles:
        meta.append("styles: " + ", ".join(profile.styles))
    if profile.yeasts:
        meta.append("yeasts: " + ", ".join(profile.yeasts))
    lines.append("; ".join(meta))
    if profile.description:
        lines += ["", profile.description.strip()]
    lines += ["", render_table(step_rows(profile, units), ("#", "step", "temperature", "time", "detail"))]
    lines += ["", f"planned length: {format_duration(total_s(profile))} (gravity steps at their maximum)"]
    return "\n".join(lines)


def plot_profile(
    profile: Profile, units: Literal["C", "F"] | None = None, *, width: int = 100, height: int = 22, color: bool = False
) -> str:
    """The planned setpoint curve as a terminal chart (plotext)."""
    import plotext as plt

    from brewctl.profiles.describe import planned_curve

    u = units or profile.units
    curve = planned_curve(profile)
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    segment: list[tuple[float, float]] = []
    segments: list[list[tuple[float, float]]] = []
    for t, c in curve:
        if c is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append((t / 86400.0, c_to_f(c) if u == "F" else c))
    if segment:
        segments.append(segment)
    for seg in segments:
        plt.plot([p[0] for p in seg], [p[1] for p in seg], color="red", marker="braille")
    plt.title(f"{profile.name}: beer setpoint (gaps: free rise)")
    plt.xlabel("days")
    plt.ylabel(f"°{u}")
    chart = cast(str, plt.build())
    return chart if color else cast(str, plt.uncolorize(chart))


def _show(args: argparse.Namespace) -> int:
    from brewctl.profiles import load_profile

    profile = load_profile(args.file)
    print(show_text(profile, args.units))
    if args.plot:
        print()
        print(plot_profile(profile, args.units, color=sys.stdout.isatty()))
    return 0


def _write(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise ProfileError(f"{output}: already exists (use --force to overwrite)")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{output}: cannot write: {exc.strerror}") from None


def _import(args: argparse.Namespace) -> int:
    from brewctl.profiles import dump_profile
    from brewctl.profiles.interchange import import_file

    result = import_file(args.file, fmt=args.fmt, name=args.name, units=args.units)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    header = f"# Imported by brewctl from {args.file.name}; check the steps before brewing.\n"
    _write(header + dump_profile(result.profile), args.output, args.force)
    if args.output is not None:
        n = len(result.warnings)
        print(f"wrote {args.output} ({len(result.profile.steps)} steps, {n} warning{'s' if n != 1 else ''})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from brewctl.profiles import load_profile
    from brewctl.profiles.interchange import export_profile

    profile = load_profile(args.file)
    start = None
    if args.start:
        try:
            start = datetime.fromisoformat(args.start)
        except ValueError:
            raise ProfileError(f"--start: cannot read the date {args.start!r} (use 2024-05-01T12:00)") from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
    result = export_profile(profile, args.fmt, start=start)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _write(result.text, args.output, args.force)
    return 0


def _user_profiles_dir(args: argparse.Namespace) -> Path | None:
    if args.profiles_dir is not None:
        return Path(args.profiles_dir)
    from brewctl.config import DEFAULT_CONFIG_PATH, load_config

    config = args.config if args.config is not None else DEFAULT_CONFIG_PATH
    if args.config is None and not config.is_file():
        return None
    return Path(load_config(config).node.profiles_dir)


def list_text(entries: Sequence[LibraryEntry], user_dir: Path | None) -> str:
    """The ``profile list`` text: one row per profile, saying where it comes from."""
    from brewctl.profiles.describe import render_table, total_s
    from brewctl.resources import builtin_profiles_dir

    rows = []
    for e in entries:
        source = "user (replaces the built-in)" if e.overrides_builtin else e.source
        if e.profile is None:
            rows.append((e.stem, "(invalid: brewctl profile validate " + str(e.path) + ")", "", source))
            continue
        rows.append((e.stem, e.profile.name, format_duration(total_s(e.profile)), source))
    lines = [render_table(rows, ("start as", "profile", "length", "source"))] if rows else ["no profiles found"]
    mine = str(user_dir) if user_dir is not None else "none (no config; use --config or --profiles-dir)"
    lines += ["", f"your profiles: {mine}", f"built-in library: {builtin_profiles_dir()}"]
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    from brewctl.profiles.library import list_library

    user_dir = _user_profiles_dir(args)
    entries = list_library(user_dir)
    if args.json:
        print(json.dumps([e.as_row() for e in entries], indent=2, ensure_ascii=False))
    else:
        print(list_text(entries, user_dir))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from brewctl.profiles.document import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0
