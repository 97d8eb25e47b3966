"""Motorized valve position estimate and relay choice."""

from __future__ import annotations

import pytest

from brewctl.core.valve import Relay, drive_valve


def test_moves_at_travel_speed_towards_target() -> None:
    m = drive_valve(0.0, 0.5, travel_s=20.0, dt_s=5.0)
    assert m.relay is Relay.OPEN and m.position == pytest.approx(0.25)
    m = drive_valve(m.position, 0.5, travel_s=20.0, dt_s=5.0)
    assert m.position == pytest.approx(0.5)
    m = drive_valve(m.position, 0.5, travel_s=20.0, dt_s=5.0)
    assert m.relay is Relay.NONE


def test_closes_and_does_not_overshoot_target() -> None:
    m = drive_valve(0.6, 0.5, travel_s=10.0, dt_s=5.0)
    assert m.relay is Relay.CLOSE and m.position == pytest.approx(0.5)


def test_deadband_prevents_hunting() -> None:
    assert drive_valve(0.5, 0.51, travel_s=10.0, dt_s=1.0).relay is Relay.NONE


def test_end_stop_is_overdriven_then_released() -> None:
    m = drive_valve(0.05, 0.0, travel_s=10.0, dt_s=1.0)
    assert m.relay is Relay.CLOSE and m.position == 0.0
    m = drive_valve(m.position, 0.0, travel_s=10.0, dt_s=0.5, overdrive_s=m.overdrive_s)
    assert m.relay is Relay.CLOSE  # pushing on past the computed end (1 s limit)
    m = drive_valve(m.position, 0.0, travel_s=10.0, dt_s=0.5, overdrive_s=m.overdrive_s)
    m = drive_valve(m.position, 0.0, travel_s=10.0, dt_s=0.5, overdrive_s=m.overdrive_s)
    assert m.relay is Relay.NONE and m.position == 0.0


def test_unknown_position_at_start_drives_closed() -> None:
    m = drive_valve(1.0, 0.0, travel_s=10.0, dt_s=2.0)
    assert m.relay is Relay.CLOSE and m.position == pytest.approx(0.8)


def test_bad_travel_time() -> None:
    with pytest.raises(ValueError, match="travel_s"):
        drive_valve(0.0, 1.0, travel_s=0.0, dt_s=1.0)
