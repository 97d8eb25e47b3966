"""Defect 2 and the MQTT part of the hostile-input fuzz: no payload may crash the bridge."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.config import HydrometerConfig
from brewctl.mqtt.bridge import MAX_INCOMING_BYTES, RETAINED_FILE_MAX_BYTES
from brewctl.mqtt.commands import MAX_PAYLOAD_BYTES, echo_id, parse_command
from brewctl.mqtt.hydrometer import hydrometer_routes, read_gravity
from tests.faults.hostile import DEEP_JSON
from tests.mqtt.conftest import Broker, Recorder, make_config, node_status

pytestmark = pytest.mark.faults

HUGE_NUMBER = b'{"kind":"set_beer","value_c":' + b"9" * 5000 + b',"id":"x"}'
HOSTILE = [HUGE_NUMBER, DEEP_JSON.encode(), b"[" * 3000, b'{"id":' + b"1" * 4400 + b"}", b"\xff\xfe", b""]


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_command_payloads_are_refused_as_data(payload: bytes) -> None:
    assert echo_id(payload) is None
    assert isinstance(parse_command(payload), str)


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    return st.recursive(
        scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=MAX_PAYLOAD_BYTES + 10),
        _json_values().map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries(
            {"kind": st.sampled_from(["set_beer", "set_mode", "profile_start", "profile_skip"])},
            optional={
                "value_c": _json_values(),
                "id": _json_values(),
                "mode": _json_values(),
                "to_step": _json_values(),
            },
        ).map(lambda v: json.dumps(v).encode()),
        st.integers(min_value=1, max_value=6000).map(lambda n: b'{"kind":"set_beer","value_c":' + b"9" * n + b"}"),
        st.integers(min_value=1, max_value=5000).map(lambda n: b"[" * n + b"]" * n),
    )
)
def test_fuzz_every_mqtt_payload_parses_to_a_command_or_an_error(payload: bytes) -> None:
    """Command and hydrometer payloads: a value or a message, never an exception."""
    parsed = parse_command(payload)
    assert isinstance(parsed, str) or parsed.kind
    echo_id(payload)
    routes = hydrometer_routes({"h": HydrometerConfig(kind="json", fermenter="fv1", topic="t", json_path="g")})
    route = next(iter(routes.values()))[0]
    with contextlib.suppress(ValueError):  # a refused reading: data, not a crash
        read_gravity(route, payload)


async def test_a_5000_digit_number_does_not_stop_the_bridge(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    """Reproduces defect 2 over a real broker: refused, and the next command still works."""
    r = await start_bridge(make_config(broker.port))
    r.hub.publish_status(node_status())
    await r.wait_connected()
    for payload in (HUGE_NUMBER, b"[" * 3000):
        mark = recorder.mark()
        await recorder.client.publish("brewctl/pi1/fermenters/fv1/command", payload, qos=1)
        reply = await recorder.json("brewctl/pi1/fermenters/fv1/response", since=mark)
        assert reply["ok"] is False and reply["error"]
    mark = recorder.mark()
    await recorder.client.publish("brewctl/pi1/fermenters/fv1/command", b'{"kind":"set_beer","value_c":18}', qos=1)
    reply = await recorder.json("brewctl/pi1/fermenters/fv1/response", since=mark)
    assert reply["ok"] is True
    assert r.bridge.connected.is_set()


@pytest.mark.parametrize("kind", ["deep", "fifo", "huge"])
async def test_a_hostile_retained_topic_list_does_not_stop_the_bridge(
    broker: Broker, recorder: Recorder, start_bridge: Any, tmp_path: Path, kind: str
) -> None:
    """Found in the #17 audit: ``mqtt-retained.json`` (the bridge's own state file) nested 200,000
    deep raised RecursionError at every connection (MQTT down for good, a traceback each time); a
    FIFO would have hung the announce. Like state.json (defect 8): ignored with a log line."""
    path = tmp_path / "mqtt-retained.json"
    if kind == "deep":
        path.write_text("[" * 200_000)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_bytes(b" " * (RETAINED_FILE_MAX_BYTES + 1))
    r = await start_bridge(make_config(broker.port), state_dir=tmp_path)
    r.hub.publish_status(node_status())
    await r.wait_connected()
    await recorder.json("homeassistant/climate/pi1/fv1/config")
    assert not [a for a in r.hub.node_alarms if a.code.startswith("component_")]


async def test_a_huge_message_never_reaches_the_bridge(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    """Found in the #17 audit: three 60 MB commands took the daemon to 405 MB of memory (a Pi 3
    has 1 GB) before the 4 KiB check refused them. The bridge announces an MQTT 5 maximum packet
    size: the broker drops a larger message for it; a 10 KB one is still refused with a reply."""
    r = await start_bridge(make_config(broker.port))
    r.hub.publish_status(node_status())
    await r.wait_connected()
    topic, response = "brewctl/pi1/fermenters/fv1/command", "brewctl/pi1/fermenters/fv1/response"
    mark = recorder.mark()
    await recorder.client.publish(topic, b"x" * (MAX_INCOMING_BYTES + 1), qos=1)
    await recorder.client.publish(topic, b"x" * 10_000, qos=1)
    await recorder.client.publish(topic, b'{"kind":"set_beer","value_c":18,"id":"after"}', qos=1)
    await recorder.wait(response, since=mark, where=lambda p: b'"after"' in p)
    replies = [json.loads(m.payload) for m in recorder.on(response, since=mark)]  # type: ignore[arg-type]
    assert [(x["ok"], x["error"]) for x in replies] == [
        (False, "payload: too large (10000 bytes, at most 4096)"),
        (True, None),
    ]
    assert r.bridge.connected.is_set()
