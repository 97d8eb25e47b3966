"""Serve an API ``http.App`` (component routes) on the daemon's own server, for route tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from brewctl.service import http
from brewctl.service.api import ApiServer


@asynccontextmanager
async def served(app: http.App) -> AsyncIterator[aiohttp.ClientSession]:
    """``app`` served by ``ApiServer`` on a short Unix socket; an aiohttp session on it (``get("/v1/...")``)."""
    folder = Path(tempfile.mkdtemp(prefix="bc-"))  # a Unix socket path must be short
    try:
        async with (
            ApiServer(app, folder / "s"),
            aiohttp.ClientSession(connector=aiohttp.UnixConnector(path=str(folder / "s")), base_url="http://x") as s,
        ):
            yield s
    finally:
        shutil.rmtree(folder, ignore_errors=True)
