"""A real mosquitto on a free loopback port, a recording MQTT client, and a running bridge.

The broker runs with ``persistence false``: a restart forgets every retained message, so a
test can tell that the bridge republished after reconnecting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from brewctl.backoff import Backoff
from brewctl.config import Config, Mode, parse_config
from brewctl.model import Command, CommandResult, FermenterStatus, NodeStatus, OutputStatus
from brewctl.mqtt.bridge import MqttBridge
from brewctl.service.hub import Hub

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
NODELAY = ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)


# The real daemon (``python -m brewctl run --simulate``) as tests start it: one heat-cool fermenter.
DAEMON_CONFIG = """
[node]
name = "cellar"

[probes.beer]
id = "28-0316a2795aff"
[probes.chamber]
id = "28-0416a27c3bff"

[outputs.cool]
kind = "relay"
pin = 17
[outputs.heat]
kind = "ssr"
pin = 18

[fermenters.fv7]
beer_probe = "beer"
chamber_probe = "chamber"
heater = "heat"
cooler = "cool"
mode = "beer"

[mqtt]
host = "127.0.0.1"
port = {port}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Broker:
    """A mosquitto process; ``stop``/``start`` restart it on the same port."""

    port: int
    workdir: Path
    extra_config: str = ""
    host: str = "127.0.0.1"
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        conf = self.workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            f"allow_anonymous {'false' if 'password_file' in self.extra_config else 'true'}\n"
            "persistence false\n"
            "set_tcp_nodelay true\n"
            # Started as root, mosquitto drops to user 'mosquitto', who cannot read our temp files.
            f"{'user root' if os.geteuid() == 0 else ''}\n"
            f"{self.extra_config}\n"
        )
        log = (self.workdir / "mosquitto.log").open("ab")
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 5
        while True:  # ready when it accepts connections (about 30 ms)
            try:
                socket.create_connection((self.host, self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log_text = (self.workdir / "mosquitto.log").read_text()
                    raise RuntimeError(f"mosquitto did not start: {log_text}") from None
                time.sleep(0.01)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    b = Broker(port=free_port(), workdir=tmp_path)
    b.start()
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture
def auth_broker(tmp_path: Path) -> Iterator[Broker]:
    """A broker that wants user 'brewctl', password 's3cret'."""
    passwd = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwd), "brewctl", "s3cret"], check=True)
    passwd.chmod(0o600)
    b = Broker(port=free_port(), workdir=tmp_path, extra_config=f"password_file {passwd}")
    b.start()
    try:
        yield b
    finally:
        b.stop()


@dataclass
class Recorder:
    """Everything a client subscribed to ``#`` saw, with a way to wait for a message."""

    client: aiomqtt.Client
    messages: list[aiomqtt.Message] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        async for m in self.client.messages:
            self.messages.append(m)
            self._changed.set()

    def mark(self) -> int:
        """Index after the messages seen so far (to wait only for newer ones)."""
        return len(self.messages)

    def on(self, topic: str, since: int = 0) -> list[aiomqtt.Message]:
        return [m for m in self.messages[since:] if m.topic.value == topic]

    async def wait(
        self,
        topic: str,
        *,
        since: int = 0,
        where: Callable[[bytes], bool] = lambda _: True,
        within_s: float = 5.0,
    ) -> aiomqtt.Message:
        """The first message on ``topic`` (from index ``since``) whose payload satisfies ``where``."""
        async with asyncio.timeout(within_s):
            while True:
                for m in self.messages[since:]:
                    if m.topic.value == topic and where(_bytes(m.payload)):
                        return m
                self._changed.clear()
                await self._changed.wait()

    async def json(self, topic: str, **kwargs: Any) -> Any:
        return json.loads((await self.wait(topic, **kwargs)).payload)  # type: ignore[arg-type]


async def until(condition: Callable[[], bool], within_s: float = 5.0) -> None:
    """Wait until ``condition()`` holds (polled every 10 ms), failing after ``within_s``."""
    async with asyncio.timeout(within_s):
        while not condition():  # noqa: ASYNC110 (the condition lives in another component)
            await asyncio.sleep(0.01)


async def ask(client: aiomqtt.Client, user: str, topic: str, payload: str, *, within_s: float = 3.0) -> Any:
    """Publish a request with a response topic in ``user``'s reply area; the reply, or None."""
    replies = f"brewctl/_clients/{user}/replies/{free_port()}"
    await client.subscribe(replies, qos=1)
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.ResponseTopic = replies
    props.CorrelationData = b"c1"
    await client.publish(topic, payload, qos=1, properties=props)
    try:
        async with asyncio.timeout(within_s):
            async for message in client.messages:
                if message.topic.value == replies:
                    return json.loads(message.payload)  # type: ignore[arg-type]
    except TimeoutError:
        return None
    return None


def _bytes(payload: object) -> bytes:
    return payload if isinstance(payload, bytes) else str(payload).encode()


@contextlib.asynccontextmanager
async def recording(broker: Broker, topic: str = "#") -> AsyncIterator[Recorder]:
    async with aiomqtt.Client(
        broker.host, broker.port, protocol=aiomqtt.ProtocolVersion.V5, socket_options=NODELAY
    ) as client:
        rec = Recorder(client)
        await client.subscribe(topic, qos=1)
        task = asyncio.create_task(rec.run())
        try:
            yield rec
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
                await task


@pytest.fixture
async def recorder(broker: Broker) -> AsyncIterator[Recorder]:
    async with recording(broker) as rec:
        yield rec


def make_config(
    port: int,
    *,
    node: str = "pi1",
    fermenters: tuple[str, ...] = ("fv1", "fv2"),
    mqtt: dict[str, Any] | None = None,
    hydrometers: dict[str, Any] | None = None,
) -> Config:
    """fv1 is a heat-cool chest freezer with three probes; fv2 a glycol conical."""
    data: dict[str, Any] = {
        "node": {"name": node},
        "probes": {
            "fv1_beer": {"id": "28-000000000001"},
            "fv1_chamber": {"id": "28-000000000002"},
            "room": {"id": "28-000000000003"},
            "fv2_beer": {"id": "28-000000000004"},
        },
        "outputs": {
            "fv1_heat": {"kind": "ssr", "pin": 18},
            "fv1_cool": {"kind": "relay", "pin": 17},
            "fv2_glycol": {"kind": "solenoid", "pin": 27},
        },
        "fermenters": {},
        "mqtt": {"host": "127.0.0.1", "port": port, **(mqtt or {})},
        "hydrometers": hydrometers or {},
    }
    if "fv1" in fermenters:
        data["fermenters"]["fv1"] = {
            "name": "FV1 chest freezer",
            "beer_probe": "fv1_beer",
            "chamber_probe": "fv1_chamber",
            "room_probe": "room",
            "heater": "fv1_heat",
            "cooler": "fv1_cool",
        }
    if "fv2" in fermenters:
        data["fermenters"]["fv2"] = {"rig": "glycol", "beer_probe": "fv2_beer", "valve": "fv2_glycol"}
    return parse_config(data)


def fermenter(fid: str = "fv1", **changes: Any) -> FermenterStatus:
    base = FermenterStatus(
        id=fid,
        name=fid.upper(),
        mode=Mode.BEER,
        beer_c=19.25,
        chamber_c=17.5,
        room_c=21.0,
        beer_setpoint_c=19.0,
        chamber_setpoint_c=18.0,
        outputs=(OutputStatus(role="heat", value=0.0, active=False), OutputStatus(role="cool", value=1.0, active=True)),
        updated_s=1000.0,
    )
    return base.model_copy(update=changes)


def node_status(node: str = "pi1", *fermenters: FermenterStatus, uptime_s: float = 10.0) -> NodeStatus:
    fs = fermenters or (fermenter("fv1"), fermenter("fv2", rig="glycol", outputs=()))
    return NodeStatus(node=node, version="0.1.0", uptime_s=uptime_s, fermenters={f.id: f for f in fs})


@dataclass
class FakeController:
    """The daemon's command handler, reduced to a log of what it was asked."""

    calls: list[tuple[str, Command, str]] = field(default_factory=list)

    async def __call__(self, fid: str, command: Command, source: str) -> CommandResult:
        self.calls.append((fid, command, source))
        return CommandResult(ok=True, status=fermenter(fid))


@dataclass
class Running:
    hub: Hub
    bridge: MqttBridge
    controller: FakeController
    task: asyncio.Task[None]

    async def wait_connected(self, within_s: float = 5.0) -> None:
        async with asyncio.timeout(within_s):
            await self.bridge.connected.wait()

    async def stop(self) -> None:
        if self.task.done():
            return
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


FAST = Backoff(initial_s=0.05, max_s=0.2)


@pytest.fixture
async def start_bridge() -> AsyncIterator[Callable[..., Any]]:
    """``await start_bridge(config, [hub=...], **bridge_kwargs)`` -> ``Running`` (stopped at teardown)."""
    running: list[Running] = []

    async def start(config: Config, hub: Hub | None = None, **kwargs: Any) -> Running:
        hub = hub or Hub(config.node.name)
        controller = FakeController()
        hub.set_command_handler(controller)
        kwargs.setdefault("backoff", FAST)
        bridge = MqttBridge(config, **kwargs)
        r = Running(hub, bridge, controller, asyncio.create_task(bridge.run(hub)))
        running.append(r)
        return r

    yield start
    for r in running:
        await r.stop()


async def start_daemon(
    tmp_path: Path, config_text: str, *, speed: float = 1.0, tmpdir: Path | None = None
) -> asyncio.subprocess.Process:
    """``brewctl run --simulate`` on ``config_text`` as a subprocess (state and socket in ``tmp_path``;
    its scratch folder in ``tmpdir`` if given).
    """
    config = tmp_path / "config.toml"
    config.write_text(config_text)
    env = dict(os.environ)
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "brewctl",
        "run",
        "--simulate",
        "--speed",
        str(speed),
        "--config",
        str(config),
        "--state-dir",
        str(tmp_path / "state"),
        "--socket",
        str(tmp_path / "api.sock"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
