"""Fermenter statuses as InfluxDB line protocol (pure).

One measurement per domain, tags ``node`` and ``fermenter`` (plus ``probe`` or ``output``),
numeric fields only (VictoriaMetrics stores a string field as 0), millisecond timestamps taken
from ``FermenterStatus.updated_s``. The same status always gives the same lines, so a re-sent
batch overwrites itself in InfluxDB (same series, same timestamp) instead of adding points.

::

    fermenter_temperature,node=pi,fermenter=fv1,probe=beer celsius=19.06 1764000000000
    fermenter_output,node=pi,fermenter=fv1,output=heat duty=0.4,active=1i 1764000000000
    fermenter_control,node=pi,fermenter=fv1 beer_setpoint_c=19,chamber_setpoint_c=18.5,p=1.2,...
    fermenter_gravity,node=pi,fermenter=fv1 sg=1.048,age_s=120 1764000000000
    chiller,node=pi,chiller=main reservoir_c=-1.81,setpoint_c=-2,open_valves=1i,waiting=0i,overloaded=0i 1764000000000

A chiller's line takes the cycle's time from its fermenters' statuses (the same cycle).
"""

from __future__ import annotations

import math

from brewctl.model import ChillerStatus, FermenterStatus, NodeStatus
from brewctl.recorder.codec import MODE_CODES

__all__ = ["chiller_line", "fermenter_lines", "status_lines"]

_TAG_ESCAPES = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ ", "\\": "\\\\"})


def _tag(value: str) -> str:
    return value.translate(_TAG_ESCAPES)


def _float(value: float) -> str:
    return repr(float(value))


def _fields(pairs: list[tuple[str, float | int | bool | None]]) -> str:
    out = []
    for name, v in pairs:
        if v is None:
            continue
        if isinstance(v, bool):
            out.append(f"{name}={int(v)}i")
        elif isinstance(v, int):
            out.append(f"{name}={v}i")
        elif math.isfinite(v):
            out.append(f"{name}={_float(v)}")
    return ",".join(out)


def fermenter_lines(node: str, fs: FermenterStatus) -> list[str]:
    """The lines of one fermenter's status (4 to 8 points)."""
    ts = round(fs.updated_s * 1000)
    base = f"node={_tag(node)},fermenter={_tag(fs.id)}"
    lines = []
    for probe, value in (("beer", fs.beer_c), ("chamber", fs.chamber_c), ("room", fs.room_c)):
        if value is not None and math.isfinite(value):
            lines.append(f"fermenter_temperature,{base},probe={probe} celsius={_float(value)} {ts}")
    for out in fs.outputs:
        fields = _fields([("duty", out.value), ("active", out.active)])
        lines.append(f"fermenter_output,{base},output={_tag(out.role)} {fields} {ts}")
    control = _fields(
        [
            ("beer_setpoint_c", fs.beer_setpoint_c),
            ("chamber_setpoint_c", fs.chamber_setpoint_c),
            ("p", fs.pid.p),
            ("i", fs.pid.i),
            ("d", fs.pid.d),
            ("mode", MODE_CODES[fs.mode]),
            ("profile_step", fs.profile.step_index if fs.profile is not None else None),
            ("safe", fs.safe),
            ("alarms", len(fs.alarms)),
        ]
    )
    lines.append(f"fermenter_control,{base} {control} {ts}")
    if fs.gravity is not None:
        fields = _fields([("sg", fs.gravity.sg), ("age_s", fs.gravity.age_s)])
        lines.append(f"fermenter_gravity,{base} {fields} {ts}")
    return lines


def status_lines(status: NodeStatus, *, node: str | None = None) -> list[str]:
    """Every fermenter's lines (``node`` defaults to ``status.node``)."""
    name = node or status.node
    lines: list[str] = []
    for fs in status.fermenters.values():
        lines += fermenter_lines(name, fs)
    if status.fermenters:
        updated_s = max(fs.updated_s for fs in status.fermenters.values())
        lines += [chiller_line(name, c, updated_s) for c in status.chillers.values()]
    return lines


def chiller_line(node: str, c: ChillerStatus, updated_s: float) -> str:
    """One shared glycol chiller: reservoir, valves open and waiting, the overload alarm."""
    fields = _fields(
        [
            ("reservoir_c", c.reservoir_c),
            ("setpoint_c", c.setpoint_c),
            ("open_valves", len(c.open_valves)),
            ("waiting", len(c.waiting)),
            ("budget", c.budget),
            ("overloaded", any(a.code == "chiller_overloaded" for a in c.alarms)),
        ]
    )
    return f"chiller,node={_tag(node)},chiller={_tag(c.id)} {fields} {round(updated_s * 1000)}"
