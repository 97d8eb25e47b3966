"""MQTT: telemetry, remote control, Home Assistant discovery, hydrometers, fleet view."""

from brewctl.mqtt.bridge import MqttBridge
from brewctl.mqtt.fleet import fleet_status, format_fleet
from brewctl.mqtt.topics import Topics, default_base_topic

__all__ = ["MqttBridge", "Topics", "default_base_topic", "fleet_status", "format_fleet"]
