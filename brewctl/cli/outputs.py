"""``brewctl outputs test [OUTPUT]``: the bench-lamp test, driven by the config.

A builder never types raw pin numbers: each output of the config (or the one named) is turned on
for a few seconds, channel by channel (a motorized valve: its open relay, then its close relay,
never both), while the command says what should happen ("the lamp on the compressor socket
lights"); then it goes off and the builder answers two questions: did it come on, and did it go
off again. A relay that does not release is the dangerous fault, so it is asked about every time,
and the pin's level is read back after "off" (software can check the Pi's side, not the relay's).

Every channel is off when the command ends, whatever the end (an answer, Ctrl-C, an error). It
refuses to start while the daemon answers on its socket (the daemon owns the pins). With
``--simulate`` the pins are gpiozero's ``MockFactory`` pins: the walkthrough in
hardware/README.md and the tests run it.

The channels come from ``brewctl.drivers.outputs.output_channels`` (the drivers' builder), so
the test switches exactly the lines and levels the daemon would.
"""

from __future__ import annotations

import argparse
import socket
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brewctl.errors import UserError
from brewctl.paths import DEFAULT_CONFIG_PATH
from brewctl.pins import HEADER_PIN
from brewctl.rigs import OUTPUT_ROLES, OutputKind

if TYPE_CHECKING:  # the config (pydantic) is imported when the command runs: `brewctl --help` starts fast
    from brewctl.cli import Commands
    from brewctl.config import Config, OutputConfig
    from brewctl.drivers.outputs import Channel

__all__ = ["BenchResult", "Step", "bench_steps", "daemon_answers", "register", "run_bench_test"]

DEFAULT_ON_S = 5.0


@dataclass(frozen=True)
class Step:
    """One channel switched on for ``on_s`` seconds, and what the builder should see."""

    output: str
    kind: OutputKind
    channel: Channel
    on_s: float
    expect_on: str
    """What happens while it is on (after 'Now ON for N s: ')."""
    expect_off: str
    """What happens when it goes off (after 'Now OFF: ')."""


@dataclass
class BenchResult:
    """What the builder answered, per step: ``(step, came on, went off, pin read back off)``."""

    rows: list[tuple[Step, bool, bool, bool]]

    @property
    def ok(self) -> bool:
        return all(on and off and readback for _, on, off, readback in self.rows)


def _role(cfg: Config, name: str) -> tuple[str, str] | None:
    """(fermenter name, role key) of the fermenter using this output, if any."""
    for fid, f in cfg.fermenters.items():
        for role in OUTPUT_ROLES.values():
            if getattr(f, role.field) == name:
                return (f.name or fid, role.field)
    return None


def _expectation(cfg: Config, name: str, out: OutputConfig, channel: str) -> str:
    role = _role(cfg, name)
    where = f" ({role[0]})" if role else ""
    match out.kind:
        case OutputKind.SSR:
            return f"the SSR's input LED lights and the lamp on the heater socket{where} lights (an SSR is silent)"
        case OutputKind.RELAY:
            if role is not None and role[1] == "heater":
                return f"its relay clicks and the lamp on the heater socket{where} lights"
            return f"its relay clicks, the contactor pulls in and the lamp on the compressor socket{where} lights"
        case OutputKind.SOLENOID:
            return f"its relay clicks and the valve{where} clicks open (or the 24 V lamp in its place lights)"
        case OutputKind.MOTORIZED_VALVE:
            way = "open" if channel.endswith(".open") else "close"
            turn = "open" if way == "open" else "closed"
            return f"the {way} relay clicks and the valve{where} turns {turn} (or the lamp on its {way} wire lights)"


def bench_steps(cfg: Config, names: Sequence[str], on_s: float | None = None) -> list[Step]:
    """The steps for these outputs, in order: one per channel (a valve: open, then close)."""
    from brewctl.drivers.outputs import output_channels

    steps = []
    for name in names:
        out = cfg.outputs[name]
        seconds = on_s if on_s is not None else out.travel_s if out.kind is OutputKind.MOTORIZED_VALVE else DEFAULT_ON_S
        off = (
            "the lamp goes out (an LED lamp may still glow dimly: an SSR leaks a little)"
            if out.kind is OutputKind.SSR
            else "the relay clicks off and the lamp goes out"
        )
        for ch in output_channels(name, out):
            steps.append(Step(name, out.kind, ch, seconds, _expectation(cfg, name, out, ch.name), off))
    return steps


def daemon_answers(path: Path) -> bool:
    """Whether something accepts connections on the daemon's socket (then it owns the pins)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect(str(path))
    except OSError:
        return False
    finally:
        s.close()
    return True


def _pin(bcm: int) -> str:
    return f"GPIO{bcm} (pin {HEADER_PIN[bcm]})" if bcm in HEADER_PIN else f"GPIO{bcm}"


def _level(ch: Channel, on: bool) -> str:
    return "high" if ch.active_high == on else "low"


@contextmanager
def _claimed(steps: Sequence[Step], factory: Any) -> Iterator[dict[str, Any]]:
    """Every channel claimed at its off level; off and released on the way out, whatever happens."""
    from gpiozero import DigitalOutputDevice

    devices: dict[str, Any] = {}
    try:
        for step in steps:
            ch = step.channel
            try:
                devices[ch.name] = DigitalOutputDevice(
                    ch.pin, active_high=ch.active_high, initial_value=False, pin_factory=factory
                )
            except Exception as exc:
                raise UserError(
                    f"outputs.{step.output}: cannot claim {_pin(ch.pin)}: {exc} "
                    "(is brewctl or another program using it?)"
                ) from None
        yield devices
    finally:
        for name, dev in devices.items():  # each one, even if another fails
            for action in (dev.off, dev.close):
                try:
                    action()
                except Exception as exc:
                    print(f"brewctl: channel {name}: {action.__name__} failed: {exc}", file=sys.stderr)


def run_bench_test(
    steps: Sequence[Step],
    *,
    factory: Any,
    ask: Callable[[str], bool],
    say: Callable[[str], None],
    sleep: Callable[[float], None] | None = None,
) -> BenchResult:
    """Switch each step's channel on, then off, asking the builder what they saw.

    Only one channel is ever on. Every channel is off (and released) when this returns or raises.
    """
    wait = sleep or time.sleep
    rows = []
    with _claimed(steps, factory) as devices:
        for step in steps:
            ch, dev = step.channel, devices[step.channel.name]
            say("")
            part = f" ({ch.name.removeprefix(step.output + '.')} relay)" if ch.name != step.output else ""
            say(
                f"outputs.{step.output}{part}: {_pin(ch.pin)}, {'active-high' if ch.active_high else 'active-low'} "
                f"(on = pin {_level(ch, True)}, off = pin {_level(ch, False)})"
            )
            say(f"  Now ON for {step.on_s:g} s: {step.expect_on}.")
            dev.on()
            try:
                wait(step.on_s)
            finally:
                dev.off()
            say(f"  Now OFF: {step.expect_off}.")
            came_on = ask("  Did it come on while it was on? [y/n] ")
            went_off = ask("  Is it off now (relay released, lamp out)? [y/n] ")
            readback = bool(dev.pin.state) == (not ch.active_high)  # the off level, read from the pin
            if not readback:
                say(f"  FAULT: {_pin(ch.pin)} reads {_level(ch, True)} after off: something else drives this pin.")
            if not came_on:
                say(_wrapped(NOT_ON))
            if not went_off:
                say(_wrapped(SSR_NOT_OFF if step.kind is OutputKind.SSR else NOT_RELEASED))
            rows.append((step, came_on, went_off, readback))
    return BenchResult(rows)


NOT_ON = (
    "FAULT: it did not come on. Check the wire to IN and active_high in the config, the relay board's VCC and "
    "its coil supply (F4), then the 24 V side (F5) and COM/NO. With VCC on 3V3, a board whose indicator LED is "
    "in series with the optocoupler may not switch: see hardware/README.md, 'Why VCC is 3.3 V'."
)
NOT_RELEASED = (
    "DANGER: it does not release. Unplug the load now. With the board's VCC on 5 V a 3.3 V 'off' may not "
    "switch it off: move VCC to the Pi's 3V3 (pin 1). A board without optocouplers cannot be switched off by "
    "a Pi at all. A relay that stays on with IN disconnected has welded contacts: replace it. The load on NC "
    "instead of NO also does this. See hardware/README.md, 'Which board do you have?'."
)

SSR_NOT_OFF = (
    "DANGER: the heater stays on. Unplug it now. An SSR usually fails shorted: replace it (the thermal "
    "cut-off on the heater is what protects you until then). Check that its input is wired + to the pin, "
    "- to GND, and active_high = true."
)


def _wrapped(text: str) -> str:
    return textwrap.fill(text, width=96, initial_indent="  ", subsequent_indent="    ")


def _ask_stdin(prompt: str) -> bool:
    while True:
        try:
            answer = input(prompt).strip().lower()
        except EOFError:
            raise UserError("no answer (end of input): every output is off, test stopped") from None
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        print("  Please answer y or n.")


def register(commands: Commands) -> None:
    """Add ``brewctl outputs test``."""
    parser = commands.top.add_parser("outputs", help="bench-test the configured outputs with a lamp")
    sub = parser.add_subparsers(dest="outputs_command", metavar="ACTION", required=True)
    test = sub.add_parser(
        "test",
        help="switch each output on for a few seconds, then off, and ask what happened",
        description="The bench-lamp test: for each configured output (or only OUTPUT), switch it on for a "
        "few seconds (a motorized valve: open, then close), say what should happen, switch it off and ask "
        "whether it came on and whether it went off again. Everything is off when it ends. Stop brewctl "
        "first: it refuses while the daemon answers on its socket.",
    )
    test.add_argument("output", nargs="?", metavar="OUTPUT", help="one output of the config (default: all)")
    test.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="config file (default %(default)s)")
    test.add_argument(
        "--seconds",
        type=float,
        default=None,
        help=f"time on per channel (default {DEFAULT_ON_S:g} s; a motorized valve: its travel_s)",
    )
    test.add_argument("--socket", type=Path, default=None, help="daemon socket to check (default: node.socket_path)")
    test.add_argument("--simulate", action="store_true", help="use simulated pins (gpiozero MockFactory)")
    test.set_defaults(func=outputs_test)


def outputs_test(args: argparse.Namespace) -> int:
    """Exit 0 if every output came on and went off, 1 if not, 2 on a user error, 130 on Ctrl-C."""
    from brewctl.config import load_config

    cfg = load_config(args.config)
    names = _selected(cfg.outputs, args.output)
    if args.seconds is not None and not 0 < args.seconds <= 600:
        raise UserError(f"--seconds: must be above 0 and at most 600, got {args.seconds:g}")
    sock = args.socket or cfg.node.socket_path
    if daemon_answers(sock):
        raise UserError(
            f"brewctl is running (its socket {sock} answers) and owns the pins: stop it first "
            "(sudo systemctl stop brewctl)"
        )
    factory: Any = None
    if args.simulate:
        from gpiozero.pins.mock import MockFactory

        factory = MockFactory()
        print("Simulated pins (gpiozero MockFactory): nothing is switched; answer as if you saw the lamps.")
    steps = bench_steps(cfg, names, args.seconds)
    try:
        result = run_bench_test(steps, factory=factory, ask=_ask_stdin, say=print)
    except KeyboardInterrupt:
        print("\nInterrupted: every output is off.", file=sys.stderr)
        return 130
    finally:
        if factory is not None:
            factory.close()
    print("")
    bad = sorted({step.output for step, on, off, rb in result.rows if not (on and off and rb)})
    if bad:
        print(f"FAILED: {', '.join(bad)}. Every output is off. Fix and test again before connecting real loads.")
        return 1
    print(f"All {len(names)} output(s) came on and went off again. Every output is off.")
    return 0


def _selected(outputs: Mapping[str, OutputConfig], name: str | None) -> list[str]:
    if name is None:
        if not outputs:
            raise UserError("the config has no outputs to test")
        return list(outputs)
    if name not in outputs:
        raise UserError(f"no output named {name!r} in the config (outputs: {', '.join(outputs) or 'none'})")
    return [name]
