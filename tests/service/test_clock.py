"""The scaled clock: monotonic, wall and sleeps all run ``speed`` times faster."""

from __future__ import annotations

import time

import pytest

from brewctl.service.clock import ScaledClock


def test_scaled_clock_multiplies_elapsed_time() -> None:
    now = [100.0]
    clock = ScaledClock(60, real_monotonic=lambda: now[0], real_wall=lambda: 1_700_000_000.0)
    m0, w0 = clock.monotonic(), clock.wall()
    now[0] += 2.0
    assert clock.monotonic() - m0 == pytest.approx(120.0)
    assert clock.wall() - w0 == pytest.approx(120.0)


async def test_scaled_sleep_is_shorter() -> None:
    clock = ScaledClock(1000)
    start = time.monotonic()
    await clock.sleep(100)  # 0.1 s of real time
    assert 0.05 < time.monotonic() - start < 1.0


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)
