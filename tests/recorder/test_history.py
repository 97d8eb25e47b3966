"""The history recorder, driven through a real Hub with synthetic statuses and a fake clock."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from brewctl.config import HistoryConfig, Mode
from brewctl.recorder.history import COLUMNS, HistoryStore, UnknownFermenterError
from brewctl.recorder.history_component import HistoryComponent
from brewctl.service.hub import Hub
from tests.recorder.helpers import settle, until
from tests.recorder.statuses import T0, fermenter, node, wavy


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Rig:
    def __init__(self, state_dir: Path, config: HistoryConfig) -> None:
        self.state_dir = state_dir
        self.config = config
        self.clock = FakeMonotonic()
        self.hub = Hub("test-node", wall_clock=lambda: T0)
        self.comp = HistoryComponent(state_dir, config, monotonic=self.clock)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.comp.run(self.hub))
        await until(lambda: "history" in self.hub.extra)

    async def stop(self) -> None:
        assert self.task is not None
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task

    async def publish(self, status: object, dt: float = 5.0) -> None:
        self.clock.now += dt
        self.hub.publish_status(status)  # type: ignore[arg-type]
        await settle()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    r = Rig(tmp_path, HistoryConfig(commit_interval_s=60))
    await r.start()
    yield r
    if r.task is not None and not r.task.done():
        await r.stop()


def count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn, conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def test_commits_are_batched_by_the_commit_interval(rig: Rig) -> None:
    for k in range(11):  # 50 s of 5 s cycles
        await rig.publish(wavy(("fv1", "fv2"), T0 + 5 * k))
    assert rig.comp.commits == 0
    await rig.publish(wavy(("fv1", "fv2"), T0 + 55))  # 60 s since the last commit
    await until(lambda: rig.comp.commits == 1)
    assert count(rig.comp.store.path, "sample") == 24
    assert rig.comp.store.path.with_name("history.sqlite-wal").exists()  # WAL mode


async def test_a_mode_change_and_alarms_are_committed_at_once(rig: Rig) -> None:
    statements: list[str] = []
    conn = rig.comp.store._conn
    assert conn is not None
    await rig.comp._call(conn.set_trace_callback, statements.append)  # on the recorder's thread
    await rig.publish(node(T0, fermenter("fv1", T0)), dt=1)
    await rig.publish(node(T0 + 5, fermenter("fv1", T0 + 5)), dt=1)
    assert rig.comp.commits == 0
    await rig.publish(node(T0 + 10, fermenter("fv1", T0 + 10, mode=Mode.CHAMBER)), dt=1)
    await until(lambda: rig.comp.commits == 1)
    assert rig.comp.store.query("fv1", T0).rows[-1][COLUMNS.index("mode")] == "chamber"
    assert statements[0] == "PRAGMA synchronous = FULL"  # fsynced, not only committed
    rig.hub.event("alarm", "beer probe lost", fermenter="fv1", code="beer_probe_lost")
    await until(lambda: rig.comp.commits == 2)
    rig.hub.event("setpoint", "19.5", fermenter="fv1")  # not urgent
    await settle()
    assert rig.comp.commits == 2
    events = rig.comp.store.events(0)
    assert [(e.kind, e.fermenter, e.data) for e in events] == [("alarm", "fv1", {"code": "beer_probe_lost"})]
    statements.clear()
    await rig.comp.flush()
    assert statements[0] == "PRAGMA synchronous = NORMAL"  # a routine batch is not fsynced


async def test_what_a_command_did_is_committed_at_once(rig: Rig) -> None:
    """The daemon announces a command's effect with its ``source``: a brewer's action is never lost."""
    await rig.publish(node(T0, fermenter("fv1", T0)), dt=1)
    rig.hub.event("setpoint", "beer setpoint 18.5 °C", fermenter="fv1", source="api", beer_setpoint_c=18.5)
    await until(lambda: rig.comp.commits == 1)
    rig.hub.event("profile_pause", "profile pause", fermenter="fv1", source="mqtt", profile="ale")
    await until(lambda: rig.comp.commits == 2)
    events = [(e.kind, e.data["source"]) for e in rig.comp.store.events(0)]
    assert events == [("setpoint", "api"), ("profile_pause", "mqtt")]


async def test_cycles_published_while_the_file_opens_are_recorded(tmp_path: Path) -> None:
    """The daemon's first cycle comes before the recorder has its file open (slow on an SD card)."""
    r = Rig(tmp_path, HistoryConfig())
    opening = threading.Event()
    store_open = r.comp.store.open

    def slow_open() -> None:
        opening.wait(5)
        store_open()

    r.comp.store.open = slow_open  # type: ignore[method-assign]
    r.hub.publish_status(node(T0, fermenter("fv1", T0, beer=18.0)))  # the daemon's first cycle
    r.task = asyncio.create_task(r.comp.run(r.hub))
    await settle()
    await r.publish(node(T0 + 5, fermenter("fv1", T0 + 5, beer=18.5)), dt=1)  # still opening
    opening.set()
    await until(lambda: "history" in r.hub.extra)
    await r.publish(node(T0 + 10, fermenter("fv1", T0 + 10, beer=19.0)), dt=1)
    await r.stop()
    assert [row[0] for row in r.comp.store.query("fv1", T0).rows] == [T0, T0 + 5, T0 + 10]


async def test_flush_waits_for_a_commit_already_under_way(rig: Rig) -> None:
    """A mode change commits at once; a flush just after it must not return before that commit ends."""
    writing, release = threading.Event(), threading.Event()
    store_write = rig.comp.store.write

    def slow_write(*args: object, **kwargs: object) -> None:
        writing.set()
        release.wait(5)
        store_write(*args, **kwargs)  # type: ignore[arg-type]

    rig.comp.store.write = slow_write  # type: ignore[method-assign]
    await rig.publish(node(T0, fermenter("fv1", T0)), dt=1)
    await rig.comp.flush()  # (and the first hourly retention pass, which would queue behind the commit)
    await rig.publish(node(T0 + 5, fermenter("fv1", T0 + 5, mode=Mode.CHAMBER)), dt=1)  # urgent: the loop commits
    await until(writing.is_set)
    flush = asyncio.create_task(rig.comp.flush())  # nothing left in memory: everything is in that commit
    await settle()
    assert not flush.done()
    release.set()
    await asyncio.wait_for(flush, 5)
    assert [row[0] for row in rig.comp.store.query("fv1", T0).rows] == [T0, T0 + 5]


async def test_unchanged_rows_are_skipped_but_the_hold_is_kept(rig: Rig) -> None:
    for k in range(10):
        await rig.publish(node(T0 + 5 * k, fermenter("fv1", T0 + 5 * k, beer=19.0)), dt=1)
    await rig.publish(node(T0 + 50, fermenter("fv1", T0 + 50, beer=19.5)), dt=1)
    await rig.comp.flush()
    rows = rig.comp.store.query("fv1", T0).rows
    beer = COLUMNS.index("beer_c")
    # first row, the last unchanged row (end of the flat line), then the change
    assert [(r[0], r[beer]) for r in rows] == [(T0, 19.0), (T0 + 45, 19.0), (T0 + 50, 19.5)]


async def test_shutdown_commits_everything_and_a_restart_merges_the_minute(tmp_path: Path) -> None:
    first = Rig(tmp_path, HistoryConfig())
    await first.start()
    t = T0 // 60 * 60
    for k in range(6):  # first half of a minute, beer 18
        await first.publish(node(t + 5 * k, fermenter("fv1", t + 5 * k, beer=18.0 + k)), dt=1)
    await first.stop()
    assert count(first.comp.store.path, "sample") == 6
    second = Rig(tmp_path, HistoryConfig())
    await second.start()
    for k in range(6, 12):  # second half
        await second.publish(node(t + 5 * k, fermenter("fv1", t + 5 * k, beer=18.0 + k)), dt=1)
    await second.publish(node(t + 60, fermenter("fv1", t + 60)), dt=1)  # closes the minute
    await second.stop()
    minute = second.comp.store.query("fv1", t - 86400 * 3, step_s=60)
    assert minute.resolution == "1m"
    beer = COLUMNS.index("beer_c")
    assert minute.rows[0][0] == t
    assert minute.rows[0][beer] == pytest.approx(18 + 5.5, abs=0.01)  # mean of 18..29 across both runs
    with closing(sqlite3.connect(second.comp.store.path)) as conn, conn:
        assert conn.execute("SELECT n, beer_min, beer_max FROM minute WHERE minute_s = ?", (t,)).fetchone() == (
            12,
            1800,
            2900,
        )


async def test_query_buckets_and_picks_the_resolution(rig: Rig) -> None:
    t = T0 // 60 * 60
    for k in range(36):  # three minutes of 5 s cycles, beer rising 0.1 per cycle
        await rig.publish(node(t + 5 * k, fermenter("fv1", t + 5 * k, beer=18 + 0.1 * k, step=k // 12)), dt=1)
    await rig.comp.flush()
    store = rig.comp.store
    raw = store.query("fv1", t, t + 60)
    assert raw.resolution == "raw" and len(raw.rows) == 13  # both ends included
    buckets = store.query("fv1", t, step_s=30)
    assert buckets.resolution == "raw"
    assert [r[0] for r in buckets.rows] == [t + 30 * k for k in range(6)]
    assert buckets.rows[0][COLUMNS.index("beer_c")] == pytest.approx(18.25)  # mean of 18.0..18.5
    assert buckets.rows[1][COLUMNS.index("profile_step")] == 0
    assert buckets.rows[2][COLUMNS.index("profile_step")] == 1  # last value of the bucket
    # a week back is beyond two days: 1-minute rows (the third minute is still open)
    week = store.query("fv1", t - 7 * 86400)
    assert week.resolution == "1m" and [r[0] for r in week.rows] == [t, t + 60]
    with pytest.raises(UnknownFermenterError):
        store.query("nope", t)


async def test_retention_drops_old_raw_rows_but_keeps_minutes(tmp_path: Path) -> None:
    r = Rig(tmp_path, HistoryConfig(raw_days=1, downsampled_days=3))
    await r.start()
    for day in range(5):
        for k in range(13):
            ts = T0 + day * 86400 + 5 * k
            await r.publish(wavy(("fv1",), ts), dt=1)
        await r.comp.flush()
    await r.stop()
    store = HistoryStore(r.comp.store.path)
    raw = store.query("fv1", T0 + 4 * 86400 - 10)
    assert raw.resolution == "raw"
    with closing(sqlite3.connect(store.path)) as conn, conn:
        oldest_raw_ms = conn.execute("SELECT min(ts_ms) FROM sample").fetchone()[0]
        minute_days = {d for (d,) in conn.execute("SELECT DISTINCT (minute_s - ?) / 86400 FROM minute", (int(T0),))}
    newest_s = T0 + 4 * 86400 + 60
    assert oldest_raw_ms == (newest_s - 86400) * 1000  # raw: one day back from the newest status
    assert minute_days == {1, 2, 3, 4}  # minutes: three days back


def test_a_file_without_schema_yet_reads_as_empty(tmp_path: Path) -> None:
    """The recorder is creating the file while the API or the CLI reads it."""
    sqlite3.connect(tmp_path / "history.sqlite").close()  # exists, no tables yet
    store = HistoryStore(tmp_path / "history.sqlite")
    assert store.fermenters() == [] and store.events(0) == []
    with pytest.raises(UnknownFermenterError):
        store.query("fv1", T0)


async def test_a_state_dir_it_cannot_write_fails_the_component_cleanly(tmp_path: Path) -> None:
    """The daemon's supervisor sees the error (and alarms, and retries); nothing hangs."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    hub = Hub("n")
    comp = HistoryComponent(blocker / "state")
    with pytest.raises(OSError):
        await asyncio.wait_for(comp.run(hub), 5)
    assert "history" not in hub.extra and hub.node_alarms == ()


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (root only; skipped elsewhere)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


async def test_a_full_disk_is_reported_as_such_not_as_a_failed_rollback(tiny_fs: Path) -> None:
    """#17 defect 7, found on a real tmpfs: SQLite ends the transaction itself on SQLITE_FULL, and
    the explicit ROLLBACK then raised "cannot rollback - no transaction is active", which hid the
    real cause in the log and in the node alarm."""
    r = Rig(tiny_fs, HistoryConfig(commit_interval_s=60))
    await r.start()
    try:
        await r.publish(wavy(("fv1",), T0))
        await r.comp.flush()
        filler = tiny_fs / "filler"
        with filler.open("wb", buffering=0) as f, contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 4096)
        alarms: list[str] = []
        for i in range(1, 400):  # enough rows to need new pages
            await r.publish(wavy(("fv1", "fv2", "fv3"), T0 + 5 * i))
            if i % 50 == 0:
                await r.comp.flush()
                alarms += [a.message for a in r.hub.node_alarms if a.code == "history_write_failed"]
                if alarms:
                    break
        assert alarms, "the full disk never failed a commit"
        assert "full" in alarms[0] and "rollback" not in alarms[0], alarms[0]
        filler.unlink()
        await r.comp.flush()  # space again: the rows kept in memory are written
        assert not [a for a in r.hub.node_alarms if a.code == "history_write_failed"]
    finally:
        await r.stop()


@pytest.mark.parametrize("kind", ["garbage", "fifo", "truncated"])
def test_an_unusable_history_file_is_moved_aside_and_a_new_one_started(
    tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Found in the #17 audit: a history.sqlite that is not a database (a failing SD card) or a
    FIFO failed the recorder at every restart, a traceback each time, history off for good."""
    path = tmp_path / "history.sqlite"
    if kind == "garbage":
        path.write_bytes(bytes(range(256)) * 400)
    elif kind == "fifo":
        os.mkfifo(path)
    else:  # a real history file cut short, with its header intact
        good = HistoryStore(path)
        good.open()
        good.close()
        data = path.read_bytes()
        path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    store = HistoryStore(path)
    store.open()  # does not raise
    store.close()
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("history.sqlite.bad-") and "-" not in p.name[-5:]]
    assert path.is_file() and aside.exists()
    assert "unusable history database" in caplog.text and aside.name in caplog.text
