"""``brewctl config init``: a config from the probes on the bus and a few answers.

:class:`Interview` asks the questions (units, rig per fermenter, probes, pins) through an
:class:`Asker`, which reads lines from any text stream, so a test (or a brewer with many Pis)
can feed the answers from a file. :func:`build_config` turns the answers into the config
document; it is validated exactly as ``brewctl config check`` does before anything is written.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import tomli_w

from brewctl.config import parse_config
from brewctl.errors import UserError
from brewctl.rigs import OUTPUT_ROLES, RIGS, OutputKind, Rig

__all__ = ["Answers", "Asker", "FermenterAnswers", "FoundProbe", "Interview", "build_config", "render_config"]

# GPIOs free on every 40-pin Pi once I2C (2, 3), UART (14, 15) and SPI0 (7-11) are left alone,
# in the order the hardware/ drawings use them.
PIN_POOL = (17, 18, 27, 22, 23, 24, 25, 5, 6, 12, 13, 16, 19, 20, 21, 26)
# The output kind each role gets (change it in the file afterwards if yours differs).
DEFAULT_KIND: dict[tuple[Rig, str], OutputKind] = {
    (Rig.GLYCOL, "valve"): OutputKind.SOLENOID,
    (Rig.VALVE, "valve"): OutputKind.MOTORIZED_VALVE,
}
ROLE_KIND = {"heat": OutputKind.SSR, "cool": OutputKind.RELAY, "valve": OutputKind.SOLENOID}
MAX_FERMENTERS = 6
_ID = re.compile(r"^28-[0-9a-f]{12}$")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class FoundProbe:
    """A DS18B20 on the bus (``value_c`` None when it did not read)."""

    id: str
    value_c: float | None = None


@dataclass
class FermenterAnswers:
    """What the brewer said about one fermenter."""

    rig: Rig = Rig.HEAT_COOL
    beer_probe: int | None = None
    """Index into the probe list."""
    chamber_probe: int | None = None
    pins: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Output role -> its GPIO pin (two for a motorized valve: open, close)."""


@dataclass
class Answers:
    """Everything ``config init`` asks."""

    node_name: str
    units: str = "C"
    probes: list[FoundProbe] = field(default_factory=list)
    placeholders: bool = False
    """The probe ids are made up (nothing on the bus yet)."""
    fermenters: list[FermenterAnswers] = field(default_factory=list)
    room_probe: int | None = None
    active_low: bool = True
    onewire_pin: int = 4


def _kind(rig: Rig, role: str) -> OutputKind:
    return DEFAULT_KIND.get((rig, role), ROLE_KIND[role])


def build_config(a: Answers) -> dict[str, Any]:
    """The config document for ``a`` (not yet validated)."""
    doc: dict[str, Any] = {
        "node": {"name": a.node_name, "units": a.units, "onewire_pin": a.onewire_pin},
        "probes": {},
        "outputs": {},
        "fermenters": {},
    }
    names: dict[int, str] = {}

    def probe(index: int, name: str, description: str) -> str:
        if index not in names:
            names[index] = name
            doc["probes"][name] = {"id": a.probes[index].id, "description": description}
        return names[index]

    for n, f in enumerate(a.fermenters, start=1):
        fid = f"fv{n}"
        spec = RIGS[f.rig]
        fermenter: dict[str, Any] = {"name": f"FV{n}", "rig": f.rig.value}
        if f.beer_probe is not None:
            fermenter["beer_probe"] = probe(f.beer_probe, f"{fid}_beer", f"{fid.upper()} beer (thermowell)")
        if f.chamber_probe is not None:
            fermenter["chamber_probe"] = probe(f.chamber_probe, f"{fid}_chamber", f"{fid.upper()} chamber air")
        if a.room_probe is not None and spec.has_chamber:
            fermenter["room_probe"] = probe(a.room_probe, "room", "room air")
        for role, pins in f.pins.items():
            kind = _kind(f.rig, role)
            out: dict[str, Any] = {"kind": kind.value}
            if kind is OutputKind.MOTORIZED_VALVE:
                out |= {"open_pin": pins[0], "close_pin": pins[1], "travel_s": 30}
            else:
                out["pin"] = pins[0]
            # Solid-state relays switch on a high input; most relay boards on a low one.
            out["active_high"] = kind is OutputKind.SSR or not a.active_low
            oid = f"{fid}_{role}"
            doc["outputs"][oid] = out
            fermenter[OUTPUT_ROLES[role].field] = oid
        fermenter["mode"] = "off"
        fermenter["beer_setpoint_c"] = 19.0
        doc["fermenters"][fid] = fermenter
    return doc


def render_config(doc: dict[str, Any], a: Answers, when: str) -> str:
    """The file: a header saying where it came from, then the TOML."""
    head = [
        f"# brewctl configuration, written by `brewctl config init` on {when}.",
        "# Every key is explained in the annotated example: `brewctl config example`.",
        "# Check it with `brewctl config check --config FILE`; try it without hardware with",
        "# `brewctl run --simulate --config FILE --state-dir /tmp/try --socket /tmp/try.sock`.",
        '# Fermenters start in mode "off": nothing switches on until you set a mode or start a profile.',
    ]
    if a.placeholders:
        head.append("# NOTE: no probes were on the bus: the probe ids below are placeholders. Replace them")
        head.append("# with the real ones from `brewctl sensors` before running the service.")
    return "\n".join(head) + "\n\n" + tomli_w.dumps(doc)


class Asker:
    """Asks one question at a time on ``out`` and reads the answer from ``inp``.

    An empty line (or the end of the input) takes the default. When the input is not a
    terminal the answer is echoed, so a transcript reads like the session it replays.
    """

    def __init__(self, inp: TextIO, out: TextIO, *, echo: bool = False) -> None:
        self.inp = inp
        self.out = out
        self.echo = echo

    def say(self, text: str = "") -> None:
        """Print a line."""
        print(text, file=self.out)

    def ask(self, question: str, default: str, check: Callable[[str], str | None]) -> str:
        """The answer ``check`` accepts (it returns an error message or None); three tries."""
        for _ in range(3):
            self.out.write(f"{question} [{default}]: ")
            self.out.flush()
            line = self.inp.readline()
            answer = line.strip() or default
            if self.echo or not line:
                self.out.write(f"{line.strip()}\n" if line else "\n")
            error = check(answer)
            if error is None:
                return answer
            self.say(f"  {error}")
            if not line:
                break
        raise UserError(f"{question}: no valid answer (last: {answer!r})")


class Interview:
    """The questions of ``config init``, in order."""

    def __init__(self, asker: Asker, probes: Sequence[FoundProbe], *, onewire_pin: int = 4) -> None:
        self.asker = asker
        self.found = list(probes)
        self.onewire_pin = onewire_pin
        self.used_pins: set[int] = set()
        self.used_probes: set[int] = set()

    def run(self) -> Answers:
        """Ask everything; return the answers."""
        ask = self.asker
        default_name = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname())[:32] or "brewery"
        name = ask.ask("Name of this controller (MQTT topics, InfluxDB tags)", default_name,
                       lambda s: None if _NAME.match(s) else "letters, digits, - and _ (at most 32)")  # fmt: skip
        units = ask.ask("Display units, C or F", "C", lambda s: None if s.upper() in ("C", "F") else "C or F").upper()
        answers = Answers(node_name=name, units=units, onewire_pin=self.onewire_pin)
        probes = self.found
        if not probes:
            ask.say("No DS18B20 probes on the 1-wire bus: the config gets placeholder ids to replace later")
            ask.say("(`brewctl sensors` lists the real ones; `brewctl doctor` helps when none show up).")
            answers.placeholders = True
            probes = [FoundProbe(f"28-00000000{i:04x}") for i in range(1, 2 * MAX_FERMENTERS + 2)]
        else:
            ask.say(f"Probes on the 1-wire bus (warm one in your hand to tell which is which; {len(probes)} found):")
            for i, p in enumerate(probes, start=1):
                reading = f"{p.value_c:.2f} °C" if p.value_c is not None else "no reading"
                ask.say(f"  {i}  {p.id}  {reading}")
        answers.probes = probes
        count = int(ask.ask(f"How many fermenters (1-{MAX_FERMENTERS})", "1", _int_in(1, MAX_FERMENTERS)))
        active_low = ask.ask("Are your relays active-low (most relay boards are)? y/n", "y", _yes_no)
        answers.active_low = active_low.lower().startswith("y")
        rigs = ", ".join(r.value for r in Rig)
        for n in range(1, count + 1):
            rig = Rig(ask.ask(f"fv{n}: rig ({rigs})", Rig.HEAT_COOL.value,
                              lambda s: None if s in {r.value for r in Rig} else f"one of {rigs}"))  # fmt: skip
            answers.fermenters.append(self._fermenter(n, rig, answers.placeholders))
        if any(RIGS[f.rig].has_chamber for f in answers.fermenters) and (
            answers.placeholders is False and len(self.used_probes) < len(probes)
        ):
            answers.room_probe = self._probe("Room probe (for the chambers)", None, allow_none=True)
        return answers

    def _fermenter(self, n: int, rig: Rig, placeholders: bool) -> FermenterAnswers:
        spec = RIGS[rig]
        f = FermenterAnswers(rig=rig)
        f.beer_probe = self._probe(f"fv{n}: beer probe", self._next_probe(), allow_none=not spec.needs_beer_probe)
        if spec.has_chamber:
            f.chamber_probe = self._probe(f"fv{n}: chamber (air) probe", self._next_probe(), allow_none=True)
        if f.beer_probe is None and f.chamber_probe is None:
            raise UserError(f"fv{n}: a fermenter needs a beer probe or a chamber probe")
        for role in spec.roles:
            kind = _kind(rig, role)
            label = f"fv{n}: {OUTPUT_ROLES[role].field} ({kind.value})"
            optional = role not in spec.required
            if kind is OutputKind.MOTORIZED_VALVE:
                open_pin, close_pin = self._pin(f"{label} open GPIO", False), self._pin(f"{label} close GPIO", False)
                assert open_pin is not None and close_pin is not None  # not optional: "none" is refused
                f.pins[role] = (open_pin, close_pin)
                continue
            pin = self._pin(f"{label} GPIO" + (", or none" if optional else ""), optional)
            if pin is not None:
                f.pins[role] = (pin,)
        return f

    def _next_probe(self) -> int | None:
        free = [i for i in range(len(self.found) or 2 * MAX_FERMENTERS + 1) if i not in self.used_probes]
        return free[0] if free else None

    def _probe(self, question: str, default: int | None, *, allow_none: bool) -> int | None:
        total = len(self.found) or 2 * MAX_FERMENTERS + 1

        def check(s: str) -> str | None:
            if s == "none":
                return None if allow_none else "this rig needs it"
            if not s.isdigit() or not 1 <= int(s) <= total:
                return f"a number from the list (1-{total})" + (", or none" if allow_none else "")
            return f"probe {s} is taken" if int(s) - 1 in self.used_probes else None

        hint = " (number from the list" + (", or none)" if allow_none else ")")
        answer = self.asker.ask(question + hint, "none" if default is None else str(default + 1), check)
        if answer == "none":
            return None
        self.used_probes.add(int(answer) - 1)
        return int(answer) - 1

    def _pin(self, question: str, optional: bool) -> int | None:
        free = [p for p in PIN_POOL if p not in self.used_pins and p != self.onewire_pin]

        def check(s: str) -> str | None:
            if s == "none":
                return None if optional else "needed"
            if not s.isdigit() or not 0 <= int(s) <= 27:
                return "a BCM GPIO number, 0-27"
            if int(s) == self.onewire_pin:
                return f"GPIO {s} is the 1-wire bus"
            return f"GPIO {s} is already used" if int(s) in self.used_pins else None

        default = "none" if optional else (str(free[0]) if free else "")
        answer = self.asker.ask(question, default, check)
        if answer == "none":
            return None
        self.used_pins.add(int(answer))
        return int(answer)


def _int_in(lo: int, hi: int) -> Callable[[str], str | None]:
    return lambda s: None if s.isdigit() and lo <= int(s) <= hi else f"a whole number from {lo} to {hi}"


def _yes_no(s: str) -> str | None:
    return None if s.lower() in ("y", "n", "yes", "no") else "y or n"


def validated(doc: dict[str, Any], source: str) -> None:
    """Raise ``ConfigError`` (the ``config check`` message) when ``doc`` is not a valid config."""
    parse_config(doc, source)
