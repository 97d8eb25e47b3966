"""The inline profile spec used by ``brewctl sim``."""

from __future__ import annotations

import pytest

from brewctl.errors import ProfileError
from brewctl.sim import parse_inline_profile

DAY = 86400.0


def test_holds_ramps_steps_and_free_rise() -> None:
    p = parse_inline_profile("19:4d, ramp21:2d, 21:2d, 2:3d, free:12h")
    assert p.duration_s == 11.5 * DAY
    assert p(0.0) == 19.0
    assert p(5 * DAY) == pytest.approx(20.0)
    assert p(7 * DAY) == 21.0
    assert p(8 * DAY) == 2.0
    assert p(11.2 * DAY) is None
    assert p(30 * DAY) is None  # the last step holds


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("19", "TEMP:DURATION"),
        ("19:4x", "cannot read duration"),
        ("hot:1d", "not a temperature"),
        ("ramp20:1d", "needs a previous temperature"),
        ("19:1d,99:1d", "step 2"),
    ],
)
def test_errors_name_the_step(spec: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_inline_profile(spec)
