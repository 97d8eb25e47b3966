"""The InfluxDB writer against a real VictoriaMetrics: delivery, outage + restart, bounds."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import zlib
from contextlib import closing
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import ValidationError

from brewctl.backoff import Backoff
from brewctl.config import HistoryConfig, InfluxConfig
from brewctl.errors import ConfigError
from brewctl.recorder.history_component import HistoryComponent
from brewctl.recorder.influx import SEND_POINTS, InfluxComponent, read_token
from brewctl.recorder.lineprotocol import status_lines
from brewctl.recorder.outbox import Outbox
from brewctl.recorder.sqlite import migrations
from brewctl.service.hub import Hub
from tests.recorder.conftest import VictoriaMetrics, free_port
from tests.recorder.helpers import settle, until
from tests.recorder.statuses import T0, fermenter, node, wavy

FIDS = ("fv1", "fv2")


class Running:
    """A component running as a task, as the daemon would run it."""

    def __init__(self, comp: InfluxComponent | HistoryComponent, hub: Hub) -> None:
        self.comp = comp
        self.task = asyncio.create_task(comp.run(hub))

    async def stop(self) -> None:
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task


async def start_influx(hub: Hub, state_dir: Path, url: str, **config: object) -> tuple[InfluxComponent, Running]:
    comp = InfluxComponent(
        state_dir,
        InfluxConfig(url=url, batch_s=3600, **config),  # type: ignore[arg-type]
        node=hub.node,
        backoff=Backoff(initial_s=0.01, max_s=0.05),
    )
    running = Running(comp, hub)
    await asyncio.wait_for(comp.started.wait(), 5)
    return comp, running


async def publish(hub: Hub | tuple[Hub, ...], t: float) -> None:
    status = wavy(FIDS, t)
    for h in hub if isinstance(hub, tuple) else (hub,):
        h.publish_status(status)
    await settle()


def outbox_rows(state_dir: Path) -> int:
    with closing(sqlite3.connect(state_dir / "outbox.sqlite")) as conn, conn:
        return int(conn.execute("SELECT count(*) FROM batch").fetchone()[0])


def test_line_protocol_has_one_measurement_per_domain_and_numeric_fields() -> None:
    fs = fermenter("fv 1", T0, heat=0.25, step=2, sg=1.048)
    lines = status_lines(node(T0, fs), node="pi,a")
    ms = round(T0 * 1000)
    assert f"fermenter_temperature,node=pi\\,a,fermenter=fv\\ 1,probe=beer celsius=19.0 {ms}" in lines
    assert f"fermenter_output,node=pi\\,a,fermenter=fv\\ 1,output=heat duty=0.25,active=1i {ms}" in lines
    control = next(line for line in lines if line.startswith("fermenter_control"))
    assert "mode=2i" in control and "profile_step=2i" in control and '"' not in control
    assert any(line.startswith("fermenter_gravity") and "sg=1.048" in line for line in lines)
    assert status_lines(node(T0, fs), node="pi,a") == lines  # same status, same points: re-sends overwrite


async def test_points_reach_victoriametrics_without_touching_the_outbox(
    victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    hub = Hub("direct")
    comp, running = await start_influx(hub, tmp_path, victoria.url)
    for k in range(5):
        await publish(hub, T0 + 5 * k)
    await comp.flush()
    assert comp.sent_points == 5 * len(status_lines(wavy(FIDS, T0)))
    await running.stop()
    assert outbox_rows(tmp_path) == 0  # nothing written to the SD card while the server answers
    got = victoria.samples("direct")
    beer = got[("fermenter_temperature_celsius", "fv1", "beer")]
    assert [ts for ts, _ in beer] == [round((T0 + 5 * k) * 1000) for k in range(5)]
    assert beer[1][1] == pytest.approx(wavy(FIDS, T0 + 5).fermenters["fv1"].beer_c)
    assert ("fermenter_output_duty", "fv2", "cool") in got
    assert ("fermenter_control_beer_setpoint_c", "fv1", "") in got


async def test_an_outage_with_a_restart_delivers_every_point_exactly_once_in_order(
    own_victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    local = Hub("outage")  # the history's: the local record goes on across the restart
    hub = Hub("outage")  # the InfluxDB writer's: a new one when the daemon restarts
    history = Running(HistoryComponent(tmp_path, HistoryConfig()), local)
    comp, influx = await start_influx(hub, tmp_path, own_victoria.url)
    t = T0
    for _ in range(3):  # the server is up
        await publish((local, hub), t)
        t += 5
    await comp.flush()
    own_victoria.stop()  # outage begins
    for _ in range(20):
        await publish((local, hub), t)
        t += 5
        await until(lambda: comp.retry_due)  # backoff of 10-50 ms
        await comp.flush()  # every send fails: the points go to the outbox
    per_status = len(status_lines(wavy(FIDS, T0)))
    assert comp.outbox.points + comp.pending_points == 20 * per_status
    assert outbox_rows(tmp_path) == 1  # 100 s of outage: one transaction a minute, not one per send
    assert "influx_unreachable" in {a.code for a in hub.node_alarms}
    await influx.stop()  # the daemon restarts in the middle of the outage: a new process, a new hub
    assert comp.outbox.points == 20 * per_status  # a clean stop keeps what was in memory
    hub = Hub("outage")
    comp, influx = await start_influx(hub, tmp_path, own_victoria.url)
    assert comp.outbox.points > 0
    for _ in range(10):
        await publish((local, hub), t)
        t += 5
    await comp.flush()
    own_victoria.start()  # the server is back
    await until(lambda: comp.retry_due)
    await comp.flush()
    assert comp.outbox.points == 0 and comp.pending_points == 0
    await influx.stop()
    await history.stop()

    cycles = [T0 + 5 * k for k in range(33)]
    got = own_victoria.samples("outage")
    for fid in FIDS:
        local = history.comp.store.query(fid, T0)  # type: ignore[union-attr]
        assert [r[0] for r in local.rows] == cycles
        for probe in ("beer", "chamber", "room"):
            sent = got[("fermenter_temperature_celsius", fid, probe)]
            assert [ts for ts, _ in sent] == [round(c * 1000) for c in cycles]  # each once, none missing
        assert len(got[("fermenter_output_duty", fid, "heat")]) == len(cycles)


async def test_a_proxy_body_limit_splits_the_requests_instead_of_dropping_points(
    victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    """A reverse proxy in front of the server refuses large bodies with HTTP 413 (nginx: 1 MB)."""

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()  # HTTP 413 past client_max_size, as the proxy would answer
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{victoria.url}{request.path_qs}", data=body, headers=request.headers) as answer,
        ):
            return web.Response(status=answer.status, body=await answer.read())

    proxy = web.Application(client_max_size=20_000)
    proxy.router.add_post("/api/v2/write", forward)
    async with TestServer(proxy) as server:
        hub = Hub("proxy")
        comp, running = await start_influx(hub, tmp_path, str(server.make_url("")).rstrip("/"))
        for k in range(200):  # a backlog of about 300 kB
            hub.publish_status(wavy(FIDS, T0 + 5 * k))
            await settle()
        await comp.flush()
        await running.stop()
    assert comp.dropped_points == 0 and comp.sent_points == 200 * len(status_lines(wavy(FIDS, T0)))
    assert comp.send_points < SEND_POINTS  # later requests start smaller
    assert "influx_rejected" not in {a.code for a in hub.node_alarms}
    beer = victoria.samples("proxy")[("fermenter_temperature_celsius", "fv2", "beer")]
    assert [ts for ts, _ in beer] == [round((T0 + 5 * k) * 1000) for k in range(200)]


async def test_a_stop_while_a_request_is_out_keeps_its_points(tmp_path: Path) -> None:
    """The daemon stops while the server has not answered yet: the points go to the outbox."""

    done = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)  # a request arrived; no answer until the test is over
        await done.wait()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hub = Hub("silent")
    comp, running = await start_influx(hub, tmp_path, f"http://127.0.0.1:{port}")
    for k in range(3):
        await publish(hub, T0 + 5 * k)
    comp._wake.set()  # the writer's own send (as every batch_s), not one from the test
    await until(lambda: comp.pending_points == 0)  # taken out of memory: the request is out
    await running.stop()
    done.set()
    server.close()
    await server.wait_closed()
    assert comp.outbox.points == 3 * len(status_lines(wavy(FIDS, T0)))


async def test_a_wrong_token_keeps_the_points_with_an_alarm_until_it_is_fixed(
    own_victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    """HTTP 401 from a real server: nothing is dropped, the alarm says why."""
    own_victoria.stop()
    own_victoria.start("-httpAuth.username=brewer", "-httpAuth.password=not-our-token")
    hub = Hub("token")
    comp, running = await start_influx(hub, tmp_path, own_victoria.url)
    for k in range(3):
        await publish(hub, T0 + 5 * k)
        await until(lambda: comp.retry_due)
        await comp.flush()
    alarms = {a.code: a.message for a in hub.node_alarms}
    assert "HTTP 401" in alarms["influx_unreachable"]  # at the first refusal, not after 3 tries
    assert comp.dropped_points == 0 and comp.sent_points == 0
    await running.stop()  # the points wait in the outbox
    own_victoria.stop()
    own_victoria.start()  # the configuration is fixed, the daemon restarted (a new hub)
    comp, running = await start_influx(Hub("token"), tmp_path, own_victoria.url)
    await comp.flush()
    await running.stop()
    assert comp.sent_points == 3 * len(status_lines(wavy(FIDS, T0)))
    beer = own_victoria.samples("token")[("fermenter_temperature_celsius", "fv1", "beer")]
    assert [ts for ts, _ in beer] == [round((T0 + 5 * k) * 1000) for k in range(3)]


async def test_the_first_cycle_is_sent_and_a_supervisor_restart_sends_nothing_twice(
    victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    hub = Hub("first")
    hub.publish_status(wavy(FIDS, T0))  # the daemon's first cycle, published before the components start
    comp, running = await start_influx(hub, tmp_path, victoria.url)
    await publish(hub, T0 + 5)
    await comp.flush()
    await running.stop()
    running = Running(comp, hub)  # the supervisor runs the same component again; hub.latest was sent
    await asyncio.wait_for(comp.started.wait(), 5)
    await publish(hub, T0 + 10)
    await comp.flush()
    await running.stop()
    beer = victoria.samples("first")[("fermenter_temperature_celsius", "fv1", "beer")]
    assert [ts for ts, _ in beer] == [round((T0 + dt) * 1000) for dt in (0, 5, 10)]  # each once


async def test_a_full_outbox_drops_the_oldest_points_with_an_alarm(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    hub = Hub("full")
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    comp, running = await start_influx(hub, tmp_path, nowhere, outbox_max_points=1000)
    per_status = len(status_lines(wavy(FIDS, T0)))
    for k in range(100):  # 1400 points
        await publish(hub, T0 + 5 * k)
        await comp.flush()
    assert comp.outbox.points <= 1000
    assert comp.dropped_points == 100 * per_status - comp.outbox.points - comp.pending_points
    assert "outbox_full" in {a.code for a in hub.node_alarms}
    await running.stop()
    with closing(sqlite3.connect(tmp_path / "outbox.sqlite")) as conn, conn:
        rows = [zlib.decompress(lines).decode() for (lines,) in conn.execute("SELECT lines FROM batch ORDER BY id")]
    text = "\n".join(rows)
    stamps = [int(line.rsplit(" ", 1)[1]) for line in text.splitlines()]
    assert stamps[-1] == round((T0 + 5 * 99) * 1000)  # the newest stayed
    assert stamps[0] > round(T0 * 1000) and stamps == sorted(stamps)  # the oldest went; still in order
    assert len([r for r in caplog.records if "outbox full" in r.getMessage()]) == 1  # one warning, not a flood


def test_the_token_comes_from_its_file_and_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token\n")
    assert read_token(InfluxConfig(url="http://x", token_file=token_file)) == "s3cret-token"
    with pytest.raises(ConfigError, match="cannot read the InfluxDB token") as err:
        read_token(InfluxConfig(url="http://x", token_file=tmp_path / "missing"))
    assert str(tmp_path / "missing") in str(err.value)


def test_the_outbox_compresses_and_still_reads_rows_an_older_brewctl_wrote(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:  # an outbox left by the previous version (schema 1, plain text)
        conn.executescript(migrations("outbox")[0][1] + "PRAGMA user_version = 1;")
        conn.execute("INSERT INTO batch (points, lines) VALUES (2, ?)", ("m f=1 1\nm f=2 2",))
    conn.close()
    outbox = Outbox(path, max_points=1000)
    assert outbox.open() == 2
    lines = [f"fermenter_temperature,node=pi,fermenter=fv1,probe=beer celsius=19.{k} {k}" for k in range(3, 200)]
    outbox.append([lines])
    batch = outbox.peek(1000)
    assert batch is not None and batch.points == 2 + len(lines)
    assert batch.text.splitlines() == ["m f=1 1", "m f=2 2", *lines]  # oldest first, across both kinds
    outbox.close()
    with closing(sqlite3.connect(path)) as conn, conn:
        (stored,) = conn.execute("SELECT lines FROM batch WHERE points > 2").fetchone()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    assert isinstance(stored, bytes) and len(stored) * 5 < len("\n".join(lines))  # compressed (here ~10x)
    assert version == migrations("outbox")[-1][0] == 2  # an older brewctl refuses it instead of misreading


async def test_a_missing_token_file_fails_the_writer_with_its_own_message(tmp_path: Path) -> None:
    """The daemon's supervisor turns the failure into an alarm naming the file (not 'ExceptionGroup')."""
    config = InfluxConfig(url="http://127.0.0.1:9", token_file=tmp_path / "missing")
    with pytest.raises(ConfigError, match="missing: cannot read the InfluxDB token"):
        await asyncio.wait_for(InfluxComponent(tmp_path, config).run(Hub("n")), 10)


@pytest.mark.parametrize("url", ["localhost:8086", "127.0.0.1:8428", "influx.lan", "http://"])
def test_a_url_without_scheme_or_host_is_refused_at_load(url: str) -> None:
    """It would never send: every point would wait in the outbox behind an obscure error."""
    with pytest.raises(ValidationError, match="url"):
        InfluxConfig(url=url)
    assert InfluxConfig(url="https://influx.lan:8086/").url == "https://influx.lan:8086/"


async def test_a_failed_last_spill_is_logged_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """At shutdown the points in memory go to the outbox; if that fails, a log line says so."""
    hub = Hub("down")
    comp, running = await start_influx(hub, tmp_path, f"http://127.0.0.1:{free_port()}")
    await publish(hub, T0)
    assert comp.pending_points > 0

    def disk_full(chunks: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(comp.outbox, "append", disk_full)
    with caplog.at_level(logging.ERROR, logger="brewctl.recorder.influx"):
        await running.stop()
    assert any("could not be saved to the outbox" in r.getMessage() for r in caplog.records)
