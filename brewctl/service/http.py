"""A small HTTP/1.1 server for the local API: h11 (sans-IO) over asyncio streams.

The daemon's whole API is a handful of JSON routes and one Server-Sent-Events stream on a Unix
socket; aiohttp's server (which imports its client too) cost the daemon about 15 MB of its
50 MB budget (issue 13). This module is what the API needs and no more:

- ``Route``s (``get``/``post``): a method and a path pattern with ``{name}`` parameters
  (``{name:regex}`` to restrict one); GET routes answer HEAD too; a known path with another
  method is 405 (with ``Allow``), anything else 404, as aiohttp answered.
- ``Request``: ``method``, ``path``, ``match_info``, ``query``, ``headers``, ``await read()``
  (the body, at most ``max_body_bytes``: 413 beyond).
- ``Response`` (``json_response`` for JSON), ``StreamResponse`` (chunks from an async iterator,
  chunked on the wire), ``HttpError`` to answer from deep inside a handler.
- ``HttpServer``: serves an ``App`` on a listening socket, with keep-alive, a connection cap,
  an idle/head timeout and one rate-limited log line per malformed request (issue 17).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import h11

from brewctl.service.hardening import ConnectionLimit

__all__ = [
    "App",
    "Handler",
    "HttpError",
    "HttpServer",
    "Request",
    "Response",
    "Route",
    "StreamResponse",
    "get",
    "json_response",
    "post",
]

MAX_HEAD_BYTES = 8192
"""A request head (request line and headers) longer than this is refused (431)."""
MAX_BODY_BYTES = 1024**2
"""A request body longer than this is refused (413), as aiohttp's ``client_max_size``."""
LINGER_S = 1.0
"""After an answer given before the body was read, read what is left for at most this long."""
_READ_BYTES = 65536


class Response:
    """A whole answer: status, body bytes and headers (``Content-Length`` is added)."""

    def __init__(
        self,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "text/plain",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.headers = {"Content-Type": _with_charset(content_type), **(headers or {})}
        self.close = False
        """Close the connection after this answer (a refused, half-read body)."""

    def force_close(self) -> None:
        """Close the connection once this answer is sent."""
        self.close = True


class StreamResponse:
    """An answer whose body is the chunks of ``chunks``, sent as they come (chunked encoding)."""

    def __init__(
        self, chunks: AsyncIterator[bytes], *, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> None:
        self.chunks = chunks
        self.status = status
        self.headers = dict(headers or {})


def _with_charset(content_type: str) -> str:
    if content_type.startswith(("text/", "application/json")) and "charset" not in content_type:
        return f"{content_type}; charset=utf-8"
    return content_type


def json_response(data: Any, *, status: int = 200) -> Response:
    """``data`` as JSON (``application/json; charset=utf-8``)."""
    return Response(json.dumps(data), status=status, content_type="application/json")


class HttpError(Exception):
    """Raise to answer ``response`` (a 400 from a query parser, a 413 from ``read``)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def _plain(status: int, text: str | None = None, headers: Mapping[str, str] | None = None) -> Response:
    phrase = _reason(status).decode()
    return Response(text if text is not None else f"{status}: {phrase}", status=status, headers=headers)


class Request:
    """One request, as a handler sees it."""

    def __init__(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[bytes, bytes]],
        read_body: Callable[[], Awaitable[bytes]],
    ) -> None:
        self.method = method
        raw_path, _, raw_query = target.partition("?")
        self.raw_path = raw_path
        self.path = urllib.parse.unquote(raw_path)
        self.query: dict[str, str] = {}
        for key, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
            self.query.setdefault(key, value)  # the first of repeated keys, as aiohttp's query.get
        self.headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in headers}
        self.match_info: dict[str, str] = {}
        self._read_body = read_body
        self._body: bytes | None = None

    async def read(self) -> bytes:
        """The whole body (``HttpError`` 413 beyond ``MAX_BODY_BYTES``)."""
        if self._body is None:
            self._body = await self._read_body()
        return self._body


Handler = Callable[[Request], Awaitable[Response | StreamResponse]]

_PARAM = re.compile(r"\{(\w+)(?::([^{}]+))?\}")


@dataclass(frozen=True)
class Route:
    """``method`` on ``path`` (``/v1/fermenters/{id}/commands``; ``{name:a|b}`` restricts one)."""

    method: str
    path: str
    handler: Handler
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts, last = [], 0
        for m in _PARAM.finditer(self.path):
            parts.append(re.escape(self.path[last : m.start()]))
            parts.append(f"(?P<{m.group(1)}>{m.group(2) or '[^{}/]+'})")
            last = m.end()
        parts.append(re.escape(self.path[last:]))
        object.__setattr__(self, "pattern", re.compile("".join(parts)))


def get(path: str, handler: Handler) -> Route:
    """A GET route (it answers HEAD too)."""
    return Route("GET", path, handler)


def post(path: str, handler: Handler) -> Route:
    """A POST route."""
    return Route("POST", path, handler)


class App:
    """Routes, and what to do when the server stops (``on_shutdown``: plain callables)."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self.routes: list[Route] = list(routes)
        self.on_shutdown: list[Callable[[], object]] = []

    def add_routes(self, routes: Iterable[Route]) -> None:
        """Add ``routes``; the first that matches a request answers it."""
        self.routes.extend(routes)

    def resolve(self, request: Request) -> Handler:
        """The handler for ``request`` (``match_info`` filled in), or a 404/405 answer's."""
        allowed: set[str] = set()
        for route in self.routes:
            m = route.pattern.fullmatch(request.raw_path)
            if m is None:
                continue
            methods = {route.method, "HEAD"} if route.method == "GET" else {route.method}
            if request.method in methods:
                request.match_info = {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
                return route.handler
            allowed |= methods
        refusal = _plain(405, headers={"Allow": ",".join(sorted(allowed))}) if allowed else _plain(404)

        async def refuse(_: Request) -> Response:
            return refusal

        return refuse


class _ClosedError(Exception):
    """The client went away."""


class HttpServer:
    """Serve ``app`` on connections from ``loop.create_unix_server`` (``start_unix``)."""

    def __init__(
        self,
        app: App,
        *,
        max_connections: int,
        idle_timeout_s: float,
        log: logging.Logger,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.idle_timeout_s = idle_timeout_s
        self.max_body_bytes = max_body_bytes
        self._log = log
        self._limit = max_connections
        self._open = 0
        self._idle: set[asyncio.Task[None]] = set()
        self._busy: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._closing = False

    @property
    def connections(self) -> int:
        """Connections open now."""
        return self._open

    def _protocol(self) -> asyncio.BaseProtocol:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_READ_BYTES, loop=loop)
        self._open += 1  # counted from here: the handler's ``finally`` counts it out
        return asyncio.StreamReaderProtocol(reader, self._connected, loop=loop)

    async def start_unix(self, path: str, *, backlog: int) -> None:
        """Listen on the Unix socket ``path``."""
        limited = ConnectionLimit(self._protocol, lambda: self._open, self._limit)
        self._server = await asyncio.get_running_loop().create_unix_server(limited, path, backlog=backlog)

    async def close(self, grace_s: float = 1.0) -> None:
        """Stop listening, end streams (``on_shutdown``), give answers in progress ``grace_s``."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        for callback in self.app.on_shutdown:
            callback()
        for task in list(self._idle):
            task.cancel()
        if self._busy:
            await asyncio.wait(list(self._busy), timeout=grace_s)
        rest = self._idle | self._busy
        for task in rest:
            task.cancel()
        if rest:
            await asyncio.wait(list(rest), timeout=grace_s)
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace_s):
                    await self._server.wait_closed()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)
        try:
            while True:
                self._idle.add(task)
                try:
                    async with asyncio.timeout(self.idle_timeout_s):  # no whole head in time: close
                        event = await _next_event(conn, reader)
                finally:
                    self._idle.discard(task)
                if not isinstance(event, h11.Request):
                    return  # the client closed the connection
                self._busy.add(task)
                try:
                    if not await self._answer(conn, event, reader, writer):
                        return
                finally:
                    self._busy.discard(task)
                conn.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            self._log.warning("bad request: %s", exc)
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                with contextlib.suppress(Exception):
                    await self._send_whole(conn, writer, _plain(exc.error_status_hint), head_only=False)
        except (TimeoutError, _ClosedError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # ``close`` ended it; ending quietly spares asyncio's stream callback a logged traceback
            if not self._closing:
                raise
        finally:
            self._open -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(
        self, conn: h11.Connection, event: h11.Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; True if the connection can take another."""
        method = event.method.decode("ascii", "replace")

        async def read_body() -> bytes:
            return await self._read_body(conn, reader, writer)

        request = Request(method, event.target.decode("latin-1"), event.headers, read_body)
        try:
            response = await self.app.resolve(request)(request)
        except HttpError as exc:
            response = exc.response
        except (_ClosedError, h11.RemoteProtocolError, ConnectionError):
            raise  # the connection is broken: it is closed (a malformed body: answered 400 first)
        except Exception as exc:
            self._log.error("Error handling request %s %s", method, request.path, exc_info=exc)
            response = _plain(500, "500 Internal Server Error\n\nServer got itself in trouble")
        if isinstance(response, StreamResponse):
            await self._stream(conn, response, reader, writer, head_only=method == "HEAD")
            return False
        if response.close or conn.their_state is h11.ERROR:
            response.headers["Connection"] = "close"
        await self._send_whole(conn, writer, response, head_only=method == "HEAD")
        if response.close or conn.our_state is not h11.DONE:
            return False
        if conn.their_state is h11.SEND_BODY:  # answered without reading the body: read what is left
            try:
                async with asyncio.timeout(LINGER_S):
                    await self._read_body(conn, reader, writer)
            except (TimeoutError, HttpError):
                return False
        return conn.their_state is h11.DONE

    async def _read_body(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bytes:
        if conn.they_are_waiting_for_100_continue:
            writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue")) or b"")
            await writer.drain()
        body = bytearray()
        while True:
            event = await _next_event(conn, reader)
            if isinstance(event, h11.Data):
                body += event.data
                if len(body) > self.max_body_bytes:
                    too_large = _plain(413, f"Maximum request body size {self.max_body_bytes} exceeded.")
                    too_large.force_close()
                    raise HttpError(too_large)
            elif isinstance(event, h11.EndOfMessage):
                return bytes(body)
            else:
                raise _ClosedError

    async def _send_whole(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, response: Response, *, head_only: bool
    ) -> None:
        headers = [*response.headers.items(), ("Content-Length", str(len(response.body)))]
        out = (
            conn.send(h11.Response(status_code=response.status, headers=headers, reason=_reason(response.status)))
            or b""
        )
        if response.body and not head_only:
            out += conn.send(h11.Data(data=response.body)) or b""
        out += conn.send(h11.EndOfMessage()) or b""
        writer.write(out)
        await writer.drain()

    async def _stream(
        self,
        conn: h11.Connection,
        response: StreamResponse,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        head_only: bool,
    ) -> None:
        """Send ``response``'s chunks until it ends or the client goes away."""
        head = h11.Response(
            status_code=response.status, headers=list(response.headers.items()), reason=_reason(response.status)
        )
        writer.write(conn.send(head) or b"")
        await writer.drain()

        async def send_chunks() -> None:
            async for chunk in response.chunks:
                writer.write(conn.send(h11.Data(data=chunk)) or b"")
                await writer.drain()
            writer.write(conn.send(h11.EndOfMessage()) or b"")
            await writer.drain()

        async def client_gone() -> None:
            while await reader.read(_READ_BYTES):
                pass  # nothing more is expected on a stream's connection: discarded until it closes

        try:
            if head_only:
                return
            sending = asyncio.ensure_future(send_chunks())
            watching = asyncio.ensure_future(client_gone())
            try:
                await asyncio.wait({sending, watching}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (sending, watching):
                    task.cancel()
                await asyncio.gather(sending, watching, return_exceptions=True)
        finally:
            aclose = getattr(response.chunks, "aclose", None)
            if aclose is not None:
                with contextlib.suppress(Exception):
                    await aclose()


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> Any:
    """The next h11 event, reading from ``reader`` as needed (``ConnectionClosed`` at EOF)."""
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        conn.receive_data(await reader.read(_READ_BYTES))
