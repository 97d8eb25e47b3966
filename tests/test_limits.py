"""The setpoint limits are one fact: every reader agrees with brewctl.limits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from brewctl.config import FermenterConfig
from brewctl.core.profile import MAX_TEMP_C, MIN_TEMP_C
from brewctl.limits import SETPOINT_MAX_C, SETPOINT_MIN_C
from brewctl.model import SetBeerSetpoint, SetChamberSetpoint
from brewctl.mqtt import discovery


def test_profiles_and_home_assistant_use_the_same_limits() -> None:
    assert (MIN_TEMP_C, MAX_TEMP_C) == (SETPOINT_MIN_C, SETPOINT_MAX_C) == (-5.0, 40.0)
    assert (discovery._MIN_C, discovery._MAX_C) == (SETPOINT_MIN_C, SETPOINT_MAX_C)


@pytest.mark.parametrize("value", [SETPOINT_MIN_C - 0.1, SETPOINT_MAX_C + 0.1])
def test_commands_and_the_config_refuse_a_setpoint_outside(value: float) -> None:
    for build in (
        lambda: SetBeerSetpoint(value_c=value),
        lambda: SetChamberSetpoint(value_c=value),
        lambda: FermenterConfig(heater="h", cooler="c", beer_probe="b", beer_setpoint_c=value),
    ):
        with pytest.raises(ValidationError):
            build()
    SetBeerSetpoint(value_c=SETPOINT_MIN_C)
    SetBeerSetpoint(value_c=SETPOINT_MAX_C)
