"""Building the published status from one control step: pure functions.

``fermenter_status`` turns what the daemon knows about a fermenter after a control step into
the ``FermenterStatus`` everyone sees (API, MQTT, history, TUI); ``summary_line`` is the
one-line ``STATUS=`` shown by ``systemctl status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from brewctl.config import FermenterConfig, Mode
from brewctl.core.control import ControlResult
from brewctl.display import chiller_line, format_temp
from brewctl.model import Alarm, FermenterStatus, GravityStatus, OutputStatus, PidTerms, ProfileStatus
from brewctl.rigs import can_heat_cool
from brewctl.service.hub import GravitySample
from brewctl.service.state import FermenterState
from brewctl.wording import is_probe_lost, word_alarm, word_output

__all__ = ["chiller_line", "fermenter_status", "stamp_alarms", "summary_line", "word_alarms"]


def fermenter_status(
    fid: str,
    cfg: FermenterConfig,
    state: FermenterState,
    result: ControlResult | None,
    *,
    readings: Mapping[str, float | None],
    alarms: tuple[Alarm, ...],
    profile: ProfileStatus | None,
    gravity: Sequence[GravitySample],
    wall_s: float,
    now_mono_s: float | None = None,
) -> FermenterStatus:
    """The status of one fermenter after a control step (``result`` None: no step yet)."""
    gravity_status = None
    if gravity:
        last = gravity[-1]
        age_s = last.age_s(now_mono_s) if now_mono_s is not None else max(0.0, wall_s - last.at_s)
        gravity_status = GravityStatus(sg=last.sg, age_s=age_s, source=last.source)
    beer_sp = result.beer_setpoint_c if result is not None else None
    if beer_sp is None and state.mode is Mode.BEER:
        beer_sp = state.beer_setpoint_c
    return FermenterStatus(
        id=fid,
        name=cfg.name,
        rig=cfg.rig.value,
        mode=state.mode,
        beer_c=readings.get("beer"),
        chamber_c=readings.get("chamber"),
        room_c=readings.get("room"),
        beer_setpoint_c=beer_sp,
        chamber_setpoint_c=result.chamber_setpoint_c if result is not None else None,
        outputs=_worded_outputs(result.output_status, readings.get("beer"), beer_sp) if result is not None else (),
        pid=result.pid if result is not None else PidTerms(),
        alarms=alarms,
        profile=profile,
        gravity=gravity_status,
        safe=result.safe if result is not None else True,
        updated_s=wall_s,
    )


def _worded_outputs(
    outputs: Sequence[OutputStatus], beer_c: float | None, setpoint_c: float | None
) -> tuple[OutputStatus, ...]:
    """Each output's reason in words; an idle one says why from the beer's distance to its setpoint."""
    error = beer_c - setpoint_c if beer_c is not None and setpoint_c is not None else None
    can_heat, can_cool = can_heat_cool({o.role for o in outputs})
    return tuple(word_output(o, beer_error_c=error, can_heat=can_heat, can_cool=can_cool) for o in outputs)


def word_alarms(alarms: Sequence[Alarm], probe_errors: Mapping[str, tuple[str, str | None]]) -> tuple[Alarm, ...]:
    """The alarms with their messages worded (``brewctl.wording``); a lost probe says what the
    bus said about it: ``chamber probe lost (not on the bus)``.

    ``probe_errors`` maps a probe role (``beer``, ``chamber``) to the probe reader's last error
    code and detail (``brewctl.drivers.probes``); a lost probe's alarm carries them as its
    ``bus_error`` and ``bus_detail`` values.
    """
    out = []
    for alarm in alarms:
        error = probe_errors.get(alarm.role) if alarm.role is not None else None
        if error is not None and is_probe_lost(alarm):
            code, detail = error
            values = alarm.values | {"bus_error": code} | ({"bus_detail": detail} if detail else {})
            alarm = alarm.model_copy(update={"values": values})
        out.append(word_alarm(alarm))
    return tuple(out)


def stamp_alarms(before: Sequence[Alarm], now: Sequence[Alarm], wall_s: float) -> tuple[Alarm, ...]:
    """Give each standing alarm the wall time it was first raised (kept while it stands)."""
    since = {a.code: a.since_s for a in before}
    stamped = []
    for alarm in now:
        first = since.get(alarm.code)
        stamp = first if first is not None else wall_s
        stamped.append(alarm if alarm.since_s == stamp else alarm.model_copy(update={"since_s": stamp}))
    return tuple(stamped)


def _t(value: float | None) -> str:
    return format_temp(value, unit=False)


def summary_line(statuses: Iterable[FermenterStatus]) -> str:
    """``fv1 beer 19.1/19.0; fv2 off 12.0/--`` (mode, beer temperature / setpoint)."""
    return "; ".join(f"{s.id} {s.mode.value} {_t(s.beer_c)}/{_t(s.beer_setpoint_c)}" for s in statuses)
