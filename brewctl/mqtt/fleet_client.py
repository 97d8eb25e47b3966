"""A live view of every node on a broker, and remote control through it (``brewctl tui --mqtt``).

``FleetClient`` is an async context manager: it logs in like the daemon (the config's
``[mqtt]`` username, password file and TLS; an ordinary user, see the ACL in docs/mqtt.md),
reads every node's retained state, follows the updates and alerts, and offers what the TUI asks
of a daemon (``brewctl.tui.source.DataSource``) for all of them at once:

- ``status()`` merges the nodes into one ``NodeStatus``; each fermenter's id becomes
  ``<node>--<fid>`` (``fleet_id``). A node whose last will fired keeps its last state, with a
  ``controller_offline`` alarm on each fermenter.
- ``command`` publishes on ``<base>/fermenters/<fid>/command/<user>`` with an MQTT 5 response
  topic in the user's own area (``brewctl/_clients/<user>/...``) and waits for the node's reply.
- ``history``, ``events`` and ``profiles`` ask the node that owns the fermenter (MQTT 5
  request/response, ``brewctl.mqtt.history_rpc``): no node needs another's database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions
from pydantic import ValidationError

from brewctl import __version__
from brewctl.alerts.message import AlertMessage
from brewctl.errors import TransientError
from brewctl.model import COMMAND_ADAPTER, Alarm, Command, CommandResult, Event, FermenterStatus, NodeStatus
from brewctl.mqtt.fleet import OFFLINE_ALARM
from brewctl.mqtt.state import NodeInfo
from brewctl.mqtt.topics import DEFAULT_ROOT, Topics, client_area

__all__ = ["SEPARATOR", "FleetClient", "NodeView", "fleet_id", "split_fleet_id"]

log = logging.getLogger(__name__)

SEPARATOR = "--"
"""Between node and fermenter in a fleet id. Names never start with '-', so the split is unique."""


def fleet_id(node: str, fid: str) -> str:
    """``cellar--fv1``: a fermenter's id in the fleet view."""
    return f"{node}{SEPARATOR}{fid}"


def split_fleet_id(composite: str) -> tuple[str, str]:
    """``(node, fid)`` of a fleet id; ``ValueError`` if it is not one."""
    node, sep, fid = composite.rpartition(SEPARATOR)  # 'a---b' is node 'a-', fermenter 'b'
    if not sep or not node or not fid:
        raise ValueError(f"not a fleet fermenter id: {composite!r}")
    return node, fid


@dataclass
class NodeView:
    """What the broker says about one node."""

    name: str
    info: NodeInfo | None = None
    online: bool | None = None
    fermenters: dict[str, FermenterStatus] = field(default_factory=dict)
    seen_s: float = 0.0
    """Wall time of the last message from this node."""


class FleetClient:
    """Every node on one broker (use as ``async with``)."""

    def __init__(
        self,
        host: str,
        port: int = 1883,
        *,
        username: str | None = None,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
        root: str = DEFAULT_ROOT,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
        coalesce_s: float = 0.1,
    ) -> None:
        self.host, self.port = host, port
        self.username = username
        self.root = root
        self.timeout_s = timeout_s
        self.coalesce_s = coalesce_s
        self.nodes: dict[str, NodeView] = {}
        self._clock = clock
        self._area = client_area(username, root)
        self._me = username or "anonymous"
        self._client = aiomqtt.Client(
            host,
            port,
            username=username,
            password=password,
            identifier=f"brewctl-fleet-{secrets.token_hex(4)}",
            protocol=aiomqtt.ProtocolVersion.V5,
            tls_context=tls,
            timeout=timeout_s,
            socket_options=((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),),
        )
        self._replies: dict[bytes, asyncio.Future[bytes]] = {}
        self._ids: dict[str, tuple[str, str]] = {}
        self._shown: dict[str, FermenterStatus] = {}
        """Each fermenter as the fleet shows it (fleet id), copied once per message, not per merge."""
        self._changed = asyncio.Event()
        self._events: asyncio.Queue[Event] = asyncio.Queue(maxsize=200)
        self._reader: asyncio.Task[None] | None = None
        self._synced = asyncio.Event()
        self._marker = f"{self._area}/sync/{secrets.token_hex(6)}"
        self.messages = 0
        """Messages received (the benchmark reads it)."""

    # --- connection ----------------------------------------------------------------------
    async def __aenter__(self) -> FleetClient:
        try:
            await self._client.__aenter__()
            await self._client.subscribe(
                [
                    (f"{self.root}/+/status", SubscribeOptions(qos=1)),
                    (f"{self.root}/+/availability", SubscribeOptions(qos=1)),
                    (f"{self.root}/+/fermenters/+/state", SubscribeOptions(qos=1)),
                    (f"{self.root}/+/alerts", SubscribeOptions(qos=1)),
                    (f"{self._area}/#", SubscribeOptions(qos=1)),
                ]
            )
            self._reader = asyncio.create_task(self._read(), name="fleet-reader")
            await self._client.publish(self._marker, b"sync", qos=1)
            async with asyncio.timeout(self.timeout_s):  # the broker sends the marker after the retained backlog
                await self._synced.wait()
        except aiomqtt.MqttError as exc:
            await self._close()
            raise TransientError(f"MQTT broker {self.host}:{self.port}: {exc}") from None
        except TimeoutError:
            await self._close()
            raise TransientError(
                f"MQTT broker {self.host}:{self.port}: no answer within {self.timeout_s:g} s"
            ) from None
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._close()

    async def _close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
                await self._reader
            self._reader = None
        with contextlib.suppress(aiomqtt.MqttError, RuntimeError):
            await self._client.__aexit__(None, None, None)

    async def _read(self) -> None:
        try:
            await self._read_messages()
        finally:
            self._changed.set()  # wake the stream: it finds the connection gone

    async def _read_messages(self) -> None:
        async for message in self._client.messages:
            self.messages += 1
            payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
            topic = message.topic.value
            if topic.startswith(self._area + "/"):
                if topic == self._marker:
                    self._synced.set()
                    continue
                corr = getattr(message.properties, "CorrelationData", None) if message.properties else None
                waiter = self._replies.pop(bytes(corr), None) if corr is not None else None
                if waiter is not None and not waiter.done():
                    waiter.set_result(payload)
                continue
            self._take(topic.split("/"), payload)

    def _take(self, parts: list[str], payload: bytes) -> None:
        if len(parts) < 3 or parts[1].startswith("_"):
            return
        node = self.nodes.setdefault(parts[1], NodeView(parts[1]))
        with contextlib.suppress(ValidationError, ValueError):
            if len(parts) == 3 and parts[2] == "status" and payload:
                node.info = NodeInfo.model_validate_json(payload)
            elif len(parts) == 3 and parts[2] == "availability":
                node.online = payload.strip() == b"online"
            elif len(parts) == 3 and parts[2] == "alerts":
                self._alert(node.name, AlertMessage.model_validate_json(payload))
                return
            elif len(parts) == 5 and parts[2] == "fermenters" and parts[4] == "state":
                cid = fleet_id(node.name, parts[3])
                if payload:
                    f = FermenterStatus.model_validate_json(payload)
                    node.fermenters[parts[3]] = f
                    self._shown[cid] = f.model_copy(update={"id": cid, "name": f.name or parts[3]})
                    self._ids[cid] = (node.name, parts[3])
                else:  # cleared: the fermenter was removed from that node's config
                    node.fermenters.pop(parts[3], None)
                    self._shown.pop(cid, None)
            else:
                return
            node.seen_s = self._clock()
            self._changed.set()

    def _alert(self, node: str, alert: AlertMessage) -> None:
        event = Event(
            ts_s=alert.ts_s,
            fermenter=fleet_id(node, alert.fermenter) if alert.fermenter else None,
            kind="alarm" if alert.event == "raised" else "alarm_cleared",
            message=f"{node}: {alert.message}",
            data={"code": alert.code, "severity": alert.severity, "node": node},
        )
        with contextlib.suppress(asyncio.QueueFull):
            self._events.put_nowait(event)
        self._changed.set()

    def _alive(self) -> None:
        if self._reader is None or self._reader.done():
            raise TransientError(f"MQTT broker {self.host}:{self.port}: connection lost")

    # --- what the TUI reads --------------------------------------------------------------
    def split(self, composite: str) -> tuple[str, str]:
        """``(node, fid)`` of a fleet id shown by ``merged`` (exact even for ``a--b--c``)."""
        return self._ids.get(composite) or split_fleet_id(composite)

    def node_of(self, composite: str) -> NodeView | None:
        """The node a fleet fermenter id belongs to."""
        try:
            node, _ = self.split(composite)
        except ValueError:
            return None
        return self.nodes.get(node)

    def merged(self) -> NodeStatus:
        """Every node's fermenters in one status, grouped by node (sorted), with offline alarms."""
        fermenters: dict[str, FermenterStatus] = {}
        alarms: list[Alarm] = []
        for name, node in sorted(self.nodes.items()):
            offline = node.online is False
            gone = Alarm(code=OFFLINE_ALARM, severity="critical", message=f"controller {name} is offline (last will)")
            for fid in sorted(node.fermenters):
                shown = self._shown[fleet_id(name, fid)]
                if offline:
                    shown = shown.model_copy(update={"alarms": (*shown.alarms, gone)})
                fermenters[fleet_id(name, fid)] = shown
            if offline:
                alarms.append(gone)
            if node.info is not None:
                alarms += [a.model_copy(update={"message": f"{name}: {a.message}"}) for a in node.info.alarms]
        simulated = any(n.info.simulated for n in self.nodes.values() if n.info is not None)
        return NodeStatus(
            node=f"fleet of {len(self.nodes)} on {self.host}",
            version=__version__,
            simulated=simulated,
            fermenters=fermenters,
            alarms=tuple(alarms),
        )

    async def status(self) -> NodeStatus:
        self._alive()
        return self.merged()

    async def stream(self) -> AsyncIterator[NodeStatus | Event]:
        """The merged status after each change, and the nodes' alerts as events."""
        while True:
            self._alive()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5.0):  # the reader sets it on every change, and when it ends
                    await self._changed.wait()
            self._alive()
            if not self._changed.is_set():
                continue
            await asyncio.sleep(self.coalesce_s)  # a burst (every node's cycle) becomes one status
            self._changed.clear()
            while not self._events.empty():
                yield self._events.get_nowait()
            yield self.merged()

    # --- requests to a node --------------------------------------------------------------
    async def _request(self, topic: str, payload: bytes) -> bytes:
        self._alive()
        corr = secrets.token_bytes(8)
        waiter: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._replies[corr] = waiter
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        props.ResponseTopic = f"{self._area}/replies"
        props.CorrelationData = corr
        try:
            await self._client.publish(topic, payload, qos=1, properties=props)
            async with asyncio.timeout(self.timeout_s):
                return await waiter
        except aiomqtt.MqttError as exc:
            raise TransientError(f"MQTT broker {self.host}:{self.port}: {exc}") from None
        finally:
            self._replies.pop(corr, None)

    def _topics(self, node: str) -> Topics:
        return Topics(f"{self.root}/{node}")

    async def command(self, fid: str, cmd: Command) -> CommandResult:
        """Send ``cmd`` to the node that owns ``fid`` (a fleet id) and return its reply."""
        node, local = self.split(fid)
        view = self.nodes.get(node)
        if view is None or view.online is False:
            return CommandResult(ok=False, error=f"{node} is offline: nothing was sent")
        body = COMMAND_ADAPTER.dump_json(cmd)
        try:
            raw = await self._request(self._topics(node).command(local, self._me), body)
        except TimeoutError:
            return CommandResult(
                ok=False, error=f"no answer from {node} within {self.timeout_s:g} s; it may still apply it"
            )
        reply = json.loads(raw)
        reply.pop("id", None)
        result = CommandResult.model_validate(reply)
        if result.status is not None:
            result = result.model_copy(update={"status": result.status.model_copy(update={"id": fid})})
        return result

    async def _ask_history(self, node: str, local: str, request: dict[str, Any]) -> dict[str, Any]:
        try:
            raw = await self._request(self._topics(node).history(local, self._me), json.dumps(request).encode())
        except TimeoutError:
            raise TransientError(f"no answer from {node} within {self.timeout_s:g} s") from None
        body = json.loads(raw)
        if not isinstance(body, dict) or not body.get("ok"):
            error = body.get("error") if isinstance(body, dict) else body
            raise TransientError(f"{node}: {error}")
        return body

    async def history(
        self, fid: str, since_s: float, until_s: float | None = None, step_s: float | None = None
    ) -> dict[str, Any]:
        node, local = self.split(fid)
        request: dict[str, Any] = {"what": "rows", "since_s": since_s}
        if until_s is not None:
            request["until_s"] = until_s
        if step_s is not None:
            request["step_s"] = max(1.0, step_s)
        body = await self._ask_history(node, local, request)
        body["fermenter"] = fid
        return body

    async def events(self, since_s: float, until_s: float | None = None, fermenter: str | None = None) -> list[Event]:
        targets = (
            [split_fleet_id(fermenter)]
            if fermenter
            else [(name, fid) for name, n in sorted(self.nodes.items()) if n.online for fid in n.fermenters]
        )
        found: list[Event] = []
        for node, local in targets:
            request: dict[str, Any] = {"what": "events", "since_s": max(0.0, since_s)}
            if until_s is not None:
                request["until_s"] = until_s
            body = await self._ask_history(node, local, request)
            for raw in body.get("events", []):
                event = Event.model_validate(raw)
                fid = fleet_id(node, event.fermenter) if event.fermenter else None
                found.append(event.model_copy(update={"fermenter": fid}))
        return sorted(found, key=lambda e: e.ts_s)

    async def profiles(self, fermenter: str | None = None) -> list[dict[str, Any]]:
        """The profile library of the node that owns ``fermenter`` (a fleet id): only those can
        start there. None: every online node's, by name."""
        if fermenter is not None:
            owner, local = self.split(fermenter)
            view = self.nodes.get(owner)
            if view is None or view.online is False:
                raise TransientError(f"{owner} is offline: its profile library cannot be read")
            targets = [(owner, local)]
        else:
            targets = [
                (name, next(iter(n.fermenters))) for name, n in sorted(self.nodes.items()) if n.online and n.fermenters
            ]
        seen: dict[str, dict[str, Any]] = {}
        for name, local in targets:
            body = await self._ask_history(name, local, {"what": "profiles", "since_s": 0})
            for entry in body.get("profiles", []):
                if isinstance(entry, dict):
                    seen.setdefault(str(entry.get("name") or entry.get("file")), entry)
        return list(seen.values())
