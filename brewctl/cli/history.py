"""``brewctl history FERMENTER``: export the local history (CSV, JSON or a table).

``brewctl history chiller:NAME`` exports a shared chiller's reservoir and valves instead.

Reads ``history.sqlite`` in the state dir directly and read-only, so it works whether the
daemon runs or not.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from brewctl.cli import Commands
from brewctl.errors import UserError
from brewctl.paths import DEFAULT_CONFIG_PATH
from brewctl.units import parse_duration

if TYPE_CHECKING:  # the history store and the config are pydantic-heavy: imported when a command runs
    from brewctl.recorder.history import HistoryRows

__all__ = ["format_table", "register", "write_csv"]

TABLE_STEP_S = 600.0
"""The table averages into 10-minute rows unless ``--step`` says otherwise."""


def register(commands: Commands) -> None:
    """Add ``brewctl history``."""
    p = commands.top.add_parser(
        "history",
        help="export a fermenter's recorded history (CSV, JSON or a table)",
        description="Print a fermenter's history from the local database: temperatures, setpoints, "
        "outputs, gravity, mode and profile step; for chiller:NAME, a shared chiller's reservoir, "
        "open and waiting valves and overload. Reads the state dir directly (read-only), so it "
        "works with or without the daemon running.",
    )
    p.add_argument("fermenter", metavar="FERMENTER", help="fermenter id, as in the config (e.g. fv1), or chiller:NAME")
    p.add_argument("--since", default="24h", help="how far back, e.g. 90m, 24h, 3d 12h (default %(default)s)")
    p.add_argument("--step", default=None, help="average into rows of this duration, e.g. 5m (table default 10m)")
    p.add_argument("--all", action="store_true", help="add room temperature and the P/I/D terms")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    fmt.add_argument("--json", action="store_true", help="JSON, as the local API answers")
    p.add_argument("--state-dir", type=Path, default=None, help="state folder (default: node.state_dir of the config)")
    p.add_argument("--config", type=Path, default=None, help=f"config file (default {DEFAULT_CONFIG_PATH} if present)")
    p.set_defaults(func=history)


def _state_dir(args: argparse.Namespace) -> Path:
    from brewctl.config import NodeConfig, load_config

    if args.state_dir is not None:
        return Path(args.state_dir)
    if args.config is not None or DEFAULT_CONFIG_PATH.is_file():
        return load_config(args.config or DEFAULT_CONFIG_PATH).node.state_dir
    return NodeConfig().state_dir


def _duration(text: str, option: str) -> float:
    try:
        value = parse_duration(text)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}") from None
    if value <= 0:
        raise UserError(f"{option}: must be more than zero")
    return value


def history(args: argparse.Namespace, *, out: TextIO | None = None, now_s: float | None = None) -> int:
    """Run ``brewctl history``."""
    from brewctl.recorder.history import CHILLER_PREFIX, HISTORY_FILE, HistoryStore, UnknownFermenterError

    out = out or sys.stdout
    since = _duration(args.since, "--since")
    step = _duration(args.step, "--step") if args.step is not None else None
    if step is not None and step < 1:
        raise UserError("--step: at least 1s (leave it out of --csv or --json for every control cycle)")
    if step is None and not (args.csv or args.json):
        step = TABLE_STEP_S
    store = HistoryStore(_state_dir(args) / HISTORY_FILE)
    now = time.time() if now_s is None else now_s
    try:
        rows = store.query(args.fermenter, now - since, None, step, extra=args.all)
    except UnknownFermenterError:
        known = ", ".join(store.fermenters() + [CHILLER_PREFIX + c for c in store.chillers()]) or "none yet"
        what = "chiller" if args.fermenter.startswith(CHILLER_PREFIX) else "fermenter"
        name = args.fermenter.removeprefix(CHILLER_PREFIX)
        raise UserError(f"no history for {what} {name!r} (recorded: {known})") from None
    if args.json:
        payload = {"fermenter": rows.fermenter, "columns": list(rows.columns), "rows": rows.rows}
        json.dump(payload | {"resolution": rows.resolution}, out)
        out.write("\n")
    elif args.csv:
        write_csv(rows, out)
    else:
        out.write(format_table(rows))
    return 0


def _local(ts_s: float) -> str:
    return datetime.fromtimestamp(ts_s).astimezone().isoformat(timespec="seconds")


def write_csv(rows: HistoryRows, out: TextIO) -> None:
    """CSV: a ``time`` column (local ISO 8601) then the query's columns."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time", *rows.columns])
    for row in rows.rows:
        writer.writerow([_local(row[0]), *("" if v is None else v for v in row)])


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "-"
    if column in ("heat", "cool", "valve", "overloaded"):
        return f"{value * 100:.0f}%"
    if column == "gravity_sg":
        return f"{value:.4f}"
    if column in ("open_valves", "waiting"):
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def format_table(rows: HistoryRows) -> str:
    """An aligned table for a terminal."""
    heads = ["time", *(c.removesuffix("_c") for c in rows.columns[1:])]
    body = [
        [
            datetime.fromtimestamp(r[0]).strftime("%Y-%m-%d %H:%M"),
            *(_cell(c, v) for c, v in zip(rows.columns[1:], r[1:], strict=True)),
        ]
        for r in rows.rows
    ]
    if not body:
        return f"{rows.fermenter}: no history in that range\n"
    widths = [max(len(x) for x in col) for col in zip(heads, *body, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines) + "\n"
