"""When to raise ``mqtt_unreachable``: exactly ``alarm_after_s`` after the broker was lost.

The reconnect loop only looked after each failed attempt, and the attempts thin out to one a
minute (plus a 10 s connect timeout): the alarm came up to ~180 s after the loss, not the
documented 120 s. This timer fires on time whatever the loop is doing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["UnreachableTimer"]


class UnreachableTimer:
    """``down()`` when the broker is lost (or at start), ``up()`` once connected, ``cancel()`` at the end."""

    def __init__(self, alarm: Callable[[], None], after_s: float) -> None:
        self._alarm = alarm
        self._after_s = after_s
        self._handle: asyncio.TimerHandle | None = None

    def down(self) -> None:
        """Start counting (a no-op if already counting)."""
        if self._handle is None:
            self._handle = asyncio.get_running_loop().call_later(self._after_s, self._fire)

    def up(self) -> None:
        """Connected: stop counting."""
        self.cancel()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        self._alarm()
