"""The recorder components a configuration asks for (the daemon adds them to its own)."""

from __future__ import annotations

from pathlib import Path

from brewctl.config import Config
from brewctl.recorder.history_component import HistoryComponent
from brewctl.service.clock import Clock
from brewctl.service.hub import Component

__all__ = ["recorder_components"]


def recorder_components(config: Config, state_dir: Path, clock: Clock | None = None) -> list[Component]:
    """The history recorder (unless ``[history] enabled = false``) and, with ``[influx]``, the writer.

    ``clock`` (the daemon's) paces the recorder's commits and retention passes.
    """
    clock = clock or Clock()
    components: list[Component] = []
    if config.history.enabled:
        components.append(HistoryComponent(state_dir, config.history, monotonic=clock.monotonic))
    if config.influx is not None:  # imported only when configured (its code, and influxdb-client's)
        from brewctl.recorder.influx import InfluxComponent

        components.append(InfluxComponent(state_dir, config.influx, node=config.node.name))
    return components
