"""The seam between the TUI and the daemon: what the screens may ask of it.

:class:`DataSource` is the part of ``brewctl.service.client.ApiClient`` the TUI uses; an open
``ApiClient`` satisfies it. :data:`SourceFactory` opens one (an async context manager), so the
app can reconnect by opening a new one.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

from brewctl.backoff import Backoff
from brewctl.model import Command, CommandResult, Event, NodeStatus

__all__ = ["ApiSource", "DataSource", "SourceFactory", "api_source", "backoff_s"]


class DataSource(Protocol):
    """A connected daemon. Methods raise ``TransientError`` (e.g. ``ApiUnavailable``) when it goes away."""

    async def status(self) -> NodeStatus: ...

    async def command(self, fid: str, cmd: Command) -> CommandResult: ...

    def stream(self) -> AsyncIterator[NodeStatus | Event]: ...

    async def history(
        self, fid: str, since_s: float, until_s: float | None = None, step_s: float | None = None
    ) -> dict[str, Any]: ...

    async def events(self, since_s: float, until_s: float | None = None, fermenter: str | None = None) -> list[Event]:
        """Events kept in the daemon's history, oldest first (raises ``BrewctlError`` without one)."""
        ...

    async def profiles(self, fermenter: str | None = None) -> list[dict[str, Any]]:
        """The profile library that can start on ``fermenter`` (None: any of them)."""
        ...


SourceFactory = Callable[[], AbstractAsyncContextManager[DataSource]]
"""Opens a connection to the daemon; called again after each loss."""


class ApiSource:
    """The real source: the daemon's local API on a Unix socket (an ``ApiClient`` per connection)."""

    def __init__(self, socket_path: Path | str) -> None:
        self.socket_path = socket_path

    async def prepare(self) -> None:
        """Import the HTTP client off the event loop: aiohttp alone takes ~0.2 s to import."""
        await asyncio.to_thread(importlib.import_module, "brewctl.service.client")

    def __call__(self) -> AbstractAsyncContextManager[DataSource]:
        from brewctl.service.client import ApiClient

        return ApiClient(self.socket_path)


def api_source(socket_path: Path | str) -> ApiSource:
    """The real source: the daemon's local API on ``socket_path``."""
    return ApiSource(socket_path)


def backoff_s(attempt: int, *, first_s: float = 0.5, max_s: float = 10.0) -> float:
    """Delay before reconnect ``attempt`` (0-based): doubles from ``first_s`` up to ``max_s``."""
    return Backoff(initial_s=first_s, max_s=max_s).delay(attempt)
