"""Waiting helpers for recorder tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def settle() -> None:
    """Let the tasks on the loop run (no wall time passes)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def until(predicate: Callable[[], bool], within_s: float = 5.0) -> None:
    """Wait for work done on a recorder's thread (bounded)."""
    async with asyncio.timeout(within_s):
        while not predicate():  # noqa: ASYNC110 - the work happens on another thread
            await asyncio.sleep(0.005)
