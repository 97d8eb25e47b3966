"""The daemon's clock: monotonic time for control and profiles, wall time for timestamps.

Everything in the daemon takes its time from one ``Clock``. ``ScaledClock`` runs ``speed``
times faster than real time (``brewctl run --simulate --speed 60``): monotonic time, wall time
and sleeps are all scaled, so control, outputs and profiles see a consistent, faster world and
status timestamps look like a real (accelerated) ferment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["Clock", "ScaledClock"]


class Clock:
    """Real time. ``monotonic`` never jumps; ``wall`` is Unix time and may jump (NTP, no RTC)."""

    speed: float = 1.0

    def monotonic(self) -> float:
        """Seconds on a clock that only moves forward (control, guards, profile time)."""
        return time.monotonic()

    def wall(self) -> float:
        """Unix time, for timestamps only."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of this clock's time."""
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock(Clock):
    """Time running ``speed`` times faster than the real clocks it is built on."""

    def __init__(
        self,
        speed: float,
        *,
        real_monotonic: Callable[[], float] = time.monotonic,
        real_wall: Callable[[], float] = time.time,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._real_monotonic = real_monotonic
        self._start_real = real_monotonic()
        self._start_wall = real_wall()

    def _elapsed(self) -> float:
        return (self._real_monotonic() - self._start_real) * self.speed

    def monotonic(self) -> float:
        return self._start_real + self._elapsed()

    def wall(self) -> float:
        return self._start_wall + self._elapsed()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)
