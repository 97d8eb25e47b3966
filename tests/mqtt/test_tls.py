"""TLS to the broker: a private CA (made here with openssl) and mosquitto's TLS listener."""

from __future__ import annotations

import gc
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brewctl.errors import ConfigError
from brewctl.mqtt.bridge import CONFIG_ALARM, UNREACHABLE_ALARM
from brewctl.mqtt.credentials import tls_context
from tests.mqtt.conftest import Broker, free_port, make_config, until

TLS_FILES = {"cafile": "ca.crt", "certfile": "server.crt", "keyfile": "server.key"}


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[Broker]:
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    # Python 3.13 verifies strictly (VERIFY_X509_STRICT): a CA needs keyUsage, a leaf its key identifiers.
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test CA",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=tmp_path,
    )  # fmt: skip
    _openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=tmp_path)
    (tmp_path / "san.cnf").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "1", "-extfile", "san.cnf",
        cwd=tmp_path,
    )  # fmt: skip
    b = Broker(
        port=free_port(),
        workdir=tmp_path,
        extra_config="\n".join(f"{key} {tmp_path / name}" for key, name in TLS_FILES.items()),
    )
    b.start()
    try:
        yield b
    finally:
        b.stop()


async def test_tls_with_the_brewery_ca(tls_broker: Broker, start_bridge: Any) -> None:
    ca = tls_broker.workdir / "ca.crt"
    r = await start_bridge(make_config(tls_broker.port, mqtt={"tls": True, "ca_file": str(ca)}))
    await r.wait_connected()


# paho-mqtt does not close the socket of a failed TLS handshake; the garbage collector does
# (each attempt uses a fresh client), with a ResourceWarning we collect here, not at exit.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_tls_refuses_a_server_it_cannot_verify(tls_broker: Broker, start_bridge: Any) -> None:
    # No ca_file: the system's CAs do not know our private CA, so the handshake must fail.
    r = await start_bridge(make_config(tls_broker.port, mqtt={"tls": True}), alarm_after_s=0.0)
    await until(lambda: any(a.code == UNREACHABLE_ALARM for a in r.hub.node_alarms))
    assert not r.bridge.connected.is_set() and not r.task.done()
    await r.stop()
    gc.collect()


def test_an_unusable_ca_file_is_named(tmp_path: Path) -> None:
    not_pem = tmp_path / "ca.crt"
    not_pem.write_text("this is not a certificate\n")
    with pytest.raises(ConfigError, match=rf"^mqtt.ca_file: cannot read {tmp_path / 'none.crt'}: No such file"):
        tls_context(tmp_path / "none.crt")
    with pytest.raises(ConfigError, match=rf"^mqtt.ca_file: {not_pem} holds no usable PEM certificate"):
        tls_context(not_pem)


async def test_a_missing_ca_file_is_a_node_alarm_not_a_crash(tmp_path: Path, start_bridge: Any) -> None:
    r = await start_bridge(make_config(free_port(), mqtt={"tls": True, "ca_file": str(tmp_path / "none.crt")}))
    await until(lambda: any(a.code == CONFIG_ALARM for a in r.hub.node_alarms))
    (alarm,) = [a for a in r.hub.node_alarms if a.code == CONFIG_ALARM]
    assert alarm.message.startswith("mqtt.ca_file: cannot read")
    assert not r.task.done()


async def test_a_ca_file_without_tls_is_pointed_out(
    broker: Broker, tmp_path: Path, start_bridge: Any, caplog: pytest.LogCaptureFixture
) -> None:
    r = await start_bridge(make_config(broker.port, mqtt={"ca_file": str(tmp_path / "ca.crt")}))
    await r.wait_connected()  # plain TCP, as configured...
    assert "connecting WITHOUT TLS (set tls = true)" in caplog.text  # ...but not silently
