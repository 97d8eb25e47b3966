"""The yardstick: a plain on/off thermostat (an Inkbird ITC-308 / STC-1000 style controller).

It reads one probe (the beer probe: taped to the fermenter or in its thermowell, its best
use), cools from ``setpoint + differential`` down to the setpoint and heats from
``setpoint - differential`` up to it; the cooling output waits ``compressor_delay_s`` after
stopping before it may start again. It returns the same ``ControlResult`` as
``FermenterController`` so the simulator can run either.

Settings: ``Thermostat()`` is an STC-1000 with its defaults (0.5 degC differential, 3-minute
delay), the chest freezer's yardstick; ``Thermostat.for_glycol()`` is an Inkbird on the beer
probe of a jacketed tank: 0.3 degC differentials, 3-minute delay, its cooling relay on the
glycol valve (``cool_role="valve"``; a motorized valve is then driven fully open or closed).
"""

from __future__ import annotations

from collections.abc import Mapping

from brewctl.config import Mode
from brewctl.core.control import ControlResult, Target
from brewctl.model import OutputStatus, PidTerms

__all__ = ["Thermostat"]


class Thermostat:
    """On/off control on one probe, with a differential and a compressor delay."""

    def __init__(
        self,
        *,
        differential_c: float = 0.5,
        compressor_delay_s: float = 180.0,
        probe: str = "beer",
        cool_role: str = "cool",
    ) -> None:
        self.differential_c = differential_c
        self.compressor_delay_s = compressor_delay_s
        self.probe = probe
        self.cool_role = cool_role
        self.heating = False
        self.cooling = False
        self._cool_stopped_s: float | None = None

    @classmethod
    def for_glycol(cls) -> Thermostat:
        """An Inkbird-style thermostat on a jacketed tank's beer probe, switching the glycol valve."""
        return cls(differential_c=0.3, compressor_delay_s=180.0, cool_role="valve")

    def step(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> ControlResult:
        if self._cool_stopped_s is None:
            self._cool_stopped_s = now_s  # the delay applies at power-up too
        sp = target.chamber_setpoint_c if target.mode is Mode.CHAMBER else target.beer_setpoint_c
        temp = readings.get(self.probe)
        if target.mode is Mode.OFF or sp is None or temp is None or temp != temp:
            self.heating = False
            if self.cooling:
                self._cool_stopped_s = now_s
            self.cooling = False
        else:
            d = self.differential_c
            if self.cooling and temp <= sp:
                self.cooling = False
                self._cool_stopped_s = now_s
            elif not self.cooling and temp >= sp + d and now_s - self._cool_stopped_s >= self.compressor_delay_s:
                self.cooling = True
            if self.heating and temp >= sp:
                self.heating = False
            elif not self.heating and temp <= sp - d:
                self.heating = True
            if self.cooling:
                self.heating = False
        heat, cool = (1.0 if self.heating else 0.0), (1.0 if self.cooling else 0.0)
        status = (
            OutputStatus(role="heat", value=heat, active=self.heating, reason="thermostat"),
            OutputStatus(role=self.cool_role, value=cool, active=self.cooling, reason="thermostat"),
        )
        return ControlResult(
            outputs={"heat": heat, self.cool_role: cool},
            output_status=status,
            pid=PidTerms(),
            beer_setpoint_c=target.beer_setpoint_c,
            chamber_setpoint_c=None,
            alarms=(),
            safe=False,
        )
