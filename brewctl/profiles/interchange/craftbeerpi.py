"""CraftBeerPi 4 fermenter recipes (YAML): ``{basic: {name}, steps: [{name, type, props}]}``.

Step types:

- ``FermenterStep`` (``Temp``, ``TimerD``/``TimerH``/``TimerM``) -> hold. CraftBeerPi starts
  the timer once the temperature is reached; brewctl counts from the start of the step
  (warned).
- ``FermenterRampTempStep`` (``Temp``, ``RampRate`` degrees per day) -> ramp at that rate.
- ``FermenterTargetTempStep`` (``Temp``) -> a zero-length hold: the next step starts at once
  (CraftBeerPi waits for the temperature; warned).
- ``FermenterNotificationStep`` (``Notification``, ``AutoNext``) -> wait-for-brewer at the
  previous temperature when ``AutoNext`` is "No"; dropped with a warning otherwise.

Other types are refused, naming the step. The YAML has no unit: pass ``units``, else values
above 40 are taken as degF (warned).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Literal

from brewctl.core.profile import HoldStep, RampStep, Step, WaitForBrewerStep
from brewctl.errors import ProfileError
from brewctl.profiles.interchange.common import ImportResult, Warnings, build_profile, guess_units, number, temp_c
from brewctl.userfiles import hostile_reason

__all__ = ["YAML_MISSING", "import_craftbeerpi", "looks_like_craftbeerpi", "read_yaml", "yaml_available"]

YAML_MISSING = (
    "CraftBeerPi profiles are YAML, and reading YAML needs PyYAML, an optional part of brewctl: "
    "pipx inject brewctl pyyaml (or, in a venv: pip install 'brewctl[yaml]')"
)

_KNOWN_PROPS = {
    "FermenterStep": {"Temp", "TimerD", "TimerH", "TimerM", "Sensor", "AutoMode", "Notification"},
    "FermenterRampTempStep": {"Temp", "RampRate", "Sensor", "AutoMode", "Notification"},
    "FermenterTargetTempStep": {"Temp", "Sensor", "AutoMode", "Notification"},
    "FermenterNotificationStep": {"Notification", "AutoNext"},
}


def _yaml() -> ModuleType:
    try:
        import yaml
    except ImportError:
        raise ProfileError(YAML_MISSING) from None
    return yaml


def yaml_available() -> bool:
    """Is PyYAML installed (the ``yaml`` extra)?"""
    try:
        _yaml()
    except ProfileError:
        return False
    return True


def read_yaml(text: str, source: str) -> Any:
    yaml = _yaml()
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ProfileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except (RecursionError, ValueError) as exc:
        raise ProfileError(f"{source}: not valid YAML: {hostile_reason(exc) or exc}") from None


def _temp(props: dict[str, Any], where: str, units: Literal["C", "F"], source: str) -> float:
    if props.get("Temp") in (None, ""):
        raise ProfileError(f"{source}: {where}.props.Temp: missing temperature")
    where_t = f"{where}.props.Temp"
    return temp_c(number(props["Temp"], where_t, source), units, where_t, source)


def looks_like_craftbeerpi(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("steps"), list) and isinstance(data.get("basic"), dict)


def import_craftbeerpi(
    data: dict[str, Any], source: str, name: str | None, units: Literal["C", "F"] | None = None
) -> ImportResult:
    """A profile from a CraftBeerPi 4 fermenter recipe."""
    warnings = Warnings()
    raw_steps = data["steps"]
    if not raw_steps:
        raise ProfileError(f"{source}: steps: the recipe has no steps")
    temps = [
        number(s["props"]["Temp"], f"steps[{i}].props.Temp", source)
        for i, s in enumerate(raw_steps)
        if isinstance(s, dict) and isinstance(s.get("props"), dict) and s["props"].get("Temp") not in (None, "")
    ]
    if units is None:
        units = guess_units(temps)
        warnings.add("", f"CraftBeerPi recipes have no unit: read as °{units} (use --units to choose)")
    steps: list[Step] = []
    previous: float | None = None
    for i, raw in enumerate(raw_steps):
        where = f"steps[{i}]"
        if not isinstance(raw, dict):
            raise ProfileError(f"{source}: {where}: expected a mapping")
        kind = str(raw.get("type", ""))
        step_name = str(raw.get("name", ""))[:80]
        label = f"{where} ({step_name})" if step_name else where
        props = raw.get("props") or {}
        if not isinstance(props, dict):
            raise ProfileError(f"{source}: {where}.props: expected a mapping")
        if kind not in _KNOWN_PROPS:
            raise ProfileError(
                f"{source}: {label}: step type {kind!r} cannot be mapped (supported: {', '.join(sorted(_KNOWN_PROPS))})"
            )
        for key in sorted(set(props) - _KNOWN_PROPS[kind]):
            warnings.add(label, f"property {key!r} ignored")
        if props.get("Notification") and kind != "FermenterNotificationStep":
            warnings.add(label, "the notification text is not sent (brewctl alerts on its own events)")

        if kind == "FermenterStep":
            seconds = sum(
                number(props.get(key) or 0, f"{where}.props.{key}", source) * size
                for key, size in (("TimerD", 86400.0), ("TimerH", 3600.0), ("TimerM", 60.0))
            )
            steps.append(HoldStep(name=step_name, temperature_c=_temp(props, where, units, source), duration_s=seconds))
            warnings.add(
                label, "CraftBeerPi starts the timer when the temperature is reached; brewctl from the step start"
            )
        elif kind == "FermenterRampTempStep":
            rate = number(props.get("RampRate", 1), f"{where}.props.RampRate", source)
            if rate <= 0:
                raise ProfileError(f"{source}: {where}.props.RampRate: must be above zero")
            per_hour_c = rate / 24.0 * (5.0 / 9.0 if units == "F" else 1.0)
            steps.append(
                RampStep(name=step_name, temperature_c=_temp(props, where, units, source), rate_c_per_h=per_hour_c)
            )
        elif kind == "FermenterTargetTempStep":
            steps.append(HoldStep(name=step_name, temperature_c=_temp(props, where, units, source), duration_s=0.0))
            warnings.add(label, "'go to temperature' became a zero-length hold: brewctl does not wait for the beer")
        else:
            auto = str(props.get("AutoNext", "No")).strip().lower() in ("yes", "true", "1")
            if auto:
                warnings.add(label, "notification with AutoNext dropped (nothing to wait for)")
                continue
            hold_c = previous if previous is not None else None
            if hold_c is None:
                raise ProfileError(f"{source}: {label}: a notification step first has no temperature to hold")
            steps.append(
                WaitForBrewerStep(
                    name=step_name, temperature_c=hold_c, message=str(props.get("Notification", ""))[:200]
                )
            )
        last = steps[-1] if steps else None
        if isinstance(last, HoldStep | RampStep):
            previous = last.temperature_c
    if not steps:
        raise ProfileError(f"{source}: no steps left to import")
    basic = data.get("basic") or {}
    for key in sorted(set(basic) - {"name", "desc", "author", "id"}):
        warnings.add("basic", f"field {key!r} ignored")
    data_out = {
        "name": str(name or basic.get("name") or "Imported CraftBeerPi recipe")[:80],
        "description": str(basic.get("desc") or ""),
        "author": str(basic.get("author") or ""),
        "units": units,
        "steps": steps,
    }
    return ImportResult(build_profile(data_out, source), tuple(warnings.items))
