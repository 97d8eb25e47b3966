"""Opening the recorder's SQLite files: pragmas for SD cards, and schema migrations.

Migrations are plain SQL files, ``migrations/<db>/NNNN_what.sql``, applied in order inside
one transaction each; ``PRAGMA user_version`` records the last one applied.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import stat
import time
from importlib import resources
from pathlib import Path

from brewctl.errors import FatalError

__all__ = ["connect", "migrate", "migrations", "open_read_only"]

log = logging.getLogger(__name__)

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

    A file that is not a database, is corrupt (a failing SD card) or is not a regular file is
    moved aside to ``NAME.bad-<timestamp>`` (with its ``-wal``/``-shm``), logged, and a new one
    started: kept, never overwritten, and the recorder does not fail at every restart.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path, db)
    except sqlite3.DatabaseError as exc:
        if not _unusable(path, exc):
            raise
        aside = _set_aside(path)
        log.warning("%s: unusable %s database (%s): moved to %s; starting a new one", path, db, exc, aside.name)
        return _connect(path, db)


def _connect(path: Path, db: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only takes effect on a new file
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, db)
    except BaseException:
        conn.close()
        raise
    return conn


_UNUSABLE = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


def _unusable(path: Path, exc: sqlite3.DatabaseError) -> bool:
    """Not a database, corrupt, or not a regular file (a FIFO reads as an I/O error)."""
    if getattr(exc, "sqlite_errorname", "") in _UNUSABLE:
        return True
    try:
        return not stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _set_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.bad-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists() or side.is_symlink():
            side.rename(aside.with_name(aside.name + suffix))
    return aside


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing database read-only (works while the daemon writes it)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
