"""``OneShotApiClient`` (blocking, standard library HTTP, for the CLI) answers as ``ApiClient`` (aiohttp) does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web

from brewctl.config import Config
from brewctl.model import SetBeerSetpoint
from brewctl.service.client import ApiClient, ApiError, ApiUnavailable, OneShotApiClient

from .conftest import running

T = TypeVar("T")


async def in_thread(sock: Path, work: Callable[[OneShotApiClient], T]) -> T:
    """Run ``work`` with a one-shot client in a thread: its calls block (the daemon runs on this loop)."""

    def go() -> T:
        with OneShotApiClient(sock) as api:
            return work(api)

    return await asyncio.to_thread(go)


async def test_same_answers_as_the_aiohttp_client(config: Config, tmp_path: Path, short_dir: Path) -> None:
    sock = short_dir / "s"
    async with running(config, tmp_path, sock):
        async with ApiClient(sock) as api:
            status = await api.status()
            done = await api.command("fv1", SetBeerSetpoint(value_c=17.5))
            unknown = await api.command("nope", SetBeerSetpoint(value_c=17.5))
            profiles = await api.profiles()
            refused = await api.simulation_probe("nope", "unplug")

        def ask(api: OneShotApiClient) -> tuple[Any, ...]:
            return (
                api.status(),
                api.command("fv1", SetBeerSetpoint(value_c=17.5)),
                api.command("nope", SetBeerSetpoint(value_c=17.5)),
                api.profiles(),
                api.simulation_probe("nope", "unplug"),
            )

        got = await in_thread(sock, ask)
    assert got[0].node == status.node and got[0].fermenters.keys() == status.fermenters.keys()
    assert got[1].ok and done.ok and got[1].status is not None
    assert got[2] == unknown and not unknown.ok
    assert got[3] == profiles and got[4] == refused


async def test_says_when_the_daemon_is_not_running(short_dir: Path) -> None:
    with pytest.raises(ApiUnavailable, match="daemon is not running"):
        await in_thread(short_dir / "nothing.sock", lambda api: api.status())


async def test_a_server_that_is_not_brewctl(short_dir: Path) -> None:
    async def hello(_: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/v1/status", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.UnixSite(runner, str(short_dir / "other.sock"))
    await site.start()
    try:
        with pytest.raises(ApiError, match="GET /v1/status: HTTP 200, not JSON"):
            await in_thread(short_dir / "other.sock", lambda api: api.status())
    finally:
        await runner.cleanup()
