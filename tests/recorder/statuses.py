"""Synthetic node statuses for recorder tests (no daemon needed)."""

from __future__ import annotations

import math

from brewctl.config import Mode
from brewctl.model import Alarm, FermenterStatus, GravityStatus, NodeStatus, OutputStatus, PidTerms, ProfileStatus

T0 = 1_764_000_000.0
"""A Unix time (2025-11-24) to start synthetic histories at."""


def fermenter(
    fid: str,
    t: float,
    *,
    beer: float | None = 19.0,
    chamber: float | None = 18.0,
    heat: float = 0.0,
    cool: float = 0.0,
    mode: Mode = Mode.BEER,
    step: int | None = None,
    sg: float | None = None,
    alarms: tuple[str, ...] = (),
) -> FermenterStatus:
    profile = ProfileStatus(name="ale", step_index=step, step_count=5) if step is not None else None
    return FermenterStatus(
        id=fid,
        mode=mode,
        beer_c=beer,
        chamber_c=chamber,
        room_c=21.0,
        beer_setpoint_c=19.0,
        chamber_setpoint_c=18.5,
        outputs=(
            OutputStatus(role="heat", value=heat, active=heat > 0),
            OutputStatus(role="cool", value=cool, active=cool > 0),
        ),
        pid=PidTerms(p=1.25, i=0.5, d=-0.1),
        alarms=tuple(Alarm(code=a, message=a) for a in alarms),
        profile=profile,
        gravity=GravityStatus(sg=sg, age_s=10) if sg is not None else None,
        updated_s=t,
    )


def node(t: float, *fermenters: FermenterStatus) -> NodeStatus:
    return NodeStatus(node="test-node", version="0", fermenters={f.id: f for f in fermenters})


def wavy(fids: tuple[str, ...], t: float) -> NodeStatus:
    """Every value changes every cycle (a worst case for storage)."""
    out = []
    for k, fid in enumerate(fids):
        w = math.sin(t / 600 + k)
        sg = 1.05 - t % 1e5 / 1e7
        out.append(fermenter(fid, t, beer=19 + w, chamber=18 + 2 * w, heat=max(0.0, w), cool=max(0.0, -w), sg=sg))
    return node(t, *out)
