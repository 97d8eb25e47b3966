"""The MQTT topic tree of one node (pure; documented in docs/mqtt.md).

::

    <base>/availability                   retained  "online" / "offline" (last will)
    <base>/status                         retained  NodeInfo JSON: version, uptime, node alarms, fermenter ids
    <base>/fermenters/<fid>/state         retained  FermenterStatus JSON
    <base>/fermenters/<fid>/ha            retained  HaView JSON (what Home Assistant entities read)
    <base>/fermenters/<fid>/command       in        a Command JSON
    <base>/fermenters/<fid>/command/<client>  in    the same, from MQTT user <client> (the broker's ACL
                                                    lets each user write only its own; see docs/mqtt.md)
    <base>/fermenters/<fid>/history[/<client>] in   a history request (MQTT 5 response topic + correlation data)
    <base>/fermenters/<fid>/response      out       CommandResult JSON (unless the request named a response topic)
    <base>/alerts                         out       AlertMessage JSON: an alarm raised or cleared

``<base>`` defaults to ``brewctl/<node>``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_ROOT", "Topics", "client_area", "default_base_topic"]

DEFAULT_ROOT = "brewctl"


def client_area(user: str | None, root: str = DEFAULT_ROOT) -> str:
    """``brewctl/_clients/<user>``: a client's replies and markers (the ACL gives each user its own)."""
    return f"{root}/_clients/{user or 'anonymous'}"


def default_base_topic(node: str) -> str:
    """``brewctl/<node>``: where a node publishes unless ``mqtt.base_topic`` says otherwise."""
    return f"{DEFAULT_ROOT}/{node}"


@dataclass(frozen=True)
class Topics:
    """Topic names under one node's base topic."""

    base: str
    discovery_prefix: str = "homeassistant"

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def status(self) -> str:
        return f"{self.base}/status"

    @property
    def alerts(self) -> str:
        return f"{self.base}/alerts"

    def fermenter(self, fid: str) -> str:
        return f"{self.base}/fermenters/{fid}"

    def state(self, fid: str) -> str:
        return f"{self.fermenter(fid)}/state"

    def ha(self, fid: str) -> str:
        return f"{self.fermenter(fid)}/ha"

    def command(self, fid: str, client: str | None = None) -> str:
        """The command topic; with ``client``, the one only that MQTT user may write (ACL ``%u``)."""
        return f"{self.fermenter(fid)}/command" + (f"/{client}" if client else "")

    def history(self, fid: str, client: str | None = None) -> str:
        """Where a history request for ``fid`` goes (answered on the request's response topic)."""
        return f"{self.fermenter(fid)}/history" + (f"/{client}" if client else "")

    def response(self, fid: str) -> str:
        return f"{self.fermenter(fid)}/response"

    @property
    def command_filter(self) -> str:
        """Wildcard subscription for every fermenter's command topic."""
        return f"{self.base}/fermenters/+/command"

    @property
    def client_command_filter(self) -> str:
        """Wildcard subscription for every fermenter's per-client command topics."""
        return f"{self.base}/fermenters/+/command/+"

    @property
    def history_filters(self) -> tuple[str, str]:
        """Wildcard subscriptions for history requests (plain and per client)."""
        return (f"{self.base}/fermenters/+/history", f"{self.base}/fermenters/+/history/+")

    def request(self, topic: str, kind: str = "command") -> tuple[str, str | None] | None:
        """``(fermenter id, client or None)`` if ``topic`` is a ``kind`` (command, history) topic."""
        prefix = f"{self.base}/fermenters/"
        if not topic.startswith(prefix):
            return None
        parts = topic[len(prefix) :].split("/")
        if len(parts) not in (2, 3) or parts[1] != kind or not all(parts):
            return None
        return parts[0], (parts[2] if len(parts) == 3 else None)

    def command_fermenter(self, topic: str) -> str | None:
        """The fermenter id of a command topic, or None if ``topic`` is not one."""
        found = self.request(topic)
        return found[0] if found is not None else None

    @property
    def ha_status(self) -> str:
        """Home Assistant's birth/will topic."""
        return f"{self.discovery_prefix}/status"

    def discovery(self, component: str, node: str, object_id: str) -> str:
        return f"{self.discovery_prefix}/{component}/{node}/{object_id}/config"
