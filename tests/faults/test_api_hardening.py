"""Defects 1 and 9 in process: half-sent requests time out, malformed ones log one line."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from brewctl.config import Config
from brewctl.service import api
from brewctl.service.hardening import QuietHttpErrors, RateLimitedLog
from tests.service.conftest import config, running, short_dir

__all__ = ["config", "short_dir"]

pytestmark = pytest.mark.faults


async def _exchange(sock: Path, data: bytes, within_s: float = 5.0) -> bytes:
    """Send ``data`` and read until the server closes the connection."""
    reader, writer = await asyncio.open_unix_connection(str(sock))
    writer.write(data)
    await writer.drain()
    try:
        async with asyncio.timeout(within_s):
            return await reader.read()
    finally:
        writer.close()


async def test_a_half_sent_head_is_closed_after_the_idle_timeout(
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "IDLE_TIMEOUT_S", 0.3)
    async with running(config, tmp_path, short_dir / "s"):
        assert await _exchange(short_dir / "s", b"POST /v1/fermenters/fv1/commands HTTP/1.1\r\nHost:") == b""


async def test_a_half_sent_body_is_answered_408(
    config: Config, tmp_path: Path, short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "BODY_TIMEOUT_S", 0.3)
    async with running(config, tmp_path, short_dir / "s") as daemon:
        head = b"POST /v1/fermenters/fv1/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"
        answer = await _exchange(short_dir / "s", head)
        assert answer.startswith(b"HTTP/1.1 408") and b"not received within" in answer
        assert daemon.fermenters["fv1"].state.beer_setpoint_c == 19.0


async def test_malformed_requests_log_one_line_without_traceback(
    config: Config, tmp_path: Path, short_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(config, tmp_path, short_dir / "s"):
        for junk in (b"GET / HTTP/1.1\r\nBad Header\r\n\r\n", b"\x16\x03\x01junk\r\n\r\n", b"GET /" + b"a" * 9000):
            assert (await _exchange(short_dir / "s", junk)).startswith(b"HTTP/1.")
    http = [r for r in caplog.records if r.name in ("brewctl.api.http", "aiohttp.server")]
    assert len(http) <= 1 and all(r.exc_info is None and r.levelno <= logging.WARNING for r in http)
    assert [r.name for r in http] == ["brewctl.api.http"]


def test_the_http_filter_rate_limits_and_counts() -> None:
    now = [0.0]
    f = QuietHttpErrors(interval_s=60, clock=lambda: now[0])
    record = logging.LogRecord(
        "x", logging.ERROR, "", 0, "Error handling request", None, (ValueError, ValueError("bad"), None)
    )
    assert f.filter(record) and record.exc_info is None and "ValueError: bad" in record.getMessage()
    assert not f.filter(logging.LogRecord("x", logging.ERROR, "", 0, "again", None, None))
    now[0] = 61
    again = logging.LogRecord("x", logging.ERROR, "", 0, "later", None, None)
    assert f.filter(again) and "1 more not logged" in again.getMessage()


def test_rate_limited_log_says_how_many_it_hid(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    say = RateLimitedLog(logging.getLogger("t"), 60, clock=lambda: now[0])
    with caplog.at_level(logging.INFO):
        assert [say("k", logging.ERROR, "disk full") for _ in range(5)] == [True, False, False, False, False]
        now[0] = 60
        assert say("k", logging.ERROR, "disk full")
    assert [r.getMessage() for r in caplog.records] == [
        "disk full",
        "disk full (4 more like this in the last 60 s not logged)",
    ]
