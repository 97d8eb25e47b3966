"""The local history: a SQLite file in the state dir (``history.sqlite``, WAL mode).

``HistoryStore`` is the blocking part (the recorder component calls it from its own thread);
reading opens a separate read-only connection per query, so the API, the CLI and the TUI can
read while the daemon writes. Raw samples are kept ``raw_days``, 1-minute aggregates
``downsampled_days``; ``query`` picks one or the other by the range asked for. A shared chiller
is a series named ``chiller:NAME`` (a fermenter id cannot hold ``:``) with ``CHILLER_COLUMNS``;
``fermenters()`` leaves it out, ``chillers()`` lists it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brewctl.errors import UserError
from brewctl.model import Event
from brewctl.recorder.codec import AGGREGATE_FIELDS, SAMPLE_FIELDS, SCALES, MinuteRow, Sample, mode_from_code
from brewctl.recorder.sqlite import connect, open_read_only

__all__ = [
    "CHILLER_COLUMNS",
    "CHILLER_PREFIX",
    "COLUMNS",
    "EXTRA_COLUMNS",
    "HISTORY_FILE",
    "HistoryRows",
    "HistoryStore",
    "NoHistoryError",
    "UnknownFermenterError",
    "UnreadableHistoryError",
    "WriteBatch",
]

HISTORY_FILE = "history.sqlite"

COLUMNS = (
    "ts_s",
    "beer_c",
    "chamber_c",
    "beer_setpoint_c",
    "chamber_setpoint_c",
    "heat",
    "cool",
    "valve",
    "gravity_sg",
    "mode",
    "profile_step",
)
"""Columns of ``query`` rows (and of the API's history answer)."""

EXTRA_COLUMNS = ("room_c", "p", "i", "d")
"""Appended with ``query(..., extra=True)`` (``brewctl history --all``)."""

CHILLER_PREFIX = "chiller:"
"""A chiller's series name is this prefix and the chiller's id."""

CHILLER_COLUMNS = ("ts_s", "reservoir_c", "open_valves", "waiting", "overloaded")
"""Columns of a chiller's rows: reservoir temperature, valves open and waiting their turn, the
overload alarm (0/1; a mean of rows is the fraction of time)."""

# Answer column -> stored column.
_STORED = {
    "beer_c": "beer",
    "chamber_c": "chamber",
    "beer_setpoint_c": "beer_sp",
    "chamber_setpoint_c": "chamber_sp",
    "heat": "heat",
    "cool": "cool",
    "valve": "valve",
    "gravity_sg": "gravity",
    "mode": "mode",
    "profile_step": "step",
    "room_c": "room",
    "p": "p",
    "i": "i",
    "d": "d",
    "reservoir_c": "reservoir",
    "open_valves": "open_valves",
    "waiting": "waiting",
    "overloaded": "overloaded",
}
_LAST = {"gravity", "mode", "step"}
_RAW_QUERY_MAX_S = 2 * 86400.0
"""Ranges longer than this (or older than the raw retention) are answered from 1-minute rows."""


class UnknownFermenterError(UserError):
    """No history for that fermenter (or chiller)."""


class NoHistoryError(UserError):
    """There is no history file (the recorder never ran here)."""


class UnreadableHistoryError(UserError):
    """The history file is there but cannot be read (permissions, a damaged file, not a database)."""


@dataclass(frozen=True)
class HistoryRows:
    """The answer to a history query."""

    fermenter: str
    """The series asked for: a fermenter id, or ``chiller:NAME``."""
    columns: tuple[str, ...]
    rows: list[list[Any]]
    resolution: str
    """'raw' (control cycles) or '1m' (1-minute means)."""


@dataclass
class WriteBatch:
    """Everything one commit writes."""

    samples: list[tuple[str, Sample]] = field(default_factory=list)
    minutes: list[tuple[str, MinuteRow]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.samples or self.minutes or self.events)


def _minute_upsert_sql() -> str:
    means = list(AGGREGATE_FIELDS)
    cols = ["minute_s", "fermenter", "n", *means, "beer_min", "beer_max", "chamber_min", "chamber_max"]
    cols += ["gravity", "mode", "step"]
    sets = ["n = n + excluded.n"]
    for c in means:
        sets.append(
            f"{c} = CASE WHEN {c} IS NULL THEN excluded.{c} WHEN excluded.{c} IS NULL THEN {c} "
            f"ELSE CAST(round(({c} * n + excluded.{c} * excluded.n) * 1.0 / (n + excluded.n)) AS INTEGER) END"
        )
    for c, fn in (("beer_min", "min"), ("chamber_min", "min"), ("beer_max", "max"), ("chamber_max", "max")):
        sets.append(f"{c} = {fn}(coalesce({c}, excluded.{c}), coalesce(excluded.{c}, {c}))")
    sets += ["gravity = coalesce(excluded.gravity, gravity)", "mode = excluded.mode", "step = excluded.step"]
    marks = ", ".join("?" * len(cols))
    return (
        f"INSERT INTO minute ({', '.join(cols)}) VALUES ({marks}) "
        f"ON CONFLICT (minute_s, fermenter) DO UPDATE SET {', '.join(sets)}"
    )


_SAMPLE_INSERT = (
    f"INSERT OR REPLACE INTO sample (ts_ms, fermenter, {', '.join(SAMPLE_FIELDS)}) "
    f"VALUES ({', '.join('?' * (len(SAMPLE_FIELDS) + 2))})"
)
_MINUTE_UPSERT = _minute_upsert_sql()


class HistoryStore:
    """The history database. Writing methods must all be called from one thread."""

    def __init__(self, path: Path, *, raw_days: float = 14.0, downsampled_days: float = 365.0) -> None:
        self.path = path
        self.raw_days = raw_days
        self.downsampled_days = downsampled_days
        self._conn: sqlite3.Connection | None = None
        self._ids: dict[str, int] = {}

    # --- writing (one thread) ------------------------------------------------------------
    def open(self) -> None:
        """Create or migrate the file and open the writing connection."""
        self._conn = connect(self.path, "history")
        self._ids = dict(self._conn.execute("SELECT name, id FROM fermenter").fetchall())

    @property
    def is_open(self) -> bool:
        """The writing connection is open."""
        return self._conn is not None

    def close(self) -> None:
        """Close the writing connection (checkpoints the WAL)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _writer(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("HistoryStore.open() first")
        return self._conn

    def _fermenter_id(self, conn: sqlite3.Connection, name: str) -> int:
        fid = self._ids.get(name)
        if fid is None:
            cur = conn.execute("INSERT INTO fermenter (name) VALUES (?)", (name,))
            fid = self._ids[name] = int(cur.lastrowid or 0)
        return fid

    def write(self, batch: WriteBatch, *, durable: bool = False) -> None:
        """Write a batch in one transaction; ``durable`` fsyncs it (state changes, alarms)."""
        if not batch:
            return
        conn = self._writer()
        conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
        conn.execute("BEGIN")
        try:
            conn.executemany(
                _SAMPLE_INSERT,
                [(s.ts_ms, self._fermenter_id(conn, f), *s.values) for f, s in batch.samples],
            )
            conn.executemany(
                _MINUTE_UPSERT,
                [
                    (
                        m.minute_s,
                        self._fermenter_id(conn, f),
                        m.n,
                        *m.means,
                        m.beer_min,
                        m.beer_max,
                        m.chamber_min,
                        m.chamber_max,
                        *m.last,
                    )
                    for f, m in batch.minutes
                ],
            )
            conn.executemany(
                "INSERT INTO event (ts_ms, fermenter, kind, message, data) VALUES (?, ?, ?, ?, ?)",
                [
                    (round(e.ts_s * 1000), e.fermenter, e.kind, e.message, json.dumps(e.data) if e.data else None)
                    for e in batch.events
                ],
            )
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have ended the transaction itself (SQLITE_FULL does): a ROLLBACK then
            # raises "no transaction is active" and would hide the real error (a full disk).
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._ids = dict(conn.execute("SELECT name, id FROM fermenter").fetchall())
            raise

    def prune(self, now_s: float) -> None:
        """Drop raw rows older than ``raw_days`` and aggregates/events older than ``downsampled_days``."""
        conn = self._writer()
        raw_cut = round((now_s - self.raw_days * 86400) * 1000)
        old_cut_s = now_s - self.downsampled_days * 86400
        conn.execute("BEGIN")
        try:
            conn.execute("DELETE FROM sample WHERE ts_ms < ?", (raw_cut,))
            conn.execute("DELETE FROM minute WHERE minute_s < ?", (old_cut_s,))
            conn.execute("DELETE FROM event WHERE ts_ms < ?", (round(old_cut_s * 1000),))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # left open, every later BEGIN would fail
                conn.execute("ROLLBACK")
            raise

    # --- reading (any thread, own connection) -------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection; SQLite's errors become an ``UnreadableHistoryError`` naming the file."""
        if not self.path.exists():
            raise NoHistoryError(f"{self.path}: no history here (is the history recorder enabled?)")
        try:
            with closing(open_read_only(self.path)) as conn:
                yield conn
        except sqlite3.Error as exc:
            hint = ""
            if "readonly" in str(exc) or "unable to open" in str(exc):
                hint = " (reading needs read access to the file and write access to its -shm file)"
            raise UnreadableHistoryError(f"{self.path}: cannot read the history: {exc}{hint}") from None

    @staticmethod
    def _ready(conn: sqlite3.Connection) -> bool:
        """False while the recorder is still creating the file (no schema yet)."""
        return bool(conn.execute("PRAGMA user_version").fetchone()[0])

    def fermenters(self) -> list[str]:
        """Fermenters with history, by name (chillers are not listed)."""
        return [name for name in self._series() if not name.startswith(CHILLER_PREFIX)]

    def chillers(self) -> list[str]:
        """Shared chillers with history, by id (without the ``chiller:`` prefix)."""
        return [name.removeprefix(CHILLER_PREFIX) for name in self._series() if name.startswith(CHILLER_PREFIX)]

    def _series(self) -> list[str]:
        with self._reading() as conn:
            if not self._ready(conn):
                return []
            return [name for (name,) in conn.execute("SELECT name FROM fermenter ORDER BY name")]

    def query(
        self,
        fermenter: str,
        since_s: float,
        until_s: float | None = None,
        step_s: float | None = None,
        *,
        extra: bool = False,
    ) -> HistoryRows:
        """Rows of ``COLUMNS`` (plus ``EXTRA_COLUMNS`` if ``extra``) from ``since_s`` to ``until_s``.

        ``fermenter`` may name a chiller, ``chiller:NAME``: its rows have ``CHILLER_COLUMNS``.

        Raw control cycles for ranges up to two days within the raw retention, 1-minute means
        otherwise. With ``step_s``, rows are averaged into ``step_s`` buckets (mode, profile
        step and gravity: the last value of the bucket); a bucket's ``ts_s`` is its start.
        """
        if step_s is not None and step_s <= 0:
            raise ValueError("step_s must be positive")
        chiller = fermenter.startswith(CHILLER_PREFIX)
        columns = CHILLER_COLUMNS if chiller else COLUMNS + (EXTRA_COLUMNS if extra else ())
        with self._reading() as conn:
            ready = self._ready(conn)
            row = conn.execute("SELECT id FROM fermenter WHERE name = ?", (fermenter,)).fetchone() if ready else None
            if row is None:
                what = f"chiller {fermenter.removeprefix(CHILLER_PREFIX)!r}" if chiller else f"fermenter {fermenter!r}"
                raise UnknownFermenterError(f"no history for {what}")
            fid = int(row[0])
            newest_ms = conn.execute("SELECT max(ts_ms) FROM sample").fetchone()[0]
            end_s = until_s if until_s is not None else (newest_ms or 0) / 1000
            raw_from_s = (newest_ms or 0) / 1000 - self.raw_days * 86400
            use_raw = (
                newest_ms is not None
                and (step_s is None or step_s < 60)
                and end_s - since_s <= _RAW_QUERY_MAX_S
                and since_s >= raw_from_s
            )
            table, ts, to_s = ("sample", "ts_ms", 1000) if use_raw else ("minute", "minute_s", 1)
            if not use_raw:
                since_s = since_s // 60 * 60  # the minute that holds since_s
            params: list[float] = [fid, since_s * to_s] + ([until_s * to_s] if until_s is not None else [])
            stored = [_STORED[c] for c in columns[1:]]
            where = f"fermenter = ? AND {ts} >= ?" + (f" AND {ts} <= ?" if until_s is not None else "")
            if step_s is None:
                sql = f"SELECT {ts}, {', '.join(stored)} FROM {table} WHERE {where} ORDER BY {ts}"
                result = [self._decode_row(r[0] / to_s, r[1:], stored) for r in conn.execute(sql, params)]
            else:
                width = step_s * to_s
                picks = [c if c in _LAST else f"avg({c})" for c in stored]
                sql = (
                    f"SELECT CAST({ts} / ? AS INTEGER) AS bucket, max({ts}), {', '.join(picks)} "
                    f"FROM {table} WHERE {where} GROUP BY bucket ORDER BY bucket"
                )
                rows = conn.execute(sql, [width, *params])
                result = [self._decode_row(r[0] * step_s, r[2:], stored) for r in rows]
        return HistoryRows(fermenter, columns, result, "raw" if use_raw else "1m")

    @staticmethod
    def _decode_row(ts_s: float, values: Sequence[Any], stored: Sequence[str]) -> list[Any]:
        out: list[Any] = [round(ts_s, 3)]
        for name, v in zip(stored, values, strict=True):
            if v is None:
                out.append(None)
            elif name == "mode":
                out.append(mode_from_code(v))
            elif name == "step":
                out.append(int(v))
            else:
                out.append(round(v / SCALES[name], 4))
        return out

    def events(
        self, since_s: float, until_s: float | None = None, *, fermenter: str | None = None, limit: int = 10_000
    ) -> list[Event]:
        """Events from ``since_s`` (oldest first), at most ``limit`` (the newest ones)."""
        sql = "SELECT ts_ms, fermenter, kind, message, data FROM event WHERE ts_ms >= ?"
        params: list[Any] = [round(since_s * 1000)]
        if until_s is not None:
            sql += " AND ts_ms <= ?"
            params.append(round(until_s * 1000))
        if fermenter is not None:
            sql += " AND fermenter = ?"
            params.append(fermenter)
        sql += " ORDER BY ts_ms DESC, id DESC LIMIT ?"
        params.append(limit)
        with self._reading() as conn:
            rows = conn.execute(sql, params).fetchall() if self._ready(conn) else []
        return [
            Event(ts_s=ts / 1000, fermenter=f, kind=k, message=m, data=json.loads(d) if d else {})
            for ts, f, k, m, d in reversed(rows)
        ]
