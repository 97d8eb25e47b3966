"""The history recorder as a daemon component.

It subscribes to the hub's statuses and events, keeps rows in memory (``HistoryRecording``)
and commits them every ``commit_interval_s`` (or at once on a state change or an alarm).
SQLite runs on one dedicated thread (``ThreadPoolExecutor(max_workers=1)``): a connection
belongs to the thread that made it, and the event loop (which runs control) never waits on
the disk; a commit is one small transaction a minute, so the thread is idle nearly always.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from brewctl.config import HistoryConfig
from brewctl.model import Alarm
from brewctl.recorder.api import history_routes
from brewctl.recorder.history import HISTORY_FILE, HistoryStore
from brewctl.recorder.recording import HistoryRecording
from brewctl.service.hub import Hub

if TYPE_CHECKING:
    from brewctl.service.http import Route

__all__ = ["HistoryComponent"]

log = logging.getLogger(__name__)
T = TypeVar("T")

PRUNE_EVERY_S = 3600.0
"""Status time between two retention passes."""


class HistoryComponent:
    """Records every control cycle and event to ``history.sqlite`` in the state dir."""

    name = "history"

    def __init__(
        self,
        state_dir: Path,
        config: HistoryConfig | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        heartbeat_s: float = 300.0,
    ) -> None:
        self.config = config or HistoryConfig()
        self.store = HistoryStore(
            state_dir / HISTORY_FILE, raw_days=self.config.raw_days, downsampled_days=self.config.downsampled_days
        )
        self._monotonic = monotonic
        self._recording = HistoryRecording(heartbeat_s=heartbeat_s)
        self._executor: ThreadPoolExecutor | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._last_commit = monotonic()
        self._last_prune_s: float | None = None
        self._durable = False
        self._hub: Hub | None = None
        self.commits = 0
        """Transactions written so far (for tests and the benchmark)."""

    def api_routes(self) -> Sequence[Route]:
        """``GET /v1/fermenters/{id}/history`` and ``GET /v1/events``."""
        return history_routes(self.store, lambda: self._hub)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def run(self, hub: Hub) -> None:
        """Record until cancelled; on the way out, commit everything still in memory."""
        self._hub = hub
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history")
        try:
            # Statuses and events are taken from the first moment (the daemon's first cycle
            # included), while the file opens (slow on an SD card): they wait in memory.
            with hub.subscribe_status() as statuses, hub.subscribe_events() as events:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self._take_statuses(statuses))
                    tg.create_task(self._take_events(events))
                    await self._call(self.store.open)
                    hub.extra["history"] = self.store
                    self._last_commit = self._monotonic()
                    await self._commit_loop()
        except BaseExceptionGroup as group:
            if len(group.exceptions) == 1:  # one failure (an unwritable state dir, ...): report it as itself
                raise group.exceptions[0] from None
            raise
        finally:
            try:
                if self.store.is_open:
                    await self._write(self._recording.take_final())
            finally:
                await self._call(self.store.close)
                self._executor.shutdown(wait=True)
                self._executor = None
                if hub.extra.get("history") is self.store:
                    del hub.extra["history"]

    async def _take_statuses(self, statuses: Any) -> None:
        async for status in statuses:
            urgent = self._recording.add_status(status)
            self._maybe_commit(urgent)

    async def _take_events(self, events: Any) -> None:
        async for event in events:
            self._maybe_commit(self._recording.add_event(event))

    def _maybe_commit(self, urgent: bool) -> None:
        self._durable |= urgent
        if urgent or self._monotonic() - self._last_commit >= self.config.commit_interval_s:
            self._wake.set()

    async def _commit_loop(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the event is set, and the component would never stop.
            with contextlib.suppress(TimeoutError):  # an idle period: commit what there is
                async with asyncio.timeout(self.config.commit_interval_s):
                    await self._wake.wait()
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        """Commit what is in memory now, after any commit already under way (and apply retention once an
        hour of status time)."""
        await self._write(self._recording.take())
        newest = self._recording.newest_s
        if newest is not None and (self._last_prune_s is None or newest - self._last_prune_s >= PRUNE_EVERY_S):
            self._last_prune_s = newest
            async with self._lock:
                await self._call(self.store.prune, newest)

    async def _write(self, batch: Any) -> None:
        self._last_commit = self._monotonic()
        if not batch:
            async with self._lock:  # a write already under way (the commit loop's) ends first
                return
        durable, self._durable = self._durable, False
        async with self._lock:
            try:
                # Shielded: cancelled (shutdown) before the thread took it, the batch would be lost;
                # this way it is written first and the final commit queues after it.
                await asyncio.shield(self._call(functools.partial(self.store.write, batch, durable=durable)))
            except Exception as exc:
                log.warning("history: commit failed, will retry: %s", exc)
                dropped = self._recording.put_back(batch)
                if self._hub is not None:
                    self._hub.raise_alarm(
                        Alarm(code="history_write_failed", message=f"history: cannot write ({exc}); kept in memory")
                    )
                if dropped:
                    log.warning("history: dropped %d old rows kept in memory", dropped)
                return
            self.commits += 1
            if self._hub is not None:
                self._hub.clear_alarm("history_write_failed")
