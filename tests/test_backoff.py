"""The one backoff: exponential, capped, jittered over [50 %, 100 %]."""

from __future__ import annotations

from brewctl.backoff import Backoff, Retries


def test_delays_double_up_to_the_cap_without_jitter() -> None:
    b = Backoff(initial_s=0.5, max_s=10.0)
    assert [b.delay(a) for a in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert b.delay(10_000) == 10.0 and b.delay(-3) == 0.5


def test_jitter_spreads_over_the_upper_half() -> None:
    b = Backoff(initial_s=4.0, max_s=60.0)
    assert b.delay(0, 0.0) == 2.0 and b.delay(0, 0.5) == 3.0 and b.delay(0, 5.0) == 4.0


def test_retries_count_failures_and_reset() -> None:
    r = Retries(Backoff(initial_s=1.0, max_s=300.0), rand=lambda: 1.0)
    assert [r.failure() for _ in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert r.failures == 4
    r.reset()
    assert r.failures == 0 and r.failure() == 1.0
