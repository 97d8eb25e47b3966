"""``brewctl history`` and the history API routes, on a recorded history file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from brewctl.cli import build_parser, main
from brewctl.cli.history import history
from brewctl.config import Mode
from brewctl.recorder.history import COLUMNS, HistoryStore
from brewctl.recorder.history_component import HistoryComponent
from brewctl.recorder.recording import HistoryRecording
from brewctl.service import http
from brewctl.service.hub import Hub
from tests.recorder.statuses import T0, fermenter, node
from tests.served import served

END = T0 + 3600


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """An hour of fv1 at 5 s (beer rising 0.01 per cycle), a mode change half-way, one alarm event."""
    rec = HistoryRecording()
    for k in range(721):
        t = T0 + 5 * k
        mode = Mode.BEER if k < 360 else Mode.CHAMBER
        rec.add_status(node(t, fermenter("fv1", t, beer=18 + k / 100, mode=mode, heat=0.5, sg=1.05)))
    rec.add_event(Hub("n", wall_clock=lambda: T0 + 100).event("alarm", "beer probe lost", fermenter="fv1", code="x"))
    store = HistoryStore(tmp_path / "history.sqlite")
    store.open()
    store.write(rec.take_final())
    store.close()
    return tmp_path


def run_cli(state_dir: Path, *argv: str) -> str:
    args = build_parser().parse_args(["history", "fv1", *argv, "--state-dir", str(state_dir)])
    out = io.StringIO()
    assert history(args, out=out, now_s=END) == 0
    return out.getvalue()


def test_csv_export_has_a_header_and_every_cycle(state_dir: Path) -> None:
    rows = list(csv.reader(io.StringIO(run_cli(state_dir, "--since", "2h", "--csv"))))
    assert rows[0] == ["time", *COLUMNS]
    assert len(rows) == 1 + 721
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (float(first["ts_s"]), first["beer_c"], first["mode"], first["heat"]) == (T0, "18.0", "beer", "0.5")
    assert dict(zip(rows[0], rows[-1], strict=True))["mode"] == "chamber"


def test_json_export_matches_the_api_shape_and_since_limits_it(state_dir: Path) -> None:
    data = json.loads(run_cli(state_dir, "--since", "10m", "--json", "--all"))
    assert data["fermenter"] == "fv1" and data["resolution"] == "raw"
    assert data["columns"] == [*COLUMNS, "room_c", "p", "i", "d"]
    assert [r[0] for r in data["rows"]] == [END - 600 + 5 * k for k in range(121)]


def test_table_averages_into_ten_minute_rows(state_dir: Path) -> None:
    lines = run_cli(state_dir, "--since", "1h").splitlines()
    assert lines[0].split()[:3] == ["time", "beer", "chamber"]
    assert len(lines) == 1 + 7  # 6 full ten-minute rows and the last cycle's own bucket
    assert "50%" in lines[1] and "1.0500" in lines[1]


def test_user_errors_exit_2_and_name_the_problem(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "fv9", "--state-dir", str(state_dir)]) == 2
    assert "no history for fermenter 'fv9' (recorded: fv1)" in capsys.readouterr().err
    assert main(["history", "fv1", "--since", "yesterday", "--state-dir", str(state_dir)]) == 2
    assert "--since: cannot read duration" in capsys.readouterr().err
    assert main(["history", "fv1", "--step", "0.001s", "--state-dir", str(state_dir)]) == 2
    assert "--step: at least 1s" in capsys.readouterr().err
    assert main(["history", "fv1", "--state-dir", str(state_dir / "nope")]) == 2
    assert "no history here" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["not a database", "a folder"])
def test_a_damaged_history_file_is_a_clear_error(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "history.sqlite"
    if damage == "a folder":
        path.mkdir()
    else:
        path.write_bytes(b"these are not the bytes of a SQLite file\n" * 100)
    assert main(["history", "fv1", "--state-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: cannot read the history" in err and "Traceback" not in err


async def test_api_answers_503_for_a_damaged_history_file(tmp_path: Path) -> None:
    (tmp_path / "history.sqlite").write_bytes(b"garbage" * 1000)
    comp = HistoryComponent(tmp_path)
    async with served(http.App(comp.api_routes())) as c:
        for path in ("/v1/fermenters/fv1/history", "/v1/events"):
            r = await c.get(path, params={"since_s": "0"})
            assert r.status == 503 and "cannot read the history" in (await r.json())["error"]


@pytest.fixture
async def client(state_dir: Path) -> AsyncIterator[aiohttp.ClientSession]:
    hub = Hub("n")
    hub.publish_status(node(END, fermenter("fv1", END), fermenter("fv2", END)))
    comp = HistoryComponent(state_dir)
    comp._hub = hub  # the daemon's run() sets this; the routes only read from the file
    async with served(http.App(comp.api_routes())) as c:
        yield c


async def test_api_serves_history_rows_and_events(client: aiohttp.ClientSession) -> None:
    r = await client.get("/v1/fermenters/fv1/history", params={"since_s": str(T0), "step_s": "60"})
    assert r.status == 200
    body = await r.json()
    assert body["columns"] == list(COLUMNS)
    assert len(body["rows"]) == 61 and body["rows"][1][0] == T0 + 60
    r = await client.get("/v1/events", params={"since_s": str(T0)})
    events = (await r.json())["events"]
    assert [(e["kind"], e["fermenter"], e["ts_s"]) for e in events] == [("alarm", "fv1", T0 + 100)]
    assert (await (await client.get("/v1/events", params={"since_s": str(T0 + 101)})).json())["events"] == []


async def test_api_answers_bad_requests_clearly(client: aiohttp.ClientSession) -> None:
    r = await client.get("/v1/fermenters/fv1/history")
    assert r.status == 400 and "since_s: required" in (await r.json())["error"]
    r = await client.get("/v1/fermenters/fv1/history", params={"since_s": "soon"})
    assert r.status == 400 and "expected a number" in (await r.json())["error"]
    for path, param in (
        ("/v1/events", "since_s"),
        ("/v1/events", "until_s"),
        ("/v1/fermenters/fv1/history", "until_s"),
    ):
        r = await client.get(path, params={"since_s": "0", param: "1e300"})
        assert r.status == 400 and f"{param}: 1e300 is out of range" in (await r.json())["error"]
    r = await client.get("/v1/fermenters/fv1/history", params={"since_s": "0", "step_s": "1e-300"})
    assert r.status == 400 and "step_s: at least 1" in (await r.json())["error"]
    r = await client.get("/v1/fermenters/fv9/history", params={"since_s": "0"})
    assert r.status == 404
    r = await client.get("/v1/fermenters/fv2/history", params={"since_s": "0"})  # configured, nothing yet
    assert r.status == 200 and (await r.json())["rows"] == []
