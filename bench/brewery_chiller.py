"""Four 1,000 L tanks on one glycol chiller too small for all four at once.

Three lager tanks ferment at 11 °C (high krausen about 30 h in, about 0.85 kW each) while the
fourth, already fermented, cold-crashes from 18 to 1 °C at hour 24 (about 2.5 kW through its
jacket). The chiller removes 3 kW from a 200 L reservoir: less than all four jackets draw. At
11 °C warm glycol hurts: a reservoir at 8 °C cools the beer by only 3 K x 120 W/K.
Targets (issue #11): every fermenter's max error <= 1 °C (outside the pull-down windows), no
beer ever below its setpoint - 0.5 °C. ``--uncoordinated`` lets every valve open whenever its
own control wants (the yardstick). Exit status 1 when a target is missed.

    python bench/brewery_chiller.py [--days 4] [--json] [--uncoordinated]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from brewctl.config import parse_config
from brewctl.sim import parse_inline_profile
from brewctl.sim.brewery import simulate_brewery
from brewctl.sim.glycol import FV1000_PARAMS, GlycolJacket

TANKS = ("fv1", "fv2", "fv3", "fv4")


def brewery_config() -> dict[str, object]:
    probes = {f"{t}_beer": {"id": f"28-00000000000{i + 1}"} for i, t in enumerate(TANKS)}
    probes["glycol"] = {"id": "28-0000000000aa"}
    outputs = {f"{t}_valve": {"kind": "solenoid", "pin": 17 + i} for i, t in enumerate(TANKS)}
    fermenters = {
        t: {"rig": "glycol", "beer_probe": f"{t}_beer", "valve": f"{t}_valve", "mode": "beer",
            "beer_setpoint_c": 11.0, "chiller": "main"}
        for t in TANKS
    }  # fmt: skip
    chillers = {"main": {"reservoir_probe": "glycol", "capacity_w": 3000.0, "volume_l": 200.0}}
    return {"probes": probes, "outputs": outputs, "fermenters": fermenters, "chillers": chillers}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=float, default=4.0)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--uncoordinated", action="store_true", help="every valve opens when it wants (yardstick)")
    args = ap.parse_args()
    config = parse_config(brewery_config(), "bench")
    fermenting = replace(FV1000_PARAMS, beer_start_c=11.0)
    fermented = replace(FV1000_PARAMS, beer_start_c=18.0, ferment_total_j=0.0)
    plants = {t: GlycolJacket(fermented if t == "fv4" else fermenting) for t in TANKS}
    setpoints = {"fv4": parse_inline_profile("18:1d,1:4d")}
    result = simulate_brewery(
        config, days=args.days, setpoints=setpoints, plants=plants, coordinated=not args.uncoordinated
    )
    ok = True
    for r in result.fermenters.values():
        m = r.metrics
        max_err, below = m["max_abs_c"] or 0.0, m["min_below_setpoint_c"] or 0.0
        ok = ok and float(max_err) <= 1.0 and float(below) <= 0.5
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"{'tank':<5} {'rms °C':>7} {'max err':>8} {'below sp':>9} {'openings/d':>11} {'min-on/off viol.':>17}")
        for fid, r in result.fermenters.items():
            m = r.metrics
            viol = int(m["min_on_violations"] or 0) + int(m["min_off_violations"] or 0)
            print(f"{fid:<5} {m['rms_c']!s:>7} {m['max_abs_c']!s:>8} {m['min_below_setpoint_c']!s:>9} "
                  f"{m['valve_openings_per_day']!s:>11} {viol:>17}")  # fmt: skip
        for cid, c in result.chillers.items():
            print(f"chiller {cid}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
        print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
