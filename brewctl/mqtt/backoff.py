"""Reconnect delays (pure): exponential with full jitter, capped."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Backoff"]


@dataclass(frozen=True)
class Backoff:
    """``delay(attempt, r)`` grows ``initial_s * factor**attempt`` up to ``max_s``; ``r`` in [0, 1)
    spreads it over [50 %, 100 %] so several nodes do not reconnect in lockstep after a broker restart.
    """

    initial_s: float = 1.0
    max_s: float = 60.0
    factor: float = 2.0

    def delay(self, attempt: int, r: float = 1.0) -> float:
        """Seconds to wait before connection attempt number ``attempt + 1``."""
        base = min(self.max_s, self.initial_s * self.factor ** min(attempt, 64))
        return base * (0.5 + 0.5 * min(max(r, 0.0), 1.0))
