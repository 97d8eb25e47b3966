"""A fixed daemon state for layout tests: one ``NodeStatus`` streamed once, commands refused.

The real daemon (``conftest.Daemon``) cannot be asked to raise an alarm on FV2 or to hold a
given reading; this source shows exactly the state a test needs through the same seam
(:class:`brewctl.tui.source.DataSource`) the real client sits behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from brewctl.config import Mode
from brewctl.errors import TransientError
from brewctl.model import Alarm, Command, CommandResult, Event, FermenterStatus, NodeStatus, OutputStatus

NOW_S = 1_780_000_000.0


def fermenter(fid: str, name: str, *, alarm: str = "", rig: str = "heat-cool", **kw: Any) -> FermenterStatus:
    """A fermenter status with sensible readings; ``alarm`` raises a warning alarm."""
    alarms = (Alarm(code="beer_off_target", severity="warning", message=alarm, since_s=NOW_S - 600),) if alarm else ()
    outputs = kw.pop(
        "outputs",
        (
            OutputStatus(role="heat", value=0.4, active=True, reason="heating"),
            OutputStatus(role="cool", value=0.0, active=False, reason="idle"),
        ),
    )
    values: dict[str, Any] = dict(
        id=fid, name=name, rig=rig, mode=Mode.BEER, beer_c=19.2, chamber_c=18.1, beer_setpoint_c=19.0,
        chamber_setpoint_c=18.0, outputs=outputs, alarms=alarms, updated_s=NOW_S,
    )  # fmt: skip
    values.update(kw)
    return FermenterStatus(**values)


def three_fermenters(*, alarm_on: str = "") -> NodeStatus:
    names = {"fv1": "FV1 chest freezer", "fv2": "FV2 glycol conical", "fv3": "FV3 jacketed, ball valve"}
    return NodeStatus(
        node="brewery-pi",
        version="test",
        fermenters={
            fid: fermenter(fid, name, alarm="beer 3.1 °C above its setpoint" if fid == alarm_on else "")
            for fid, name in names.items()
        },
    )


class FakeSource:
    """Streams ``node`` once, then ``events``, then holds the stream open."""

    def __init__(self, node: NodeStatus, events: tuple[Event, ...] = ()) -> None:
        self.node = node
        self.sent_events = events
        self.commands: list[tuple[str, Command]] = []
        self.history_rows: dict[str, Any] = {"columns": ["ts_s"], "rows": []}

    async def status(self) -> NodeStatus:
        return self.node

    async def command(self, fid: str, cmd: Command) -> CommandResult:
        self.commands.append((fid, cmd))
        return CommandResult(ok=False, error="a fake daemon changes nothing")

    async def stream(self) -> AsyncIterator[NodeStatus | Event]:
        yield self.node
        for event in self.sent_events:
            yield event
        await asyncio.Event().wait()

    async def history(
        self, fid: str, since_s: float, until_s: float | None = None, step_s: float | None = None
    ) -> dict[str, Any]:
        raise TransientError("history: HTTP 404: not recorded here")

    async def events(self, since_s: float, until_s: float | None = None, fermenter: str | None = None) -> list[Event]:
        return [e for e in self.sent_events if fermenter is None or e.fermenter == fermenter]

    async def profiles(self, fermenter: str | None = None) -> list[dict[str, Any]]:
        return []

    def __call__(self) -> Any:
        @asynccontextmanager
        async def opened() -> AsyncIterator[FakeSource]:
            yield self

        return opened()
