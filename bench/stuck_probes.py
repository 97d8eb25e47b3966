"""Stuck probes on the simulated rigs: what the beer does with and without detection, and
whether detection ever fires on a healthy rig (issue #17; results in docs/control.md).

Run by hand: ``python bench/stuck_probes.py`` (``--json`` for machine output, ``--quick`` for
the fault cases only). Each fault starts on day 1 of a 19 °C hold (day 2 steps to 12 °C for
the "stuck at the setpoint" case) and lasts the rest of the 3-day run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from brewctl.config import Rig
from brewctl.core.control import FermenterController
from brewctl.core.stuck_probe import StuckProbeGuard
from brewctl.profiles import load_profile
from brewctl.rigs import RIGS
from brewctl.sim import parse_inline_profile, simulate
from brewctl.sim.faults import StuckProbe
from brewctl.sim.simulate import default_config, plant_for

DAY = 86400.0
CASES = {
    # name: (rig, role, stuck value (None = frozen), profile)
    "beer stuck high (25 °C)": (Rig.HEAT_COOL, "beer", 25.0, "19:3d"),
    "beer stuck low (13 °C)": (Rig.HEAT_COOL, "beer", 13.0, "19:3d"),
    "beer stuck at the setpoint, then a 12 °C step": (Rig.HEAT_COOL, "beer", None, "19:2d,12:1d"),
    "chamber stuck high (25 °C)": (Rig.HEAT_COOL, "chamber", 25.0, "19:3d"),
    "chamber stuck low (5 °C)": (Rig.HEAT_COOL, "chamber", 5.0, "19:3d"),
    "glycol: beer stuck high (25 °C)": (Rig.GLYCOL, "beer", 25.0, "19:3d"),
}


def run_case(rig: Rig, role: str, value: float | None, spec: str, *, guard: bool) -> dict[str, object]:
    cfg = default_config(rig)
    plant = StuckProbe(plant_for(rig), role, value_c=value, after_s=DAY)
    ctrl = FermenterController(cfg)
    guarded = StuckProbeGuard(ctrl, cascade=RIGS[rig].control == "cascade") if guard else None
    simulate(parse_inline_profile(spec), plant, days=3.0, config=cfg, controller=guarded or ctrl)
    alarm = {r: round((t - DAY) / 3600, 2) for r, t in guarded.first_alarm_s.items()} if guarded else {}
    return {
        "real_beer_min_c": round(plant.beer_min_c or 0.0, 2),
        "real_beer_max_c": round(plant.beer_max_c or 0.0, 2),
        "alarm_after_h": alarm,
    }


def false_alarms() -> dict[str, object]:
    """Every shipped profile on each built-in rig, healthy probes: alarms must be 0."""
    rows: dict[str, object] = {}
    for path in sorted((Path(__file__).parents[1] / "profiles").glob("*.toml")):
        profile = load_profile(path)
        days = min(30.0, sum(getattr(s, "duration_s", 0) or 0 for s in profile.steps) / DAY + 1)
        for rig in (Rig.HEAT_COOL, Rig.GLYCOL):
            cfg = default_config(rig)
            guarded = StuckProbeGuard(FermenterController(cfg), cascade=RIGS[rig].control == "cascade")
            simulate(profile, plant_for(rig), days=max(days, 2.0), config=cfg, controller=guarded)
            rows[f"{path.stem} ({rig.value}, {days:.0f} d)"] = sorted(guarded.first_alarm_s)
    return rows


def main() -> int:
    started = time.perf_counter()
    results: dict[str, object] = {}
    for name, (rig, role, value, spec) in CASES.items():
        results[name] = {
            "without detection": run_case(rig, role, value, spec, guard=False),
            "with detection": run_case(rig, role, value, spec, guard=True),
        }
    if "--quick" not in sys.argv:
        results["false alarms (healthy probes)"] = false_alarms()
    results["wall_s"] = round(time.perf_counter() - started, 1)
    if "--json" in sys.argv:
        print(json.dumps(results, indent=1))
    else:
        for name, value in results.items():
            print(name)
            if isinstance(value, dict):
                for k, v in value.items():
                    print(f"  {k}: {v}")
            else:
                print(f"  {value}")
    fa = results.get("false alarms (healthy probes)", {})
    return 1 if isinstance(fa, dict) and any(fa.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
