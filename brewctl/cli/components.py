"""The daemon's optional components for a configuration (the composition root of ``brewctl run``).

``optional_components`` lists the components the configuration asks for; each engineer adding
one adds a line here. It lives above the service layer so that the daemon (``brewctl.service``)
never imports the recorder, MQTT or alerts packages that build on it: ``brewctl run`` hands the
list to the ``Daemon``.
"""

from __future__ import annotations

from pathlib import Path

from brewctl.config import Config
from brewctl.recorder.components import recorder_components
from brewctl.service.clock import Clock
from brewctl.service.hub import Component

__all__ = ["optional_components"]


def optional_components(config: Config, state_dir: Path, clock: Clock | None = None) -> list[Component]:
    """The optional components this configuration enables, each on the daemon's ``clock``
    (``--simulate --speed 60`` scales their intervals, rate limits and timestamps too).
    """
    clock = clock or Clock()
    components: list[Component] = []
    components += recorder_components(config, state_dir, clock)  # history.sqlite; InfluxDB if [influx]
    # Imported only when configured: a daemon without MQTT or Apprise keeps their libraries
    # (aiomqtt, paho) out of its memory.
    if config.mqtt is not None:
        from brewctl.mqtt.bridge import mqtt_components

        components += mqtt_components(config, state_dir, clock)
    if config.ispindel_http.enabled:
        from brewctl.mqtt.ispindel_http import ispindel_http_components

        components += ispindel_http_components(config)
    if config.alerts.apprise_urls:
        from brewctl.alerts.component import alert_components

        components += alert_components(config, clock)
    return components
