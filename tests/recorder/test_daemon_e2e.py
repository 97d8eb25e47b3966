"""End to end: the real daemon (simulated rig, 100x time) with the recorder components it configures."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from brewctl.backoff import Backoff
from brewctl.cli import build_parser
from brewctl.cli.components import optional_components
from brewctl.cli.history import history
from brewctl.config import Mode, load_config
from brewctl.model import SetMode
from brewctl.recorder.history import COLUMNS, HISTORY_FILE, HistoryStore
from brewctl.recorder.history_component import HistoryComponent
from brewctl.recorder.influx import InfluxComponent
from brewctl.recorder.lineprotocol import status_lines
from brewctl.service.client import ApiClient
from brewctl.service.clock import ScaledClock
from brewctl.service.daemon import Daemon
from brewctl.service.hub import Component
from tests.recorder.conftest import VictoriaMetrics
from tests.recorder.helpers import until
from tests.service.conftest import running, write_config


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short folder for the Unix socket (paths are limited to ~100 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="bc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def test_the_daemon_records_history_serves_it_and_feeds_influx(
    victoria: VictoriaMetrics, tmp_path: Path, short_dir: Path
) -> None:
    extra = f'\n[influx]\nurl = "{victoria.url}"\nbatch_s = 1\n\n[history]\ncommit_interval_s = 1\n'
    config = load_config(write_config(tmp_path, extra))
    state_dir = tmp_path / "state"
    components = optional_components(config, state_dir)
    assert sorted(c.name for c in components) == ["history", "influx"]
    socket = short_dir / "api.sock"
    async with running(config, state_dir, socket, components=components) as daemon:
        async with ApiClient(socket) as api:
            first = (await api.status()).fermenters["fv1"].updated_s
            modes = COLUMNS.index("mode")

            async def rows_until(done: Callable[[list[list[Any]]], bool]) -> list[list[Any]]:
                async with asyncio.timeout(15):  # the recorder commits every second (real time)
                    while True:
                        rows: list[list[Any]] = (await api.history("fv1", since_s=first - 1))["rows"]
                        if done(rows):
                            return rows
                        await asyncio.sleep(0.1)

            await rows_until(lambda rows: len(rows) >= 3)  # recorded in beer mode
            assert (await api.command("fv1", SetMode(mode=Mode.CHAMBER))).ok
            rows = await rows_until(lambda rows: rows[-1][modes] == "chamber")
            assert {r[modes] for r in rows} == {"beer", "chamber"}
            last = (await api.status()).fermenters["fv1"].updated_s
            assert (await api.history("fv1", since_s=first - 1))["columns"] == list(COLUMNS)
            assert rows[0][0] >= first - 1 and rows[-1][0] <= last + 0.001  # ms resolution
            assert rows[-1][COLUMNS.index("beer_c")] is not None
            # The daemon announces the change once its state is saved, so a control cycle in the new
            # mode may be recorded first: wait for the event too (it is committed at once).
            async with asyncio.timeout(5):
                while True:
                    _, body = await api._request("GET", "/v1/events", params={"since_s": str(first - 1)})
                    if ("mode", "fv1") in {(e["kind"], e["fermenter"]) for e in body["events"]}:
                        break
                    await asyncio.sleep(0.05)
            # the CLI reads the same file while the daemon writes it
            args = build_parser().parse_args(["history", "fv1", "--json", "--state-dir", str(state_dir)])
            out = io.StringIO()
            assert history(args, out=out, now_s=last) == 0
            assert len(json.loads(out.getvalue())["rows"]) >= 5
            influx = next(c for c in components if isinstance(c, InfluxComponent))
            await until(lambda: influx.sent_points > 0, within_s=15)  # batch_s = 1 s
        del daemon
    # Both recorded the same control cycles (each sees statuses latest-wins and started at its own
    # moment, and the history skips unchanged rows: compare where both were recording).
    stamps = [ts / 1000 for ts, _ in victoria.samples("testnode")[("fermenter_temperature_celsius", "fv1", "beer")]]
    assert len(stamps) == len(set(stamps))  # each point once
    sent = set(stamps)
    local = {r[0] for r in json.loads(_cli(state_dir, last))["rows"] if min(sent) <= r[0] <= max(sent)}
    assert local and len(local & sent) >= 0.8 * len(local)


def _cli(state_dir: Path, now_s: float) -> str:
    args = build_parser().parse_args(["history", "fv1", "--json", "--state-dir", str(state_dir)])
    out = io.StringIO()
    history(args, out=out, now_s=now_s)
    return out.getvalue()


async def test_an_outage_across_a_daemon_restart_delivers_every_cycle_once(
    own_victoria: VictoriaMetrics, tmp_path: Path, short_dir: Path
) -> None:
    """The issue's outage test, on the real daemon: the server goes down, the daemon restarts
    in the middle of the outage, the server comes back; the server's points are counted against
    the local history."""
    config = load_config(write_config(tmp_path, f'\n[influx]\nurl = "{own_victoria.url}"\nbatch_s = 1\n'))
    assert config.influx is not None
    state_dir, socket = tmp_path / "state", short_dir / "api.sock"

    def components() -> tuple[InfluxComponent, list[Component]]:
        influx = InfluxComponent(
            state_dir, config.influx, node=config.node.name, backoff=Backoff(initial_s=0.05, max_s=0.2)
        )
        return influx, [HistoryComponent(state_dir, config.history), influx]

    def sim_time(daemon: Daemon) -> float:
        assert daemon.hub is not None and daemon.hub.latest is not None
        return daemon.hub.latest.fermenters["fv1"].updated_s

    clock = ScaledClock(100)
    first, parts = components()
    async with running(config, state_dir, socket, clock=clock, components=parts) as daemon:
        started_at = sim_time(daemon)
        await until(lambda: first.sent_points > 0, within_s=15)
        own_victoria.stop()  # the outage begins; the daemon goes on
        down_at = sim_time(daemon)
        await until(lambda: first.outbox.points > 0 and sim_time(daemon) > down_at + 60, within_s=15)
        assert daemon.hub is not None and daemon.hub.latest is not None
        per_cycle = len(status_lines(daemon.hub.latest))
    stopped_at = clock.wall()
    # A new daemon process: its clock goes on from where the first one stopped.
    second, parts = components()
    restarted = ScaledClock(100, real_wall=lambda: stopped_at + 1)
    async with running(config, state_dir, socket, clock=restarted, components=parts) as daemon:
        await until(lambda: second.started.is_set(), within_s=15)
        assert second.outbox.points > 0  # the first run's backlog, kept across the restart
        back_from = sim_time(daemon)
        await until(lambda: sim_time(daemon) > back_from + 60, within_s=15)  # still down
        own_victoria.start()
        await until(lambda: second.outbox.points == 0 and second.sent_points > 0, within_s=20)
        last_sent = sim_time(daemon)

    beer = [ts for ts, _ in own_victoria.samples("testnode")[("fermenter_temperature_celsius", "fv1", "beer")]]
    assert len(beer) == len(set(beer))  # nothing twice
    # Every point either run acknowledged is in the server, once; the rest waits in the outbox
    # (with, at most, a request that was out when the daemon stopped: stored, not yet acknowledged).
    acknowledged = first.sent_points + second.sent_points
    assert acknowledged <= len(beer) * per_cycle <= acknowledged + second.outbox.points
    assert first.dropped_points == second.dropped_points == 0
    history = HistoryStore(state_dir / HISTORY_FILE).query("fv1", started_at - 1, last_sent)
    assert history.resolution == "raw"
    local = [round(r[0] * 1000) for r in history.rows]
    assert beer[0] <= local[0] < round(down_at * 1000) < round(stopped_at * 1000) < local[-1]
    assert beer[-1] > round(back_from * 1000)
    # Sent in order, so every cycle the history recorded before the newest point in the server is
    # in the server: both runs, the outage and the restart. (The one exception: at 100x, a cycle
    # published milliseconds before the next may be superseded in the writer's latest-wins
    # subscription before it is taken; at real speed cycles are seconds apart.)
    window = [ts for ts in local if ts <= beer[-1]]
    missing = sorted(set(window) - set(beer))
    assert all(any(0 < other - ts < 1000 for other in window) for ts in missing), missing
    assert len(missing) <= 2
    assert len(beer) >= len(window) - len(missing)  # (the history skips unchanged cycles)
