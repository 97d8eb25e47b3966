"""The local API: HTTP + JSON on a Unix socket (see docs/api.md).

``make_app`` builds the aiohttp application from the hub; ``ApiServer`` serves it on a Unix
socket (mode 0660, group ``node.socket_group``). Every command goes through
``hub.command``, the one handler the daemon installs, so the API and MQTT behave the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import logging
import os
import socket
import stat
from collections.abc import Awaitable, Callable, Collection, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from brewctl.errors import ConfigError
from brewctl.model import COMMAND_ADAPTER, COMMAND_KINDS, CommandResult, Event, NodeStatus
from brewctl.service.hardening import ConnectionLimit, QuietHttpErrors
from brewctl.service.hub import Hub
from brewctl.validation import one_line, validation_problems

__all__ = [
    "ACCEPT_BACKLOG",
    "BODY_TIMEOUT_S",
    "IDLE_TIMEOUT_S",
    "MAX_CONNECTIONS",
    "ApiServer",
    "ProfileLister",
    "command_error_message",
    "make_app",
]

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 64
"""Open API connections at most (the CLI and a few TUIs need a handful); more are closed at once."""
ACCEPT_BACKLOG = 16
"""Connections waiting in the kernel to be accepted (and accepted in one burst)."""
IDLE_TIMEOUT_S = 10.0
"""A connection that sends no complete request head for this long (or idles after one) is closed."""
BODY_TIMEOUT_S = 10.0
"""A command body not received whole within this is answered 408 and the connection closed."""

ProfileLister = Callable[[], Awaitable[list[dict[str, Any]]]]

_OPTIONAL_PATHS = ("/v1/fermenters/{id}/history", "/v1/events")


def command_error_message(exc: ValidationError) -> str:
    """``field: problem`` for each error of a command (``brewctl.validation``)."""
    return one_line(validation_problems(exc, tags=COMMAND_KINDS, tag_key="kind"), root="body")


def _json(model: NodeStatus | CommandResult | Event, status: int = 200) -> web.Response:
    return web.Response(text=model.model_dump_json(), status=status, content_type="application/json")


def _refused(error: str, status: int) -> web.Response:
    return _json(CommandResult(ok=False, error=error), status)


def make_app(
    hub: Hub,
    *,
    fermenters: Collection[str],
    list_profiles: ProfileLister,
    extra_routes: Iterable[web.AbstractRouteDef] = (),
) -> web.Application:
    """The API application. ``extra_routes`` come from components (history, ...)."""

    async def get_status(request: web.Request) -> web.Response:
        if hub.latest is None:
            return web.json_response({"error": "the controller is starting"}, status=503)
        return _json(hub.latest)

    async def post_command(request: web.Request) -> web.Response:
        fid = request.match_info["id"]
        if fid not in fermenters:
            return _refused(f"no fermenter {fid!r} (known: {', '.join(sorted(fermenters))})", 404)
        try:
            # Strict JSON, as over MQTT: a value_c of true or "19" is refused, not read as 1 or 19 °C.
            async with asyncio.timeout(BODY_TIMEOUT_S):  # a half-sent body must not hold a descriptor
                body = await request.read()
            cmd = COMMAND_ADAPTER.validate_json(body, strict=True)
        except TimeoutError:
            late = _refused(f"body: not received within {BODY_TIMEOUT_S:g} s", 408)
            late.force_close()
            return late
        except ValidationError as exc:
            return _refused(command_error_message(exc), 400)
        if hub.latest is None:
            return _refused("the controller is starting; try again in a few seconds", 503)
        result = await hub.command(fid, cmd, "api")
        return _json(result, 200 if result.ok else 400)

    async def get_profiles(request: web.Request) -> web.Response:
        return web.json_response(await list_profiles())

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        with hub.subscribe_status() as statuses, hub.subscribe_events() as events:
            next_status = asyncio.ensure_future(anext(statuses))
            next_event = asyncio.ensure_future(anext(events))
            closed = asyncio.ensure_future(closing.wait())
            try:
                while not closing.is_set():
                    done, _ = await asyncio.wait({next_status, next_event, closed}, return_when=asyncio.FIRST_COMPLETED)
                    if next_event in done:
                        await response.write(
                            f"event: event\ndata: {next_event.result().model_dump_json()}\n\n".encode()
                        )
                        next_event = asyncio.ensure_future(anext(events))
                    if next_status in done:
                        await response.write(
                            f"event: status\ndata: {next_status.result().model_dump_json()}\n\n".encode()
                        )
                        next_status = asyncio.ensure_future(anext(statuses))
            except ConnectionResetError:
                pass  # the client went away
            finally:
                for fut in (next_status, next_event, closed):
                    fut.cancel()
        return response

    async def on_shutdown(app: web.Application) -> None:
        closing.set()  # end the streams now rather than after the shutdown timeout

    async def not_recorded(request: web.Request) -> web.Response:
        return web.json_response({"error": "history is not recorded on this node (no history component)"}, status=503)

    closing = asyncio.Event()
    app = web.Application()
    app.on_shutdown.append(on_shutdown)
    app.add_routes(
        [
            web.get("/v1/status", get_status),
            web.get("/v1/stream", stream),
            web.post("/v1/fermenters/{id}/commands", post_command),
            web.get("/v1/profiles", get_profiles),
        ]
    )
    extra = list(extra_routes)
    app.add_routes(extra)
    offered = {getattr(r, "path", None) for r in extra}
    for path in _OPTIONAL_PATHS:
        if path not in offered:
            app.router.add_get(path, not_recorded)
    return app


_http_log = logging.getLogger("brewctl.api.http")
_http_log.addFilter(QuietHttpErrors())


class _LimitedUnixSite(web.UnixSite):
    """A Unix socket site that keeps at most ``limit`` connections open (see ``ConnectionLimit``)."""

    def __init__(self, runner: web.AppRunner, path: str, limit: int) -> None:
        super().__init__(runner, path)
        self._limit = limit

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        limited = ConnectionLimit(server, lambda: len(server.connections), self._limit)
        # A small backlog: asyncio accepts up to ``backlog`` connections in one burst, each a
        # descriptor until the loop gets to close the refused ones.
        self._server = await asyncio.get_running_loop().create_unix_server(limited, self._path, backlog=ACCEPT_BACKLOG)


def _socket_in_use(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


class ApiServer:
    """Serve ``app`` on the Unix socket ``path`` (an async context manager)."""

    def __init__(self, app: web.Application, path: Path, *, group: str | None = None) -> None:
        self._app = app
        self._path = path
        self._group = group
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> ApiServer:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"{self._path.parent}: cannot create the socket folder ({exc.strerror}); use --socket"
            ) from None
        if self._path.is_symlink() or self._path.exists():
            if not stat.S_ISSOCK(self._path.lstat().st_mode):
                # Never delete what is not a socket (a typo could name the config file).
                raise ConfigError(f"{self._path}: exists and is not a socket; give --socket a free path")
            if _socket_in_use(self._path):
                raise ConfigError(f"{self._path}: another brewctl daemon is already serving this socket")
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()  # a stale socket left by a killed daemon
        self._runner = web.AppRunner(
            self._app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=1.0,
            keepalive_timeout=IDLE_TIMEOUT_S,  # also closes a connection that never sends a whole request
            lingering_time=1.0,  # after a refused body, read what is left for at most this long
            logger=_http_log,
        )
        await self._runner.setup()
        await _LimitedUnixSite(self._runner, str(self._path), MAX_CONNECTIONS).start()
        self._path.chmod(0o660)
        if self._group:
            self._give_to_group(self._group)
        log.info("API listening on %s", self._path)
        return self

    def _give_to_group(self, group: str) -> None:
        """Hand the socket to ``group``; a failure is logged (the daemon still controls)."""
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            log.warning("node.socket_group: no group named %r; %s keeps group %s", group, self._path, self._gid_name())
            return
        if self._path.stat().st_gid == gid:
            return  # already ours (the unit's own group): no chown, which its sandbox refuses
        try:
            os.chown(self._path, -1, gid)
        except PermissionError as exc:
            log.warning(
                "node.socket_group: cannot give %s to group %r (%s): the daemon's user must be a member "
                "of it, and under systemd the group should be the unit's Group=",
                self._path,
                group,
                exc.strerror or exc,
            )

    def _gid_name(self) -> str:
        gid = self._path.stat().st_gid
        try:
            return grp.getgrgid(gid).gr_name
        except KeyError:
            return str(gid)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
