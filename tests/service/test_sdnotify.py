"""sd_notify over a real datagram socket, by path and in the abstract namespace."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

from brewctl.service.sdnotify import notify, watchdog_period_s


def _receiver(address: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(2)
    return sock


def test_notify_to_a_socket_path(tmp_path: Path) -> None:
    path = str(tmp_path / "notify")
    with _receiver(path) as sock:
        assert notify("READY=1", environ={"NOTIFY_SOCKET": path})
        assert notify("STATUS=fv1 19.0 °C", environ={"NOTIFY_SOCKET": path})
        assert sock.recv(4096) == b"READY=1"
        assert sock.recv(4096).decode() == "STATUS=fv1 19.0 °C"


def test_notify_to_an_abstract_socket() -> None:
    name = f"brewctl-test-{uuid.uuid4().hex}"
    with _receiver("\0" + name) as sock:
        assert notify("WATCHDOG=1", environ={"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(4096) == b"WATCHDOG=1"


def test_notify_without_systemd_is_a_no_op() -> None:
    assert not notify("READY=1", environ={})


def test_notify_to_a_dead_socket_does_not_raise(tmp_path: Path) -> None:
    assert not notify("READY=1", environ={"NOTIFY_SOCKET": str(tmp_path / "nobody")})


def test_watchdog_period() -> None:
    assert watchdog_period_s(environ={"WATCHDOG_USEC": "30000000"}) == 30.0
    assert watchdog_period_s(environ={"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) == 30.0
    assert watchdog_period_s(environ={"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_period_s(environ={}) is None
    assert watchdog_period_s(environ={"WATCHDOG_USEC": "soon"}) is None
