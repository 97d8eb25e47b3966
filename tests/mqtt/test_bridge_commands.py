"""Commands over a real mosquitto: good ones reach the controller once, bad ones never do."""

from __future__ import annotations

import asyncio
import json
import string
from typing import Any

import aiomqtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from brewctl.config import Mode
from brewctl.model import CommandResult, SetBeerSetpoint, SetMode
from tests.mqtt.conftest import Broker, Recorder, Running, make_config, node_status, until

COMMAND = "brewctl/pi1/fermenters/fv1/command"
RESPONSE = "brewctl/pi1/fermenters/fv1/response"


async def _started(broker: Broker, start_bridge: Any) -> Running:
    r: Running = await start_bridge(make_config(broker.port))
    r.hub.publish_status(node_status())
    await r.wait_connected()
    return r


async def _ask(recorder: Recorder, payload: bytes | str, *, retain: bool = False) -> dict[str, Any]:
    mark = recorder.mark()
    await recorder.client.publish(COMMAND, payload, qos=1, retain=retain)
    return dict(await recorder.json(RESPONSE, since=mark))


async def test_a_good_command_reaches_the_controller_and_is_answered(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    r = await _started(broker, start_bridge)
    reply = await _ask(recorder, json.dumps({"kind": "set_beer", "value_c": 12.5, "id": "ha-1"}))
    assert reply["ok"] is True and reply["id"] == "ha-1" and reply["status"]["id"] == "fv1"
    assert r.controller.calls == [("fv1", SetBeerSetpoint(value_c=12.5, id="ha-1"), "mqtt")]


async def test_a_repeated_id_is_not_applied_twice(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    r = await _started(broker, start_bridge)
    cmd = json.dumps({"kind": "set_mode", "mode": "profile", "id": "redelivered-7"})
    first = await _ask(recorder, cmd)
    again = await _ask(recorder, cmd)
    assert (first["ok"], first["duplicate"]) == (True, False)
    assert (again["ok"], again["duplicate"]) == (True, True)
    assert r.controller.calls == [("fv1", SetMode(mode=Mode.PROFILE, id="redelivered-7"), "mqtt")]


async def test_a_skip_sent_twice_skips_once(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    r = await _started(broker, start_bridge)
    skip = '{"kind": "profile_skip", "id": "phone-17"}'
    assert (await _ask(recorder, skip))["duplicate"] is False
    assert (await _ask(recorder, skip))["duplicate"] is True  # e.g. the phone resent it: no second skip
    assert [c.kind for _, c, _ in r.controller.calls] == ["profile_skip"]
    jump = '{"kind": "profile_skip", "to_step": 3}'  # lands on step 3 however often it arrives: no id needed
    assert (await _ask(recorder, jump))["ok"] is True


async def test_bad_commands_name_the_field_and_change_nothing(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    r = await _started(broker, start_bridge)
    cases = {
        '{"kind": "set_beer", "value_c": 99}': "value_c",
        '{"kind": "set_mode", "mode": "warp", "id": "x1"}': "mode",
        '{"kind": "dance"}': "kind",
        '{"value_c": 19}': "kind",
        "19.5": "payload",
        "not json": "payload",
        '{"kind": "set_beer", "value_c": 19, "colour": "red"}': "colour",
        '{"kind": "profile_skip", "to_step": -1}': "to_step",
        # JSON types are not coerced: true is not 1 degC, "19" is not a number, 1.0 is not step 1
        '{"kind": "set_beer", "value_c": true}': "value_c",
        '{"kind": "set_beer", "value_c": "19"}': "value_c",
        '{"kind": "profile_start", "profile": "ale", "at_step": 1.0}': "at_step",
        # a remote client names a library profile, never a file on the controller
        '{"kind": "profile_start", "profile": "/etc/passwd"}': "profile",
        '{"kind": "profile_start", "profile": "../secrets"}': "profile",
        # acting twice would do harm: these need an id
        '{"kind": "profile_start", "profile": "ale"}': "id",
        '{"kind": "profile_skip"}': "id",
        '{"kind": "profile_confirm"}': "id",
    }
    for payload, field in cases.items():
        reply = await _ask(recorder, payload)
        assert reply["ok"] is False, payload
        assert reply["error"].startswith(f"{field}:"), (payload, reply["error"])
    assert (await _ask(recorder, '{"kind": "set_mode", "mode": "warp", "id": "x1"}'))["id"] == "x1"
    assert r.controller.calls == []


async def test_unknown_fermenter_is_refused(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    r = await _started(broker, start_bridge)
    mark = recorder.mark()
    await recorder.client.publish("brewctl/pi1/fermenters/fv9/command", '{"kind": "profile_stop"}', qos=1)
    reply = await recorder.json("brewctl/pi1/fermenters/fv9/response", since=mark)
    assert reply["ok"] is False and reply["error"].startswith("fermenter:")
    assert r.controller.calls == []


async def _publish_like_mosquitto_pub(broker: Broker, payload: bytes, *, retain: bool) -> None:
    """What ``mosquitto_pub [-r] -q 1 -t COMMAND -m ...`` sends: MQTT 3.1.1, QoS 1, its own connection."""
    async with aiomqtt.Client(broker.host, broker.port, protocol=aiomqtt.ProtocolVersion.V311) as pub:
        await pub.publish(COMMAND, payload, qos=1, retain=retain)


async def _only_reply_is_the_next_one(recorder: Recorder, mark: int) -> list[dict[str, Any]]:
    """Send a harmless command after the others and return every reply since ``mark``: the bridge
    handles its command messages in order, so once this one is answered, the earlier ones were too.
    """
    await recorder.client.publish(COMMAND, '{"kind": "profile_pause", "id": "sentinel"}', qos=1)
    await recorder.wait(RESPONSE, since=mark, where=lambda p: b'"sentinel"' in p)
    return [json.loads(m.payload) for m in recorder.on(RESPONSE, since=mark)]  # type: ignore[arg-type]


async def test_a_command_retained_while_connected_is_refused(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    # mosquitto_pub -r -q 1 -t .../command -m '{"kind":"set_beer","value_c":17.0,"id":"retained-1"}'
    r = await _started(broker, start_bridge)
    mark = recorder.mark()
    await _publish_like_mosquitto_pub(broker, b'{"kind":"set_beer","value_c":17.0,"id":"retained-1"}', retain=True)
    reply = await recorder.json(RESPONSE, since=mark)
    assert reply["ok"] is False and reply["error"].startswith("retain:") and reply["id"] == "retained-1"
    assert "mosquitto_pub -r -n -t brewctl/pi1" in reply["error"]  # says how to clear it
    assert r.controller.calls == []


async def test_a_retained_command_is_neither_replayed_nor_answered_at_connect(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    # Someone published a command with retain set: every (re)connect would replay it.
    await _publish_like_mosquitto_pub(broker, b'{"kind": "set_mode", "mode": "off"}', retain=True)
    mark = recorder.mark()
    r = await _started(broker, start_bridge)
    replies = await _only_reply_is_the_next_one(recorder, mark)
    assert [reply["id"] for reply in replies] == ["sentinel"]
    assert [call[1].kind for call in r.controller.calls] == ["profile_pause"]


async def test_clearing_a_retained_command_is_silent(broker: Broker, recorder: Recorder, start_bridge: Any) -> None:
    # The docs' advice: mosquitto_pub -r -n -t .../command (an empty retained payload deletes it).
    r = await _started(broker, start_bridge)
    mark = recorder.mark()
    await _publish_like_mosquitto_pub(broker, b"", retain=True)
    replies = await _only_reply_is_the_next_one(recorder, mark)
    assert [reply["id"] for reply in replies] == ["sentinel"]
    assert [call[1].kind for call in r.controller.calls] == ["profile_pause"]


async def test_mqtt5_response_topic_and_correlation_data(broker: Broker, start_bridge: Any) -> None:
    await _started(broker, start_bridge)
    async with aiomqtt.Client(broker.host, broker.port, protocol=aiomqtt.ProtocolVersion.V5) as client:
        await client.subscribe("my/replies/#", qos=1)
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        props.ResponseTopic = "my/replies/42"
        props.CorrelationData = b"\x00corr-42"
        await client.publish(COMMAND, '{"kind": "profile_pause"}', qos=1, properties=props)
        async for message in client.messages:
            assert message.topic.value == "my/replies/42"
            assert message.properties is not None
            assert message.properties.CorrelationData == b"\x00corr-42"
            assert json.loads(message.payload)["ok"] is True  # type: ignore[arg-type]
            break


_json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
_kinds = st.sampled_from(["set_mode", "set_beer", "set_chamber", "profile_start", "profile_skip", "nope", ""])
_broken_objects = st.fixed_dictionaries(
    {"kind": _kinds},
    optional={
        "mode": _json_scalars,
        "value_c": st.one_of(
            st.floats(min_value=40.01, max_value=1e9),
            st.text(max_size=5),
            st.none(),
            st.booleans(),
            st.floats(min_value=-5, max_value=40).map(str),
        ),
        "profile": st.one_of(st.integers(), st.just(""), st.sampled_from(["/etc/passwd", "../x", "a/b", "~/p"])),
        "at_step": st.one_of(st.integers(max_value=-1), st.booleans(), st.just(1.0)),
        "to_step": st.one_of(st.integers(max_value=-1), st.text(max_size=3), st.booleans()),
        "id": st.text(alphabet=" /#+é", min_size=1, max_size=5),
        "extra": _json_scalars,
    },
).filter(lambda d: d["kind"] not in ("set_mode",) or d.get("mode") not in ("off", "chamber", "beer", "profile"))
_VALID: list[dict[str, Any]] = [
    {"kind": "set_beer", "value_c": 19.5},
    {"kind": "set_chamber", "value_c": 4},
    {"kind": "set_mode", "mode": "beer"},
    {"kind": "profile_start", "profile": "ale", "at_step": 1},
    {"kind": "profile_skip", "to_step": 2},
]
_any_json = st.one_of(
    _json_scalars, st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1)
)
# A valid command with its last field replaced by any JSON value (mostly of the wrong type).
_one_field_off = st.tuples(st.sampled_from(_VALID), _any_json).map(lambda t: {**t[0], [*t[0]][-1]: t[1]})
_malformed = st.one_of(
    _one_field_off.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
    st.text(alphabet=string.printable, max_size=64).map(str.encode),
    _json_scalars.map(lambda v: json.dumps(v).encode()),
    st.lists(_json_scalars, max_size=3).map(lambda v: json.dumps(v).encode()),
    _broken_objects.map(lambda v: json.dumps(v).encode()),
)


_FUZZ_BRIDGES: dict[int, Running] = {}
_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "kind": str,
    "mode": str,
    "value_c": (int, float),
    "profile": str,
    "at_step": int,
    "to_step": int,
    "id": str,
}


def _a_well_formed_command(payload: bytes) -> bool:
    """An oracle independent of the parser: an object whose fields all have their JSON type."""
    doc = json.loads(payload)
    if not isinstance(doc, dict):
        return False
    for key, value in doc.items():
        if value is None and key in ("id", "to_step"):
            continue
        if isinstance(value, bool) or not isinstance(value, _JSON_TYPES[key]):
            return False
    profile = doc.get("profile", "")
    if "/" in profile or profile.startswith(("~", ".")):
        return False
    acts_again = doc["kind"] in ("profile_start", "profile_confirm") or (
        doc["kind"] == "profile_skip" and doc.get("to_step") is None
    )
    return doc.get("id") is not None or not acts_again


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=_malformed)
async def test_fuzz_malformed_payloads_change_nothing(
    broker: Broker, recorder: Recorder, start_bridge: Any, payload: bytes
) -> None:
    # Fixtures live for the whole test, not per example: one broker, one bridge for all payloads.
    r = _FUZZ_BRIDGES.get(broker.port)
    if r is None:
        r = _FUZZ_BRIDGES[broker.port] = await _started(broker, start_bridge)
    reply = await _ask(recorder, payload)
    if reply["ok"]:  # only a payload that happens to be a valid command may pass
        assert _a_well_formed_command(payload), payload
        assert r.controller.calls, payload
        r.controller.calls.clear()
    else:
        assert reply["error"] and ":" in reply["error"]
        assert r.controller.calls == [], payload
    assert r.bridge.connected.is_set() and not r.task.done()


async def test_a_slow_or_broken_controller_gets_an_error_reply_and_the_bridge_goes_on(
    broker: Broker, recorder: Recorder, start_bridge: Any
) -> None:
    r: Running = await start_bridge(make_config(broker.port), command_timeout_s=0.05)
    await r.wait_connected()
    release = asyncio.Event()
    finished: list[str] = []

    async def slow(fid: str, command: Any, source: str) -> CommandResult:
        await release.wait()
        finished.append(command.kind)
        return CommandResult(ok=True)

    async def broken(fid: str, command: Any, source: str) -> CommandResult:
        raise RuntimeError("bug")

    r.hub.set_command_handler(slow)
    reply = await _ask(recorder, '{"kind": "profile_pause"}')
    assert reply["ok"] is False and "did not answer in time" in reply["error"]
    release.set()  # the slow command was not cancelled half-way: it completes
    await until(lambda: finished == ["profile_pause"])
    r.hub.set_command_handler(broken)
    reply = await _ask(recorder, '{"kind": "profile_resume"}')
    assert reply == {
        "ok": False,
        "error": "internal error: RuntimeError",
        "duplicate": False,
        "status": None,
        "id": None,
    }
    r.hub.set_command_handler(r.controller)
    assert (await _ask(recorder, '{"kind": "profile_stop"}'))["ok"] is True
