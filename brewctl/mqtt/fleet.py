"""Every node's fermenters, read from the broker's retained state (``brewctl status --mqtt``).

Several controllers can share one broker; each keeps its retained documents under
``brewctl/<node>``. ``fleet_status`` subscribes to all of them, waits until the broker has
sent every retained message (it publishes a marker to itself: the broker delivers it after
the retained backlog), and returns one ``NodeStatus`` per node. A node whose last will says
``offline`` keeps its last state, with a ``controller_offline`` alarm on each fermenter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import ssl
import time
from dataclasses import dataclass, field

import aiomqtt
from pydantic import ValidationError

from brewctl.config import MqttConfig
from brewctl.errors import TransientError, UserError
from brewctl.model import Alarm, FermenterStatus, NodeStatus
from brewctl.mqtt.credentials import connection_files
from brewctl.mqtt.state import NodeInfo
from brewctl.mqtt.topics import DEFAULT_ROOT, client_area
from brewctl.units import format_duration

__all__ = ["OFFLINE_ALARM", "fleet_status", "format_fleet", "parse_broker", "read_fleet"]

log = logging.getLogger(__name__)

OFFLINE_ALARM = "controller_offline"


@dataclass
class _Node:
    info: NodeInfo | None = None
    online: bool | None = None
    fermenters: dict[str, FermenterStatus] = field(default_factory=dict)


async def fleet_status(
    host: str,
    port: int = 1883,
    *,
    timeout_s: float = 5.0,
    root: str = DEFAULT_ROOT,
    username: str | None = None,
    password: str | None = None,
    tls: ssl.SSLContext | None = None,
) -> list[NodeStatus]:
    """All retained node states under ``<root>/+``, sorted by node name.

    ``TransientError`` if the broker cannot be reached within ``timeout_s``.
    """
    marker = f"{client_area(username, root)}/sync/{secrets.token_hex(6)}"
    nodes: dict[str, _Node] = {}
    try:
        async with asyncio.timeout(timeout_s):
            async with aiomqtt.Client(
                host,
                port,
                username=username,
                password=password,
                identifier=f"brewctl-fleet-{secrets.token_hex(4)}",
                tls_context=tls,
                timeout=timeout_s,
                socket_options=((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),),
            ) as client:
                await client.subscribe(
                    [
                        (f"{root}/+/status", 1),
                        (f"{root}/+/availability", 1),
                        (f"{root}/+/fermenters/+/state", 1),
                        (marker, 1),
                    ]
                )
                await client.publish(marker, b"sync", qos=1)
                async for message in client.messages:
                    topic = message.topic.value
                    if topic == marker:
                        break
                    payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
                    _take(nodes, topic.split("/"), payload)
    except aiomqtt.MqttError as exc:
        raise TransientError(f"MQTT broker {host}:{port}: {exc}") from None
    except TimeoutError:
        if not nodes:
            raise TransientError(f"MQTT broker {host}:{port}: no answer within {timeout_s:g} s") from None
        log.warning("fleet: the broker did not confirm the end of the retained state; showing what arrived")
    now_s = time.time()
    return [_node_status(name, n, now_s) for name, n in sorted(nodes.items())]


def parse_broker(spec: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``[IPv6]`` or ``[IPv6]:PORT`` -> ``(host, port)`` (default 1883)."""
    host, port_text = spec, ""
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise UserError(f"--mqtt: cannot read {spec!r} (expected HOST, HOST:PORT or [IPv6]:PORT)")
        port_text = rest[1:]
    elif spec.count(":") == 1:
        host, _, port_text = spec.partition(":")
    try:
        port = int(port_text) if port_text else 1883
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise UserError(f"--mqtt: bad port in {spec!r} (expected HOST, HOST:PORT or [IPv6]:PORT)")
    if not host:
        raise UserError(f"--mqtt: no host in {spec!r} (expected HOST, HOST:PORT or [IPv6]:PORT)")
    return host, port


def read_fleet(spec: str, mqtt: MqttConfig | None = None, *, timeout_s: float = 5.0) -> list[NodeStatus]:
    """``brewctl status --mqtt SPEC``: every node on that broker, logging in like the daemon does.

    ``mqtt`` (the config's ``[mqtt]`` section, if any) gives the username, password file and
    TLS settings; ``SPEC`` gives the host and port. ``UserError`` for anything the brewer must fix.
    """
    host, port = parse_broker(spec)
    password, tls = connection_files(mqtt) if mqtt is not None else (None, None)
    username = mqtt.username if mqtt is not None else None
    try:
        return asyncio.run(fleet_status(host, port, timeout_s=timeout_s, username=username, password=password, tls=tls))
    except TransientError as exc:
        raise UserError(f"--mqtt {spec}: {exc}") from None


def _take(nodes: dict[str, _Node], parts: list[str], payload: bytes) -> None:
    if len(parts) < 3:
        return
    node = nodes.setdefault(parts[1], _Node())
    with contextlib.suppress(ValidationError, ValueError):
        if len(parts) == 3 and parts[2] == "status":
            node.info = NodeInfo.model_validate_json(payload)
        elif len(parts) == 3 and parts[2] == "availability":
            node.online = payload.strip() == b"online"
        elif len(parts) == 5 and parts[2] == "fermenters" and parts[4] == "state":
            node.fermenters[parts[3]] = FermenterStatus.model_validate_json(payload)


def _node_status(name: str, n: _Node, now_s: float) -> NodeStatus:
    fermenters = dict(sorted(n.fermenters.items()))
    if n.online is False:
        offline = Alarm(code=OFFLINE_ALARM, severity="critical", message=f"controller {name} is offline (last will)")
        fermenters = {fid: f.model_copy(update={"alarms": (*f.alarms, offline)}) for fid, f in fermenters.items()}
    info = n.info
    uptime_s = 0.0
    if info is not None:
        # The node document is republished on change or every state_interval_s: extrapolate.
        uptime_s = info.uptime_s + (max(0.0, now_s - info.updated_s) if n.online and info.updated_s else 0.0)
    return NodeStatus(
        node=info.node if info else name,
        version=info.version if info else "?",
        uptime_s=uptime_s,
        simulated=info.simulated if info else False,
        fermenters=fermenters,
        alarms=info.alarms if info else (),  # outbox full, a watched node offline, ...
    )


def _c(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_fleet(nodes: list[NodeStatus]) -> str:
    """A plain table: one line per fermenter of every node."""
    header = ("NODE", "FERMENTER", "MODE", "BEER", "SET", "CHAMBER", "OUTPUTS", "PROFILE", "ALARMS")
    rows: list[tuple[str, ...]] = [header]
    for n in nodes:
        if not n.fermenters:
            rows.append((n.node, "-", "", "", "", "", "", "", ""))
        for fid, f in n.fermenters.items():
            outputs = " ".join(f"{o.role}:{o.value * 100:.0f}%" for o in f.outputs if o.active) or "idle"
            profile = ""
            if f.profile is not None:
                left = "" if f.profile.eta_s is None else f", {format_duration(f.profile.eta_s)} left"
                profile = f"{f.profile.name} {f.profile.step_index + 1}/{f.profile.step_count}{left}"
            alarms = ",".join(a.code for a in f.alarms)
            rows.append(
                (
                    n.node,
                    fid,
                    f.mode.value,
                    _c(f.beer_c),
                    _c(f.beer_setpoint_c),
                    _c(f.chamber_c),
                    outputs,
                    profile,
                    alarms,
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
