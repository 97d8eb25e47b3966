"""Fixtures for the drivers: a fake 1-wire tree and gpiozero's MockFactory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory
from w1thermsensor import W1ThermSensor

from brewctl.drivers.fake_w1 import FakeW1Bus


@pytest.fixture
def w1_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeW1Bus:
    """A fake /sys/bus/w1/devices; w1thermsensor's global base directory points at it too."""
    bus = FakeW1Bus(tmp_path / "w1" / "devices")
    monkeypatch.setattr(W1ThermSensor, "BASE_DIRECTORY", bus.base_directory)
    monkeypatch.setattr(W1ThermSensor, "RETRY_DELAY_SECONDS", 0)
    return bus


@pytest.fixture
def mock_factory() -> Iterator[MockFactory]:
    """gpiozero's mock pins, as the default factory; pins and reservations reset afterwards."""
    previous = Device.pin_factory
    factory = MockFactory()
    Device.pin_factory = factory
    try:
        yield factory
    finally:
        factory.reset()
        Device.pin_factory = previous
