"""``brewctl run --simulate`` as a real subprocess, on a temporary config, state dir and socket."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from brewctl.model import NodeStatus
from brewctl.service.client import ApiClient, ApiUnavailable

from ..service.conftest import write_config

__all__ = ["DaemonProcess", "brewctl"]


def brewctl(*args: str, socket: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``brewctl`` CLI against ``socket``."""
    return subprocess.run(
        [sys.executable, "-m", "brewctl", *args, "--socket", str(socket)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


class DaemonProcess:
    """Start, poll, kill and restart ``brewctl run --simulate``."""

    def __init__(self, folder: Path, socket: Path) -> None:
        self.folder = folder
        self.config = write_config(folder, step="4m")
        self.state_dir = folder / "state"
        self.socket = socket
        self.proc: subprocess.Popen[str] | None = None
        self.log_path = folder / "daemon.log"

    def start(self, speed: float) -> None:
        env = {**os.environ, "W1THERMSENSOR_NO_KERNEL_MODULE": "1"}
        env.pop("NOTIFY_SOCKET", None)
        log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "brewctl", "run", "--simulate", "--speed", str(speed),
                "--config", str(self.config), "--state-dir", str(self.state_dir), "--socket", str(self.socket),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )  # fmt: skip
        log.close()

    def log(self) -> str:
        return self.log_path.read_text()

    async def status(self) -> NodeStatus:
        async with ApiClient(self.socket, timeout_s=5) as api:
            return await api.status()

    async def wait_for(self, predicate: Callable[[NodeStatus], bool], timeout_s: float = 15.0) -> NodeStatus:
        """Poll the API until ``predicate(status)`` holds (the daemon must keep running)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited with {self.proc.returncode}:\n{self.log()}")
            try:
                status = await self.status()
                if predicate(status):
                    return status
            except ApiUnavailable:
                pass
            if loop.time() > deadline:
                raise AssertionError(f"condition not met within {timeout_s} s:\n{self.log()}")
            await asyncio.sleep(0.02)

    async def ready(self) -> NodeStatus:
        return await self.wait_for(lambda s: len(s.fermenters) == 2)

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def daemon_process(tmp_path: Path) -> Iterator[DaemonProcess]:
    """A ``DaemonProcess`` in ``tmp_path`` (socket in a short temp dir), killed afterwards."""
    sockets = Path(tempfile.mkdtemp(prefix="bc-"))
    proc = DaemonProcess(tmp_path, sockets / "api.sock")
    try:
        yield proc
    finally:
        proc.stop()
        shutil.rmtree(sockets, ignore_errors=True)


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[DaemonProcess]:
    yield from daemon_process(tmp_path)
