"""A fake 1-wire sysfs tree, for tests and ``brewctl run --simulate``.

``FakeW1Bus(base)`` writes ``base/28-xxxxxxxxxxxx/w1_slave`` files exactly as the Linux
``w1_therm`` driver presents a DS18B20: nine scratchpad bytes in hex with their Dallas CRC-8,
``crc=.. YES`` (or ``NO``), then ``t=<millidegrees>``. w1thermsensor decodes the temperature
from the scratchpad bytes (12-bit, 0.0625 °C steps), so the fake writes real bytes, and every
reading goes through w1thermsensor's own parsing. Files are replaced atomically, as a read of
the real sysfs file never sees half a line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from brewctl.atomic import write_atomic

__all__ = ["DS18B20_RESET_C", "FakeW1Bus", "dallas_crc8", "scratchpad"]

DS18B20_RESET_C = 85.0
"""The power-on value of a DS18B20's temperature register: read before any conversion."""

_ID = re.compile(r"^28-[0-9a-f]{12}$")
_TH, _TL, _CONFIG_12BIT = 0x4B, 0x46, 0x7F


def dallas_crc8(data: bytes) -> int:
    """The Dallas/Maxim 1-wire CRC-8 (polynomial x^8 + x^5 + x^4 + 1, reflected)."""
    crc = 0
    for byte in data:
        b = byte
        for _ in range(8):
            mix = (crc ^ b) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8C
            b >>= 1
    return crc


def scratchpad(celsius: float) -> bytes:
    """The nine scratchpad bytes of a DS18B20 at 12-bit resolution reading ``celsius``."""
    if not -55.0 <= celsius <= 125.0:
        raise ValueError(f"a DS18B20 reads -55..125 °C, not {celsius}")
    raw = round(celsius * 16) & 0xFFFF  # two's complement, 1/16 °C per count
    head = bytes([raw & 0xFF, raw >> 8, _TH, _TL, _CONFIG_12BIT, 0xFF, 0x0C, 0x10])
    return head + bytes([dallas_crc8(head)])


def _w1_slave_text(pad: bytes, *, crc_ok: bool, millidegrees: int) -> str:
    hexbytes = " ".join(f"{b:02x}" for b in pad)
    verdict = "YES" if crc_ok else "NO"
    return f"{hexbytes} : crc={pad[-1]:02x} {verdict}\n{hexbytes} t={millidegrees}\n"


class FakeW1Bus:
    """A directory that looks like ``/sys/bus/w1/devices`` with DS18B20 probes in it."""

    def __init__(self, base_directory: Path) -> None:
        self.base_directory = Path(base_directory)
        self.base_directory.mkdir(parents=True, exist_ok=True)
        # The real tree also lists the bus master; readers must skip it.
        (self.base_directory / "w1_bus_master1").mkdir(exist_ok=True)

    def sensor_ids(self) -> list[str]:
        """Ids of the probes present, sorted."""
        return sorted(p.name for p in self.base_directory.iterdir() if _ID.match(p.name))

    def set_temperature(self, sensor_id: str, celsius: float) -> None:
        """Plug the probe in (if needed) and make it read ``celsius`` (to 0.0625 °C), CRC good."""
        pad = scratchpad(celsius)
        raw = int.from_bytes(pad[:2], "little", signed=True)
        self._write(sensor_id, _w1_slave_text(pad, crc_ok=True, millidegrees=int(raw * 1000 / 16)))

    def set_crc_error(self, sensor_id: str) -> None:
        """The next reads fail their CRC (a noisy bus): w1thermsensor raises SensorNotReadyError."""
        pad = bytearray(scratchpad(20.0))
        pad[0] ^= 0x5A  # corrupted on the wire: the CRC no longer matches
        self._write(sensor_id, _w1_slave_text(bytes(pad), crc_ok=False, millidegrees=0))

    def set_power_on_reset(self, sensor_id: str) -> None:
        """The probe reads its 85 °C power-on value (it browned out): ResetValueError."""
        pad = scratchpad(DS18B20_RESET_C)
        self._write(sensor_id, _w1_slave_text(pad, crc_ok=True, millidegrees=85000))

    def remove(self, sensor_id: str) -> None:
        """Unplug the probe: its directory disappears (NoSensorFoundError)."""
        shutil.rmtree(self._dir(sensor_id), ignore_errors=True)

    def _dir(self, sensor_id: str) -> Path:
        if not _ID.match(sensor_id):
            raise ValueError(f"not a DS18B20 id (28- and 12 lowercase hex digits): {sensor_id!r}")
        return self.base_directory / sensor_id

    def _write(self, sensor_id: str, text: str) -> None:
        directory = self._dir(sensor_id)
        directory.mkdir(exist_ok=True)
        write_atomic(directory / "w1_slave", text, durable=False)  # a scratch tree: no fsync
