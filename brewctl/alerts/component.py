"""The alerts component: standing alarms -> rate-limited notifications through Apprise."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from brewctl.alerts.message import notice_text
from brewctl.alerts.notifier import Notifier, make_apprise_notifier
from brewctl.alerts.tracker import AlertTracker, standing_alarms
from brewctl.config import AlertsConfig, Config
from brewctl.service.clock import Clock
from brewctl.service.hub import Hub

__all__ = ["AlertsComponent", "alert_components"]

log = logging.getLogger(__name__)


class AlertsComponent:
    """Watches every status (and the hub's node alarms) and notifies people of alarms.

    ``notifier`` defaults to Apprise over ``config.apprise_urls``. ``clock`` is monotonic
    seconds (rate limiting); ``tick_s`` is how often (clock seconds) a deferred notice is
    reconsidered when no status arrives; ``speed`` is how much faster than real time ``clock`` runs.
    """

    name = "alerts"

    def __init__(
        self,
        config: AlertsConfig,
        node: str,
        *,
        notifier: Notifier | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_s: float = 30.0,
        speed: float = 1.0,
    ) -> None:
        self.config = config
        self.node = node
        self._notifier = notifier
        self._clock = clock
        self._tick_s = tick_s / speed  # real seconds
        self.tracker = AlertTracker(min_interval_s=config.min_interval_s)

    async def run(self, hub: Hub) -> None:
        notifier = self._notifier or await asyncio.to_thread(make_apprise_notifier, self.config.apprise_urls)
        if notifier is None:
            await asyncio.Future()  # nothing to deliver to: idle until the daemon stops
            return
        with hub.subscribe_status() as statuses:
            while True:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._tick_s):
                        await anext(statuses)
                if hub.latest is None:
                    continue
                for notice in self.tracker.update(standing_alarms(hub.latest, hub.node_alarms), self._clock()):
                    title, body = notice_text(self.node, notice)
                    severity = "cleared" if notice.event == "cleared" else notice.alarm.severity
                    try:
                        delivered = await notifier.notify(title, body, severity)
                    except Exception:  # a notification service must never take the daemon down
                        log.exception("alerts: sending %r failed", title)
                        continue
                    if not delivered:
                        log.warning("alerts: %r was not delivered by every service", title)


def alert_components(config: Config, clock: Clock | None = None) -> list[AlertsComponent]:
    """The Apprise notifier, if ``alerts.apprise_urls`` is set (for ``optional_components``),
    rate-limited on the daemon's ``clock``.
    """
    if not config.alerts.apprise_urls:
        return []
    clock = clock or Clock()
    return [AlertsComponent(config.alerts, config.node.name, clock=clock.monotonic, speed=clock.speed)]
