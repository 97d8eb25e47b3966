"""Hostile-input fuzz over every parser: a value or a clear error (``UserError``/``StateError``),
never another exception, never a hang. Seeds are real files of each kind, mutated."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from brewctl.config import parse_config
from brewctl.errors import UserError
from brewctl.model import COMMAND_ADAPTER
from brewctl.mqtt.history_rpc import HistoryRequest, parse_request
from brewctl.mqtt.ispindel_http import parse_post
from brewctl.profiles.files import parse_profile
from brewctl.profiles.interchange import IMPORT_FORMATS, import_text
from brewctl.profiles.recipe import parse_recipe
from brewctl.service.api import command_error_message
from brewctl.service.forced_off import read_last_good
from brewctl.service.state import StateError, decode_state
from brewctl.userfiles import parse_user_toml

pytestmark = pytest.mark.faults

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "profiles" / "data"
SEEDS = {
    "config": (ROOT / "config.example.toml").read_text(),
    "profile": (ROOT / "profiles" / "clean-ale.toml").read_text(),
    **{p.name: p.read_text(encoding="utf-8-sig") for p in sorted(DATA.glob("*")) if p.is_file()},
}
STATE = (
    b'{"format": "brewctl-state", "version": 1, "fermenters": {"fv1": {"mode": "beer", '
    b'"beer_setpoint_c": 19.0, "chamber_setpoint_c": 18.0, "command_ids": ["a"]}}}'
)
HOSTILE = st.sampled_from(
    ["[" * 3000, "{" * 3000, "9" * 5000, '"' + "x" * 200_000, "\x00", "\ufffd", "- " * 2000, "&a [*a, *a]"]
)
FULL = os.environ.get("BREWCTL_FAULTS_FULL") == "1"
SETTINGS = settings(max_examples=500 if FULL else 20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mutated(seed: str) -> st.SearchStrategy[str]:
    """``seed`` with a random slice replaced by random or hostile text."""
    return st.tuples(st.integers(0, len(seed)), st.integers(0, 200), st.one_of(st.text(max_size=60), HOSTILE)).map(
        lambda t: seed[: t[0]] + t[2] + seed[t[0] + t[1] :]
    )


@SETTINGS
@given(mutated(SEEDS["config"]))
def test_config(text: str) -> None:
    with contextlib.suppress(UserError):
        parse_config(parse_user_toml(text, "c.toml", UserError), "c.toml")


@SETTINGS
@given(mutated(SEEDS["profile"]))
def test_profile(text: str) -> None:
    with contextlib.suppress(UserError):
        parse_profile(text, "p.toml")


@SETTINGS
@given(mutated('name = "x"\nprofile = "clean-ale"\n[batch]\nvolume_l = 20\n'))
def test_recipe(text: str) -> None:
    with contextlib.suppress(UserError):
        parse_recipe(text, "r.toml", profile_dirs=[ROOT / "profiles"])


IMPORT_SEEDS = sorted(k for k in SEEDS if k not in ("config", "profile"))


@SETTINGS
@given(st.sampled_from(IMPORT_SEEDS).flatmap(lambda k: mutated(SEEDS[k])), st.sampled_from([None, *IMPORT_FORMATS]))
def test_every_importer(text: str, fmt: str | None) -> None:
    with contextlib.suppress(UserError):
        import_text(text, "import", fmt=fmt)


@SETTINGS
@given(st.one_of(mutated(STATE.decode()).map(str.encode), st.binary(max_size=300), HOSTILE.map(str.encode)))
def test_state_file(data: bytes) -> None:
    with contextlib.suppress(StateError):
        decode_state(data)


@SETTINGS
@given(
    st.one_of(
        mutated('{"kind": "set_beer", "value_c": 19.5, "id": "a"}'),
        mutated('{"kind": "profile_start", "profile": "clean-ale", "id": "b"}'),
        HOSTILE,
    )
)
def test_api_body(text: str) -> None:
    """What ``POST /v1/fermenters/ID/commands`` does with a body: a command or a 400 message."""
    try:
        COMMAND_ADAPTER.validate_json(text.encode(), strict=True)
    except ValidationError as exc:
        assert command_error_message(exc)


ISPINDEL = json.dumps(
    {"name": "red", "ID": 1234567, "angle": 52.3, "temperature": 19.5, "temp_units": "C", "gravity": 1.048}
)


@SETTINGS
@given(st.one_of(mutated(ISPINDEL), HOSTILE))
def test_ispindel_http_post(text: str) -> None:
    """What the iSpindel HTTP listener does with a body: a reading or a 400 message."""
    with contextlib.suppress(ValueError):
        parse_post(text.encode())


@SETTINGS
@given(st.one_of(mutated('{"what": "rows", "since_s": 1764000000, "step_s": 60}'), HOSTILE))
def test_history_request_over_mqtt(text: str) -> None:
    answer = parse_request(text.encode())
    assert isinstance(answer, (HistoryRequest, str))


@SETTINGS
@given(
    st.one_of(
        mutated(json.dumps({"format": "brewctl-outputs", "outputs": {"heat": {"kind": "ssr", "pin": 18}}})), HOSTILE
    )
)
def test_the_outputs_record_outputs_off_reads(text: str) -> None:
    """``STATE_DIR/outputs.json``, read by ``brewctl outputs-off`` after a crash: outputs or a reason."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "outputs.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        found, problem = read_last_good(path)
    assert isinstance(found, dict) and (problem is None or isinstance(problem, str))


def test_the_seeds_themselves_parse() -> None:
    parse_profile(SEEDS["profile"], "p.toml")
    assert json.loads(STATE)["format"] == "brewctl-state"
    decode_state(STATE)
