"""The fault matrix reuses the real-broker fixtures of the MQTT tests."""

from __future__ import annotations

from tests.mqtt.conftest import broker, recorder, start_bridge

__all__ = ["broker", "recorder", "start_bridge"]
