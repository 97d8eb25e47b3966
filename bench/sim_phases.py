"""Where the compressor starts come from: the issue-2 profile split into phases.

Run by hand: ``.venv/bin/python bench/sim_phases.py`` (``--thermostat`` for the yardstick,
``--set key=value`` to override a ``TuningConfig`` default, repeatable).
For each phase (start pull-down, 19 degC hold, ramp, 21 degC hold, crash pull-down, crash hold)
it prints the compressor starts (per day and in all), the cooling hours and the beer rms
against the setpoint. The two pull-downs are the metric's exclusion windows (the first 18 h,
36 h after the crash); "share" is each phase's part of the counted squared error.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from brewctl.config import TuningConfig
from brewctl.core.control import ControlResult, FermenterController, Target
from brewctl.sim import Thermostat, parse_inline_profile, simulate
from brewctl.sim.simulate import Controller, default_config

PROFILE = "19:4d,ramp21:2d,21:2d,2:3d"
DAYS = 11.0
H = 3600.0
D = 24 * H
PHASES = (
    ("start pull-down (18 h)", 0.0, 18 * H),
    ("19 °C hold", 18 * H, 4 * D),
    ("ramp to 21 °C", 4 * D, 6 * D),
    ("21 °C hold", 6 * D, 8 * D),
    ("crash pull-down (36 h)", 8 * D, 8 * D + 36 * H),
    ("crash hold (1.5 d)", 8 * D + 36 * H, 11 * D),
)


@dataclass
class Recorder:
    """Wraps a controller and records each compressor start and the beer error."""

    inner: Controller
    starts: list[float] = field(default_factory=list)
    cool_s: list[float] = field(default_factory=list)
    errors: list[tuple[float, float]] = field(default_factory=list)
    _cooling: bool = False

    def step(self, now_s: float, readings: Mapping[str, float | None], target: Target) -> ControlResult:
        result = self.inner.step(now_s, readings, target)
        cool = result.outputs.get("cool", 0.0) > 0
        if cool and not self._cooling:
            self.starts.append(now_s)
        if cool:
            self.cool_s.append(now_s)
        self._cooling = cool
        beer = readings.get("beer")
        if beer is not None and target.beer_setpoint_c is not None:
            self.errors.append((now_s, beer - target.beer_setpoint_c))
        return result


def _excluded(t: float) -> bool:
    return t < 18 * H or 8 * D <= t < 8 * D + 36 * H


def run(controller: Controller) -> tuple[Recorder, dict[str, float | int | None]]:
    rec = Recorder(controller)
    metrics = simulate(parse_inline_profile(PROFILE), days=DAYS, controller=rec).metrics
    return rec, metrics


def report(rec: Recorder, metrics: Mapping[str, float | int | None], title: str) -> None:
    print(title)
    print(f"  {'phase':<24}{'starts/day':>11}{'starts':>7}{'cool h':>8}{'rms °C':>8}{'max °C':>8}{'share':>7}")
    counted = sum(e * e for t, e in rec.errors if not _excluded(t))
    for name, t0, t1 in PHASES:
        days = (t1 - t0) / D
        n = sum(1 for t in rec.starts if t0 <= t < t1)
        cool_h = sum(1 for t in rec.cool_s if t0 <= t < t1) * 10.0 / H
        errs = [e for t, e in rec.errors if t0 <= t < t1]
        rms = math.sqrt(sum(e * e for e in errs) / len(errs)) if errs else float("nan")
        worst = max((abs(e) for e in errs), default=float("nan"))
        share = sum(e * e for t, e in rec.errors if t0 <= t < t1 and not _excluded(t)) / counted
        print(f"  {name:<24}{n / days:>11.1f}{n:>7}{cool_h:>8.1f}{rms:>8.3f}{worst:>8.2f}{share:>7.0%}")
    keys = ("rms_c", "max_abs_c", "crash_undershoot_c", "compressor_starts_per_day", "heat_kwh")
    print("  whole run: " + ", ".join(f"{k} {metrics[k]}" for k in keys))


def main(argv: list[str]) -> int:
    overrides: dict[str, float] = {}
    for i, arg in enumerate(argv):
        if arg == "--set":
            key, _, value = argv[i + 1].partition("=")
            overrides[key] = float(value)
    if "--thermostat" in argv:
        rec, metrics = run(Thermostat())
        report(rec, metrics, "thermostat (0.5 °C differential, 3 min delay)")
        return 0
    cfg = default_config()
    cfg = cfg.model_copy(update={"tuning": TuningConfig(**{**cfg.tuning.model_dump(), **overrides})})
    rec, metrics = run(FermenterController(cfg))
    report(rec, metrics, f"brewctl {overrides or '(defaults)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
