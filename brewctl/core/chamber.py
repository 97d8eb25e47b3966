"""The inner (chamber) loop: heater duty and cooler requests around a chamber setpoint.

Cooling is on/off with a dead band: it starts above ``setpoint + hysteresis`` and stops once
the chamber is *predicted* to bottom out at ``setpoint - hysteresis``. The prediction is the
peak estimator: after the compressor stops, the cold evaporator keeps cooling the air for
minutes, so the loop stops early by the drop it learned from earlier cycles
(``PeakEstimator``). Heating is a proportional duty, started below ``setpoint - heat_hysteresis``
and held until the setpoint is reached. The guards (``brewctl.core.guards``) get the last word.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RECOVERY_S", "ChamberLoop", "ChamberRequest", "PeakEstimator"]

RECOVERY_S = 7200.0
"""After cooling stops, the chamber gets this long to come back up before the heater may help."""


class PeakEstimator:
    """Learns how far the chamber keeps dropping after the compressor stops.

    The drop is modelled as ``drop_c * min(1, on_s / ramp_s)`` (the evaporator's cold store
    fills within minutes of running). After each stop the real lowest point is watched for
    ``watch_s`` (or until the chamber rises again) and ``drop_c`` moves halfway to what was seen.
    """

    __slots__ = ("_min_c", "_on_s", "_stop_c", "_stop_s", "drop_c", "ramp_s", "watch_s")

    def __init__(self, drop_c: float = 1.0, *, ramp_s: float = 900.0, watch_s: float = 1800.0) -> None:
        self.drop_c = drop_c
        self.ramp_s = ramp_s
        self.watch_s = watch_s
        self._stop_s: float | None = None
        self._stop_c = 0.0
        self._min_c = 0.0
        self._on_s = 0.0

    def predicted_drop(self, on_s: float) -> float:
        return self.drop_c * min(1.0, max(0.0, on_s) / self.ramp_s)

    def stopped(self, now_s: float, chamber_c: float, on_s: float) -> None:
        """The compressor just stopped after running ``on_s``."""
        self._stop_s, self._stop_c, self._min_c, self._on_s = now_s, chamber_c, chamber_c, on_s

    def observe(self, now_s: float, chamber_c: float | None, heating: bool) -> None:
        """Feed chamber readings while the compressor is off."""
        if self._stop_s is None or chamber_c is None:
            return
        if heating:  # the heater spoils the measurement
            self._stop_s = None
            return
        self._min_c = min(self._min_c, chamber_c)
        if chamber_c > self._min_c + 0.25 or now_s - self._stop_s >= self.watch_s:
            fill = min(1.0, self._on_s / self.ramp_s)
            if fill >= 0.3:
                seen = max(0.0, self._stop_c - self._min_c) / fill
                self.drop_c = min(10.0, 0.5 * self.drop_c + 0.5 * seen)
            self._stop_s = None

    def cancel(self) -> None:
        self._stop_s = None


@dataclass(frozen=True, slots=True)
class ChamberRequest:
    heat_duty: float
    want_cool: bool
    peak_drop_c: float | None = None
    """Cooling stops early: the drop the peak estimate predicts (degC)."""


class ChamberLoop:
    """Requests for one chamber (or, without a chamber probe, for the beer directly)."""

    __slots__ = (
        "band_c",
        "has_cool",
        "has_heat",
        "heat_hysteresis_c",
        "hysteresis_c",
        "kp",
        "max_hysteresis_c",
        "peak",
        "use_peak",
    )

    def __init__(
        self,
        *,
        has_heat: bool,
        has_cool: bool,
        hysteresis_c: float,
        kp: float,
        peak_estimation: bool,
        heat_hysteresis_c: float | None = None,
        max_hysteresis_c: float | None = None,
    ) -> None:
        self.has_heat = has_heat
        self.has_cool = has_cool
        self.hysteresis_c = hysteresis_c
        self.max_hysteresis_c = max(hysteresis_c, max_hysteresis_c if max_hysteresis_c is not None else hysteresis_c)
        self.band_c = hysteresis_c
        """The cooling band in use: between ``hysteresis_c`` and ``max_hysteresis_c`` (see ``adapt``)."""
        self.heat_hysteresis_c = hysteresis_c if heat_hysteresis_c is None else heat_hysteresis_c
        self.kp = kp
        self.use_peak = peak_estimation
        self.peak = PeakEstimator()

    def request(
        self,
        temp_c: float,
        setpoint_c: float,
        *,
        heating: bool,
        cooling: bool,
        cool_on_s: float,
        cool_off_s: float = float("inf"),
        full_cooling: bool = False,
        at_limit: bool = False,
        heat_allowed: bool = True,
    ) -> ChamberRequest:
        """What the loop wants, given the guarded state of the outputs right now.

        ``cool_on_s`` / ``cool_off_s``: how long the cooler has been on / off. Within
        ``RECOVERY_S`` of a cooling stop the heater waits for the whole cooling band (the
        chamber dips after every cooling cycle and comes back by itself).
        ``full_cooling``: the beer loop asks for all the cooling it may (a pull-down or a
        crash): a running compressor goes on to ``setpoint - max_hysteresis_c / 2`` instead of
        cycling around the lowest chamber setpoint. ``at_limit`` (also implied by
        ``full_cooling``): the beer loop wants the chamber colder than its lowest setpoint (a
        long crash ramp); a stopped compressor restarts as soon as the chamber is back above
        the setpoint, not the band above it, so the chamber's *average* reaches the limit.
        ``heat_allowed=False`` (the beer is above
        its setpoint: a crash on its way) keeps the heater off whatever the chamber does.
        """
        h = self.band_c
        error = setpoint_c - temp_c  # > 0: too cold
        duty = 0.0
        heat_band = h if (self.has_cool and cool_off_s < RECOVERY_S) else self.heat_hysteresis_c
        if self.has_heat and heat_allowed and not full_cooling and (error > heat_band or (heating and error > 0)):
            duty = min(1.0, max(0.05, self.kp * error))
        want_cool = False
        peak_drop: float | None = None
        if self.has_cool:
            if cooling:
                drop = self.peak.predicted_drop(cool_on_s) if self.use_peak else 0.0
                stop_h = max(h, self.max_hysteresis_c / 2.0) if full_cooling else h
                want_cool = temp_c - drop > setpoint_c - stop_h
                if not want_cool and drop > 0.05:
                    peak_drop = drop
            else:
                want_cool = -error > (0.0 if (full_cooling or at_limit) else h)
        if duty > 0 and want_cool:  # pragma: no cover  # cannot both be asked for with h >= 0; keep the cooler
            duty = 0.0
        return ChamberRequest(duty, want_cool, peak_drop)

    def adapt(self, beer_ripple_c: float, ripple_c: float) -> None:
        """Once per cooling cycle: widen the cooling band while the beer barely moved, narrow it
        when it moved more than ``ripple_c``. Fewer compressor starts where the beer allows."""
        if beer_ripple_c < 0.5 * ripple_c:
            self.band_c = min(self.max_hysteresis_c, self.band_c * 1.25)
        elif beer_ripple_c > ripple_c:
            self.band_c = max(self.hysteresis_c, self.band_c * 0.7)
