"""Where brewctl looks for things by default (a light module: the CLI reads it to build its help)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_CONFIG_PATH", "DEFAULT_SOCKET_PATH"]

DEFAULT_CONFIG_PATH = Path("/etc/brewctl/config.toml")
"""The config file of an installed controller (``brewctl config init`` writes it, the service reads it)."""
DEFAULT_SOCKET_PATH = Path("/run/brewctl/brewctl.sock")
"""The daemon's local API socket unless ``node.socket_path`` says otherwise."""
