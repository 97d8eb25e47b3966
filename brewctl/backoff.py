"""Retry delays (pure): exponential, capped, with optional full jitter.

The one backoff of brewctl: the MQTT bridge's reconnects, the InfluxDB sender's retries, the
supervisor's component restarts and the TUI's reconnects all use ``Backoff``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Backoff", "Retries"]


@dataclass(frozen=True)
class Backoff:
    """``delay(attempt, r)`` grows ``initial_s * factor**attempt`` up to ``max_s``; ``r`` in [0, 1)
    spreads it over [50 %, 100 %] so several nodes do not retry in lockstep after a server restart
    (``r = 1``, the default: no jitter).
    """

    initial_s: float = 1.0
    max_s: float = 60.0
    factor: float = 2.0

    def delay(self, attempt: int, r: float = 1.0) -> float:
        """Seconds to wait before attempt number ``attempt + 1`` (``attempt`` from 0)."""
        base = min(self.max_s, self.initial_s * self.factor ** min(max(attempt, 0), 64))
        return float(base * (0.5 + 0.5 * min(max(r, 0.0), 1.0)))


class Retries:
    """Consecutive failures counted against a ``Backoff`` (jittered by the injected ``rand``)."""

    def __init__(self, backoff: Backoff, *, rand: Callable[[], float] = random.random) -> None:
        self.backoff = backoff
        self.failures = 0
        self._rand = rand

    def failure(self) -> float:
        """Count a failure; returns the delay before the next try."""
        self.failures += 1
        return self.backoff.delay(self.failures - 1, self._rand())

    def reset(self) -> None:
        self.failures = 0
