"""``brewctl sim PROFILE``: run a profile against a simulated fermenter in accelerated time.

PROFILE is a profile file (``.toml``), a profile name from the library (``--profiles-dir``,
default ``profiles``) or an inline spec such as ``"19:4d,ramp21:2d,21:2d,2:3d"``
(see ``brewctl.sim.inline``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

from brewctl.errors import ConfigError, UserError
from brewctl.rigs import RIGS, Rig
from brewctl.units import parse_duration

if TYPE_CHECKING:  # the simulator, the control core and the config: imported when `sim` runs
    from brewctl.cli import Commands
    from brewctl.config import FermenterConfig
    from brewctl.sim import SimResult

__all__ = ["register"]

_LABELS = {
    "rms_c": ("beer rms error", "°C"),
    "max_abs_c": ("beer max error", "°C"),
    "crash_undershoot_c": ("crash undershoot", "°C"),
    "compressor_starts_per_day": ("compressor starts/day", ""),
    "min_off_violations": ("min-off violations", ""),
    "min_on_violations": ("min-on violations", ""),
    "dead_time_violations": ("dead-time violations", ""),
    "heat_and_cool_together": ("heat+cool together", "steps"),
    "valve_openings_per_day": ("valve openings/day", ""),
    "valve_strokes_per_day": ("valve strokes/day", ""),
    "cool_hours": ("cooling", "h"),
    "heat_kwh": ("heater energy", "kWh"),
}


class _PlantNames(Sequence[str]):
    """The jacketed plant names, read from the simulator only when argparse needs them (``sim``'s
    own help or a ``--plant`` value): ``brewctl --help`` then never loads the simulator."""

    def _names(self) -> list[str]:
        from brewctl.sim import JACKETED_PLANTS

        return sorted(JACKETED_PLANTS)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, value: object) -> bool:
        return value in self._names()


def register(commands: Commands) -> None:
    """Add ``brewctl sim``."""
    p = commands.top.add_parser(
        "sim",
        help="simulate a profile on a built-in fermenter",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    p.add_argument(
        "profile",
        metavar="PROFILE",
        nargs="?",
        default=None,
        help="profile file, library name or inline spec like 19:4d,2:3d (none with --config: the whole brewery)",
    )
    p.add_argument("--days", type=_days, default=None, help="simulated time (default: the profile's length)")
    p.add_argument("--json", action="store_true", help="print one JSON object (the metrics)")
    p.add_argument("--plot", action="store_true", help="draw beer, chamber and setpoint in the terminal")
    p.add_argument("--rig", choices=[r.value for r in Rig], default=Rig.HEAT_COOL.value, help="built-in plant")
    p.add_argument(
        "--plant",
        choices=_PlantNames(),
        metavar="SIZE",  # argparse would list the choices (load the simulator) to build a metavar
        default=None,
        help="jacketed tank size for the glycol and valve rigs: %(choices)s (default 50l, the built-in)",
    )
    p.add_argument("--thermostat", action="store_true", help="run the on/off thermostat yardstick instead")
    p.add_argument(
        "--config", type=Path, default=None, help="take tuning, guards and chamber limits from this config file"
    )
    p.add_argument("--fermenter", default=None, help="fermenter in --config (default: the first)")
    p.add_argument("--profiles-dir", type=Path, default=Path("profiles"), help="profile library folder")
    p.add_argument(
        "--profile",
        dest="profiles",
        action="append",
        default=[],
        metavar="FERMENTER=PROFILE",
        help="whole brewery (--config, no PROFILE): run this profile on this fermenter (repeatable)",
    )
    p.set_defaults(func=_run)


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        try:
            value = parse_duration(text) / 86400.0
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    if not 0 < value <= 365:
        raise argparse.ArgumentTypeError("--days must be between 0 and 365")
    return value


def _load_profile(spec: str, profiles_dir: Path) -> tuple[object, float | None]:
    """(profile or setpoint function, its length in seconds or None)."""
    path = Path(spec)
    if path.suffix == ".toml" or path.is_file() or ":" not in spec:
        from brewctl.profiles.library import find_in_library
        from brewctl.sim.profile_adapter import profile_duration_s

        profile = find_in_library(spec, profiles_dir)
        return profile, profile_duration_s(profile)
    from brewctl.sim import parse_inline_profile

    inline = parse_inline_profile(spec)
    return inline, inline.duration_s


def _fermenter(args: argparse.Namespace) -> FermenterConfig:
    from brewctl.config import load_config
    from brewctl.sim import default_config

    rig = Rig(args.rig)
    if args.config is None:
        return default_config(rig)
    cfg = load_config(args.config)
    if not cfg.fermenters:
        raise ConfigError(f"{args.config}: no fermenters to simulate")
    fid = args.fermenter or next(iter(cfg.fermenters))
    if fid not in cfg.fermenters:
        raise ConfigError(f"{args.config}: no fermenter named {fid!r}; have {', '.join(cfg.fermenters)}")
    f = cfg.fermenters[fid]
    keep = ("name", "tuning", "guards", "chamber_min_c", "chamber_max_c")  # the wiring stays the built-in plant's
    return default_config(f.rig).model_copy(update={k: getattr(f, k) for k in keep})


def _run(args: argparse.Namespace) -> int:
    if args.profile is None:
        if args.config is None:
            raise UserError("give a PROFILE, or --config FILE to simulate every fermenter of a config")
        return _run_brewery(args)
    if args.profiles:
        raise UserError("--profile FERMENTER=PROFILE is for the whole brewery: drop PROFILE")
    from brewctl.sim import Thermostat, jacketed_plant, simulate

    profile, length_s = _load_profile(args.profile, args.profiles_dir)
    days = args.days
    if days is None:
        if length_s is None or length_s <= 0:
            raise UserError("the profile has no fixed length: give --days")
        days = length_s / 86400.0
    cfg = _fermenter(args)
    jacketed = RIGS[cfg.rig].plant == "glycol-jacket"
    if args.plant is not None and not jacketed:
        raise UserError("--plant is for the glycol and valve rigs (jacketed tanks)")
    controller = None
    if args.thermostat:
        controller = Thermostat.for_glycol() if jacketed else Thermostat()
    plant = jacketed_plant(args.plant) if args.plant is not None else None
    result = simulate(profile, plant, days=days, config=cfg, controller=controller)
    if args.json:
        print(json.dumps(result.metrics))
    else:
        _print_metrics(result, print)
    if args.plot:
        _plot(result)
    return 0


def _run_brewery(args: argparse.Namespace) -> int:
    """``brewctl sim --config FILE --days N [--profile FV=PROFILE]``: every fermenter and chiller."""
    from brewctl.config import load_config
    from brewctl.sim.brewery import simulate_brewery

    cfg = load_config(args.config)
    if not cfg.fermenters:
        raise ConfigError(f"{args.config}: no fermenters to simulate")
    setpoints: dict[str, object] = {}
    longest = 0.0
    for item in args.profiles:
        fid, sep, spec = item.partition("=")
        if not sep or not spec:
            raise UserError(f"--profile {item!r}: write FERMENTER=PROFILE, e.g. fv1=19:4d,2:3d")
        if fid not in cfg.fermenters:
            raise UserError(f"--profile {item!r}: no fermenter named {fid!r}; have {', '.join(cfg.fermenters)}")
        setpoints[fid], length_s = _load_profile(spec, cfg.node.profiles_dir)
        longest = max(longest, length_s or 0.0)
    days = args.days if args.days is not None else (longest / 86400.0 if longest > 0 else None)
    if days is None:
        raise UserError("give --days (no profile sets the length)")
    result = simulate_brewery(cfg, days=days, setpoints=setpoints)
    if args.json:
        print(json.dumps(result.to_dict()))
        return 0
    for fid, res in result.fermenters.items():
        f = cfg.fermenters[fid]
        print(f"{fid} ({f.name or f.rig.value}, {f.rig.value}" + (f", chiller {f.chiller})" if f.chiller else ")"))
        _print_metrics(res, lambda line: print("  " + line))
    for cid, m in result.chillers.items():
        print(f"chiller {cid}")
        print(f"  {'reservoir max':<24} {m['reservoir_max_c']:g} °C")
        print(f"  {'overloaded':<24} {m['overload_hours']:g} h")
        print(f"  {'alarm raised':<24} {m['alarm_hours']:g} h")
        print(f"  {'valves held back':<24} {m['held_valve_hours']:g} h")
    return 0


def _print_metrics(result: SimResult, out: Callable[[str], None]) -> None:
    m = result.metrics
    out(f"simulated {m['days']:g} days")
    for key, (label, unit) in _LABELS.items():
        value = m.get(key)
        text = "n/a" if value is None else f"{value:g} {unit}"
        out(f"  {label:<24} {text}".rstrip())


def _plot(result: SimResult) -> None:
    import plotext as plt

    tr = result.trace
    days = [t / 86400.0 for t in tr.t_s]

    def series(values: list[float | None]) -> tuple[list[float], list[float]]:
        pairs = [(d, v) for d, v in zip(days, values, strict=True) if v is not None]
        return [d for d, _ in pairs], [v for _, v in pairs]

    plt.clear_figure()
    plt.theme("clear")
    for label, values in (
        ("chamber", tr.chamber_c),
        ("setpoint", tr.beer_setpoint_c),
        ("beer", tr.beer_c),
    ):
        xs, ys = series(values)
        if xs:
            plt.plot(xs, ys, label=label)
    plt.xlabel("days")
    plt.ylabel("°C")
    plt.plotsize(100, 25)
    plt.show()
