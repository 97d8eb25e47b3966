"""One pydantic-error formatter: the config, profiles, the API and MQTT word a mistake alike."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from brewctl.config import ConfigError, parse_config
from brewctl.model import COMMAND_ADAPTER
from brewctl.mqtt.commands import describe_validation_error
from brewctl.service.api import command_error_message
from brewctl.validation import format_loc


def _error(payload: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        COMMAND_ADAPTER.validate_json(payload)
    return err.value


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b'{"kind": "set_beer", "value_c": 19, "colour": 3}', "colour: unknown key (check the spelling)"),
        (b'{"kind": "set_beer"}', "value_c: missing (required)"),
        (b'{"kind": "warm_up"}', "kind: unknown kind 'warm_up'; expected one of 'set_mode', 'set_beer'"),
        (b'{"value_c": 19}', "kind: missing (required); expected one of 'set_mode'"),
        (b"{not json", "{root}: not valid JSON ("),
        (b"[1]", "{root}: not a JSON object"),
    ],
)
def test_the_api_and_mqtt_word_a_bad_command_alike(payload: bytes, words: str) -> None:
    exc = _error(payload)
    assert command_error_message(exc).startswith(words.format(root="body"))
    assert describe_validation_error(exc).startswith(words.format(root="payload"))


def test_the_config_words_an_unknown_key_as_the_commands_do() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"node": {"colour": "red"}}, "c.toml")
    assert str(err.value) == "c.toml: node.colour: unknown key (check the spelling)"


def test_locations_read_as_toml_keys() -> None:
    assert format_loc(("steps", 2, "until", 0, "sg")) == "steps[2].until[0].sg"
    assert format_loc(()) == ""
