"""Which Raspberry Pi GPIO pins an output may use, and why: the rules of hardware/README.md as data.

Pure: no I/O, no GPIO library. ``pin_problems`` takes what the config says about each output
(its kind, its pins, whether it is active-high) and returns the problems found, each naming the
output, the pin and the reason. Errors are refused by the config loader (so ``brewctl config
check`` and the daemon at start refuse them); warnings are printed by ``brewctl config check``,
logged by the daemon and drawn by ``hardware/diagrams/generate.py``.

The boot facts (Broadcom SoC datasheets, the Raspberry Pi HAT design guide): from power-on until
software claims them, GPIO 0-8 are inputs pulled up (about 50 kΩ) and GPIO 9-27 inputs pulled
down. GPIO 0/1 are the HAT ID EEPROM's I²C bus, probed by the firmware at boot; GPIO 2/3 carry
1.8 kΩ pull-ups soldered on the board; GPIO 14/15 are the serial console, which toggles them
while the Pi boots. On a Pi 5 the header's GPIO sits on the RP1 chip, whose defaults follow the
same pattern, but it is set up later in boot: the pull-ups drawn in hardware/ hold it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from brewctl.rigs import OutputKind

__all__ = [
    "HEADER_PIN",
    "PULLED_DOWN_AT_BOOT",
    "PULLED_UP_AT_BOOT",
    "RESERVED",
    "SPI0",
    "OutputPins",
    "PinProblem",
    "pin_problems",
]

HEADER_PIN: Mapping[int, int] = {
    2: 3, 3: 5, 4: 7, 17: 11, 27: 13, 22: 15, 10: 19, 9: 21, 11: 23, 0: 27, 5: 29, 6: 31, 13: 33,
    19: 35, 26: 37, 14: 8, 15: 10, 18: 12, 23: 16, 24: 18, 25: 22, 8: 24, 7: 26, 1: 28, 12: 32,
    16: 36, 20: 38, 21: 40,
}  # fmt: skip
"""BCM GPIO number -> physical pin on the 40-pin header (every Raspberry Pi since the B+)."""

RESERVED: Mapping[int, str] = {
    0: "it is the HAT ID EEPROM bus (ID_SD), read by the firmware at every boot",
    1: "it is the HAT ID EEPROM bus (ID_SC), read by the firmware at every boot",
    2: "it is I²C SDA with a 1.8 kΩ pull-up to 3.3 V on the board: it is high at boot and whenever released",
    3: "it is I²C SCL with a 1.8 kΩ pull-up to 3.3 V on the board: it is high at boot and whenever released",
    14: "it is the serial console's TX, which toggles while the Pi boots",
    15: "it is the serial console's RX, which toggles while the Pi boots",
}
"""Pins no output may use, and why."""

PULLED_UP_AT_BOOT = frozenset(range(0, 9))
"""GPIO 0-8: inputs pulled up to 3.3 V from power-on until brewctl claims them."""
PULLED_DOWN_AT_BOOT = frozenset(range(9, 28))
"""GPIO 9-27: inputs pulled down to 0 V from power-on until brewctl claims them."""
SPI0 = frozenset(range(7, 12))
"""GPIO 7-11: SPI0 (CE1, CE0, MISO, MOSI, SCLK) when SPI is enabled in config.txt."""


class OutputPins(Protocol):
    """What the rules need to know about a configured output (``brewctl.config.OutputConfig`` fits)."""

    @property
    def kind(self) -> str: ...
    @property
    def pins(self) -> tuple[int, ...]: ...
    @property
    def active_high(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class PinProblem:
    """One rule broken by one pin of one output."""

    output: str
    pin: int
    severity: Literal["error", "warning"]
    reason: str

    def __str__(self) -> str:
        return f"outputs.{self.output}: GPIO{self.pin}: {self.reason}"


def _one(name: str, out: OutputPins) -> Iterable[PinProblem]:
    for pin in out.pins:
        if pin in RESERVED:
            yield PinProblem(name, pin, "error", f"not for outputs: {RESERVED[pin]}")
        elif out.active_high and pin in PULLED_UP_AT_BOOT:
            yield PinProblem(
                name,
                pin,
                "error",
                "an active-high output on a pin pulled up at boot (GPIO 0-8) turns its load on while the "
                "Pi boots (use GPIO 9-13 or 16-27)",
            )
        if pin in SPI0:
            yield PinProblem(
                name, pin, "warning", "SPI0 uses GPIO 7-11 when SPI is enabled (dtparam=spi=on): keep SPI off"
            )
    if out.kind == OutputKind.SSR and not out.active_high:
        yield PinProblem(
            name,
            out.pins[0],
            "warning",
            "an SSR is normally wired active-high (input + to the pin, − to GND): check active_high",
        )


def pin_problems(outputs: Mapping[str, OutputPins]) -> list[PinProblem]:
    """Every rule the outputs break: errors first, then warnings, in config order."""
    found = [p for name, out in outputs.items() for p in _one(name, out)]
    return [p for p in found if p.severity == "error"] + [p for p in found if p.severity == "warning"]
