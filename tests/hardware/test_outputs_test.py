"""``brewctl outputs test``: the bench-lamp test against gpiozero's mock pins.

The pins are real gpiozero ``MockFactory`` pins; the builder's answers come from a script (or
from stdin through the real command line); the wait is injected, and while it waits the test
looks at every pin, so "only one channel on at a time, the right one, at the right level" is
checked at the moment it matters.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory, MockPin

from brewctl.cli import main
from brewctl.cli.outputs import bench_steps, run_bench_test
from brewctl.config import Config, OutputKind, load_config

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"
GUIDE = ROOT / "hardware" / "README.md"
ALL_PINS = (17, 18, 27, 22, 23)


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(EXAMPLE)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    f = MockFactory(pin_class=MockPin)
    yield f
    f.reset()
    f.close()


def answers(*values: bool) -> object:
    it = iter(values)
    return lambda prompt: next(it)


def physical_on(factory: MockFactory, config: Config, *only: str) -> set[int]:
    """The pins (of these outputs, default all) whose level is 'on' for their output (active-low: low)."""
    on = set()
    for name, out in config.outputs.items():
        if only and name not in only:
            continue
        for pin in out.pins:
            if bool(factory.pin(pin).state) == out.active_high:
                on.add(pin)
    return on


def test_the_steps_follow_the_config(config: Config) -> None:
    steps = bench_steps(config, list(config.outputs))
    assert [(s.output, s.channel.name, s.channel.pin, s.on_s) for s in steps] == [
        ("fv1_cool", "fv1_cool", 17, 5.0),
        ("fv1_heat", "fv1_heat", 18, 5.0),
        ("fv2_glycol", "fv2_glycol", 27, 5.0),
        ("fv3_valve", "fv3_valve.open", 22, 15.0),  # a valve: its travel time, open then close
        ("fv3_valve", "fv3_valve.close", 23, 15.0),
    ]
    assert "compressor socket (FV1 chest freezer) lights" in steps[0].expect_on
    assert "heater socket" in steps[1].expect_on and steps[1].kind is OutputKind.SSR
    assert "turns open" in steps[3].expect_on and "turns closed" in steps[4].expect_on
    assert [s.on_s for s in bench_steps(config, ["fv3_valve"], 2.0)] == [2.0, 2.0]


def test_one_channel_at_a_time_then_everything_off(config: Config, factory: MockFactory) -> None:
    seen: list[tuple[float, set[int]]] = []
    said: list[str] = []
    steps = bench_steps(config, list(config.outputs))
    result = run_bench_test(
        steps,
        factory=factory,
        ask=answers(*[True] * 10),
        say=said.append,
        sleep=lambda s: seen.append((s, physical_on(factory, config))),
    )
    assert result.ok
    assert seen == [(5.0, {17}), (5.0, {18}), (5.0, {27}), (15.0, {22}), (15.0, {23})]
    assert physical_on(factory, config) == set()
    # the off levels: active-low pins high, the SSR low; and every pin released (it can be claimed again)
    assert [factory.pin(p).state for p in ALL_PINS] == [1, 0, 1, 1, 1]
    from gpiozero import DigitalOutputDevice

    for p in ALL_PINS:
        DigitalOutputDevice(p, pin_factory=factory).close()
    assert "  Now ON for 5 s: its relay clicks, the contactor pulls in and the lamp on the compressor socket" in said[2]


def test_a_relay_that_does_not_release_is_reported_as_danger(config: Config, factory: MockFactory) -> None:
    said: list[str] = []
    result = run_bench_test(
        bench_steps(config, ["fv1_cool"]),
        factory=factory,
        ask=answers(True, False),
        say=said.append,
        sleep=lambda s: None,
    )
    assert not result.ok
    text = "\n".join(said)
    assert "DANGER: it does not release. Unplug the load now." in text
    assert "move VCC to the Pi's 3V3 (pin 1)" in " ".join(text.split())
    assert physical_on(factory, config, "fv1_cool") == set()


def test_a_heater_that_stays_on_blames_the_ssr(config: Config, factory: MockFactory) -> None:
    said: list[str] = []
    run_bench_test(
        bench_steps(config, ["fv1_heat"]),
        factory=factory,
        ask=answers(True, False),
        say=said.append,
        sleep=lambda s: None,
    )
    assert "DANGER: the heater stays on." in "\n".join(said)


def test_a_relay_that_never_came_on_is_a_fault(config: Config, factory: MockFactory) -> None:
    said: list[str] = []
    result = run_bench_test(
        bench_steps(config, ["fv2_glycol"]),
        factory=factory,
        ask=answers(False, True),
        say=said.append,
        sleep=lambda s: None,
    )
    assert not result.ok and "FAULT: it did not come on." in "\n".join(said)


class StuckLowPin(MockPin):  # type: ignore[misc]
    """A pin something else holds low once it has been low (a short, a second program)."""

    def _set_state(self, value: object) -> None:
        if self._state == 0 and getattr(self, "_was_driven", False):
            return
        self._was_driven = True
        super()._set_state(value)


def test_the_pin_is_read_back_after_off(config: Config) -> None:
    """Software's part of "does it release": after off, the pin must read its off level."""
    stuck = MockFactory(pin_class=StuckLowPin)
    try:
        said: list[str] = []
        result = run_bench_test(
            bench_steps(config, ["fv1_cool"]),
            factory=stuck,
            ask=answers(True, True),
            say=said.append,
            sleep=lambda s: None,
        )
        assert not result.ok
        assert "FAULT: GPIO17 (pin 11) reads low after off: something else drives this pin." in "\n".join(said)
    finally:
        stuck.reset()
        stuck.close()


def test_ctrl_c_while_on_leaves_everything_off(config: Config, factory: MockFactory) -> None:
    def interrupted(seconds: float) -> None:
        assert physical_on(factory, config, "fv3_valve") == {22}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_bench_test(bench_steps(config, ["fv3_valve"]), factory=factory, ask=answers(), say=print, sleep=interrupted)
    assert physical_on(factory, config, "fv3_valve") == set()
    assert factory.pin(22).state == 1 and factory.pin(23).state == 1


def test_an_error_while_asking_leaves_everything_off(config: Config, factory: MockFactory) -> None:
    def broken(prompt: str) -> bool:
        raise RuntimeError("terminal gone")

    with pytest.raises(RuntimeError):
        run_bench_test(
            bench_steps(config, ["fv1_cool", "fv1_heat"]), factory=factory, ask=broken, say=print, sleep=lambda s: None
        )
    assert physical_on(factory, config, "fv1_cool", "fv1_heat") == set()


# --- the command line, answers on stdin ---------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    monkeypatch.setattr("brewctl.cli.outputs.time.sleep", lambda s: None)
    return main(["outputs", "test", "--simulate", "--config", str(EXAMPLE), *args])


def test_cli_all_outputs_pass(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, "y\ny\n" * 5) == 0
    out = capsys.readouterr().out
    assert out.startswith("Simulated pins (gpiozero MockFactory)")
    assert "outputs.fv3_valve (open relay): GPIO22 (pin 15), active-low (on = pin low, off = pin high)" in out
    assert out.rstrip().endswith("All 4 output(s) came on and went off again. Every output is off.")


def test_cli_accepts_yes_no_words_and_asks_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(monkeypatch, "maybe\nYes\nno\n", "fv1_cool") == 1
    out = capsys.readouterr().out
    assert "Please answer y or n." in out and "DANGER" in out and "FAILED: fv1_cool." in out


def test_cli_stops_with_everything_off_when_stdin_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(monkeypatch, "y\n", "fv2_glycol") == 2
    assert "no answer (end of input): every output is off, test stopped" in capsys.readouterr().err


def test_cli_refuses_an_unknown_output(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, "", "fv9_cool") == 2
    assert "no output named 'fv9_cool' in the config (outputs: fv1_cool, fv1_heat, fv2_glycol, fv3_valve)" in (
        capsys.readouterr().err
    )


def test_cli_refuses_while_the_daemon_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "brewctl.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    try:
        assert run_cli(monkeypatch, "y\ny\n", "fv1_cool", "--socket", str(path)) == 2
    finally:
        server.close()
    err = capsys.readouterr().err
    assert f"brewctl is running (its socket {path} answers) and owns the pins: stop it first" in err
    # once the daemon is gone (a stale socket file stays behind), the test runs
    assert run_cli(monkeypatch, "y\ny\n", "fv1_cool", "--socket", str(path)) == 0


def test_cli_refuses_a_silly_time(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, "", "--seconds", "0") == 2
    assert "--seconds: must be above 0 and at most 600" in capsys.readouterr().err


def test_the_guides_walkthrough_is_what_the_command_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """hardware/README.md shows a --simulate run; the command prints exactly that."""
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("   $ brewctl outputs test fv1_cool --simulate --config config.example.toml\n")
    block = [line.removeprefix("   ") for line in text[start : text.index("```", start)].splitlines()[1:-1]]
    assert run_cli(monkeypatch, "y\ny\n", "fv1_cool") == 0
    # as a terminal shows it: each answer typed, then Enter
    out = capsys.readouterr().out.replace("[y/n]   Is", "[y/n] y\n  Is").replace("[y/n] \n", "[y/n] y\n\n")
    assert out.splitlines() == [line.rstrip() for line in block]
