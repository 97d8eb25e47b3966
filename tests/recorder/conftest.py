"""A real VictoriaMetrics server on a free loopback port (Debian package ``victoria-metrics``)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

VM_BINARY = shutil.which("victoria-metrics")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class VictoriaMetrics:
    """One server process; ``stop``/``start`` again on the same port and data (an outage)."""

    def __init__(self, data_dir: Path) -> None:
        assert VM_BINARY is not None
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *flags: str) -> None:
        """Start (again) on the same port and data; ``flags`` are extra command-line flags."""
        self.proc = subprocess.Popen(
            [
                VM_BINARY,
                f"-storageDataPath={self.data_dir}",
                f"-httpListenAddr=127.0.0.1:{self.port}",
                "-retentionPeriod=100y",
                "-search.latencyOffset=0s",
                "-loggerLevel=ERROR",
                *flags,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code == 401:  # started with -httpAuth.*: it answers, so it is up
                    return
                raise
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("victoria-metrics exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("victoria-metrics did not become healthy")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def export(self, match: str = '{__name__=~"fermenter_.*"}') -> list[dict[str, Any]]:
        """Every raw sample of the matching series (after a forced flush)."""
        with urllib.request.urlopen(f"{self.url}/internal/force_flush", timeout=10):
            pass
        # start/end: everything, including the future timestamps of a simulation running 100x
        query = urllib.parse.urlencode(
            {"match[]": match, "start": "0", "end": str(int(time.time()) + 10 * 365 * 86400)}
        )
        with urllib.request.urlopen(f"{self.url}/api/v1/export?{query}", timeout=30) as r:
            return [json.loads(line) for line in r.read().decode().splitlines() if line.strip()]

    def samples(self, node: str) -> dict[tuple[str, ...], list[tuple[int, float]]]:
        """``{(name, fermenter, probe-or-output): [(ts_ms, value), ...]}`` for one node, sorted by time."""
        out: dict[tuple[str, ...], list[tuple[int, float]]] = {}
        for series in self.export(f'{{__name__=~"fermenter_.*",node="{node}"}}'):
            m = series["metric"]
            key = (m["__name__"], m.get("fermenter", ""), m.get("probe", m.get("output", "")))
            out.setdefault(key, []).extend(zip(series["timestamps"], series["values"], strict=True))
        return {k: sorted(v) for k, v in out.items()}


@pytest.fixture(scope="session")
def victoria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VictoriaMetrics]:
    """A server shared by the tests (each test writes its own ``node`` tag)."""
    if VM_BINARY is None:
        pytest.skip("victoria-metrics is not installed (apt install victoria-metrics)")
    vm = VictoriaMetrics(tmp_path_factory.mktemp("vm"))
    vm.start()
    yield vm
    vm.stop()


@pytest.fixture
def own_victoria(tmp_path: Path) -> Iterator[VictoriaMetrics]:
    """A server of this test alone (to stop and restart)."""
    if VM_BINARY is None:
        pytest.skip("victoria-metrics is not installed (apt install victoria-metrics)")
    vm = VictoriaMetrics(tmp_path / "vm")
    vm.start()
    yield vm
    vm.stop()
