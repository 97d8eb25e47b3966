"""Which alarms to announce, and when (pure, clock passed in).

``AlertTracker.update(alarms, now_s)`` takes every standing alarm (per fermenter and for the
node) and returns the notices to send: ``raised`` when an alarm appears, ``cleared`` when an
announced alarm goes away. Rate limit: a key (fermenter + alarm code) is announced at most
once per ``min_interval_s``. An alarm that flaps inside the interval stays quiet (its raise
and its clear are both swallowed); one that is still standing when the interval ends is
announced then, so a real alarm is late at worst, never lost. An alarm that a graver one of
the same fermenter covers (``SUBSUMED_BY``) is not announced while that one stands, and one
announced before is not "cleared" by it either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from brewctl.model import Alarm, NodeStatus
from brewctl.rigs import PROBE_ROLES, probe_lost_code

__all__ = ["SUBSUMED_BY", "AlarmKey", "AlertTracker", "Notice", "standing_alarms"]

AlarmKey = tuple[str | None, str]
"""(fermenter id or None for the node, alarm code)."""


@dataclass(frozen=True)
class Notice:
    """An alarm to announce."""

    event: Literal["raised", "cleared"]
    fermenter: str | None
    alarm: Alarm


@dataclass
class _Track:
    alarm: Alarm
    announced: bool = False


@dataclass
class AlertTracker:
    """Turns successive sets of standing alarms into rate-limited raised/cleared notices."""

    min_interval_s: float = 0.0
    _standing: dict[AlarmKey, _Track] = field(default_factory=dict)
    _last_raised_s: dict[AlarmKey, float] = field(default_factory=dict)

    def update(self, alarms: Mapping[AlarmKey, Alarm], now_s: float) -> list[Notice]:
        """The notices due now, given every alarm standing now. Call it on each status and
        from time to time (a deferred raise goes out on the first call after its interval).
        """
        notices: list[Notice] = []
        for key in sorted(set(self._standing) - set(alarms), key=_sort_key):
            track = self._standing.pop(key)
            if track.announced:
                notices.append(Notice("cleared", key[0], track.alarm))
        for key in sorted(alarms, key=_sort_key):
            track = self._standing.setdefault(key, _Track(alarms[key]))
            track.alarm = alarms[key]
            if track.announced or _subsumed(key, alarms):
                continue
            last = self._last_raised_s.get(key)
            if last is None or now_s - last >= self.min_interval_s:
                track.announced = True
                self._last_raised_s[key] = now_s
                notices.append(Notice("raised", key[0], track.alarm))
        return notices

    @property
    def standing(self) -> dict[AlarmKey, Alarm]:
        """Every alarm standing after the last update."""
        return {k: t.alarm for k, t in self._standing.items()}


def _sort_key(key: AlarmKey) -> tuple[str, str]:
    return (key[0] or "", key[1])


SUBSUMED_BY: dict[str, str] = {probe_lost_code(role): "all_probes_lost" for role in PROBE_ROLES}
"""An alarm not announced while the one it names stands on the same fermenter: one lost probe
on a beer-probe-only fermenter is one critical notice ("beer probe lost: all outputs off"), not
that plus a warning for the same cause."""


def _subsumed(key: AlarmKey, alarms: Mapping[AlarmKey, Alarm]) -> bool:
    """A graver alarm of the same fermenter covers this one (``SUBSUMED_BY``): not announced
    while it stands. One announced before stays announced: no "cleared" while its cause stands."""
    graver = SUBSUMED_BY.get(key[1])
    return graver is not None and (key[0], graver) in alarms


def standing_alarms(status: NodeStatus, node_alarms: tuple[Alarm, ...] = ()) -> dict[AlarmKey, Alarm]:
    """Every alarm in a node status (per fermenter) plus the node-level ones (the tracker
    keeps quiet about the ones a graver alarm covers, ``SUBSUMED_BY``)."""
    found: dict[AlarmKey, Alarm] = {(None, a.code): a for a in node_alarms}
    for fid, f in status.fermenters.items():
        for a in f.alarms:
            found[(fid, a.code)] = a
    return found
