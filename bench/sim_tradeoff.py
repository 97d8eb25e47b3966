"""The tracking / compressor-starts trade-off on the issue-2 profile, and the thermostat.

Run by hand: ``.venv/bin/python bench/sim_tradeoff.py`` (about 30 s). Sweeps ``ripple_c``
(the beer ripple the adaptive cooling band allows; ``max_hysteresis_c`` 15 from 0.3 up) on
the built-in chest freezer and prints rms, worst error, compressor starts per day and heater
energy for each point, with the on/off thermostat as the yardstick.
"""

from __future__ import annotations

import sys

from brewctl.config import TuningConfig
from brewctl.sim import Thermostat, parse_inline_profile, simulate
from brewctl.sim.simulate import default_config

PROFILE = "19:4d,ramp21:2d,21:2d,2:3d"
DAYS = 11.0
RIPPLES = (0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.40, 0.60)


def main() -> int:
    profile = parse_inline_profile(PROFILE)
    yard = simulate(profile, days=DAYS, controller=Thermostat()).metrics
    yard_rms, yard_starts = float(yard["rms_c"] or 0.0), float(yard["compressor_starts_per_day"])
    print(f"profile {PROFILE!r}, {DAYS:g} days, built-in chest freezer")
    print(f"{'ripple_c':>9}{'rms °C':>9}{'max °C':>9}{'starts/d':>10}{'vs thermostat':>15}{'heat kWh':>10}")
    base = default_config()
    for ripple in RIPPLES:
        extra = {"max_hysteresis_c": 15.0} if ripple >= 0.3 else {}
        tuning = TuningConfig(**{**base.tuning.model_dump(), "ripple_c": ripple, **extra})
        m = simulate(profile, days=DAYS, config=base.model_copy(update={"tuning": tuning})).metrics
        rms, starts = float(m["rms_c"] or 0.0), float(m["compressor_starts_per_day"])
        mark = " (default)" if ripple == TuningConfig().ripple_c else ""
        print(
            f"{ripple:>9.2f}{rms:>9.3f}{float(m['max_abs_c'] or 0.0):>9.2f}{starts:>10.1f}"
            f"{yard_rms / rms:>9.1f}x {starts / yard_starts - 1:>+4.0%}{float(m['heat_kwh'] or 0.0):>10.2f}{mark}"
        )
    print(
        f"{'thermostat':>9}{yard_rms:>9.3f}{float(yard['max_abs_c'] or 0.0):>9.2f}{yard_starts:>10.1f}"
        f"{'':>15}{float(yard['heat_kwh'] or 0.0):>10.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
