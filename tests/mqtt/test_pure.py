"""The pure parts of the bridge: topics, publish gate, command parsing, backoff."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brewctl.backoff import Backoff
from brewctl.config import parse_config
from brewctl.errors import ConfigError
from brewctl.model import Alarm, CommandResult, GravityStatus, OutputStatus, PidTerms, ProfileStatus, SetMode
from brewctl.mqtt.commands import MAX_PAYLOAD_BYTES, RecentCommands, parse_command
from brewctl.mqtt.state import PublishGate, fingerprint
from brewctl.mqtt.topics import Topics, default_base_topic
from tests.mqtt.conftest import fermenter


def test_topic_tree() -> None:
    t = Topics(default_base_topic("pi1"))
    assert (t.availability, t.status, t.alerts) == (
        "brewctl/pi1/availability",
        "brewctl/pi1/status",
        "brewctl/pi1/alerts",
    )
    assert t.state("fv1") == "brewctl/pi1/fermenters/fv1/state"
    assert t.command_fermenter(t.command("fv-2_b")) == "fv-2_b"
    for not_a_command in (
        "brewctl/pi1/fermenters/fv1/state",
        "brewctl/pi2/fermenters/fv1/command",
        "brewctl/pi1/fermenters//command",
    ):
        assert t.command_fermenter(not_a_command) is None
    assert t.discovery("climate", "pi1", "fv1") == "homeassistant/climate/pi1/fv1/config"


def test_fingerprint_ignores_what_moves_every_cycle() -> None:
    base = fermenter(
        "fv1",
        profile=ProfileStatus(name="ale", step_index=0, step_count=2, step_remaining_s=100, eta_s=500, elapsed_s=5),
        gravity=GravityStatus(sg=1.0501, age_s=3),
        alarms=(Alarm(code="x", message="m", since_s=1.0),),
    )
    later = base.model_copy(
        update={
            "updated_s": 2000.0,
            "pid": PidTerms(p=1, i=2, d=3),
            "beer_c": 19.22,  # 19.2 to 0.1 degC, as 19.25 is
            "profile": base.profile.model_copy(update={"step_remaining_s": 95, "eta_s": 495, "elapsed_s": 10}),  # type: ignore[union-attr]
            "gravity": GravityStatus(sg=1.0502, age_s=8),
            "outputs": (OutputStatus(role="heat", value=0.0, active=False, blocked_s=12), base.outputs[1]),
        }
    )
    assert fingerprint(later) == fingerprint(base)
    for change in ({"beer_c": 19.4}, {"beer_setpoint_c": 18.0}, {"safe": True}, {"alarms": ()}, {"outputs": ()}):
        assert fingerprint(base.model_copy(update=change)) != fingerprint(base), change


def test_publish_gate_on_change_and_on_interval() -> None:
    gate = PublishGate(interval_s=60)
    assert gate.due("fv1", "a", 0.0)
    gate.sent("fv1", "a", 0.0)
    assert not gate.due("fv1", "a", 59.9)
    assert gate.due("fv1", "b", 1.0)
    assert gate.due("fv1", "a", 60.0)
    assert gate.due("fv2", "a", 1.0)
    gate.reset()
    assert gate.due("fv1", "a", 1.0)


@given(st.binary(max_size=300))
def test_parse_command_never_raises(payload: bytes) -> None:
    result = parse_command(payload)
    assert isinstance(result, str) or result.kind


def test_parse_command_refuses_huge_payloads() -> None:
    assert parse_command(b" " * (MAX_PAYLOAD_BYTES + 1)).startswith("payload: too large")  # type: ignore[union-attr]


def test_recent_commands_answer_a_repeat_as_duplicate_and_forget_the_oldest() -> None:
    recent = RecentCommands(size=2)
    ok = CommandResult(ok=True)
    recent.put("fv1", "a", ok)
    recent.put("fv1", None, ok)  # no id: nothing to remember
    assert recent.get("fv1", "a") == CommandResult(ok=True, duplicate=True)
    assert recent.get("fv2", "a") is None and recent.get("fv1", None) is None
    recent.put("fv1", "b", ok)
    recent.put("fv1", "c", ok)
    assert recent.get("fv1", "a") is None and recent.get("fv1", "c") is not None
    assert SetMode.model_fields["id"].default is None


def test_backoff_grows_caps_and_jitters() -> None:
    b = Backoff(initial_s=1, max_s=60, factor=2)
    assert [b.delay(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert b.delay(3, 0.0) == 4.0 and b.delay(3, 0.5) == 6.0
    assert b.delay(10_000) == 60


@pytest.mark.parametrize("key", ["base_topic", "discovery_prefix"])
@pytest.mark.parametrize("topic", ["brewery/+/cellar", "brewery/#", "brewery/", "/brewery", "a//b", ""])
def test_a_topic_that_cannot_be_published_to_is_refused_by_the_config(key: str, topic: str) -> None:
    # The broker would drop the connection at every attempt (a wildcard in the last will's
    # topic): the bridge would look like a broker outage instead of a typo in the config.
    with pytest.raises(ConfigError, match=rf"mqtt.{key}: String should match pattern"):
        parse_config({"mqtt": {key: topic}})
    assert parse_config({"mqtt": {key: "brewery/cellar 1"}}).mqtt is not None
