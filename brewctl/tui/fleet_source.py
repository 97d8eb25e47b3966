"""The fleet as a data source: every node on an MQTT broker in one dashboard (``brewctl tui --mqtt``).

:class:`FleetSource` is a :data:`~brewctl.tui.source.SourceFactory` beside the local API's: each
connection is a :class:`brewctl.mqtt.fleet_client.FleetClient`, whose fermenter ids are
``<node>--<fid>``. :func:`with_groups` and :func:`show_groups` are the dashboard's only fleet
hooks: a header line per node, and an offline node's cards dimmed with the age of their last
values.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ssl
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from brewctl.mqtt.fleet_client import FleetClient, NodeView
    from brewctl.tui.fermenter_card import FermenterCard
    from brewctl.tui.source import DataSource

__all__ = ["FleetSource", "NodeHeader", "show_groups", "with_groups"]


class FleetSource:
    """Opens a :class:`FleetClient` on ``host:port`` (logging in as the config's ``[mqtt]`` user)."""

    def __init__(
        self,
        host: str,
        port: int = 1883,
        *,
        username: str | None = None,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self.host, self.port = host, port
        self._login: dict[str, Any] = {"username": username, "password": password, "tls": tls, "timeout_s": timeout_s}
        self.client: FleetClient | None = None
        """The open connection (None between two)."""

    async def prepare(self) -> None:
        """Import the MQTT client off the event loop."""
        await asyncio.to_thread(importlib.import_module, "brewctl.mqtt.fleet_client")

    def __call__(self) -> AbstractAsyncContextManager[DataSource]:
        return self._session()

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[DataSource]:
        from brewctl.mqtt.fleet_client import FleetClient

        async with FleetClient(self.host, self.port, **self._login) as client:
            self.client = client
            try:
                yield client
            finally:
                self.client = None

    def node_of(self, fid: str) -> NodeView | None:
        """The node a fleet fermenter id belongs to (None when not connected)."""
        return self.client.node_of(fid) if self.client is not None else None


class NodeHeader(Static):
    """The line above a node's cards in the fleet view."""

    DEFAULT_CSS = """
    NodeHeader { height: 1; padding: 0 1; text-style: bold; color: $accent; }
    NodeHeader.-offline { color: $text; background: $error; }
    """
    text = ""


def _fleet(app: Any) -> FleetSource | None:
    source = getattr(app, "source_factory", None)
    return source if isinstance(source, FleetSource) else None


def _header_text(node: NodeView, count: int, now_s: float) -> str:
    if node.online is False:
        since = time.strftime("%H:%M", time.localtime(node.seen_s)) if node.seen_s else "?"
        return f"■ {node.name}: OFFLINE (last will; last values from {since}, dimmed)"
    return f"■ {node.name}: {count} fermenter{'s' if count != 1 else ''}, online"


def with_groups(app: Any, cards: Sequence[FermenterCard], columns: int = 1) -> list[Widget]:
    """``cards`` with a header before each node's first card (only in the fleet view)."""
    fleet = _fleet(app)
    if fleet is None:
        return list(cards)
    out: list[Widget] = []
    last: str | None = None
    for card in cards:
        node = fleet.node_of(card.fid)
        if node is not None and node.name != last:
            header = NodeHeader("", id=f"node-{node.name}")
            header.styles.column_span = max(1, columns)
            out.append(header)
            last = node.name
        out.append(card)
    show_groups(app, cards, out)
    return out


def show_groups(app: Any, cards: Iterable[FermenterCard], headers: Iterable[Widget]) -> None:
    """Word the node headers and dim the cards of offline nodes with the age of their values."""
    fleet = _fleet(app)
    if fleet is None:
        return
    now = time.time()
    counts: dict[str, int] = {}
    for card in cards:
        node = fleet.node_of(card.fid)
        if node is None:
            continue
        counts[node.name] = counts.get(node.name, 0) + 1
        if node.online is False:
            card.set_stale(max(0.0, now - node.seen_s) if node.seen_s else 0.0)
        elif card.stale_s is not None and getattr(app, "connected", False):
            card.set_stale(None)
    for header in headers:
        if not isinstance(header, NodeHeader) or header.id is None:
            continue
        name = header.id.removeprefix("node-")
        node = fleet.client.nodes.get(name) if fleet.client is not None else None
        if node is not None:
            text = _header_text(node, counts.get(name, 0), now)
            if text != header.text:  # a relayout per status would cost every update
                header.text = text
                header.update(text)
            header.set_class(node.online is False, "-offline")
