"""``brewctl sensors`` (what is on the 1-wire bus) and ``brewctl outputs-off`` (force outputs off)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from brewctl.cli import Commands
from brewctl.paths import DEFAULT_CONFIG_PATH
from brewctl.units import c_to_f

if TYPE_CHECKING:  # the drivers pull in w1thermsensor, the config pydantic: imported when a command needs them
    from brewctl.config import Config
    from brewctl.drivers.probes import BusProbe
    from brewctl.service.forced_off import OffPlan

__all__ = ["format_sensors", "register", "snippet_names"]

_NAME_TAKEN = re.compile(r"^new_(\d+)$")


def register(commands: Commands) -> None:
    """Add ``brewctl sensors`` and ``brewctl outputs-off``."""
    p = commands.top.add_parser(
        "sensors",
        help="list the DS18B20 probes on the 1-wire bus",
        description="List the DS18B20 probes on the 1-wire bus with their current (uncalibrated) "
        "temperature, mark the ones the config names, and print a config snippet for new ones.",
    )
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"config file (default {DEFAULT_CONFIG_PATH} if it exists; without one the bus is still listed)",
    )
    p.add_argument("--w1-dir", type=Path, default=None, help="1-wire devices folder (default /sys/bus/w1/devices)")
    p.set_defaults(func=sensors)

    o = commands.top.add_parser(
        "outputs-off",
        help="drive every configured output to its off level and exit",
        description="Drive every configured output pin to its off level, then release it. The systemd "
        "unit runs this after the daemon stops for any reason (ExecStopPost), so a crashed or killed "
        "daemon does not leave a heater or compressor on.",
    )
    o.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="config file (default %(default)s)")
    o.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="the daemon's state folder, whose outputs.json names the pins it last drove (default: node.state_dir)",
    )
    o.set_defaults(func=outputs_off)


def _load_optional(path: Path | None) -> Config | None:
    from brewctl.config import load_config

    if path is not None:
        return load_config(path)
    if DEFAULT_CONFIG_PATH.is_file():
        return load_config(DEFAULT_CONFIG_PATH)
    return None


def snippet_names(config: Config | None, count: int) -> list[str]:
    """``count`` fresh probe names ``new_1``, ``new_2``, ... not already used in the config."""
    taken = set(config.probes) if config is not None else set()
    names: list[str] = []
    i = 0
    while len(names) < count:
        i += 1
        if f"new_{i}" not in taken:
            names.append(f"new_{i}")
    return names


def format_sensors(found: list[BusProbe], config: Config | None) -> str:
    """The report: one line per probe on the bus, configured probes not found, a snippet for new ones."""
    from brewctl.wording import probe_error_text  # pydantic: not for `brewctl --help`

    by_id = {p.id: name for name, p in config.probes.items()} if config is not None else {}
    fahrenheit = config is not None and config.node.units == "F"
    lines = [f"{'ID':<17}{'TEMPERATURE':<22}CONFIG"]
    new: list[str] = []
    for probe in found:
        sensor_id, value_c = probe.id, probe.value_c
        if value_c is None:
            reading = probe_error_text(probe.error, probe.detail) if probe.error else "no reading"
        elif fahrenheit:
            reading = f"{c_to_f(value_c):.2f} °F"
        else:
            reading = f"{value_c:.2f} °C"
        name = by_id.get(sensor_id)
        if name is None:
            new.append(sensor_id)
            where = "new" if config is not None else "-"
        else:
            where = f"probes.{name}"
            offset = config.probes[name].offset_c if config is not None else 0.0
            if offset and value_c is not None:
                where += f" (offset {offset:+g} °C)"
        lines.append(f"{sensor_id:<17}{reading:<22}{where}")
    if not found:
        lines.append("(no DS18B20 probes on the bus)")
    present = {probe.id for probe in found}
    missing = [
        f"probes.{name} ({p.id})" for name, p in (config.probes.items() if config else []) if p.id not in present
    ]
    if missing:
        lines += ["", "In the config but not on the bus: " + ", ".join(missing)]
    if new:
        lines += ["", "Config snippet for the new probes (rename them, then add to the config):", ""]
        for name, sensor_id in zip(snippet_names(config, len(new)), new, strict=True):
            lines += [f"[probes.{name}]", f'id = "{sensor_id}"', ""]
        lines.pop()
    return "\n".join(lines)


def sensors(args: argparse.Namespace) -> int:
    """List the bus. Exit 0 (even when probes are faulty: this is a diagnostic)."""
    from brewctl.drivers.probes import scan_bus

    config = _load_optional(args.config)
    print(format_sensors(scan_bus(args.w1_dir), config))
    return 0


def _off_plan(config_path: Path, state_dir: Path | None) -> OffPlan:
    """What to drive off: the config's outputs (or what is readable of a broken one) plus the
    outputs the daemon recorded at its last start in its state dir."""
    from brewctl.config import NodeConfig, load_config
    from brewctl.errors import ConfigError
    from brewctl.service.forced_off import (
        LAST_GOOD_FILE,
        plan_from_config,
        plan_from_text,
        read_last_good,
        salvage_state_dir,
    )

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        print(f"brewctl: {exc}", file=sys.stderr)
        print("brewctl: the config has errors: turning off every output that can still be identified", file=sys.stderr)
        try:
            text = config_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        plan = plan_from_text(text, str(config_path))
        state_dir = state_dir or salvage_state_dir(text) or NodeConfig().state_dir
    else:
        plan = plan_from_config(config, str(config_path))
        state_dir = state_dir or config.node.state_dir
    record = state_dir / LAST_GOOD_FILE
    last_good, problem = read_last_good(record)
    if problem:
        plan.problems.append(problem)
    plan.merge_last_good(last_good, f"{record} (the daemon's last good config)")
    return plan


def outputs_off(args: argparse.Namespace) -> int:
    """Claim every output that can be identified at its off level and release it; best effort, pin by pin.

    Exit 0 when every output was driven off, 1 when some could not be claimed (named on stderr)
    or some pin of a broken config could not be identified.
    """
    import asyncio

    from brewctl.drivers.outputs import OutputBank

    plan = _off_plan(args.config, args.state_dir)
    failed: list[str] = []

    async def off() -> None:
        for name, output in plan.outputs.items():  # one at a time: a busy pin must not spare the others
            try:
                async with OutputBank({name: output}):
                    pass
            except Exception as exc:
                failed.append(name)
                pins = ", ".join(f"GPIO{p}" for p in output.pins)
                print(f"brewctl: outputs.{name} ({pins}): could not drive off: {exc}", file=sys.stderr)

    asyncio.run(off())
    for problem in plan.problems:
        print(f"brewctl: {problem}", file=sys.stderr)
    extra = sorted({src for name, src in plan.sources.items() if src != str(args.config)})
    done = len(plan.outputs) - len(failed)
    print(f"{done} output(s) off" + (f", {len(failed)} failed (is the daemon still running?)" if failed else ""))
    for src in extra:
        names = ", ".join(n for n, s in plan.sources.items() if s == src)
        print(f"  from {src}: {names}")
    return 1 if failed or plan.problems else 0
