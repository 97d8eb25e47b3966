"""Issue 11: glycol solenoid and motorized ball valve against an on/off thermostat, three tanks.

Run by hand: ``.venv/bin/python bench/sim_jacketed.py`` (about a minute; ``--json`` for machine
output, ``--sweep`` adds the trade-off curves: ``glycol_ripple_c`` for the solenoid,
``valve_step`` and ``valve_ki`` for the ball valve). Profile 19 degC 4 d, ramp to 21 degC over
2 d, 21 degC 2 d, crash to 2 degC held 3 d, on the 20 L, 50 L (built-in) and 1,000 L jacketed
tanks (``brewctl.sim.JACKETED_PLANTS``). The yardstick is ``Thermostat.for_glycol()``.
Exit status 0 when every target is met, 1 otherwise (the solenoid's rms <= 1/3 is reported,
not required: see docs/simulation.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from brewctl.config import Rig
from brewctl.sim import JACKETED_PLANTS, Thermostat, jacketed_plant, parse_inline_profile, simulate
from brewctl.sim.simulate import default_config

PROFILE = "19:4d,ramp21:2d,21:2d,2:3d"
DAYS = 11.0
RIGS = (Rig.GLYCOL, Rig.VALVE)
Metrics = dict[str, Any]


def run(size: str, rig: Rig, thermostat: bool, tuning: dict[str, float] | None = None) -> Metrics:
    cfg = default_config(rig)
    if tuning:
        cfg = cfg.model_copy(update={"tuning": cfg.tuning.model_copy(update=tuning)})
    controller = Thermostat.for_glycol() if thermostat else None
    return simulate(
        parse_inline_profile(PROFILE), jacketed_plant(size), days=DAYS, config=cfg, controller=controller
    ).metrics


def _run(job: tuple[str, Rig, bool, dict[str, float] | None]) -> Metrics:
    return run(*job)


def wear_key(rig: Rig) -> str:
    return "valve_openings_per_day" if rig is Rig.GLYCOL else "valve_strokes_per_day"


def checks(rig: Rig, ours: Metrics, yard: Metrics) -> dict[str, bool]:
    key = wear_key(rig)
    out = {
        f"{key} <= thermostat": ours[key] <= yard[key],
        "crash_undershoot_c <= 0.2": ours["crash_undershoot_c"] <= 0.2,
        "no min open/closed violations": ours["min_off_violations"] == 0 and ours["min_on_violations"] == 0,
        "heat and valve never together": ours["heat_and_cool_together"] == 0,
    }
    if rig is Rig.VALVE:
        out["rms_c <= thermostat / 2"] = ours["rms_c"] <= yard["rms_c"] / 2
    else:
        out["rms_c < thermostat"] = ours["rms_c"] < yard["rms_c"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    sizes = list(JACKETED_PLANTS)
    jobs = [(s, r, t, None) for s in sizes for r in RIGS for t in (False, True)]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = dict(zip(jobs, pool.map(_run, jobs), strict=True))
        sweeps: list[tuple[str, Rig, str, float, Metrics]] = []
        if args.sweep:
            grid = [(Rig.GLYCOL, "glycol_ripple_c", v) for v in (0.1, 0.125, 0.15, 0.2, 0.3, 0.4)]
            grid += [(Rig.VALVE, "valve_step", v) for v in (0.02, 0.05, 0.1, 0.2)]
            grid += [(Rig.VALVE, "valve_ki", v) for v in (0.25, 0.5, 2.0)]
            sjobs = [(s, r, False, {k: v}) for r, k, v in grid for s in sizes]
            for job, m in zip(sjobs, pool.map(_run, sjobs), strict=True):
                ((key, value),) = job[3].items()  # type: ignore[union-attr]
                sweeps.append((job[0], job[1], key, value, m))
    ok = True
    report: dict[str, Any] = {}
    for rig in RIGS:
        key = wear_key(rig)
        if not args.json:
            print(f"\n{rig.value} rig, profile {PROFILE!r}, {DAYS:g} days (ours / thermostat)")
            print(f"| tank | rms °C | max °C | crash undershoot °C | {key} | min open/closed violations | heat kWh |")
            print("|---|---|---|---|---|---|---|")
        for size in sizes:
            ours, yard = results[(size, rig, False, None)], results[(size, rig, True, None)]
            got = checks(rig, ours, yard)
            ok = ok and all(got.values())
            report[f"{rig.value}/{size}"] = {"ours": ours, "thermostat": yard, "checks": got}
            if not args.json:
                ratio = yard["rms_c"] / ours["rms_c"]
                print(
                    f"| {size} | **{ours['rms_c']:.3f}** / {yard['rms_c']:.3f} ({ratio:.1f}× better) "
                    f"| {ours['max_abs_c']:.2f} / {yard['max_abs_c']:.2f} "
                    f"| {ours['crash_undershoot_c']:.3f} / {yard['crash_undershoot_c']:.3f} "
                    f"| **{ours[key]:.1f}** / {yard[key]:.1f} "
                    f"| {ours['min_off_violations']}+{ours['min_on_violations']} / "
                    f"{yard['min_off_violations']}+{yard['min_on_violations']} "
                    f"| {ours['heat_kwh']:.2f} / {yard['heat_kwh']:.2f} |"
                )
                bad = [name for name, good in got.items() if not good]
                if bad:
                    print(f"|   | not met: {', '.join(bad)} | | | | | |")
    if sweeps:
        report["sweeps"] = [
            {"tank": s, "rig": r.value, "setting": k, "value": v, "metrics": m} for s, r, k, v, m in sweeps
        ]
        if not args.json:
            print("\nTrade-off (each tank: rms °C / wear per day; thermostat in the first line)")
            for rig, setting in ((Rig.GLYCOL, "glycol_ripple_c"), (Rig.VALVE, "valve_step"), (Rig.VALVE, "valve_ki")):
                key = wear_key(rig)
                print(f"\n| {rig.value}: `{setting}` | " + " | ".join(sizes) + " |")
                print("|---|" + "---|" * len(sizes))
                cells = [
                    f"{results[(s, rig, True, None)]['rms_c']:.3f} / {results[(s, rig, True, None)][key]:.1f}"
                    for s in sizes
                ]
                print("| thermostat | " + " | ".join(cells) + " |")
                for value in sorted({v for _, r, k, v, _ in sweeps if r is rig and k == setting}):
                    row = {s: m for s, r, k, v, m in sweeps if r is rig and k == setting and v == value}
                    cells = [
                        f"{row[s]['rms_c']:.3f} / {row[s][key]:.1f} (undershoot {row[s]['crash_undershoot_c']:.2f})"
                        for s in sizes
                    ]
                    print(f"| {value:g} | " + " | ".join(cells) + " |")
    if args.json:
        print(json.dumps(report))
    else:
        print("\nall targets met" if ok else "\nSOME TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
