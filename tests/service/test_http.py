"""The API's own HTTP server (``brewctl.service.http``, h11): routing, framing, limits, streams."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from brewctl.service import http
from tests.service.conftest import short_dir

__all__ = ["short_dir"]

_log = logging.getLogger("tests.http")


@asynccontextmanager
async def serving(app: http.App, sock: Path, **options: int) -> AsyncIterator[http.HttpServer]:
    server = http.HttpServer(
        app, max_connections=options.pop("max_connections", 8), idle_timeout_s=5, log=_log, **options
    )
    await server.start_unix(str(sock), backlog=4)
    try:
        yield server
    finally:
        await server.close(grace_s=1)


async def _exchange(sock: Path, data: bytes, *, close: bool = True) -> bytes:
    """Send ``data``, read until the server closes (or, with ``close=False``, 0.3 s of silence)."""
    reader, writer = await asyncio.open_unix_connection(str(sock))
    writer.write(data)
    await writer.drain()
    out = b""
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), 5 if close else 0.3)
            except TimeoutError:
                if close:
                    raise
                return out
            if not chunk:
                return out
            out += chunk
    finally:
        writer.close()


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within 5 s")


def _app(streamed: list[str]) -> http.App:
    async def item(request: http.Request) -> http.Response:
        return http.json_response({"id": request.match_info["id"], "q": request.query.get("q")})

    async def echo(request: http.Request) -> http.Response:
        return http.Response(await request.read(), content_type="application/octet-stream")

    async def broken(request: http.Request) -> http.Response:
        raise RuntimeError("a bug")

    async def stream(request: http.Request) -> http.StreamResponse:
        async def chunks() -> AsyncIterator[bytes]:
            try:
                while True:
                    yield b"data: tick\n\n"
                    await asyncio.sleep(0.05)
            finally:
                streamed.append("ended")

        return http.StreamResponse(chunks(), headers={"Content-Type": "text/event-stream"})

    return http.App(
        [
            http.get("/items/{id}", item),
            http.post("/echo", echo),
            http.get("/broken", broken),
            http.get("/stream", stream),
            http.post("/only/{what:a|b}", echo),
        ]
    )


async def test_routes_methods_and_head(short_dir: Path) -> None:
    sock = short_dir / "s"
    async with serving(_app([]), sock):
        answer = await _exchange(sock, b"GET /items/fv%201?q=a+b&q=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"content-type: application/json; charset=utf-8" in answer.lower()
        assert answer.endswith(b'{"id": "fv 1", "q": "a b"}')
        answer = await _exchange(sock, b"DELETE /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 405 Method Not Allowed") and b"\r\nAllow: GET,HEAD\r\n" in answer
        assert answer.endswith(b"405: Method Not Allowed")
        for path in (b"/items/1/x", b"/only/c", b"/nothing"):
            answer = await _exchange(sock, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 404 Not Found") and answer.endswith(b"404: Not Found")
        answer = await _exchange(sock, b"HEAD /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (
            answer.startswith(b"HTTP/1.1 200 OK") and b"content-length: 22" in answer.lower()
        )  # {"id": "1", "q": null}
        assert answer.endswith(b"\r\n\r\n")  # no body


async def test_keep_alive_pipelining_and_bodies(short_dir: Path) -> None:
    sock = short_dir / "s"
    async with serving(_app([]), sock, max_body_bytes=100):
        two = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + (
            b"POST /only/b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        )
        answer = await _exchange(sock, two, close=False)  # both answered on one open connection
        assert answer.count(b"HTTP/1.1 200 OK") == 2 and answer.endswith(b"abcde") and b"\r\n\r\nhello" in answer
        answer = await _exchange(sock, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" + b"x" * 101)
        assert answer.startswith(b"HTTP/1.1 413") and answer.endswith(b"Maximum request body size 100 exceeded.")
        expect = b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
        reader, writer = await asyncio.open_unix_connection(str(sock))
        writer.write(expect)
        assert await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5) == b"HTTP/1.1 100 Continue\r\n\r\n"
        writer.write(b"ok")
        assert (await asyncio.wait_for(reader.readuntil(b"ok"), 5)).startswith(b"HTTP/1.1 200 OK")
        writer.close()


async def test_a_bug_or_junk_is_one_line_without_traceback(short_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    sock = short_dir / "s"
    async with serving(_app([]), sock):
        answer = await _exchange(sock, b"GET /broken HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 500 Internal Server Error")
        assert (await _exchange(sock, b"NOT HTTP\r\n\r\n")).startswith(b"HTTP/1.1 400 Bad Request")
        assert (await _exchange(sock, b"GET /" + b"a" * 9000)).startswith(b"HTTP/1.1 431")
    lines = [r for r in caplog.records if r.name == "tests.http"]
    assert [r.levelno for r in lines] == [logging.ERROR, logging.WARNING, logging.WARNING]
    assert "RuntimeError" in repr(lines[0].exc_info) and "bad request" in lines[1].getMessage()


async def test_a_stream_ends_when_its_client_goes_or_the_server_stops(short_dir: Path) -> None:
    sock = short_dir / "s"
    streamed: list[str] = []
    async with serving(_app(streamed), sock):
        reader, writer = await asyncio.open_unix_connection(str(sock))
        writer.write(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"data: tick"), 5)
        assert b"transfer-encoding: chunked" in head.lower()
        writer.close()
        await _until(lambda: bool(streamed))
        reader, writer = await asyncio.open_unix_connection(str(sock))
        writer.write(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b"data: tick"), 5)
    assert streamed == ["ended", "ended"]  # the server's close cancelled the second one
    writer.close()


async def test_connections_beyond_the_limit_are_closed_at_once(short_dir: Path) -> None:
    sock = short_dir / "s"
    async with serving(_app([]), sock, max_connections=2) as server:
        held = [await asyncio.open_unix_connection(str(sock)) for _ in range(2)]
        await _until(lambda: server.connections == 2)
        try:
            refused = await _exchange(sock, b"GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        except ConnectionResetError:
            refused = b""  # closed before it read the request
        assert refused == b""
        for _, writer in held:
            writer.close()
        await _until(lambda: server.connections == 0)
        assert (await _exchange(sock, b"GET /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startswith(
            b"HTTP/1.1 200"
        )
