"""``brewctl config init`` (a config from the bus and a few answers) and ``brewctl config example``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from brewctl.paths import DEFAULT_CONFIG_PATH

__all__ = ["add_setup_actions"]

_DEFAULT_OUT = DEFAULT_CONFIG_PATH


def add_setup_actions(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``init`` and ``example`` to ``brewctl config``."""
    p = sub.add_parser(
        "init",
        help="write a config from the probes on the bus and a few questions",
        description="Find the DS18B20 probes on the 1-wire bus, ask for the units, each fermenter's rig, "
        "probes and GPIO pins, validate the result as `config check` does, and write it. Answers are "
        "read line by line from standard input (an empty line takes the default shown in brackets), "
        "so `brewctl config init < answers.txt` replays a set-up. Never overwrites a file without asking.",
    )
    p.add_argument("--out", type=Path, default=_DEFAULT_OUT, metavar="FILE", help="where (default %(default)s)")
    p.add_argument("--dry-run", action="store_true", help="print the config instead of writing it")
    p.add_argument("--w1-dir", type=Path, metavar="DIR", help="1-wire devices folder (default /sys/bus/w1/devices)")
    p.set_defaults(func=_init)
    p = sub.add_parser("example", help="print the annotated example config (every key explained)")
    p.set_defaults(func=_example)
    p = sub.add_parser(
        "files", help="where brewctl's own files are: profile library, recipes, schemas, unit, Grafana dashboards"
    )
    p.set_defaults(func=_files)


def _files(args: argparse.Namespace) -> int:
    from brewctl.resources import SOURCES, shipped_path

    for name in SOURCES:
        path = shipped_path(name)
        print(f"{name:<20} {path}")
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file():
                    print(f"{'':<20}   {child.name}")
    return 0


def _example(args: argparse.Namespace) -> int:
    from brewctl.resources import example_config_text

    sys.stdout.write(example_config_text())
    return 0


def _yes_no(s: str) -> str | None:
    return None if s.lower() in ("y", "n") else "y or n"


def _found_probes(w1_dir: Path | None) -> list[Any]:
    from brewctl.drivers.probes import scan_bus
    from brewctl.errors import UserError
    from brewctl.setup.config_init import FoundProbe

    try:
        return [FoundProbe(p.id, p.value_c) for p in scan_bus(w1_dir)]
    except UserError as exc:  # no bus at all: say so, go on with placeholders
        print(f"note: {exc}", file=sys.stderr)
        return []


def _init(args: argparse.Namespace) -> int:
    from brewctl.errors import UserError
    from brewctl.setup.config_init import Asker, Interview, build_config, render_config, validated

    out: Path = args.out
    asker = Asker(sys.stdin, sys.stdout, echo=not sys.stdin.isatty())
    if out.exists() and not args.dry_run:
        answer = asker.ask(f"{out} exists. Overwrite it? y/n", "n", _yes_no)
        if answer.lower() != "y":
            print(f"{out}: kept as it was; nothing written")
            return 1
    answers = Interview(asker, _found_probes(args.w1_dir)).run()
    doc = build_config(answers)
    validated(doc, str(out))
    text = render_config(doc, answers, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    if args.dry_run:
        print(f"\n# --- {out} (dry run: not written) ---")
        sys.stdout.write(text)
        return 0
    from brewctl.atomic import write_atomic

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, text, chmod=0o644)  # the service user reads it; secrets live in their own files
    except PermissionError:
        raise UserError(f"{out}: permission denied: run it with sudo, or write elsewhere with --out FILE") from None
    except OSError as exc:
        raise UserError(f"{out}: cannot write: {exc.strerror}") from None
    print(f"\nwrote {out}. Next: brewctl config check --config {out}")
    return 0
