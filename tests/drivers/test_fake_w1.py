"""The fake 1-wire tree looks like the kernel's, as w1thermsensor parses it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from w1thermsensor import NoSensorFoundError, ResetValueError, Sensor, SensorNotReadyError, W1ThermSensor

from brewctl.drivers.fake_w1 import FakeW1Bus, dallas_crc8, scratchpad

ID = "28-0316a2795aff"


def test_crc8_matches_a_real_ds18b20_scratchpad() -> None:
    # Captured from a real probe's w1_slave: "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES" (23.125 °C).
    assert dallas_crc8(bytes.fromhex("72014b467fff0e10")) == 0x57
    # A scratchpad followed by its CRC checks to zero: the bus master's own test.
    assert dallas_crc8(scratchpad(19.5)) == 0


@given(st.integers(min_value=-55 * 16, max_value=125 * 16))
def test_scratchpad_roundtrips_every_12_bit_value(counts: int) -> None:
    pad = scratchpad(counts / 16)
    assert int.from_bytes(pad[:2], "little", signed=True) == counts
    assert dallas_crc8(pad) == 0


def test_scratchpad_refuses_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"-55\.\.125"):
        scratchpad(126.0)


def test_w1thermsensor_reads_what_the_fake_writes(w1_bus: FakeW1Bus) -> None:
    w1_bus.set_temperature(ID, -3.3)  # rounds to the 1/16 °C step, as the probe would
    sensor = W1ThermSensor(Sensor.DS18B20, ID[3:])
    assert sensor.get_temperature() == -3.3125
    text = (w1_bus.base_directory / ID / "w1_slave").read_text()
    assert text.splitlines()[0].endswith("YES")
    assert text.splitlines()[1].endswith("t=-3312")


def test_faults_raise_what_w1thermsensor_raises_on_a_pi(w1_bus: FakeW1Bus) -> None:
    w1_bus.set_temperature(ID, 20.0)
    sensor = W1ThermSensor(Sensor.DS18B20, ID[3:])
    w1_bus.set_crc_error(ID)
    with pytest.raises(SensorNotReadyError):
        sensor.get_temperature()
    w1_bus.set_power_on_reset(ID)
    with pytest.raises(ResetValueError):
        sensor.get_temperature()
    w1_bus.remove(ID)
    with pytest.raises(NoSensorFoundError):
        sensor.get_temperature()


def test_bus_lists_probes_not_the_master(w1_bus: FakeW1Bus) -> None:
    w1_bus.set_temperature("28-0000000000b2", 1.0)
    w1_bus.set_temperature("28-0000000000a1", 2.0)
    assert w1_bus.sensor_ids() == ["28-0000000000a1", "28-0000000000b2"]
    assert sorted(s.id for s in W1ThermSensor.get_available_sensors()) == ["0000000000a1", "0000000000b2"]


def test_bad_id_is_refused(w1_bus: FakeW1Bus) -> None:
    with pytest.raises(ValueError, match="not a DS18B20 id"):
        w1_bus.set_temperature("10-0316a2795aff", 1.0)
