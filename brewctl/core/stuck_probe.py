"""Stuck probes: a reading that does not move while the outputs work hard, or that the rig's
thermal behaviour contradicts (pure, clock-injected; see docs/control.md, "Stuck probes").

A DS18B20 (or its wiring, or a w1 driver that serves a cached value) can freeze on one
value. Unlike a lost probe, nothing says so: the controller steers blind. A beer probe stuck at
25 °C with a 19 °C setpoint let the controller cool the real beer to 10.5 °C.

``assess(samples, limits)`` judges a window of samples (one a minute) and names the suspect
probes, with why:

- **beer**: the beer reading stays within ``flat_c`` for ``beer_window_s`` while it is at
  least ``error_c`` off its setpoint and the controller pushes hard the other way: in a
  chamber (cascade) rig the chamber is on average ``gap_c`` or more on the correcting side of
  the beer reading (a 4 K gap moves 20 L of beer by about 1.5 K in 3 h); in a direct rig
  (glycol, valve) the correcting output runs ``duty`` of the time or more.
- **chamber**: the chamber reading stays within ``flat_c`` for ``chamber_window_s`` while the
  output runs ``duty`` of the time or more, and the beer moves ``move_c`` or more in the
  output's direction although the chamber reads on the wrong side of it: the beer cannot cool
  in a chamber warmer than itself, nor warm in a colder one while the heater runs.

Stuck at the setpoint cannot be told apart from good control while the setpoint holds; it is
caught when the setpoint moves (the reading then stays off target, flat, while the outputs
work). ``StuckProbeMonitor`` samples the control loop and latches a verdict until the reading
moves again; ``StuckProbeGuard`` wraps a controller and limits what it may do on a suspect
probe: a stuck beer probe in a chamber rig hands control to the chamber probe, held at the
beer setpoint; a stuck chamber probe is ignored (the beer is controlled directly); a stuck
beer probe with no other probe, or both stuck, turns the outputs off (as a lost probe does).
"""

from __future__ import annotations

import collections
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from brewctl.config import Mode
from brewctl.core.control import ControlResult, FermenterController, PlannedStep, Target
from brewctl.model import Alarm
from brewctl.rigs import RIGS

__all__ = [
    "Evidence",
    "StuckLimits",
    "StuckProbeGuard",
    "StuckProbeMonitor",
    "StuckSample",
    "assess",
    "guarded",
    "limit_target",
]


@dataclass(frozen=True, slots=True)
class StuckLimits:
    """Thresholds of ``assess`` (defaults: a 20-60 L chest freezer or jacketed fermenter)."""

    sample_s: float = 60.0
    flat_c: float = 0.2
    """A reading that stays within this band is 'flat' (a DS18B20 step is 0.0625 °C)."""
    beer_window_s: float = 3 * 3600.0
    chamber_window_s: float = 3600.0
    direct_window_s: float = 1800.0
    """Direct rigs (glycol, valve): a jacket moves the beer fast, the evidence comes sooner."""
    error_c: float = 1.5
    """The beer must read at least this far off its setpoint."""
    gap_c: float = 4.0
    """Cascade: the chamber's mean distance from the beer reading, on the correcting side."""
    still_gap_c: float = 8.0
    """Cascade, whatever the error: a chamber this far from the beer moves it (about 3 K in 3 h)."""
    duty: float = 0.7
    """Share of the window the correcting output ran."""
    move_c: float = 0.3
    """Chamber check: how far the beer must move in the output's direction."""
    release_c: float = 0.5
    """A suspect probe is trusted again once its reading moves this far from the stuck value."""
    max_offset_c: float = 5.0
    """Cascade, beer suspect: the chamber is held at most this far from the beer setpoint."""


@dataclass(frozen=True, slots=True)
class StuckSample:
    """The control loop at one moment: readings (None if missing), setpoint, output duties 0..1."""

    t_s: float
    beer_c: float | None
    chamber_c: float | None
    beer_setpoint_c: float | None
    heat: float = 0.0
    cool: float = 0.0
    chamber_setpoint_c: float | None = None
    """What the controller asked of the chamber (cascade), for the hold offset."""


Evidence = dict[str, float | str]
"""Why a probe is suspect, as an alarm's ``values``: ``cause`` (a code) and its figures.

Causes: ``chamber_gap`` (flat, off target, the chamber ``gap_c`` K on the correcting side),
``chamber_far`` (flat, the chamber ``gap_c`` K away whatever the error), ``output_duty``
(flat, off target, the correcting ``output`` ran ``duty``), ``beer_cooled`` / ``beer_warmed``
(the chamber flat while the beer moved ``moved_c`` K the way the chamber reading forbids).
Worded by ``brewctl.wording``."""


def _window(samples: Sequence[StuckSample], span_s: float, limits: StuckLimits) -> Sequence[StuckSample] | None:
    """The samples of the last ``span_s``, or None if the history does not cover it."""
    if not samples:
        return None
    end = samples[-1].t_s
    start = end - span_s
    if samples[0].t_s > start + limits.sample_s:
        return None  # not enough history yet
    window = [s for s in samples if s.t_s >= start]
    # A gap in the samples (a restart, readings missing) makes the window unusable.
    if len(window) < max(2, 0.8 * span_s / limits.sample_s):
        return None
    return window


_COVERAGE = 0.8
"""Share of a window's samples that must have the readings a rule needs (a CRC error or a
stale blip now and then must not wipe out hours of evidence)."""


def _flat(values: Sequence[float | None], limits: StuckLimits) -> bool:
    present = [v for v in values if v is not None]
    return len(present) >= _COVERAGE * len(values) and max(present) - min(present) <= limits.flat_c


def _complete(w: Sequence[StuckSample], *, chamber: bool, setpoint: bool) -> list[StuckSample] | None:
    """The samples with a beer reading (and a chamber reading, a setpoint), if enough have them."""
    kept = [
        s
        for s in w
        if s.beer_c is not None
        and (not chamber or s.chamber_c is not None)
        and (not setpoint or s.beer_setpoint_c is not None)
    ]
    return kept if len(kept) >= max(2, _COVERAGE * len(w)) else None


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def assess(
    samples: Sequence[StuckSample],
    limits: StuckLimits = StuckLimits(),
    *,
    cascade: bool,
    chamber_suspect: bool = False,
) -> dict[str, Evidence]:
    """Suspect probes -> why, judged on ``samples`` (oldest first, about one per ``sample_s``).

    ``chamber_suspect``: the chamber probe is already suspect (its gap to the beer proves nothing).
    """
    found: dict[str, Evidence] = {}
    chamber_w = _window(samples, limits.chamber_window_s, limits)
    if cascade and chamber_w is not None and _flat([s.chamber_c for s in chamber_w], limits):
        reason = _chamber_reason(chamber_w, limits)
        if reason:
            found["chamber"] = reason
    beer_w = _window(samples, limits.beer_window_s if cascade else limits.direct_window_s, limits)
    if (
        beer_w is not None
        and not (cascade and (chamber_suspect or "chamber" in found))  # the gap is no evidence then
        and _flat([s.beer_c for s in beer_w], limits)
    ):
        reason = _beer_reason(beer_w, limits, cascade=cascade)
        if reason:
            found["beer"] = reason
    return found


def _beer_reason(window: Sequence[StuckSample], limits: StuckLimits, *, cascade: bool) -> Evidence | None:
    w = _complete(window, chamber=cascade, setpoint=True)
    if w is None:
        return None
    errors = [s.beer_c - s.beer_setpoint_c for s in w if s.beer_c is not None and s.beer_setpoint_c is not None]
    off_target = min(abs(e) for e in errors) >= limits.error_c and min(errors) * max(errors) > 0
    too_warm = _mean(errors) > 0
    reading = w[-1].beer_c
    assert reading is not None
    hours = round((w[-1].t_s - w[0].t_s) / 3600.0, 1)
    if cascade:
        mean_gap = _mean([(s.beer_c - s.chamber_c) for s in w if s.beer_c is not None and s.chamber_c is not None])
        gap = mean_gap if too_warm else -mean_gap
        # Off target with the chamber pushing the right way; or, even at the setpoint, a chamber
        # so far off that no ferment could keep the beer still (stuck at the setpoint).
        if not ((off_target and gap >= limits.gap_c) or abs(mean_gap) >= limits.still_gap_c):
            return None
        cause = "chamber_gap" if off_target and gap >= limits.gap_c else "chamber_far"
        side = "colder" if mean_gap > 0 else "warmer"
        return {"cause": cause, "reading_c": reading, "hours": hours, "gap_c": round(abs(mean_gap), 1), "side": side}
    if not off_target:
        return None
    duty = _mean([s.cool if too_warm else s.heat for s in w])
    if duty < limits.duty:
        return None
    output = "cooling" if too_warm else "heating"
    return {"cause": "output_duty", "reading_c": reading, "hours": hours, "output": output, "duty": round(duty, 2)}


def _chamber_reason(window: Sequence[StuckSample], limits: StuckLimits) -> Evidence | None:
    w = _complete(window, chamber=True, setpoint=False)
    if w is None:
        return None
    first, last = w[0].beer_c, w[-1].beer_c
    assert first is not None and last is not None
    chamber = _mean([s.chamber_c for s in w if s.chamber_c is not None])
    beer = _mean([s.beer_c for s in w if s.beer_c is not None])
    hours = round((w[-1].t_s - w[0].t_s) / 3600.0, 1)
    reading = round(chamber, 2)
    if first - last >= limits.move_c and chamber >= beer:
        # Fermentation only adds heat: beer cools only in a colder chamber.
        return {"cause": "beer_cooled", "reading_c": reading, "hours": hours, "moved_c": round(first - last, 1)}
    if last - first >= limits.move_c and beer - chamber >= limits.gap_c:
        # A chamber this much colder draws more heat from the beer than a ferment makes.
        return {
            "cause": "beer_warmed",
            "reading_c": reading,
            "hours": hours,
            "moved_c": round(last - first, 1),
            "gap_c": round(beer - chamber, 1),
        }
    return None


class StuckProbeMonitor:
    """Samples the control loop (one sample per ``sample_s``) and latches suspect probes.

    A suspect probe stays suspect until its reading leaves ``release_c`` around the value it
    was stuck at (a replugged or replaced probe), whatever ``assess`` says meanwhile: the
    controller's response changes the very conditions that revealed it.
    """

    def __init__(self, limits: StuckLimits = StuckLimits(), *, cascade: bool) -> None:
        self.limits = limits
        self.cascade = cascade
        span = max(limits.beer_window_s, limits.chamber_window_s, limits.direct_window_s)
        self._samples: collections.deque[StuckSample] = collections.deque(maxlen=int(span / limits.sample_s) + 2)
        self.suspects: dict[str, tuple[float, Evidence]] = {}
        """role -> (the value it is stuck at, why)."""
        self.hold_offset_c = 0.0
        """Cascade, beer suspect: the chamber's offset from the beer setpoint before the reading
        froze (what the ferment needed then), capped to ``max_offset_c``."""

    def update(self, sample: StuckSample) -> dict[str, tuple[float, Evidence]]:
        """Take a sample (ignored if within ``sample_s`` of the last) and return the suspects."""
        for role, (stuck_at, _) in list(self.suspects.items()):
            value = sample.beer_c if role == "beer" else sample.chamber_c
            if value is not None and abs(value - stuck_at) > self.limits.release_c:
                del self.suspects[role]
                self._samples.clear()  # judge afresh from here
        if self._samples and sample.t_s - self._samples[-1].t_s < self.limits.sample_s:
            return self.suspects
        if self._samples and sample.t_s < self._samples[-1].t_s:
            self._samples.clear()  # the clock went back: start over
        self._samples.append(sample)
        found = assess(self._samples, self.limits, cascade=self.cascade, chamber_suspect="chamber" in self.suspects)
        for role, why in found.items():
            if role not in self.suspects:
                value = sample.beer_c if role == "beer" else sample.chamber_c
                if value is None:
                    # Judged on the window's readings, but missing right now (a read blip): the
                    # lost-probe safety covers this cycle; latch at the next sample with a value.
                    continue
                self.suspects[role] = (value, why)
                if role == "beer":
                    self.hold_offset_c = self._offset_before_freeze(value)
        return self.suspects

    def _offset_before_freeze(self, stuck_c: float) -> float:
        """The chamber offset the controller used just before the beer reading froze at ``stuck_c``."""
        before: StuckSample | None = None
        for s in reversed(self._samples):
            if s.beer_c is None or abs(s.beer_c - stuck_c) > self.limits.flat_c:
                before = s
                break
        if before is None or before.chamber_setpoint_c is None or before.beer_setpoint_c is None:
            return 0.0
        offset = before.chamber_setpoint_c - before.beer_setpoint_c
        return max(-self.limits.max_offset_c, min(self.limits.max_offset_c, offset))


def limit_target(
    target: Target,
    readings: Mapping[str, float | None],
    suspects: Mapping[str, object],
    *,
    cascade: bool,
    hold_offset_c: float = 0.0,
) -> tuple[Target, dict[str, float | None]]:
    """What the controller may do with suspect probes: the target and readings it gets.

    - beer suspect, cascade rig with a trusted chamber reading: hold the chamber at the beer
      setpoint plus ``hold_offset_c`` (chamber mode), the beer reading withheld;
    - beer suspect otherwise: the beer reading withheld (the controller's lost-probe safety:
      outputs off on a direct rig);
    - chamber suspect: the chamber reading withheld (the beer is controlled directly).
    """
    limited = dict(readings)
    for role in suspects:
        limited[role] = None
    if (
        "beer" in suspects
        and cascade
        and limited.get("chamber") is not None
        and target.mode is not Mode.CHAMBER
        and target.beer_setpoint_c is not None
    ):
        return Target(Mode.CHAMBER, chamber_setpoint_c=target.beer_setpoint_c + hold_offset_c), limited
    return target, limited


class _Controller(Protocol):
    def plan(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> PlannedStep: ...

    def apply(self, planned: PlannedStep, *, cooling_allowed: bool = True) -> ControlResult: ...


class StuckProbeGuard:
    """A controller wrapped with stuck-probe detection; the same ``step`` (and ``plan`` then
    ``apply``) as the controller.

    ``cascade``: the rig has a chamber probe controlled through (a chest freezer or fridge).
    """

    def __init__(self, controller: _Controller, *, cascade: bool, limits: StuckLimits = StuckLimits()) -> None:
        self.controller = controller
        self.cascade = cascade
        self.monitor = StuckProbeMonitor(limits, cascade=cascade)
        self.first_alarm_s: dict[str, float] = {}
        """role -> when it was first found suspect (for the simulator's reports)."""
        self._last: ControlResult | None = None
        self._judged: tuple[dict[str, tuple[float, Evidence]], float | None] = ({}, None)
        """The suspects and the beer setpoint of the step being planned (for ``apply``)."""

    def step(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> ControlResult:
        """Judge the probes on what the last step did, then step the controller within the limits."""
        return self.apply(self.plan(now_s, readings, target), cooling_allowed=target.cooling_allowed)

    def plan(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> PlannedStep:
        """Judge the probes on what the last step did, then plan the controller's step within the limits."""
        outputs = self._last.outputs if self._last is not None else {}
        sp = target.beer_setpoint_c if target.mode in (Mode.BEER, Mode.PROFILE) else None
        sample = StuckSample(
            now_s,
            readings.get("beer"),
            readings.get("chamber"),
            sp,
            heat=outputs.get("heat", 0.0),
            cool=max(outputs.get("cool", 0.0), outputs.get("valve", 0.0)),
            chamber_setpoint_c=self._last.chamber_setpoint_c if self._last is not None else None,
        )
        suspects = self.monitor.update(sample)
        self._judged = (dict(suspects), sp)
        if not suspects:
            return self.controller.plan(now_s, readings, target)
        for role in suspects:
            self.first_alarm_s.setdefault(role, now_s)
        limited_target, limited = limit_target(
            target, readings, suspects, cascade=self.cascade, hold_offset_c=self.monitor.hold_offset_c
        )
        return self.controller.plan(now_s, limited, limited_target)

    def apply(self, planned: PlannedStep, *, cooling_allowed: bool = True) -> ControlResult:
        """The controller's guards and outputs for the planned step, with the stuck-probe alarms."""
        result = self.controller.apply(planned, cooling_allowed=cooling_allowed)
        suspects, sp = self._judged
        if not suspects:
            self._last = result
            return result
        alarms = tuple(
            Alarm(
                code=f"{role}_probe_stuck",
                severity="critical",
                role=role,
                values={**why, "action": _ACTION[role, self.cascade and "chamber" not in suspects]},
            )
            for role, (_, why) in sorted(suspects.items())
        )
        # The beer setpoint stays the profile's in the status, whatever the controller holds.
        self._last = replace(result, alarms=result.alarms + alarms, beer_setpoint_c=sp or result.beer_setpoint_c)
        return self._last


def guarded(controller: FermenterController) -> StuckProbeGuard:
    """``controller`` with stuck-probe detection, for its rig (cascade when a chamber probe is wired)."""
    cfg = controller.cfg
    return StuckProbeGuard(controller, cascade=RIGS[cfg.rig].control == "cascade" and cfg.chamber_probe is not None)


_ACTION = {
    ("beer", True): "hold_chamber",
    ("beer", False): "outputs_off",
    ("chamber", True): "direct_beer",
    ("chamber", False): "direct_beer",
}
"""What the controller does about a suspect probe (``values['action']`` of its alarm)."""
