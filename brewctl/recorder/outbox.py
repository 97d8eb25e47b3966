"""The durable InfluxDB outbox: line protocol waiting in SQLite (``outbox.sqlite``) until acked.

Batches are appended in order and removed only after the server acknowledged them, oldest
first. Bounded: past ``max_points`` the oldest batches are dropped (the caller raises the
``outbox_full`` alarm). All methods block; call them from one thread.

Rows hold zlib-compressed line protocol (a BLOB): tags repeat on every line, so it shrinks
about 8 times, and an outage writes that much less to the SD card. Rows written before
(schema 1, plain text) are read as they are.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from brewctl.recorder.sqlite import connect

__all__ = ["OUTBOX_FILE", "Outbox", "OutboxBatch"]

OUTBOX_FILE = "outbox.sqlite"
_ROW_POINTS = 5000
"""Appended chunks are stored in rows of about this many points."""


def _pack(lines: Sequence[str]) -> bytes:
    return zlib.compress("\n".join(lines).encode(), 6)


def _unpack(stored: bytes | str) -> str:
    return zlib.decompress(stored).decode() if isinstance(stored, bytes) else stored


@dataclass(frozen=True)
class OutboxBatch:
    """Rows taken from the head of the outbox, to send as one request."""

    last_id: int
    points: int
    text: str


class Outbox:
    """Points waiting for the server, oldest first."""

    def __init__(self, path: Path, max_points: int) -> None:
        self.path = path
        self.max_points = max_points
        self.points = 0
        """Points waiting (kept in step with the file)."""
        self._conn: sqlite3.Connection | None = None

    def open(self) -> int:
        """Open (creating) the file; returns the points already waiting."""
        self._conn = connect(self.path, "outbox")
        self.points = int(self._conn.execute("SELECT coalesce(sum(points), 0) FROM batch").fetchone()[0])
        return self.points

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("Outbox.open() first")
        return self._conn

    def append(self, chunks: Sequence[Sequence[str]]) -> int:
        """Append chunks of lines (in order) in one transaction; returns the points dropped to stay bounded."""
        rows: list[tuple[int, bytes]] = []
        lines: list[str] = []
        for chunk in chunks:
            lines.extend(chunk)
            if len(lines) >= _ROW_POINTS:
                rows.append((len(lines), _pack(lines)))
                lines = []
        if lines:
            rows.append((len(lines), _pack(lines)))
        if not rows:
            return 0
        db = self._db()
        db.execute("BEGIN")
        db.executemany("INSERT INTO batch (points, lines) VALUES (?, ?)", rows)
        total = self.points + sum(n for n, _ in rows)
        dropped = 0
        if total > self.max_points:
            dropped = self._drop_oldest(db, total - self.max_points)
        db.execute("COMMIT")
        self.points = total - dropped
        return dropped

    @staticmethod
    def _drop_oldest(db: sqlite3.Connection, at_least: int) -> int:
        dropped = 0
        last_id = None
        for row_id, n in db.execute("SELECT id, points FROM batch ORDER BY id"):
            if dropped >= at_least:
                break
            dropped += n
            last_id = row_id
        if last_id is not None:
            db.execute("DELETE FROM batch WHERE id <= ?", (last_id,))
        return dropped

    def peek(self, max_points: int) -> OutboxBatch | None:
        """The oldest rows, up to about ``max_points`` (at least one row), or None if empty."""
        texts: list[str] = []
        points = 0
        last_id = 0
        for row_id, n, text in self._db().execute("SELECT id, points, lines FROM batch ORDER BY id"):
            if texts and points + n > max_points:
                break
            texts.append(_unpack(text))
            points += n
            last_id = row_id
        if not texts:
            return None
        return OutboxBatch(last_id=last_id, points=points, text="\n".join(texts))

    def remove(self, batch: OutboxBatch) -> None:
        """Forget a batch the server acknowledged."""
        db = self._db()
        db.execute("BEGIN")
        cur = db.execute("SELECT coalesce(sum(points), 0) FROM batch WHERE id <= ?", (batch.last_id,))
        gone = int(cur.fetchone()[0])
        db.execute("DELETE FROM batch WHERE id <= ?", (batch.last_id,))
        db.execute("COMMIT")
        self.points -= gone
