"""The hub fans statuses and events out without ever blocking the control loop."""

from __future__ import annotations

import asyncio
import itertools

from brewctl.config import Mode
from brewctl.model import Alarm, CommandResult, NodeStatus, SetMode
from brewctl.service.hub import Hub


def _status(n: int) -> NodeStatus:
    return NodeStatus(node="n", version="0", uptime_s=float(n))


async def test_status_subscription_is_latest_wins() -> None:
    hub = Hub("n", wall_clock=lambda: 100.0)
    with hub.subscribe_status() as sub:
        for i in range(5):
            hub.publish_status(_status(i))
        got = await asyncio.wait_for(anext(sub), 1)
        assert got.uptime_s == 4.0
        hub.publish_status(_status(9))
        assert (await asyncio.wait_for(anext(sub), 1)).uptime_s == 9.0


async def test_new_subscriber_gets_current_status_first() -> None:
    hub = Hub("n")
    hub.publish_status(_status(3))
    with hub.subscribe_status() as sub:
        assert (await asyncio.wait_for(anext(sub), 1)).uptime_s == 3.0


async def test_event_subscription_is_bounded_and_counts_drops() -> None:
    hub = Hub("n", wall_clock=lambda: 5.0)
    with hub.subscribe_events(maxsize=2) as sub:
        for i in range(5):
            hub.event("mode", f"m{i}", fermenter="fv1")
        assert sub.dropped == 3
        first = await asyncio.wait_for(anext(sub), 1)
        assert (first.message, first.ts_s, first.fermenter) == ("m3", 5.0, "fv1")
    hub.event("mode", "after close")
    assert len(sub._queue) == 1  # closed subscriptions receive nothing more


async def test_commands_go_to_the_installed_handler() -> None:
    hub = Hub("n")
    cmd = SetMode(mode=Mode.OFF)
    assert not (await hub.command("fv1", cmd, "api")).ok
    seen = []

    async def handler(fid: str, c: object, source: str) -> CommandResult:
        seen.append((fid, c, source))
        return CommandResult(ok=True)

    hub.set_command_handler(handler)
    assert (await hub.command("fv1", cmd, "mqtt")).ok
    assert seen == [("fv1", cmd, "mqtt")]


def test_node_alarms_raise_and_clear_once() -> None:
    hub = Hub("n", wall_clock=lambda: 1.0)
    with hub.subscribe_events() as sub:
        alarm = Alarm(code="outbox_full", message="outbox full")
        hub.raise_alarm(alarm)
        hub.raise_alarm(alarm)
        assert hub.node_alarms == (alarm,)
        hub.clear_alarm("outbox_full")
        hub.clear_alarm("outbox_full")
        assert hub.node_alarms == ()
        assert [e.kind for e in sub._queue] == ["alarm", "alarm_cleared"]


def test_gravity_history_is_kept_per_fermenter() -> None:
    hub = Hub("n", wall_clock=lambda: 50.0)
    hub.feed_gravity("fv1", 1.050, "ispindel/red", at_s=-100.0)
    hub.feed_gravity("fv1", 1.048, "ispindel/red")
    assert [(g.sg, g.at_s) for g in hub.gravity("fv1")] == [(1.050, -100.0), (1.048, 50.0)]
    assert hub.gravity("fv2") == ()


def test_gravity_keeps_recent_readings_by_the_minute_older_by_the_quarter_hour() -> None:
    now = [0.0]
    hub = Hub("n", wall_clock=lambda: now[0], monotonic_clock=lambda: now[0])
    for i in range(4 * 24 * 60 * 10):  # ten days of one reading every 15 s
        now[0] = i * 15.0
        hub.feed_gravity("fv1", 1.050 - i * 1e-7, "tilt")
    samples = hub.gravity("fv1")
    assert samples[-1].mono_s == now[0]  # the newest reading is always there
    assert 8 * 86400.0 - 900.0 < now[0] - samples[0].mono_s <= 8 * 86400.0  # eight days of them
    gaps = [b.mono_s - a.mono_s for a, b in itertools.pairwise(samples)]
    ages = [now[0] - s.mono_s for s in samples[1:]]
    assert all(gap <= 60.0 for gap, age in zip(gaps, ages, strict=True) if age < 6 * 3600 - 900)
    assert all(gap <= 900.0 for gap in gaps)
    assert len(samples) < 6 * 60 + 8 * 24 * 4 + 20  # about 1,100, however often readings come


def test_gravity_ages_follow_the_monotonic_clock_not_the_wall() -> None:
    wall, mono = [1000.0], [50.0]
    hub = Hub("n", wall_clock=lambda: wall[0], monotonic_clock=lambda: mono[0])
    hub.feed_gravity("fv1", 1.050, "ispindel/red")
    hub.feed_gravity("fv1", 1.049, "ispindel/red", at_s=940.0)  # stamped a minute ago
    wall[0] += 86400.0 * 3  # NTP sets a Pi without a real-time clock three days ahead
    mono[0] += 10.0
    assert [g.age_s(mono[0]) for g in hub.gravity("fv1")] == [10.0, 70.0]
