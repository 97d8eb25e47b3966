"""The files a broker connection needs: the password and the CA (blocking: call in a thread).

Shared by the bridge and ``brewctl status --mqtt``. Errors are ``ConfigError`` naming the key
and the file.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from brewctl.config import MqttConfig
from brewctl.errors import ConfigError

__all__ = ["connection_files", "read_password", "tls_context"]


def read_password(path: Path) -> str:
    """The broker password: the file's first line. ``ConfigError`` names the file if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"mqtt.password_file: cannot read {path}: {exc.strerror}") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise ConfigError(f"mqtt.password_file: {path} is empty")
    return lines[0]


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """A verifying TLS context: the brewery's CA if given, else the system's CAs.

    Blocking (reads certificates): call it in a thread. ``ConfigError`` names ``mqtt.ca_file``.
    """
    try:
        return ssl.create_default_context(cafile=None if ca_file is None else str(ca_file))
    except OSError as exc:
        if isinstance(exc, ssl.SSLError):
            raise ConfigError(f"mqtt.ca_file: {ca_file} holds no usable PEM certificate ({exc.reason})") from None
        raise ConfigError(f"mqtt.ca_file: cannot read {ca_file}: {exc.strerror}") from None


def connection_files(mqtt: MqttConfig) -> tuple[str | None, ssl.SSLContext | None]:
    """The password and the TLS context the config asks for. Blocking: call it in a thread."""
    password = read_password(mqtt.password_file) if mqtt.password_file is not None else None
    return password, tls_context(mqtt.ca_file) if mqtt.tls else None
