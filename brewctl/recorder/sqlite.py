"""Opening the recorder's SQLite files: pragmas for SD cards, and schema migrations.

Migrations are plain SQL files, ``migrations/<db>/NNNN_what.sql``, applied in order inside
one transaction each; ``PRAGMA user_version`` records the last one applied.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

from brewctl.errors import FatalError

__all__ = ["connect", "migrate", "migrations", "open_read_only"]

PAGE_SIZE = 1024
"""Small pages: a commit rewrites whole pages, and a minute of rows is about 2 kB (see docs/history.md)."""

_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations(db: str) -> list[tuple[int, str]]:
    """``(version, sql)`` for every migration of database ``db`` ('history' or 'outbox'), in order."""
    folder = resources.files("brewctl.recorder").joinpath("migrations", db)
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: sqlite3.Connection, db: str) -> int:
    """Bring ``conn`` to the newest schema of ``db``; returns the schema version."""
    current: int = conn.execute("PRAGMA user_version").fetchone()[0]
    steps = migrations(db)
    newest = steps[-1][0] if steps else 0
    if current > newest:
        raise FatalError(f"{db} database has schema {current}, newer than this brewctl knows ({newest})")
    for version, sql in steps:
        if version > current:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    return newest


def connect(path: Path, db: str) -> sqlite3.Connection:
    """Open (creating) a recorder database for writing, in WAL mode, migrated.

    ``synchronous=NORMAL``: a commit is not fsynced (the WAL is, at checkpoints), so a power
    cut may lose the last commits but never corrupts the file; a crash of the process loses
    nothing committed. (``HistoryStore.write(durable=True)`` raises it to FULL for one
    transaction.) The connection belongs to the thread that opened it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only takes effect on a new file
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn, db)
    return conn


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing database read-only (works while the daemon writes it)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
