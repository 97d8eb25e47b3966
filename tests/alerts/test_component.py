"""The alerts component: statuses in, notifications out (fake notifier, then real Apprise)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from brewctl.alerts.component import AlertsComponent, alert_components
from brewctl.alerts.notifier import make_apprise_notifier
from brewctl.config import AlertsConfig, parse_config
from brewctl.model import Alarm, FermenterStatus, NodeStatus
from brewctl.service.hub import Hub

PROBE = Alarm(code="beer_probe_lost", severity="critical", message="FV1 beer probe lost")


def _status(*alarms: Alarm) -> NodeStatus:
    return NodeStatus(
        node="pi1", version="0", fermenters={"fv1": FermenterStatus(id="fv1", mode="beer", alarms=alarms)}
    )


@dataclass
class Inbox:
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    fail_first: bool = False

    async def notify(self, title: str, body: str, severity: str) -> bool:
        if self.fail_first:
            self.fail_first = False
            raise OSError("network down")
        self.sent.append((title, body, severity))
        self.changed.set()
        return True

    async def wait_for(self, n: int) -> None:
        async with asyncio.timeout(5):
            while len(self.sent) < n:
                self.changed.clear()
                await self.changed.wait()


@contextlib.asynccontextmanager
async def running(component: AlertsComponent, hub: Hub) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(component.run(hub))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_alarms_are_notified_raised_and_cleared_with_rate_limit() -> None:
    now = [0.0]
    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    hub, inbox = Hub("pi1"), Inbox()
    component = AlertsComponent(AlertsConfig(min_interval_s=900), "pi1", notifier=inbox, clock=clock, tick_s=0.01)
    async with running(component, hub):
        hub.publish_status(_status(PROBE))
        await inbox.wait_for(1)
        hub.publish_status(_status())
        await inbox.wait_for(2)
        assert inbox.sent == [
            ("brewctl pi1/fv1: critical: beer_probe_lost", "FV1 beer probe lost", "critical"),
            (
                "brewctl pi1/fv1: cleared: beer_probe_lost",
                "Cleared: beer_probe_lost no longer stands (it last read: FV1 beer probe lost)",
                "cleared",
            ),
        ]
        now[0] = 10.0
        hub.publish_status(_status(PROBE))  # flaps back within 15 min: held back
        hub.raise_alarm(Alarm(code="outbox_full", message="outbox full"))  # a node alarm: its own key
        hub.publish_status(_status(PROBE))
        await inbox.wait_for(3)
        assert inbox.sent[2][0] == "brewctl pi1: warning: outbox_full"
        now[0] = 900.0  # no new status needed: the tick reconsiders the held-back alarm
        await inbox.wait_for(4)
        assert inbox.sent[3][0] == "brewctl pi1/fv1: critical: beer_probe_lost"


async def test_a_failing_service_is_logged_and_alerts_go_on(caplog: pytest.LogCaptureFixture) -> None:
    hub, inbox = Hub("pi1"), Inbox(fail_first=True)
    component = AlertsComponent(AlertsConfig(min_interval_s=0), "pi1", notifier=inbox, tick_s=0.01)
    async with running(component, hub) as task:
        hub.publish_status(_status(PROBE))
        hub.raise_alarm(Alarm(code="outbox_full", message="outbox full"))
        await inbox.wait_for(1)
        assert not task.done()
    assert "sending" in caplog.text and "network down" in caplog.text


async def test_real_apprise_delivers_to_a_json_endpoint() -> None:
    received: list[dict[str, Any]] = []
    got = asyncio.Event()

    async def collect(request: web.Request) -> web.Response:
        received.append(await request.json())
        got.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/notify", collect)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        hub = Hub("pi1")
        [component] = alert_components(
            parse_config({"node": {"name": "pi1"}, "alerts": {"apprise_urls": [f"json://127.0.0.1:{port}/notify"]}})
        )
        async with running(component, hub):
            hub.publish_status(_status(PROBE))
            async with asyncio.timeout(10):
                await got.wait()
        [doc] = received
        assert doc["title"] == "brewctl pi1/fv1: critical: beer_probe_lost"
        assert doc["message"] == "FV1 beer probe lost" and doc["type"] == "failure"
    finally:
        await runner.cleanup()


async def test_without_apprise_installed_a_clear_log_line_and_no_crash(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise -> ImportError
    with caplog.at_level(logging.ERROR):
        assert make_apprise_notifier(["ntfy://x"]) is None
    assert "apprise is not installed" in caplog.text and "brewctl[alerts]" in caplog.text
    caplog.clear()
    hub = Hub("pi1")
    async with running(AlertsComponent(AlertsConfig(apprise_urls=("ntfy://x",)), "pi1"), hub) as task:
        hub.publish_status(_status(PROBE))
        async with asyncio.timeout(5):
            while "apprise is not installed" not in caplog.text:  # noqa: ASYNC110 (logged from a thread)
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert not task.done()  # idles instead of failing (and being restarted) forever


def test_no_urls_no_component() -> None:
    assert alert_components(parse_config({})) == []
