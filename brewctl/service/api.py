"""The local API: HTTP + JSON on a Unix socket (see docs/api.md).

``make_app`` builds the application (``brewctl.service.http``: h11, not aiohttp, whose server
cost the daemon ~15 MB) from the hub; ``ApiServer`` serves it on a Unix socket (mode 0660,
group ``node.socket_group``). Every command goes through
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
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ValidationError

from brewctl.errors import ConfigError
from brewctl.model import COMMAND_ADAPTER, COMMAND_KINDS, CommandResult, Event, NodeStatus
from brewctl.service import http
from brewctl.service.hardening import QuietHttpErrors
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


def _json(model: NodeStatus | CommandResult | Event, status: int = 200) -> http.Response:
    return http.Response(model.model_dump_json(), status=status, content_type="application/json")


def _refused(error: str, status: int) -> http.Response:
    return _json(CommandResult(ok=False, error=error), status)


def make_app(
    hub: Hub,
    *,
    fermenters: Collection[str],
    list_profiles: ProfileLister,
    extra_routes: Iterable[http.Route] = (),
) -> http.App:
    """The API application. ``extra_routes`` come from components (history, ...)."""

    async def get_status(request: http.Request) -> http.Response:
        if hub.latest is None:
            return http.json_response({"error": "the controller is starting"}, status=503)
        return _json(hub.latest)

    async def post_command(request: http.Request) -> http.Response:
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

    async def get_profiles(request: http.Request) -> http.Response:
        return http.json_response(await list_profiles())

    async def stream(request: http.Request) -> http.StreamResponse:
        return http.StreamResponse(
            messages(), headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )

    async def messages() -> AsyncIterator[bytes]:
        """SSE messages: subscribed once the answer's head is sent, as aiohttp's ``prepare``."""
        with hub.subscribe_status() as statuses, hub.subscribe_events() as events:
            next_status = asyncio.ensure_future(anext(statuses))
            next_event = asyncio.ensure_future(anext(events))
            closed = asyncio.ensure_future(closing.wait())
            try:
                while not closing.is_set():
                    done, _ = await asyncio.wait({next_status, next_event, closed}, return_when=asyncio.FIRST_COMPLETED)
                    if next_event in done:
                        yield f"event: event\ndata: {next_event.result().model_dump_json()}\n\n".encode()
                        next_event = asyncio.ensure_future(anext(events))
                    if next_status in done:
                        yield f"event: status\ndata: {next_status.result().model_dump_json()}\n\n".encode()
                        next_status = asyncio.ensure_future(anext(statuses))
            finally:
                for fut in (next_status, next_event, closed):
                    fut.cancel()

    async def not_recorded(request: http.Request) -> http.Response:
        return http.json_response({"error": "history is not recorded on this node (no history component)"}, status=503)

    closing = asyncio.Event()
    app = http.App(
        [
            http.get("/v1/status", get_status),
            http.get("/v1/stream", stream),
            http.post("/v1/fermenters/{id}/commands", post_command),
            http.get("/v1/profiles", get_profiles),
        ]
    )
    app.on_shutdown.append(closing.set)  # end the streams now rather than after the shutdown grace
    extra = list(extra_routes)
    app.add_routes(extra)
    offered = {r.path for r in extra}
    app.add_routes(http.get(path, not_recorded) for path in _OPTIONAL_PATHS if path not in offered)
    return app


_http_log = logging.getLogger("brewctl.api.http")
_http_log.addFilter(QuietHttpErrors())


def _socket_in_use(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


class ApiServer:
    """Serve ``app`` on the Unix socket ``path`` (an async context manager)."""

    def __init__(self, app: http.App, path: Path, *, group: str | None = None) -> None:
        self._app = app
        self._path = path
        self._group = group
        self._server: http.HttpServer | None = None

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
        self._server = http.HttpServer(
            self._app,
            max_connections=MAX_CONNECTIONS,
            idle_timeout_s=IDLE_TIMEOUT_S,  # also closes a connection that never sends a whole request
            log=_http_log,
        )
        # A small backlog: asyncio accepts up to ``backlog`` connections in one burst, each a
        # descriptor until the loop gets to close the refused ones.
        await self._server.start_unix(str(self._path), backlog=ACCEPT_BACKLOG)
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
        if self._server is not None:
            await self._server.close(grace_s=1.0)
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
