"""A shared chiller in the local history: recorded, queried, exported, and old files upgraded."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from pathlib import Path

import aiohttp
import pytest

from brewctl.cli import build_parser, main
from brewctl.cli.components import optional_components
from brewctl.cli.history import history
from brewctl.config import HistoryConfig
from brewctl.model import Alarm, ChillerStatus, NodeStatus
from brewctl.recorder.history import CHILLER_COLUMNS, COLUMNS, HistoryStore, UnknownFermenterError
from brewctl.recorder.history_component import HistoryComponent
from brewctl.recorder.recording import HistoryRecording
from brewctl.recorder.sqlite import migrations
from brewctl.service import http
from brewctl.service.client import ApiClient
from brewctl.service.hub import Hub
from tests.recorder.statuses import T0, fermenter, node
from tests.recorder.test_history import Rig
from tests.served import served
from tests.service.conftest import running
from tests.service.test_chiller_daemon import example

OVERLOADED = Alarm(code="chiller_overloaded", severity="critical", message="chiller main: it cannot keep up")
START = T0 // 60 * 60


def brewery(t: float, reservoir: float | None, *, open_valves: int = 1, overloaded: bool = False) -> NodeStatus:
    """fv1 and a chiller 'main' whose reservoir is ``reservoir``."""
    chiller = ChillerStatus(
        id="main",
        reservoir_c=reservoir,
        open_valves=("fv1", "fv2", "fv3")[:open_valves],
        waiting=("fv4",) if open_valves == 3 else (),
        alarms=(OVERLOADED,) if overloaded else (),
    )
    return node(t, fermenter("fv1", t)).model_copy(update={"chillers": {"main": chiller}})


async def test_a_chiller_is_recorded_by_the_fermenters_rules(tmp_path: Path) -> None:
    rig = Rig(tmp_path, HistoryConfig(commit_interval_s=60))
    await rig.start()
    for k in range(24):  # two minutes of 5 s cycles: flat at -2 for a minute, then warming
        reservoir = -2.0 if k < 12 else -2.0 + 0.25 * (k - 11)
        await rig.publish(brewery(START + 5 * k, reservoir, open_valves=1 if k < 12 else 3, overloaded=k >= 18), dt=1)
    await rig.publish(brewery(START + 120, None), dt=1)  # the probe lost: recorded as missing
    await rig.stop()  # shutdown commits everything
    store = HistoryStore(rig.comp.store.path)
    assert store.fermenters() == ["fv1"] and store.chillers() == ["main"]
    raw = store.query("chiller:main", START)
    assert raw.columns == CHILLER_COLUMNS and raw.resolution == "raw"
    # the unchanged minute is skipped but for its first and last rows, as for a fermenter
    assert [r[0] for r in raw.rows[:3]] == [START, START + 55, START + 60]
    assert raw.rows[0][1:] == [-2.0, 1.0, 0.0, 0.0]
    assert raw.rows[-2][1:] == [1.0, 3.0, 1.0, 1.0]
    assert raw.rows[-1][1] is None
    minutes = store.query("chiller:main", START - 7 * 86400)
    assert minutes.resolution == "1m" and [r[0] for r in minutes.rows] == [START, START + 60, START + 120]
    second = minutes.rows[1]
    assert second[1] == pytest.approx(-2.0 + 0.25 * 6.5, abs=0.01)  # mean of -1.75..1.0, in hundredths
    assert (second[2], second[3], second[4]) == (3.0, 1.0, 0.5)  # overloaded half the minute
    with pytest.raises(UnknownFermenterError, match="no history for chiller 'spare'"):
        store.query("chiller:spare", START)


def test_a_chiller_needs_a_fermenter_cycle_for_its_time() -> None:
    rec = HistoryRecording()
    lonely = brewery(START, -2.0).model_copy(update={"fermenters": {}})
    rec.add_status(lonely)
    assert not rec.take_final()


def _history_0001(path: Path) -> None:
    """A history file as brewctl wrote it before chillers (schema 1), with one fermenter row."""
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(migrations("history")[0][1] + "\nPRAGMA user_version = 1;")
        conn.execute("INSERT INTO fermenter (id, name) VALUES (1, 'fv1')")
        conn.execute("INSERT INTO sample (ts_ms, fermenter, beer, mode) VALUES (?, 1, 1900, 2)", (START * 1000,))
        conn.execute("INSERT INTO minute (minute_s, fermenter, n, beer, mode) VALUES (?, 1, 1, 1900, 2)", (START,))
        conn.commit()


def test_an_old_history_file_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    _history_0001(path)
    store = HistoryStore(path)
    store.open()
    rec = HistoryRecording()
    for k in range(13):
        rec.add_status(brewery(START + 60 + 5 * k, -1.5))
    store.write(rec.take_final())
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations("history")[-1][0]
    old = store.query("fv1", START, START + 1)
    assert old.rows == [[START, 19.0, *[None] * 7, "beer", None]]
    assert store.query("chiller:main", START).rows[0][:2] == [START + 60, -1.5]
    assert store.query("fv1", START - 7 * 86400).rows[0][:2] == [START, 19.0]  # the old minute row
    assert store.fermenters() == ["fv1"] and store.chillers() == ["main"]


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """An hour of fv1 and chiller 'main' at 5 s, the reservoir warming 0.01 degC a cycle."""
    rec = HistoryRecording()
    for k in range(721):
        rec.add_status(brewery(START + 5 * k, -2 + k / 100, open_valves=1 + k % 2))
    store = HistoryStore(tmp_path / "history.sqlite")
    store.open()
    store.write(rec.take_final())
    store.close()
    return tmp_path


def run_cli(state_dir: Path, *argv: str) -> str:
    args = build_parser().parse_args(["history", *argv, "--state-dir", str(state_dir)])
    out = io.StringIO()
    assert history(args, out=out, now_s=START + 3600) == 0
    return out.getvalue()


def test_cli_prints_a_chillers_table_and_json(state_dir: Path) -> None:
    lines = run_cli(state_dir, "chiller:main", "--since", "1h").splitlines()
    assert lines[0].split() == ["time", "reservoir", "open_valves", "waiting", "overloaded"]
    assert len(lines) == 1 + 7
    assert lines[1].split()[2:] == ["-1.40", "1.5", "0.0", "0%"]  # mean of -2.00..-0.81, 1 and 2 valves
    data = json.loads(run_cli(state_dir, "chiller:main", "--since", "10m", "--json"))
    assert data["columns"] == list(CHILLER_COLUMNS) and len(data["rows"]) == 121
    assert json.loads(run_cli(state_dir, "fv1", "--since", "10m", "--json"))["columns"] == list(COLUMNS)


def test_cli_names_recorded_chillers_when_one_is_unknown(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "chiller:spare", "--state-dir", str(state_dir)]) == 2
    assert "no history for chiller 'spare' (recorded: fv1, chiller:main)" in capsys.readouterr().err


@pytest.fixture
async def client(state_dir: Path) -> AsyncIterator[aiohttp.ClientSession]:
    hub = Hub("n")
    status = brewery(START + 3600, -2.0)
    spare = ChillerStatus(id="spare", reservoir_c=-3.0)
    hub.publish_status(status.model_copy(update={"chillers": {**status.chillers, "spare": spare}}))
    comp = HistoryComponent(state_dir)
    comp._hub = hub  # the daemon's run() sets this; the routes only read from the file
    async with served(http.App(comp.api_routes())) as c:
        yield c


async def test_api_serves_a_chillers_history(client: aiohttp.ClientSession) -> None:
    r = await client.get("/v1/chillers/main/history", params={"since_s": str(START), "step_s": "600"})
    body = await r.json()
    assert r.status == 200 and body["chiller"] == "main" and body["columns"] == list(CHILLER_COLUMNS)
    assert len(body["rows"]) == 7 and body["rows"][0][1] == pytest.approx(-1.405, abs=0.01)
    r = await client.get("/v1/chillers/spare/history", params={"since_s": "0"})  # configured, nothing yet
    assert r.status == 200 and (await r.json())["rows"] == []
    for path in ("/v1/chillers/fv1/history", "/v1/fermenters/chiller:main/history", "/v1/chillers/nope/history"):
        assert (await client.get(path, params={"since_s": "0"})).status == 404


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short folder for the Unix socket (paths are limited to ~100 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="bc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def test_the_daemon_records_its_chiller_and_the_cli_reads_it(tmp_path: Path, short_dir: Path) -> None:
    """config.example.toml's chiller 'main', simulated at 100x, through the real daemon and recorder."""
    config = example()
    config = config.model_copy(update={"history": config.history.model_copy(update={"commit_interval_s": 1.0})})
    state_dir = tmp_path / "state"
    async with (
        running(config, state_dir, short_dir / "s", components=optional_components(config, state_dir)),
        ApiClient(short_dir / "s") as api,
    ):
        async with asyncio.timeout(20):  # the recorder commits every second (real time)
            while True:
                body = await api.chiller_history("main", since_s=0)
                if len(body["rows"]) >= 2:
                    break
                await asyncio.sleep(0.1)
    assert body["chiller"] == "main" and body["columns"] == list(CHILLER_COLUMNS)
    assert all(-4.0 < row[1] < 0.0 for row in body["rows"])  # the reservoir, degC
    store = HistoryStore(state_dir / "history.sqlite")
    assert store.chillers() == ["main"] and "chiller:main" not in store.fermenters()
    args = build_parser().parse_args(["history", "chiller:main", "--json", "--state-dir", str(state_dir)])
    out = io.StringIO()
    assert history(args, out=out, now_s=body["rows"][-1][0] + 60) == 0
    assert len(json.loads(out.getvalue())["rows"]) >= len(body["rows"])
