"""The MQTT bridge: a daemon component between the hub and a broker.

Out: retained node and fermenter state (on change and every ``state_interval_s``),
availability with a last will, alarm alerts, Home Assistant discovery. In: commands (validated,
answered on a response topic), Home Assistant's birth message, hydrometer readings.

The bridge owns its reconnect loop (aiomqtt's recipe): a lost or unreachable broker is logged,
retried with backoff and, after ``alarm_after_s``, raised as a node alarm. Nothing here can
block the control loop: statuses reach the bridge through a latest-wins subscription.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import math
import random
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from brewctl import __version__
from brewctl.alerts.message import AlertMessage, alert_message
from brewctl.alerts.tracker import AlertTracker, standing_alarms
from brewctl.atomic import write_atomic
from brewctl.backoff import Backoff
from brewctl.config import Config, MqttConfig
from brewctl.errors import ConfigError
from brewctl.model import Alarm, Command, CommandResult, NodeStatus
from brewctl.mqtt import history_rpc
from brewctl.mqtt.commands import RecentCommands, echo_id, parse_command
from brewctl.mqtt.credentials import connection_files
from brewctl.mqtt.discovery import discovery_documents, retained_topics, stale_topics
from brewctl.mqtt.hydrometer import hydrometer_routes, read_gravity
from brewctl.mqtt.state import PublishGate, fingerprint, ha_view, node_info
from brewctl.mqtt.topics import DEFAULT_ROOT, Topics, default_base_topic
from brewctl.mqtt.unreachable import UnreachableTimer
from brewctl.recorder.history import HistoryStore
from brewctl.service.clock import Clock
from brewctl.service.hub import Hub
from brewctl.userfiles import read_regular_file

__all__ = ["CONFIG_ALARM", "UNREACHABLE_ALARM", "MqttBridge", "mqtt_components", "peer_alarm_code"]

log = logging.getLogger(__name__)

UNREACHABLE_ALARM = "mqtt_unreachable"
CONFIG_ALARM = "mqtt_config"
"""A connection file (``password_file``, ``ca_file``) is missing or unusable."""
DEFAULT_BACKOFF = Backoff()
ALERT_QUEUE = 200
"""Alerts kept while the broker does not take them (the oldest go first beyond this)."""
COMMAND_SUBSCRIPTION = SubscribeOptions(
    qos=1, retainAsPublished=True, retainHandling=SubscribeOptions.RETAIN_DO_NOT_SEND
)
"""Commands: a live message keeps its publisher's retain flag (so a retained command is seen as
such and refused), and the broker never replays a retained command at (re)connect."""
RETAINED_FILE = "mqtt-retained.json"
"""In the state dir: every retained topic this node published, to clear the ones that go away."""
MAX_INCOMING_BYTES = 256 << 10
"""MQTT 5 maximum packet size the bridge announces: the broker never sends it a larger message
(it drops it). Commands are refused past 4 KiB anyway; without this a broker user could make the
daemon buffer 60 MB messages (400 MB of memory for three) and have it killed for memory."""
RETAINED_FILE_MAX_BYTES = 4 << 20
"""A larger ``mqtt-retained.json`` is not this node's (a few hundred topics are a few KiB)."""


def _honour_cancellation() -> None:
    """Re-raise a cancellation that ``asyncio.wait_for`` (used inside aiomqtt) swallowed.

    On Python 3.11, when a publish is confirmed in the same loop turn as the task is
    cancelled, ``wait_for`` returns the result and drops the ``CancelledError``; the task
    still counts the request in ``cancelling()``. Loops call this after such awaits.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class MqttBridge:
    """The ``mqtt`` component. Build it with the whole config (fermenters and hydrometers
    matter too) and, for the list of retained topics it announced, the daemon's state dir.

    ``clock`` (monotonic) and ``wall_clock`` are the daemon's; ``speed`` is how much faster than
    real time they run (``--simulate --speed``): the republish interval, the unreachable-alarm
    delay and alert timestamps follow the daemon's time. Reconnect backoff stays in real time
    (the broker is real).
    """

    name = "mqtt"

    def __init__(
        self,
        config: Config,
        state_dir: Path | None = None,
        *,
        backoff: Backoff = DEFAULT_BACKOFF,
        alarm_after_s: float = 120.0,
        command_timeout_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        speed: float = 1.0,
    ) -> None:
        if config.mqtt is None:
            raise ValueError("MqttBridge needs an [mqtt] section")
        self.config = config
        self.mqtt: MqttConfig = config.mqtt
        self.node = config.node.name
        self.topics = Topics(self.mqtt.base_topic or default_base_topic(self.node), self.mqtt.discovery_prefix)
        self.state_dir = state_dir
        self.backoff = backoff
        self.alarm_after_s = alarm_after_s
        self.command_timeout_s = command_timeout_s
        self._clock = clock
        self._wall = wall_clock
        self._speed = speed
        self._gate = PublishGate(self.mqtt.state_interval_s)
        self._alerts = AlertTracker(min_interval_s=0.0)
        self._alert_queue: collections.deque[AlertMessage] = collections.deque(maxlen=ALERT_QUEUE)
        self._recent = RecentCommands()
        self._routes = hydrometer_routes(config.hydrometers)
        self._gravity_stale_s: dict[str, float] = {}
        for h in config.hydrometers.values():
            self._gravity_stale_s[h.fermenter] = min(h.stale_after_s, self._gravity_stale_s.get(h.fermenter, math.inf))
        self._retained_memory: set[str] = set()
        self._profiles_announced: frozenset[str] = frozenset()
        """Fermenters whose climate entity was last announced with ``auto`` (a profile loaded)."""
        self._pending: set[asyncio.Task[CommandResult]] = set()
        self.connected = asyncio.Event()
        """Set while connected, subscribed and announced (tests and the API may watch it)."""

    # --- the reconnect loop ------------------------------------------------------------
    async def run(self, hub: Hub) -> None:
        timer = UnreachableTimer(lambda: self._raise_unreachable(hub), self.alarm_after_s)
        try:
            await self._run(hub, timer)
        finally:
            timer.cancel()

    def _raise_unreachable(self, hub: Hub) -> None:
        hub.raise_alarm(
            Alarm(
                code=UNREACHABLE_ALARM,
                severity="warning",
                message=f"MQTT broker {self.mqtt.host}:{self.mqtt.port} unreachable; retrying",
                since_s=self._wall(),
            )
        )

    async def _run(self, hub: Hub, timer: UnreachableTimer) -> None:
        if self.mqtt.ca_file is not None and not self.mqtt.tls:
            log.warning("mqtt: mqtt.ca_file is set but mqtt.tls is false: connecting WITHOUT TLS (set tls = true)")
        attempt = 0
        down_since = self._clock()
        timer.down()
        while True:
            try:
                # Read at every attempt: a brewer who fixes the file needs no restart.
                password, tls = await asyncio.to_thread(connection_files, self.mqtt)
            except ConfigError as exc:
                self._config_problem(hub, str(exc))
                _honour_cancellation()
                await asyncio.sleep(self.backoff.delay(attempt, random.random()))
                attempt += 1
                continue
            self._config_problem(hub, None)
            # A fresh client per attempt: aiomqtt 2.x keeps a stale "connected" state in a
            # client whose connection dropped, so reusing it can skip waiting for CONNACK.
            client = self._client(password, tls)
            try:
                async with client:
                    _honour_cancellation()  # a stop that came as the broker said CONNACK (wait_for on 3.11)
                    attempt = 0
                    timer.up()
                    hub.clear_alarm(UNREACHABLE_ALARM)
                    log.info("mqtt: connected to %s:%d", self.mqtt.host, self.mqtt.port)
                    try:
                        await self._session(client, hub)
                    finally:
                        self.connected.clear()
                        down_since = self._clock()
                        timer.down()
                        await self._say_offline(client)
            except aiomqtt.MqttError as exc:
                log.warning("mqtt: %s:%d: %s", self.mqtt.host, self.mqtt.port, str(exc))  # str: keep no traceback alive
            if self._clock() - down_since >= self.alarm_after_s:
                self._raise_unreachable(hub)
            _honour_cancellation()
            delay = self.backoff.delay(attempt, random.random())
            attempt += 1
            await asyncio.sleep(delay)

    def _config_problem(self, hub: Hub, problem: str | None) -> None:
        """Raise (once, logged without a traceback) or clear the ``mqtt_config`` node alarm."""
        standing = any(a.code == CONFIG_ALARM for a in hub.node_alarms)
        if problem is None:
            if standing:
                log.info("mqtt: the connection files are readable again")
                hub.clear_alarm(CONFIG_ALARM)
            return
        if not any(a.code == CONFIG_ALARM and a.message.startswith(problem) for a in hub.node_alarms):
            log.error("mqtt: %s; no connection until it is fixed (retrying)", problem)
        message = f"{problem}; MQTT stays down until it is fixed (retrying)"
        hub.raise_alarm(Alarm(code=CONFIG_ALARM, severity="warning", message=message, since_s=self._wall()))

    def _client(self, password: str | None, tls: ssl.SSLContext | None) -> aiomqtt.Client:
        connect = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        connect.MaximumPacketSize = MAX_INCOMING_BYTES
        return aiomqtt.Client(
            self.mqtt.host,
            self.mqtt.port,
            username=self.mqtt.username,
            password=password,
            identifier=f"brewctl-{self.node}",
            protocol=aiomqtt.ProtocolVersion.V5,
            will=aiomqtt.Will(self.topics.availability, b"offline", qos=1, retain=True),
            keepalive=30,
            tls_context=tls,
            timeout=10,
            # Small messages both ways: without this, Nagle + delayed ACK add ~40 ms per reply.
            socket_options=((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),),
            properties=connect,
        )

    async def _say_offline(self, client: aiomqtt.Client) -> None:
        """On a clean stop, say what the last will would have said."""
        with contextlib.suppress(aiomqtt.MqttError, TimeoutError):
            await client.publish(self.topics.availability, b"offline", qos=1, retain=True, timeout=2)

    async def _session(self, client: aiomqtt.Client, hub: Hub) -> None:
        await client.publish(self.topics.availability, b"online", qos=1, retain=True)
        subscriptions = [
            (self.topics.command_filter, COMMAND_SUBSCRIPTION),
            (self.topics.client_command_filter, COMMAND_SUBSCRIPTION),
            *((f, COMMAND_SUBSCRIPTION) for f in self.topics.history_filters),
        ]
        if self.mqtt.discovery:
            subscriptions.append((self.topics.ha_status, SubscribeOptions(qos=1)))
        subscriptions += [(topic, SubscribeOptions(qos=0)) for topic in self._routes]
        if self.mqtt.watch_nodes:
            subscriptions.append((f"{DEFAULT_ROOT}/+/availability", SubscribeOptions(qos=1)))
        await client.subscribe(subscriptions)
        await self._announce(client, hub)
        self._gate.reset()
        _honour_cancellation()  # the publishes and the subscription above wait with wait_for
        self.connected.set()
        # Two loops until one fails (the connection dropped). Not a TaskGroup: on 3.11 a failed
        # child leaves the parent task's cancelling() count raised, and ``run`` relies on it.
        tasks = {
            asyncio.create_task(self._publish_loop(client, hub), name="mqtt-publish"),
            asyncio.create_task(self._receive_loop(client, hub), name="mqtt-receive"),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            task.result()  # re-raise the MqttError that ended the session

    # --- out: state, alerts, discovery -------------------------------------------------
    async def _publish_loop(self, client: aiomqtt.Client, hub: Hub) -> None:
        tick_s = max(1.0, self.mqtt.state_interval_s / 4) / self._speed  # real seconds
        with hub.subscribe_status() as statuses:
            while True:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(tick_s):
                        await anext(statuses)
                if hub.latest is not None:
                    await self.publish_status(client, hub, hub.latest)
                _honour_cancellation()

    async def publish_status(self, client: aiomqtt.Client, hub: Hub, status: NodeStatus) -> None:
        """Publish what changed (or is due) in ``status``, and the alerts it implies."""
        now = self._clock()
        info = node_info(status, hub.node_alarms, self._wall())
        digest = info.model_dump_json(exclude={"uptime_s", "updated_s"})
        if self._gate.due("", digest, now):
            await client.publish(self.topics.status, info.model_dump_json(), qos=1, retain=True)
            self._gate.sent("", digest, now)
        for fid, f in status.fermenters.items():
            digest = fingerprint(f)
            if not self._gate.due(fid, digest, now):
                continue
            await client.publish(self.topics.state(fid), f.model_dump_json(), qos=1, retain=True)
            view = ha_view(f, self._gravity_stale_s.get(fid))
            await client.publish(self.topics.ha(fid), view.model_dump_json(), qos=1, retain=True)
            self._gate.sent(fid, digest, now)
        if self.mqtt.discovery and _profiles_loaded(status) != self._profiles_announced:
            await self._announce_climates(client, hub, status)
        for notice in self._alerts.update(standing_alarms(status, hub.node_alarms), now):
            self._alert_queue.append(alert_message(self.node, notice, self._wall()))
        # Dequeued only once the broker took it: a connection lost mid-way loses no alert.
        while self._alert_queue:
            await client.publish(self.topics.alerts, self._alert_queue[0].model_dump_json(), qos=1)
            self._alert_queue.popleft()

    def _discovery(self, hub: Hub, profiles_loaded: frozenset[str]) -> dict[str, dict[str, Any]]:
        version = hub.latest.version if hub.latest is not None else __version__
        ha_client = self.mqtt.ha_client if self.mqtt.command_clients else None
        return discovery_documents(
            self.node,
            version,
            self.topics,
            self.config.fermenters,
            self.config.hydrometers,
            profiles_loaded,
            command_client=ha_client,
            chillers=self.config.chillers,
        )

    async def _announce_climates(self, client: aiomqtt.Client, hub: Hub, status: NodeStatus) -> None:
        """A profile was loaded or unloaded somewhere: announce those climates with the modes they have now."""
        loaded = _profiles_loaded(status)
        changed = loaded ^ self._profiles_announced
        docs = self._discovery(hub, loaded)
        for fid in sorted(changed):
            topic = self.topics.discovery("climate", self.node, fid)
            if topic in docs:
                await client.publish(topic, json.dumps(docs[topic]), qos=1, retain=True)
        self._profiles_announced = loaded

    async def _announce(self, client: aiomqtt.Client, hub: Hub) -> None:
        """Publish discovery (if enabled) and clear retained topics of fermenters that are gone."""
        docs: dict[str, dict[str, Any]] = {}
        if self.mqtt.discovery:
            loaded = _profiles_loaded(hub.latest) if hub.latest is not None else frozenset()
            docs = self._discovery(hub, loaded)
            self._profiles_announced = loaded
        current = retained_topics(self.topics, self.config.fermenters, docs)
        previous = await asyncio.to_thread(self._load_retained)
        for topic in stale_topics(previous, current):
            log.info("mqtt: clearing %s (no longer configured)", topic)
            await client.publish(topic, b"", qos=1, retain=True)
        for topic, doc in docs.items():
            await client.publish(topic, json.dumps(doc), qos=1, retain=True)
        try:
            await asyncio.to_thread(self._save_retained, current)
        except OSError as exc:  # next time, gone fermenters may then linger: worth a log, not a crash
            log.warning("mqtt: cannot save the retained-topic list in %s: %s", self.state_dir, exc)

    def _retained_path(self) -> Path | None:
        return None if self.state_dir is None else self.state_dir / RETAINED_FILE

    def _load_retained(self) -> set[str]:
        path = self._retained_path()
        if path is None:
            return set(self._retained_memory)
        try:
            # Never blocks on a FIFO, bounded; a hostile file (200,000 nested ``[``) must not
            # stop MQTT at every reconnect (RecursionError).
            data = json.loads(read_regular_file(path, RETAINED_FILE_MAX_BYTES))
            return {str(t) for t in data["topics"]}
        except FileNotFoundError:
            return set()
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            log.warning("mqtt: ignoring unreadable %s: %s", path, exc)
            return set()

    def _save_retained(self, topics: set[str]) -> None:
        self._retained_memory = set(topics)
        path = self._retained_path()
        if path is None:
            return
        write_atomic(path, json.dumps({"topics": sorted(topics)}, indent=1))

    # --- in: commands, HA birth, hydrometers ---------------------------------------------
    async def _receive_loop(self, client: aiomqtt.Client, hub: Hub) -> None:
        async for message in client.messages:
            topic = message.topic.value
            payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
            command = self.topics.request(topic, "command")
            history = self.topics.request(topic, "history")
            if command is not None:
                await self._command(client, hub, command, payload, message)
            elif history is not None:
                await self._history(client, hub, history, payload, message)
            elif topic == self.topics.ha_status:
                if payload.strip() == b"online":
                    log.info("mqtt: Home Assistant is online; announcing again")
                    await self._announce(client, hub)
            elif topic in self._routes:
                self._gravity(hub, topic, payload)
            elif self.mqtt.watch_nodes and topic.endswith("/availability"):
                self._peer(hub, topic, payload)
            _honour_cancellation()

    def _refusal(self, who: str | None) -> str | None:
        """Why a request from MQTT user ``who`` (None: the plain topic) is refused, or None."""
        allowed = self.mqtt.command_clients
        if not allowed:
            return None
        if who is None:
            return (
                f"client: {self.node} takes commands only from its configured clients, "
                f"on {self.topics.base}/fermenters/<fid>/command/<mqtt user>"
            )
        if who not in allowed:
            return f"client: {who!r} may not command {self.node} (mqtt.command_clients)"
        return None

    async def _command(
        self,
        client: aiomqtt.Client,
        hub: Hub,
        request: tuple[str, str | None],
        payload: bytes,
        message: aiomqtt.Message,
    ) -> None:
        fid, who = request
        if message.retain and not payload:
            return  # ``mosquitto_pub -r -n``: a retained command being cleared, not a command
        command_id = _raw_id(payload)
        known = set(self.config.fermenters) | set(hub.latest.fermenters if hub.latest else ())
        refusal = self._refusal(who)
        if refusal is not None:
            result = CommandResult(ok=False, error=refusal)
        elif message.retain:
            clear = f"mosquitto_pub -r -n -t {message.topic.value}"
            result = CommandResult(
                ok=False, error=f"retain: commands must not be retained (refused; clear it: {clear})"
            )
        elif fid not in known:
            result = CommandResult(ok=False, error=f"fermenter: no fermenter named {fid!r} on {self.node}")
        else:
            parsed = parse_command(payload)
            if isinstance(parsed, str):
                result = CommandResult(ok=False, error=parsed)
            else:
                command_id = parsed.id
                earlier = self._recent.get(fid, parsed.id)
                if earlier is not None:
                    result = earlier
                else:
                    result = await self._apply(hub, fid, parsed)
        if not result.ok:
            log.info("mqtt: command for %s refused: %s", fid, result.error)
        await self._reply(client, fid, command_id, result, message)

    async def _history(
        self,
        client: aiomqtt.Client,
        hub: Hub,
        request: tuple[str, str | None],
        payload: bytes,
        message: aiomqtt.Message,
    ) -> None:
        """Answer a history request on its MQTT 5 response topic (there is nowhere else to answer)."""
        fid, who = request
        props = message.properties
        response_topic = getattr(props, "ResponseTopic", None) if props is not None else None
        if not response_topic or (message.retain and not payload):
            return
        refusal = self._refusal(who)
        known = set(self.config.fermenters) | set(hub.latest.fermenters if hub.latest else ())
        if refusal is not None:
            body = json.dumps({"ok": False, "error": refusal}).encode()
        elif fid not in known:
            body = json.dumps({"ok": False, "error": f"fermenter: no fermenter named {fid!r} on {self.node}"}).encode()
        else:
            store = hub.extra.get("history")
            lister = getattr(hub.extra.get("daemon"), "list_profiles", None)
            body = await history_rpc.answer(store if isinstance(store, HistoryStore) else None, fid, payload, lister)
        reply = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        correlation = getattr(props, "CorrelationData", None)
        if correlation is not None:
            reply.CorrelationData = correlation
        await client.publish(str(response_topic), body, qos=1, properties=reply)

    async def _apply(self, hub: Hub, fid: str, command: Command) -> CommandResult:
        """Hand a valid command to the controller. A slow handler is not cancelled half-way
        (it finishes in the background); the sender is told it did not answer in time.
        """
        task = asyncio.create_task(hub.command(fid, command, "mqtt"))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        try:
            async with asyncio.timeout(self.command_timeout_s):
                result = await asyncio.shield(task)
        except TimeoutError:
            return CommandResult(ok=False, error="the controller did not answer in time; it may still apply it")
        except Exception as exc:  # a bug in the handler must not take the bridge down
            log.exception("mqtt: command %s for %s failed", command.kind, fid)
            return CommandResult(ok=False, error=f"internal error: {type(exc).__name__}")
        self._recent.put(fid, command.id, result)
        return result

    async def _reply(
        self,
        client: aiomqtt.Client,
        fid: str,
        command_id: str | None,
        result: CommandResult,
        message: aiomqtt.Message,
    ) -> None:
        body = result.model_dump(mode="json")
        body["id"] = command_id
        topic = self.topics.response(fid)
        props = None
        request = message.properties
        response_topic = getattr(request, "ResponseTopic", None) if request is not None else None
        if response_topic:
            topic = str(response_topic)
            correlation = getattr(request, "CorrelationData", None)
            if correlation is not None:
                props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
                props.CorrelationData = correlation
        await client.publish(topic, json.dumps(body), qos=1, properties=props)

    def _peer(self, hub: Hub, topic: str, payload: bytes) -> None:
        """Another node's availability: its last will raises an alarm here, 'online' clears it."""
        parts = topic.split("/")
        if len(parts) != 3 or parts[0] != DEFAULT_ROOT or parts[1] == self.node:
            return
        peer = parts[1]
        if "*" not in self.mqtt.watch_nodes and peer not in self.mqtt.watch_nodes:
            return
        code = peer_alarm_code(peer)
        if payload.strip() == b"offline":
            message = f"controller {peer} is offline (its last will, seen by {self.node})"
            hub.raise_alarm(Alarm(code=code, severity="critical", message=message, since_s=self._wall()))
        elif payload.strip() == b"online":
            hub.clear_alarm(code)

    def _gravity(self, hub: Hub, topic: str, payload: bytes) -> None:
        for route in self._routes[topic]:
            try:
                sg = read_gravity(route, payload)
            except ValueError as exc:
                log.warning("mqtt: hydrometer %s on %s: %s (ignored)", route.hydrometer, topic, exc)
                continue
            hub.feed_gravity(route.fermenter, sg, f"hydrometer:{route.hydrometer}")


def _profiles_loaded(status: NodeStatus) -> frozenset[str]:
    return frozenset(fid for fid, f in status.fermenters.items() if f.profile is not None)


def peer_alarm_code(node: str) -> str:
    """The node alarm raised here when a watched node goes offline."""
    return f"node_{node}_offline"


def _raw_id(payload: bytes) -> str | None:
    """The ``id`` of a command that failed validation, if one can be read (to echo it)."""
    return echo_id(payload)


def mqtt_components(config: Config, state_dir: Path, clock: Clock | None = None) -> list[MqttBridge]:
    """The MQTT bridge, if the config has an ``[mqtt]`` section (for ``optional_components``)."""
    if config.mqtt is None:
        return []
    clock = clock or Clock()
    return [MqttBridge(config, state_dir, clock=clock.monotonic, wall_clock=clock.wall, speed=clock.speed)]
