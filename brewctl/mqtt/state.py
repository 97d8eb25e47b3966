"""What the bridge publishes about a node, and when (pure).

``NodeInfo`` is the retained node document; ``HaView`` is the flat per-fermenter document
Home Assistant's entities read (computed here so the discovery templates stay trivial);
``PublishGate`` decides when a retained state is worth publishing again: when something a
person would notice changed, or when ``interval_s`` has passed since the last publish.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from brewctl.config import Mode
from brewctl.model import Alarm, ChillerStatus, FermenterStatus, NodeStatus
from brewctl.rigs import COOL_ROLES, RIGS

__all__ = [
    "HA_MODES_BY_RIG",
    "HaView",
    "NodeInfo",
    "PublishGate",
    "fingerprint",
    "ha_hold_mode",
    "ha_view",
    "node_info",
]


class NodeInfo(BaseModel):
    """The retained document on ``<base>/status``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    node: str
    version: str
    uptime_s: float = 0.0
    simulated: bool = False
    fermenters: tuple[str, ...] = ()
    alarms: tuple[Alarm, ...] = Field((), description="Node-level alarms (outbox full, ...).")
    chillers: dict[str, ChillerStatus] = Field(
        default_factory=dict, description="Shared glycol chillers (reservoir to 0.1 °C); HA sensors read them."
    )
    updated_s: float = 0.0


def node_info(status: NodeStatus, alarms: tuple[Alarm, ...], now_s: float) -> NodeInfo:
    """The node document for a status and the hub's standing node alarms."""
    return NodeInfo(
        node=status.node,
        version=status.version,
        uptime_s=status.uptime_s,
        simulated=status.simulated,
        fermenters=tuple(status.fermenters),
        alarms=alarms,
        chillers={
            cid: c.model_copy(update={"reservoir_c": None if c.reservoir_c is None else round(c.reservoir_c, 1)})
            for cid, c in status.chillers.items()
        },
        updated_s=now_s,
    )


HA_MODES_BY_RIG: dict[str, str] = {rig.value: spec.ha_hold_mode for rig, spec in RIGS.items()}
"""The Home Assistant HVAC mode that stands for 'hold the beer at the target' on each rig."""


def ha_hold_mode(rig: str) -> str:
    """The HA mode meaning 'hold the setpoint' for a rig (``heat_cool`` if unknown)."""
    return HA_MODES_BY_RIG.get(rig, "heat_cool")


HaAction = Literal["off", "heating", "cooling", "idle"]


class HaView(BaseModel):
    """A flat view of one fermenter in Home Assistant's vocabulary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: str = Field(description="HA HVAC mode: off, auto (profile) or the rig's hold mode.")
    brewctl_mode: Mode
    action: HaAction
    current_c: float | None
    target_c: float | None
    chamber_c: float | None
    room_c: float | None
    sg: float | None
    heat_duty_pct: float
    cool_duty_pct: float
    profile: Literal["ON", "OFF"]
    profile_step: str = ""


def ha_view(f: FermenterStatus, gravity_stale_s: float | None = None) -> HaView:
    """Map a fermenter status to what Home Assistant shows. A gravity reading older than
    ``gravity_stale_s`` (the hydrometers' ``stale_after_s``) shows as unknown, not as the last
    value: a silent iSpindel must not look like a finished fermentation.
    """
    if f.mode is Mode.OFF:
        mode = "off"
    elif f.mode is Mode.PROFILE:
        mode = "auto"
    else:
        mode = ha_hold_mode(f.rig)
    heat = max((o.value for o in f.outputs if o.role == "heat"), default=0.0)
    cool = max((o.value for o in f.outputs if o.role in COOL_ROLES), default=0.0)
    heating = any(o.active for o in f.outputs if o.role == "heat")
    cooling = any(o.active for o in f.outputs if o.role in COOL_ROLES)
    action: HaAction
    if f.mode is Mode.OFF or f.safe:
        action = "off"
    elif heating:
        action = "heating"
    elif cooling:
        action = "cooling"
    else:
        action = "idle"
    running = f.profile is not None and not f.profile.finished
    return HaView(
        mode=mode,
        brewctl_mode=f.mode,
        action=action,
        current_c=f.beer_c,
        target_c=f.beer_setpoint_c,
        chamber_c=f.chamber_c,
        room_c=f.room_c,
        sg=_fresh_sg(f, gravity_stale_s),
        heat_duty_pct=round(heat * 100.0, 1),
        cool_duty_pct=round(cool * 100.0, 1),
        profile="ON" if running else "OFF",
        profile_step=f.profile.step_name if f.profile is not None else "",
    )


def _fresh_sg(f: FermenterStatus, stale_s: float | None) -> float | None:
    g = f.gravity
    if g is None or (stale_s is not None and g.age_s > stale_s):
        return None
    return g.sg


_VOLATILE = {"updated_s", "pid"}


def fingerprint(f: FermenterStatus) -> str:
    """A digest of what a person would notice: temperatures to 0.1 degC, setpoints, mode, outputs,
    alarms, profile step. Timers, PID terms and ages are left out (they change every cycle).
    """
    data = f.model_dump(mode="json", exclude=_VOLATILE)
    for key in ("beer_c", "chamber_c", "room_c"):
        if data[key] is not None:
            data[key] = round(data[key], 1)
    for out in data["outputs"]:
        out.pop("blocked_s", None)
        out["value"] = round(out["value"], 2)
        if out.get("why") and out["why"].get("duty") is not None:
            out["why"]["duty"] = round(out["why"]["duty"], 2)  # as the reason shows it: to 1 %
    if data["profile"] is not None:
        for key in ("step_remaining_s", "eta_s", "elapsed_s"):
            data["profile"].pop(key, None)
    if data["gravity"] is not None:
        data["gravity"].pop("age_s", None)
        data["gravity"]["sg"] = round(data["gravity"]["sg"], 3)
    for alarm in data["alarms"]:
        alarm.pop("since_s", None)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


class PublishGate:
    """Publish on change, and at least every ``interval_s`` (per key)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._last: dict[str, tuple[str, float]] = {}

    def due(self, key: str, digest: str, now_s: float) -> bool:
        """True if ``key`` should be published now; the caller then calls ``sent``."""
        last = self._last.get(key)
        return last is None or last[0] != digest or now_s - last[1] >= self.interval_s

    def sent(self, key: str, digest: str, now_s: float) -> None:
        """Record a successful publish."""
        self._last[key] = (digest, now_s)

    def reset(self) -> None:
        """Forget everything (after a reconnect: republish all)."""
        self._last.clear()
