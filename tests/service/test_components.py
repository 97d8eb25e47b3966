"""Supervision of optional components: alarms, restarts with backoff, recovery."""

from __future__ import annotations

import asyncio

import pytest

from brewctl.service.components import backoff_s, supervise
from brewctl.service.hub import Hub


def test_backoff_doubles_and_caps() -> None:
    assert [backoff_s(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_s(30) == 300.0


class FailsTwiceThenRuns:
    name = "mqtt"

    def __init__(self) -> None:
        self.starts = 0

    async def run(self, hub: Hub) -> None:
        self.starts += 1
        if self.starts <= 2:
            raise ConnectionError(f"broker down ({self.starts})")
        await asyncio.Event().wait()


async def test_failures_raise_an_alarm_that_clears_once_healthy(caplog: pytest.LogCaptureFixture) -> None:
    hub = Hub("n", wall_clock=lambda: 0.0)
    slept: list[float] = []

    async def fast_sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(seconds / 1000)

    component = FailsTwiceThenRuns()
    with hub.subscribe_events() as events:
        task = asyncio.create_task(supervise(component, hub, sleep=fast_sleep, healthy_after_s=60))
        raised = await asyncio.wait_for(anext(events), 2)
        assert (raised.kind, raised.data["code"]) == ("alarm", "component_mqtt_failed")
        assert "broker down (1)" in raised.message
        cleared = await asyncio.wait_for(anext(events), 2)
        assert (cleared.kind, cleared.data["code"]) == ("alarm_cleared", "component_mqtt_failed")
        assert component.starts == 3
        assert hub.node_alarms == ()
        # Backoff between restarts: 1 s, then 2 s (plus the healthy timers of each run).
        assert [s for s in slept if s != 60] == [1.0, 2.0]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert "component mqtt failed: ConnectionError: broker down (1)" in caplog.text


async def test_cancelling_supervise_cancels_the_component() -> None:
    cancelled = asyncio.Event()

    class Forever:
        name = "forever"

        async def run(self, hub: Hub) -> None:
            try:
                await asyncio.Event().wait()
            finally:
                cancelled.set()

    task = asyncio.create_task(supervise(Forever(), Hub("n"), sleep=asyncio.sleep))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()
