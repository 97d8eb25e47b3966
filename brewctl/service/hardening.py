"""What keeps a local client, a flood or a noisy library from stopping control (issue #17).

- ``ConnectionLimit``: a protocol factory wrapper for the API socket: at most ``limit`` open
  connections; beyond it a new one is closed at once (its descriptor is freed right away), so a
  flood of idle clients cannot exhaust the descriptors the probes and the state file need.
- ``RateLimitedLog``: one line per ``interval_s`` per key, counting what it swallowed.
- ``QuietHttpErrors``: a logging filter for the API server's logger: a malformed request is one
  line without a traceback, rate-limited, instead of a full ERROR traceback each.
- ``loop_exception_handler``: the event loop's handler: a failed ``accept()`` (out of
  descriptors) is one rate-limited line, not a traceback per attempt (139 MB of log in 70 s).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "ConnectionLimit",
    "QuietHttpErrors",
    "RateLimitedLog",
    "loop_exception_handler",
]

log = logging.getLogger(__name__)


class RateLimitedLog:
    """Log at most once per ``interval_s`` per key; the next line says how many were suppressed."""

    def __init__(self, logger: logging.Logger, interval_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self._log = logger
        self._interval_s = interval_s
        self._clock = clock
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def __call__(self, key: str, level: int, msg: str, *args: object) -> bool:
        """Log ``msg % args`` unless ``key`` was logged within ``interval_s``; True if logged."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self._interval_s:
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            return False
        self._last[key] = now
        hidden = self._suppressed.pop(key, 0)
        if hidden:
            msg += f" ({hidden} more like this in the last {self._interval_s:g} s not logged)"
        self._log.log(level, msg, *args)
        return True


class _Refused(asyncio.Protocol):
    """Closes its connection as soon as it is made."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class ConnectionLimit:
    """Wrap an asyncio protocol factory so that at most ``limit`` connections are open at once.

    ``count`` says how many are open now (``brewctl.service.http.HttpServer.connections``).
    """

    def __init__(
        self,
        factory: Callable[[], asyncio.BaseProtocol],
        count: Callable[[], int],
        limit: int,
        *,
        name: str = "API",
    ) -> None:
        self._factory = factory
        self._count = count
        self.limit = limit
        self.name = name
        self.refused = 0
        self._log = RateLimitedLog(log)

    def __call__(self) -> asyncio.BaseProtocol:
        if self._count() >= self.limit:
            self.refused += 1
            self._log(
                "limit",
                logging.WARNING,
                "%s: %d connections open (the limit): refusing new ones (%d so far)",
                self.name,
                self.limit,
                self.refused,
            )
            return _Refused()
        return self._factory()


class QuietHttpErrors(logging.Filter):
    """For an HTTP server's logger: no traceback for a bad request, at most one line a minute."""

    def __init__(self, interval_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._interval_s = interval_s
        self._clock = clock
        self._last: float | None = None
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(exc).__name__}: {str(exc)[:200]}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        now = self._clock()
        if self._last is not None and now - self._last < self._interval_s:
            self.suppressed += 1
            return False
        if self.suppressed:
            record.msg = f"{record.getMessage()} ({self.suppressed} more not logged)"
            record.args = None
            self.suppressed = 0
        self._last = now
        return True


_accept_log = RateLimitedLog(log)


def loop_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Log a failed accept (out of descriptors) as one rate-limited line; the rest as asyncio would."""
    message = str(context.get("message", ""))
    exc = context.get("exception")
    if "accept" in message and isinstance(exc, OSError):
        _accept_log(
            "accept",
            logging.ERROR,
            "API socket: cannot accept a connection: %s (is something flooding the API?)",
            exc.strerror or exc,
        )
        return
    loop.default_exception_handler(context)
