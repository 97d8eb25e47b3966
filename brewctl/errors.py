"""One exception root for brewctl.

``UserError`` and its subclasses are mistakes in what a person gave us (a config file, a
profile, a command): the CLI prints their message and exits 2, without a traceback.
``TransientError`` is worth a retry (a probe CRC error, a broker that is down).
``FatalError`` means the controller cannot go on safely: outputs go off.
"""

from __future__ import annotations

__all__ = [
    "BrewctlError",
    "CommandError",
    "ConfigError",
    "FatalError",
    "ProfileError",
    "TransientError",
    "UserError",
]


class BrewctlError(Exception):
    """Root of every error brewctl raises on purpose."""


class TransientError(BrewctlError):
    """A passing fault: retry later (probe CRC error, unreachable server)."""


class FatalError(BrewctlError):
    """The controller cannot continue safely: every output goes off."""


class UserError(BrewctlError):
    """Bad input from a person. The message names the file, line or field."""


class ConfigError(UserError):
    """The configuration file is invalid."""


class ProfileError(UserError):
    """A fermentation profile or recipe file is invalid or cannot be imported."""


class CommandError(UserError):
    """A command (API, MQTT, CLI) is invalid; nothing was changed."""
