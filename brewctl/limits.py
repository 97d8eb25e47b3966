"""The temperature limits every setpoint obeys, in one place (pure).

The config's setpoints, the commands of the API and MQTT, the saved state, profile steps, the
simulator's inline profiles and Home Assistant's climate entity all read these.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = ["SETPOINT_MAX_C", "SETPOINT_MIN_C", "SetpointC"]

SETPOINT_MIN_C = -5.0
"""The lowest setpoint (degC): a cold crash, not a frozen beer."""
SETPOINT_MAX_C = 40.0
"""The highest setpoint (degC): a kveik ferment, not a mash."""

SetpointC = Annotated[float, Field(ge=SETPOINT_MIN_C, le=SETPOINT_MAX_C)]
"""A setpoint in degC within the limits (a pydantic field type)."""
