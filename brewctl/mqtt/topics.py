"""The MQTT topic tree of one node (pure; documented in docs/mqtt.md).

::

    <base>/availability                   retained  "online" / "offline" (last will)
    <base>/status                         retained  NodeInfo JSON: version, uptime, node alarms, fermenter ids
    <base>/fermenters/<fid>/state         retained  FermenterStatus JSON
    <base>/fermenters/<fid>/ha            retained  HaView JSON (what Home Assistant entities read)
    <base>/fermenters/<fid>/command       in        a Command JSON
    <base>/fermenters/<fid>/response      out       CommandResult JSON (unless the request named a response topic)
    <base>/alerts                         out       AlertMessage JSON: an alarm raised or cleared

``<base>`` defaults to ``brewctl/<node>``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_ROOT", "Topics", "default_base_topic"]

DEFAULT_ROOT = "brewctl"


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

    def command(self, fid: str) -> str:
        return f"{self.fermenter(fid)}/command"

    def response(self, fid: str) -> str:
        return f"{self.fermenter(fid)}/response"

    @property
    def command_filter(self) -> str:
        """Wildcard subscription for every fermenter's command topic."""
        return f"{self.base}/fermenters/+/command"

    def command_fermenter(self, topic: str) -> str | None:
        """The fermenter id of a command topic, or None if ``topic`` is not one."""
        prefix = f"{self.base}/fermenters/"
        if not topic.startswith(prefix) or not topic.endswith("/command"):
            return None
        fid = topic[len(prefix) : -len("/command")]
        return fid if fid and "/" not in fid else None

    @property
    def ha_status(self) -> str:
        """Home Assistant's birth/will topic."""
        return f"{self.discovery_prefix}/status"

    def discovery(self, component: str, node: str, object_id: str) -> str:
        return f"{self.discovery_prefix}/{component}/{node}/{object_id}/config"
