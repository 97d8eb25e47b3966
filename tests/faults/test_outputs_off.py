"""Defect 6: ``brewctl outputs-off`` (ExecStopPost) with a config edited into a broken state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero import Device, DigitalOutputDevice
from gpiozero.pins.mock import MockFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brewctl.cli import main
from brewctl.config import parse_config
from brewctl.service.forced_off import LAST_GOOD_FILE, last_good_record, plan_from_text

pytestmark = pytest.mark.faults

GOOD = """\
[node]
state_dir = "{state}"

[outputs.cool]
kind = "relay"
pin = 17
active_high = false

[outputs.heat]
kind = "ssr"
pin = 18

[outputs.valve]
kind = "motorized-valve"
open_pin = 22
close_pin = 23
active_high = false
"""


@pytest.fixture
def mock_factory() -> Iterator[MockFactory]:
    previous = Device.pin_factory
    factory = MockFactory()
    Device.pin_factory = factory
    try:
        yield factory
    finally:
        factory.reset()
        Device.pin_factory = previous


def _left_on(pins: dict[int, bool]) -> None:
    """A daemon that died with these pins on (pin -> active_high); the lines keep their level."""
    for pin, active_high in pins.items():
        DigitalOutputDevice(pin, active_high=active_high, initial_value=True).close()


def _is_off(factory: MockFactory, pins: dict[int, bool]) -> dict[int, bool]:
    return {p: factory.pin(p).state == (not ah) for p, ah in pins.items()}


ALL_ON = {17: False, 18: True, 22: False, 23: False}

BROKEN = {
    "unknown key in a fermenter": GOOD + '\n[fermenters.fv1]\nrig = "heat-cool"\ncolour = "red"\n',
    "one output invalid": GOOD.replace('kind = "ssr"', 'kind = "ssr"\nperiod_s = 0'),
    "not TOML at all": GOOD.replace("[outputs.heat]", '[outputs.heat\n"unterminated'),
    "outputs table missing": '[node]\nstate_dir = "{state}"\n',
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_config_still_turns_every_identifiable_output_off(
    mock_factory: MockFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    # The daemon started with the good config and recorded its outputs.
    (state / LAST_GOOD_FILE).write_bytes(last_good_record(parse_config(_toml(GOOD.format(state=state)))))
    config = tmp_path / "config.toml"
    config.write_text(BROKEN[case].format(state=state))  # edited badly while it ran, then it crashed
    _left_on(ALL_ON)
    main(["outputs-off", "--config", str(config)])
    assert _is_off(mock_factory, ALL_ON) == dict.fromkeys(ALL_ON, True)
    out, err = capsys.readouterr()
    assert "output(s) off" in out and "Traceback" not in err


def test_without_a_record_the_readable_part_is_used(
    mock_factory: MockFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(BROKEN["unknown key in a fermenter"].format(state=tmp_path / "none"))
    _left_on(ALL_ON)
    assert main(["outputs-off", "--config", str(config)]) == 0
    assert _is_off(mock_factory, ALL_ON) == dict.fromkeys(ALL_ON, True)
    assert "the config has errors" in capsys.readouterr().err


def test_a_pin_of_unknown_polarity_is_left_alone_and_reported(tmp_path: Path) -> None:
    plan = plan_from_text('[outputs.x]\nkind = "relay"\npin = 5\nactive_high = "maybe"\n', "c.toml")
    assert plan.outputs == {} and "off level is unknown" in plan.problems[0]


def test_the_daemon_records_the_pins_it_runs_with(tmp_path: Path) -> None:
    from brewctl.service.forced_off import read_last_good

    cfg = parse_config(_toml(GOOD.format(state=tmp_path)))
    (tmp_path / LAST_GOOD_FILE).write_bytes(last_good_record(cfg))
    found, problem = read_last_good(tmp_path / LAST_GOOD_FILE)
    assert problem is None and found == dict(cfg.outputs)


def _toml(text: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.integers(min_value=0, max_value=len(GOOD)))
def test_fuzz_any_config_text_gives_a_plan_not_an_exception(noise: str, at: int) -> None:
    """Hostile-input fuzz: a mutated config never makes outputs-off raise."""
    text = GOOD[:at] + noise + GOOD[at:]
    plan = plan_from_text(text, "c.toml")
    assert all(0 <= p <= 27 for p in plan.pins())
