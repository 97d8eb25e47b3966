"""Which pins ``brewctl outputs-off`` must drive off, even when the config file is broken.

The systemd unit runs ``brewctl outputs-off`` after the daemon stops for any reason. A config
edited badly while the daemon ran must not disable that: the pins come from

1. the daemon's own record, ``outputs.json`` in its state dir, written at every start from the
   config it actually runs with (the pins that may be on right now), and
2. whatever part of the config file is readable: every ``[outputs.NAME]`` table that validates,
   and from one that does not, its ``pin``/``open_pin``/``close_pin`` when its polarity
   (``active_high``) is known. A file that is not even valid TOML is scanned line by line.

A pin whose off level cannot be known is not touched (driving it the wrong way turns it on);
it is reported. Everything here is pure but the two file helpers at the end.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from brewctl.config import Config, OutputConfig, OutputKind

__all__ = [
    "LAST_GOOD_FILE",
    "OffPlan",
    "last_good_record",
    "plan_from_config",
    "plan_from_text",
    "read_last_good",
    "salvage_state_dir",
]

LAST_GOOD_FILE = "outputs.json"
"""In the state dir: the outputs of the config the daemon last started with."""
_FORMAT = "brewctl-outputs"
_PIN_KEYS = ("pin", "open_pin", "close_pin")


@dataclass
class OffPlan:
    """Outputs to drive off (name -> config), where each came from, and what could not be used."""

    outputs: dict[str, OutputConfig] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def pins(self) -> set[int]:
        """Every GPIO pin the plan drives."""
        return {p for cfg in self.outputs.values() for p in cfg.pins}

    def add(self, name: str, cfg: OutputConfig, source: str) -> None:
        """Add ``cfg`` unless all its pins are already driven (the first source wins)."""
        if set(cfg.pins) <= self.pins():
            return
        while name in self.outputs:
            name += "'"
        self.outputs[name] = cfg
        self.sources[name] = source

    def merge_last_good(self, last_good: Mapping[str, OutputConfig], source: str) -> None:
        """Add the daemon's recorded outputs whose pins the config does not drive already."""
        taken = self.pins()
        for name, cfg in last_good.items():
            for pin in cfg.pins:
                if pin not in taken:
                    self.add(f"{name}@{pin}", _relay(pin, cfg.active_high), source)
                    taken.add(pin)


def _relay(pin: int, active_high: bool) -> OutputConfig:
    return OutputConfig(kind=OutputKind.RELAY, pin=pin, active_high=active_high)


def plan_from_config(config: Config, source: str) -> OffPlan:
    """Every output of a valid config."""
    plan = OffPlan()
    for name, cfg in config.outputs.items():
        plan.add(name, cfg, source)
    return plan


def plan_from_text(text: str, source: str) -> OffPlan:
    """The outputs that can be identified in the text of a config that does not validate."""
    try:
        data: Any = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return _plan_from_lines(text, source)
    plan = OffPlan()
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(outputs, dict):
        plan.problems.append(f"{source}: no readable [outputs] tables")
        return plan
    for name, table in outputs.items():
        if not isinstance(table, dict):
            plan.problems.append(f"{source}: outputs.{name}: not a table")
            continue
        try:
            plan.add(str(name), OutputConfig.model_validate(table), source)
            continue
        except ValidationError:
            pass
        _salvage_table(plan, str(name), table, source)
    return plan


def _salvage_table(plan: OffPlan, name: str, table: Mapping[str, Any], source: str) -> None:
    active_high = table.get("active_high", True)
    pins = [table[k] for k in _PIN_KEYS if k in table]
    good = [p for p in pins if isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 27]
    if not isinstance(active_high, bool):
        if good:
            plan.problems.append(
                f"{source}: outputs.{name}: active_high is not true/false: GPIO{', GPIO'.join(map(str, good))} "
                "left alone (its off level is unknown)"
            )
        return
    for pin in good:
        plan.add(f"{name}@{pin}", _relay(pin, active_high), f"{source} (outputs.{name}, partly readable)")
    if len(good) < len(pins):
        plan.problems.append(f"{source}: outputs.{name}: a pin that is not a GPIO number 0-27 was skipped")


_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"-]+)\s*\]\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*([^#]*?)\s*(#.*)?$")


def _plan_from_lines(text: str, source: str) -> OffPlan:
    """A file that is not TOML: ``[outputs.NAME]`` sections and their ``key = value`` lines."""
    tables: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    ambiguous: set[str] = set()
    name = ""
    for line in text.splitlines():
        if line.lstrip().startswith("["):
            # A header, or a broken one: either way the lines below belong to another table.
            header = _HEADER.match(line)
            parts = header.group(1).replace('"', "").split(".") if header else []
            current = None
            if len(parts) == 2 and parts[0] == "outputs":
                name = parts[1]
                if name in tables:
                    ambiguous.add(name)
                current = tables.setdefault(name, {})
            continue
        assign = _ASSIGN.match(line)
        if current is None or assign is None:
            continue
        key, value = assign.group(1), assign.group(2)
        parsed: object
        if key in _PIN_KEYS and value.isdigit() and len(value) <= 2:
            parsed = int(value)
        elif key == "active_high":
            parsed = {"true": True, "false": False}.get(value, value)  # else: unknown polarity, reported
        else:
            continue
        if key in current and current[key] != parsed:
            ambiguous.add(name)
        current[key] = parsed
    plan = OffPlan(problems=[f"{source}: not valid TOML: read line by line"])
    for name, table in tables.items():
        if name in ambiguous:
            plan.problems.append(f"{source}: outputs.{name}: given twice with different values: left alone")
            continue
        _salvage_table(plan, name, table, f"{source} (line scan)")
    return plan


def salvage_state_dir(text: str) -> Path | None:
    """``node.state_dir`` from the text of a broken config, if it can be read."""
    try:
        data: Any = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        m = re.search(r'(?ms)^\s*\[\s*node\s*\].*?^\s*state_dir\s*=\s*"([^"\n]+)"', text)
        return Path(m.group(1)) if m else None
    node = data.get("node") if isinstance(data, dict) else None
    value = node.get("state_dir") if isinstance(node, dict) else None
    return Path(value) if isinstance(value, str) and value else None


def last_good_record(config: Config) -> bytes:
    """The ``outputs.json`` the daemon writes at start."""
    outputs = {name: cfg.model_dump(mode="json") for name, cfg in config.outputs.items()}
    return json.dumps({"format": _FORMAT, "outputs": outputs}, indent=1).encode()


def read_last_good(path: Path) -> tuple[dict[str, OutputConfig], str | None]:
    """The outputs recorded in ``path`` and, if it is unusable, why (a missing file is no problem)."""
    from brewctl.userfiles import read_regular_file

    try:
        raw: Any = json.loads(read_regular_file(path, 1 << 20))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError, RecursionError) as exc:
        return {}, f"{path}: unusable ({exc})"
    if not isinstance(raw, dict) or raw.get("format") != _FORMAT or not isinstance(raw.get("outputs"), dict):
        return {}, f"{path}: not a brewctl outputs record"
    found: dict[str, OutputConfig] = {}
    for name, table in raw["outputs"].items():
        try:
            found[str(name)] = OutputConfig.model_validate(table)
        except ValidationError:
            continue
    return found, None
