"""In-process fan-out between the control loop and the optional parts of the daemon.

The control loop publishes a ``NodeStatus`` after every cycle and ``Event``s as things happen;
optional components (history recorder, InfluxDB writer, MQTT bridge, API server) subscribe.
Commands from any front end go through ``Hub.command`` to the one handler the daemon installs,
so the API, MQTT and the CLI share validation and idempotency. Hydrometers feed gravity in.

Nothing here blocks: a slow subscriber loses intermediate statuses (latest wins) or old events
(bounded queue), never delays control.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from brewctl.model import Alarm, Command, CommandResult, Event, NodeStatus

__all__ = [
    "CommandHandler",
    "Component",
    "EventSubscription",
    "GravitySample",
    "Hub",
    "StatusSubscription",
]

GRAVITY_THIN_S = 60.0
"""Recent gravity history resolution: of the readings within a minute, the newest is kept."""
GRAVITY_RECENT_S = 6 * 3600.0
"""Readings older than this are thinned further, to ``GRAVITY_THIN_OLD_S``."""
GRAVITY_THIN_OLD_S = 900.0
GRAVITY_KEEP_S = 8 * 86400.0
"""How long gravity readings are kept for the profile runner (about 1,100 readings at most)."""

CommandHandler = Callable[[str, Command, str], Awaitable[CommandResult]]
"""``handler(fermenter_id, command, source)``; source is e.g. 'api', 'mqtt', 'cli'."""


@runtime_checkable
class Component(Protocol):
    """An optional part of the daemon (recorder, MQTT bridge, ...).

    ``run`` works until cancelled. If it raises, the daemon logs it, raises a node alarm and
    restarts it with backoff; control never stops because of a component. A component may also
    offer ``api_routes() -> Sequence[brewctl.service.http.Route]`` to extend the local API.
    """

    name: str

    async def run(self, hub: Hub) -> None: ...


@dataclass(frozen=True)
class GravitySample:
    """A hydrometer reading for a fermenter."""

    sg: float
    at_s: float
    """Unix time of the reading (for display: the wall clock may jump)."""
    source: str
    mono_s: float = 0.0
    """When it was taken on the daemon's monotonic clock: ages are measured on it, so a
    wall-clock jump (NTP at boot on a Pi without a real-time clock) does not age a reading."""

    def age_s(self, now_mono_s: float) -> float:
        """Seconds since the reading, on the monotonic clock (never negative)."""
        return max(0.0, now_mono_s - self.mono_s)


def _thin_gravity(samples: Iterable[GravitySample], now_mono_s: float) -> collections.deque[GravitySample]:
    """Drop readings past ``GRAVITY_KEEP_S``; keep the newest per ``GRAVITY_THIN_OLD_S`` beyond the recent ones."""
    kept: collections.deque[GravitySample] = collections.deque()
    for s in samples:
        age = now_mono_s - s.mono_s
        if age > GRAVITY_KEEP_S:
            continue
        old = age > GRAVITY_RECENT_S
        last = kept[-1] if kept else None
        if (
            old
            and last is not None
            and now_mono_s - last.mono_s > GRAVITY_RECENT_S
            and s.mono_s // GRAVITY_THIN_OLD_S == last.mono_s // GRAVITY_THIN_OLD_S
        ):
            kept[-1] = s
        else:
            kept.append(s)
    return kept


class StatusSubscription:
    """Latest-wins stream of node statuses; iterate with ``async for``."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._latest: NodeStatus | None = hub.latest
        self._ready = asyncio.Event()
        if self._latest is not None:
            self._ready.set()

    def _offer(self, status: NodeStatus) -> None:
        self._latest = status
        self._ready.set()

    def close(self) -> None:
        """Stop receiving statuses."""
        self._hub._status_subs.discard(self)

    def __aiter__(self) -> AsyncIterator[NodeStatus]:
        return self

    async def __anext__(self) -> NodeStatus:
        await self._ready.wait()
        self._ready.clear()
        assert self._latest is not None
        return self._latest

    def __enter__(self) -> StatusSubscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventSubscription:
    """Bounded stream of events; when full, the oldest are dropped and counted in ``dropped``."""

    def __init__(self, hub: Hub, maxsize: int) -> None:
        self._hub = hub
        self._queue: collections.deque[Event] = collections.deque(maxlen=maxsize)
        self._ready = asyncio.Event()
        self.dropped = 0

    def _offer(self, event: Event) -> None:
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
        self._queue.append(event)
        self._ready.set()

    def close(self) -> None:
        """Stop receiving events."""
        self._hub._event_subs.discard(self)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()

    def __enter__(self) -> EventSubscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Hub:
    """The daemon's switchboard. Create one per daemon, inside the running event loop."""

    def __init__(
        self,
        node: str,
        *,
        wall_clock: Callable[[], float] = time.time,
        monotonic_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.node = node
        self.latest: NodeStatus | None = None
        self._wall_clock = wall_clock
        self._monotonic_clock = monotonic_clock
        self._status_subs: set[StatusSubscription] = set()
        self._event_subs: set[EventSubscription] = set()
        self._handler: CommandHandler | None = None
        self._gravity: dict[str, collections.deque[GravitySample]] = {}
        self._node_alarms: dict[str, Alarm] = {}
        self.extra: dict[str, Any] = {}
        """Named services components offer each other (e.g. 'history' -> the history store)."""

    # --- status and events (control loop -> components) ---------------------------------
    def publish_status(self, status: NodeStatus) -> None:
        """Called by the control loop after each cycle."""
        self.latest = status
        for sub in list(self._status_subs):
            sub._offer(status)

    def subscribe_status(self) -> StatusSubscription:
        """A latest-wins subscription; it yields the current status first if there is one."""
        sub = StatusSubscription(self)
        self._status_subs.add(sub)
        return sub

    def emit(self, event: Event) -> None:
        """Publish an event to every subscriber."""
        for sub in list(self._event_subs):
            sub._offer(event)

    def event(self, kind: str, message: str, *, fermenter: str | None = None, **data: Any) -> Event:
        """Build, emit and return an event stamped with the wall clock."""
        ev = Event(ts_s=self._wall_clock(), fermenter=fermenter, kind=kind, message=message, data=data)
        self.emit(ev)
        return ev

    def subscribe_events(self, maxsize: int = 1000) -> EventSubscription:
        """A bounded subscription to events."""
        sub = EventSubscription(self, maxsize)
        self._event_subs.add(sub)
        return sub

    # --- commands (front ends -> control loop) ------------------------------------------
    def set_command_handler(self, handler: CommandHandler) -> None:
        """Installed once by the daemon."""
        self._handler = handler

    async def command(self, fermenter: str, command: Command, source: str) -> CommandResult:
        """Apply a validated command through the daemon's handler."""
        if self._handler is None:
            return CommandResult(ok=False, error="the controller is not ready for commands")
        return await self._handler(fermenter, command, source)

    # --- gravity (hydrometers -> control loop) ------------------------------------------
    def feed_gravity(self, fermenter: str, sg: float, source: str, at_s: float | None = None) -> None:
        """Record a hydrometer reading for a fermenter.

        ``at_s`` (Unix time, default now) is converted to the monotonic clock right away. The
        history keeps one reading a minute for the last ``GRAVITY_RECENT_S`` and one every
        ``GRAVITY_THIN_OLD_S`` before that, for ``GRAVITY_KEEP_S``: a "stable for 48 h" condition
        sees 48 h of readings however often a hydrometer reports, and the profile runner never
        wades through more than about 1,100 of them.
        """
        wall, mono = self._wall_clock(), self._monotonic_clock()
        at = wall if at_s is None else at_s
        sample = GravitySample(sg=sg, at_s=at, source=source, mono_s=mono - max(0.0, wall - at))
        samples = self._gravity.setdefault(fermenter, collections.deque())
        previous = samples[-1] if samples else None
        if previous is not None and sample.mono_s // GRAVITY_THIN_S == previous.mono_s // GRAVITY_THIN_S:
            samples[-1] = sample  # same minute: the newest reading stands for it
        else:
            samples.append(sample)
        if previous is not None and sample.mono_s // GRAVITY_THIN_OLD_S != previous.mono_s // GRAVITY_THIN_OLD_S:
            self._gravity[fermenter] = _thin_gravity(samples, sample.mono_s)

    def gravity(self, fermenter: str) -> Sequence[GravitySample]:
        """Gravity readings for a fermenter, oldest first."""
        return tuple(self._gravity.get(fermenter, ()))

    # --- node-level alarms (components -> status) ---------------------------------------
    def raise_alarm(self, alarm: Alarm) -> None:
        """A node-level alarm (outbox full, broker unreachable, ...). Emits an event when new."""
        if alarm.code not in self._node_alarms:
            self.event("alarm", alarm.message, code=alarm.code, severity=alarm.severity)
        self._node_alarms[alarm.code] = alarm

    def clear_alarm(self, code: str) -> None:
        """Clear a node-level alarm. Emits an event if it was standing."""
        alarm = self._node_alarms.pop(code, None)
        if alarm is not None:
            self.event("alarm_cleared", f"cleared: {alarm.message}", code=code)

    @property
    def node_alarms(self) -> tuple[Alarm, ...]:
        """Standing node-level alarms."""
        return tuple(self._node_alarms.values())
