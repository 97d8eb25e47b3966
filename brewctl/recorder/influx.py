"""The InfluxDB writer: statuses -> line protocol -> (outbox) -> the v2 write API.

While the server answers, points are sent from memory every ``batch_s`` and never touch the
SD card. When a send fails (or a backlog is waiting) they go to the durable outbox
(``outbox.sqlite``) and are sent from there, oldest first, with exponential backoff; a batch
leaves the outbox only after the server acknowledged it (HTTP 204), so an outage, a daemon
restart or both lose nothing. The one window is a crash (not a clean stop) within ``batch_s``
of a send: those points are in memory only, as in the history's commit interval.

Re-sending is harmless: every point carries its own timestamp from the status, so a batch that
was written but whose acknowledgement was lost overwrites itself in InfluxDB (same series and
timestamp); VictoriaMetrics does the same with ``-dedup.minScrapeInterval=1ms``.

Works with InfluxDB 2.x/3.x, 1.8+ (``bucket`` = ``database/retention``) and VictoriaMetrics.
SQLite runs on one dedicated thread; HTTP runs on the event loop (aiohttp), so control never
waits on either.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiohttp

from brewctl.backoff import Backoff, Retries
from brewctl.config import InfluxConfig
from brewctl.errors import BrewctlError, ConfigError, TransientError
from brewctl.model import Alarm, NodeStatus
from brewctl.recorder.lineprotocol import status_lines
from brewctl.recorder.outbox import OUTBOX_FILE, Outbox
from brewctl.service.hub import Hub

__all__ = [
    "INFLUX_BACKOFF",
    "BadPointsError",
    "InfluxComponent",
    "PointSender",
    "RequestTooLargeError",
    "WriteRefusedError",
    "influx_sender",
    "read_token",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

SEND_POINTS = 10_000
"""Points per request when draining the outbox (about 1 MB of line protocol)."""
MIN_SEND_POINTS = 100
"""HTTP 413 halves the request size down to this."""
INFLUX_BACKOFF = Backoff(initial_s=1.0, max_s=300.0)
"""Retry delays after a failed write (1 s doubling to 5 min, jittered)."""

SPILL_EVERY_S = 60.0
"""During an outage, points wait in memory this long (status time) before one outbox transaction."""


class WriteRefusedError(TransientError):
    """The server refused the write for a reason a person must fix (401, 403, 404): keep and retry."""


class BadPointsError(BrewctlError):
    """The server rejected the data itself (400, 422): retrying cannot help; the batch is dropped."""


class RequestTooLargeError(BrewctlError):
    """HTTP 413: the request is over the server's (or a proxy's) body limit; send it in smaller parts."""


class PointSender(Protocol):
    async def __call__(self, text: str) -> None:
        """Write line protocol (ms timestamps); raise ``TransientError``, ``BadPointsError`` or
        ``RequestTooLargeError``."""


INFLUX_MISSING = (
    "[influx] needs the influxdb-client package, an optional part of brewctl: "
    "pipx inject brewctl 'influxdb-client[async]' (or, in a venv: pip install 'brewctl[influx]')"
)


def influx_client_installed() -> bool:
    """Is influxdb-client (the ``influx`` extra) installed?"""
    return importlib.util.find_spec("influxdb_client") is not None


def read_token(config: InfluxConfig) -> str | None:
    """The API token from ``token_file`` (its content is never logged)."""
    if config.token_file is None:
        return None
    try:
        return config.token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{config.token_file}: cannot read the InfluxDB token: {exc.strerror}") from None


@asynccontextmanager
async def influx_sender(
    config: InfluxConfig, token: str | None, *, timeout_s: float = 10.0
) -> AsyncIterator[PointSender]:
    """A sender on influxdb-client's async client (v2 write API), closed on exit."""
    from influxdb_client.client.influxdb_client_async import InfluxDBClientAsync
    from influxdb_client.domain.write_precision import WritePrecision
    from influxdb_client.rest import ApiException

    # Loading the CA certificates takes tens of milliseconds: off the loop.
    ssl_context = await asyncio.to_thread(ssl.create_default_context)
    client = InfluxDBClientAsync(
        url=config.url, token=token or "", org=config.org, timeout=round(timeout_s * 1000), ssl_context=ssl_context
    )
    write_api = client.write_api()

    async def send(text: str) -> None:
        try:
            await write_api.write(
                bucket=config.bucket,
                org=config.org,
                record=text.encode(),
                write_precision=WritePrecision.MS,  # type: ignore[arg-type]  # the constants are plain str
            )
        except ApiException as exc:
            status = exc.status or 0
            if status in (401, 403, 404):
                raise WriteRefusedError(f"InfluxDB refused the write: HTTP {status} {exc.reason}") from None
            if status == 413:
                raise RequestTooLargeError(f"InfluxDB refused a request as too large: HTTP 413 {exc.reason}") from None
            if 400 <= status < 500 and status not in (408, 429):
                raise BadPointsError(f"InfluxDB rejected the points: HTTP {status} {exc.reason}") from None
            raise TransientError(f"InfluxDB error: HTTP {status} {exc.reason}") from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise TransientError(f"InfluxDB unreachable at {config.url}: {exc or type(exc).__name__}") from None

    try:
        yield send
    finally:
        await client.close()  # type: ignore[no-untyped-call]  # influxdb-client is partly typed


SenderFactory = Callable[[], AbstractAsyncContextManager[PointSender]]


class InfluxComponent:
    """Sends every status to InfluxDB / VictoriaMetrics, through a durable outbox when needed."""

    name = "influx"

    def __init__(
        self,
        state_dir: Path,
        config: InfluxConfig,
        *,
        node: str | None = None,
        sender: SenderFactory | None = None,
        backoff: Backoff | None = None,
        send_points: int = SEND_POINTS,
    ) -> None:
        self.config = config
        self.node = node
        self.outbox = Outbox(state_dir / OUTBOX_FILE, config.outbox_max_points)
        self._sender_factory = sender or (lambda: influx_sender(config, read_token(config)))
        self.backoff = Retries(backoff or INFLUX_BACKOFF)
        """Failures in a row and the delay before the next try."""
        self.send_points = send_points
        self._pending: list[list[str]] = []
        self._pending_from_s: float | None = None
        """Status time of the oldest point in memory."""
        self._newest_s: float | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._retry_at = 0.0
        self._hub: Hub | None = None
        self._send: PointSender | None = None
        self._last_taken: NodeStatus | None = None
        self.started = asyncio.Event()
        """Set once the writer is ready to send (statuses are taken from before: see ``run``)."""
        self.sent_points = 0
        """Points the server acknowledged (since this instance started)."""
        self.dropped_points = 0
        """Points dropped to keep the outbox bounded, or rejected by the server."""

    @property
    def pending_points(self) -> int:
        """Points in memory, not yet sent nor in the outbox."""
        return sum(len(c) for c in self._pending)

    @property
    def retry_due(self) -> bool:
        """The backoff delay after the last failure is over."""
        return asyncio.get_running_loop().time() >= self._retry_at

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def run(self, hub: Hub) -> None:
        """Write until cancelled; on the way out, points still in memory go to the outbox."""
        self._hub = hub
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="influx-outbox")
        try:
            # Statuses are taken from the first moment (the daemon's first cycle included): the
            # start below takes seconds on a Pi, and the points wait in memory meanwhile.
            with hub.subscribe_status() as statuses:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self._take_statuses(statuses))
                    # influxdb-client takes ~0.5 s to import (seconds on a Pi): off the loop, only when used
                    if not influx_client_installed():
                        raise ConfigError(INFLUX_MISSING)
                    await self._call(importlib.import_module, "influxdb_client.client.influxdb_client_async")
                    waiting = await self._call(self.outbox.open)
                    if waiting:
                        log.info("influx: %d points waiting in the outbox", waiting)
                    async with self._sender_factory() as send:
                        self._send = send
                        self.started.set()
                        await self._pump()
        except BaseExceptionGroup as group:
            if len(group.exceptions) == 1:  # one failure (a missing token file, ...): report it as itself
                raise group.exceptions[0] from None
            raise
        finally:
            self._send = None
            self.started.clear()
            waiting = self.pending_points
            try:
                await self._spill()
            except Exception:  # shutting down: say what is lost, never mask how the run ended
                log.exception("influx: %d points in memory could not be saved to the outbox", waiting)
            await self._call(self.outbox.close)
            self._executor.shutdown(wait=True)
            self._executor = None

    async def _take_statuses(self, statuses: AsyncIterator[NodeStatus]) -> None:
        async for status in statuses:
            if status is self._last_taken:
                continue  # taken by this component's previous run (the supervisor restarted it)
            self._last_taken = status
            lines = status_lines(status, node=self.node)
            if not lines:
                continue
            self._newest_s = max((f.updated_s for f in status.fermenters.values()), default=self._newest_s)
            if not self._pending:
                self._pending_from_s = self._newest_s
            self._pending.append(lines)

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            wait_s = self.config.batch_s
            if self.outbox.points and self.backoff.failures:
                wait_s = min(wait_s, max(0.0, self._retry_at - loop.time()))
            with contextlib.suppress(TimeoutError):  # (not wait_for: see history_component)
                async with asyncio.timeout(wait_s):
                    await self._wake.wait()
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        """Send (or keep in the outbox) what is in memory, then drain the outbox while the server answers."""
        async with self._lock:
            loop = asyncio.get_running_loop()
            await self._send_pending()
            if self._spill_due():
                await self._spill()
            while self.outbox.points and self._send is not None and loop.time() >= self._retry_at:
                batch = await self._call(self.outbox.peek, self.send_points)
                if batch is None:
                    break
                if not await self._try_send(batch.text, batch.points):
                    break
                await self._call(self.outbox.remove, batch)
                self._check_outbox_alarm()
                if self.pending_points >= self.send_points:
                    await self._spill()  # a long backfill: keep memory small, keep order
            await self._send_pending()  # the backlog is gone: what came meanwhile

    async def _send_pending(self) -> None:
        """Send the points in memory straight away, if nothing older waits in the outbox."""
        if not self._pending or self.outbox.points or self._send is None or not self.retry_due:
            return
        chunks, since_s = self._pending, self._pending_from_s
        self._pending = []
        text = "\n".join(line for chunk in chunks for line in chunk)
        sent = False
        try:
            sent = await self._try_send(text, sum(len(c) for c in chunks))
        finally:
            if not sent:  # failed, or stopped while the request was out: keep them (a stop spills them)
                self._pending, self._pending_from_s = chunks + self._pending, since_s

    async def _send_in_parts(self, text: str) -> None:
        """Send ``text``; on HTTP 413 (a proxy's body limit: nginx allows 1 MB), in halves, and
        remember a smaller request size for the backlog. A single line too large is bad data."""
        assert self._send is not None
        try:
            await self._send(text)
        except RequestTooLargeError as exc:
            lines = text.split("\n")
            if len(lines) == 1:
                raise BadPointsError(str(exc)) from None
            if self.send_points > MIN_SEND_POINTS:
                self.send_points = max(MIN_SEND_POINTS, min(self.send_points, len(lines)) // 2)
                log.warning("influx: %s; sending at most %d points per request", exc, self.send_points)
            half = len(lines) // 2
            await self._send_in_parts("\n".join(lines[:half]))
            await self._send_in_parts("\n".join(lines[half:]))

    async def _try_send(self, text: str, points: int) -> bool:
        """True if the points are done with (acknowledged, or rejected as bad data)."""
        assert self._send is not None
        try:
            await self._send_in_parts(text)
        except BadPointsError as exc:
            log.error("influx: %s; dropping %d points", exc, points)
            self.dropped_points += points
            self._alarm("influx_rejected", f"InfluxDB rejected {points} points: {exc}")
            return True
        except TransientError as exc:
            delay = self.backoff.failure()
            self._retry_at = asyncio.get_running_loop().time() + delay
            log.warning("influx: %s; retrying in %.1f s", exc, delay)
            if isinstance(exc, WriteRefusedError) or self.backoff.failures >= 3:
                self._alarm("influx_unreachable", str(exc))
            return False
        self.sent_points += points
        if self.backoff.failures:
            log.info("influx: the server answers again")
        self.backoff.reset()
        self._retry_at = 0.0
        if self._hub is not None:
            self._hub.clear_alarm("influx_unreachable")
        return True

    def _spill_due(self) -> bool:
        """Points that could not be sent go to the outbox once a minute (one transaction for the SD card)."""
        if not self._pending:
            return False
        if self._pending_from_s is None or self._newest_s is None:
            return True
        return self._newest_s - self._pending_from_s >= SPILL_EVERY_S or self.pending_points >= self.send_points

    async def _spill(self) -> None:
        """Move the points in memory to the outbox (one transaction)."""
        if not self._pending:
            return
        chunks, self._pending = self._pending, []
        dropped = await self._call(self.outbox.append, chunks)
        if dropped:
            self.dropped_points += dropped
            standing = self._hub is not None and any(a.code == "outbox_full" for a in self._hub.node_alarms)
            (log.debug if standing else log.warning)("influx: outbox full, dropped the %d oldest points", dropped)
            self._alarm(
                "outbox_full",
                f"InfluxDB outbox full ({self.outbox.max_points} points): the oldest points are being dropped",
            )

    def _check_outbox_alarm(self) -> None:
        if self._hub is not None and self.outbox.points < 0.9 * self.outbox.max_points:
            self._hub.clear_alarm("outbox_full")

    def _alarm(self, code: str, message: str) -> None:
        if self._hub is not None:
            self._hub.raise_alarm(Alarm(code=code, message=message))
