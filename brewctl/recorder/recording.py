"""Pure bookkeeping of the history recorder: what to write, and when it cannot wait.

``HistoryRecording`` turns statuses and events into ``WriteBatch``es. It skips a fermenter's
row when nothing in it changed (but writes one at least every ``heartbeat_s``, and writes the
last skipped row before a change, so a chart draws a flat line, not a slope), folds samples
into 1-minute aggregates, and reports a state change (mode, profile step, alarms, safe) or an
event that matters (an alarm, a mode or profile step change, anything a command did) as
*urgent*: the component commits those at once instead of at the next batch. A shared chiller
is a series of its own, ``chiller:NAME`` (see ``CHILLER_PREFIX``), recorded by the same rules
at the time of the cycle's newest fermenter status.
"""

from __future__ import annotations

from dataclasses import dataclass

from brewctl.model import ChillerStatus, Event, FermenterStatus, NodeStatus
from brewctl.recorder.codec import MinuteAggregator, Sample, encode_chiller, encode_status
from brewctl.recorder.history import CHILLER_PREFIX, WriteBatch

__all__ = ["CLOCK_BACK_MS", "URGENT_EVENTS", "HistoryRecording", "is_urgent"]

CLOCK_BACK_MS = 60_000
"""A status this much older than the last one means the wall clock was set back."""

URGENT_EVENTS = frozenset({"mode", "profile_step", "alarm", "alarm_cleared", "safe"})
"""Event kinds committed at once (and so is every event a command caused: see ``is_urgent``)."""


def is_urgent(event: Event) -> bool:
    """Commit at once: an urgent kind, or a command's effect (the daemon tags those with ``source``)."""
    return event.kind in URGENT_EVENTS or "source" in event.data


@dataclass
class _Track:
    written: Sample | None = None
    held: Sample | None = None
    state: tuple[object, ...] = ()


def _state(status: FermenterStatus) -> tuple[object, ...]:
    step = status.profile.step_index if status.profile is not None else None
    return (status.mode, step, status.safe, tuple(sorted(a.code for a in status.alarms)))


def _chiller_state(chiller: ChillerStatus) -> tuple[object, ...]:
    return ("chiller", tuple(sorted(a.code for a in chiller.alarms)))


class HistoryRecording:
    """Accumulates history rows between commits (pure: time comes from the statuses)."""

    def __init__(self, *, heartbeat_s: float = 300.0) -> None:
        self.heartbeat_ms = round(heartbeat_s * 1000)
        self._tracks: dict[str, _Track] = {}
        self._minutes: dict[str, MinuteAggregator] = {}
        self._batch = WriteBatch()
        self.newest_s: float | None = None
        """Time of the newest status seen."""

    def add_status(self, status: NodeStatus) -> bool:
        """Record a node status; True if a fermenter's (or chiller's) state changed (commit now)."""
        urgent = False
        for fid, fs in status.fermenters.items():
            urgent |= self._add(fid, encode_status(fs), _state(fs))
        if status.fermenters:  # a chiller's row takes the cycle's time, as its InfluxDB line does
            updated_s = max(fs.updated_s for fs in status.fermenters.values())
            for cid, chiller in status.chillers.items():
                urgent |= self._add(CHILLER_PREFIX + cid, encode_chiller(chiller, updated_s), _chiller_state(chiller))
        return urgent

    def _add(self, fid: str, sample: Sample, state: tuple[object, ...]) -> bool:
        track = self._tracks.setdefault(fid, _Track())
        updated_s = sample.ts_ms / 1000
        last = track.held or track.written
        if last is not None and sample.ts_ms <= last.ts_ms:
            if last.ts_ms - sample.ts_ms < CLOCK_BACK_MS:
                return False  # the same status again: nothing new
            # The wall clock was set back (NTP correcting a Pi without a real-time clock):
            # record from the new time on rather than nothing until the clock catches up.
            if track.held is not None:
                self._batch.samples.append((fid, track.held))
            track.written = track.held = None
            self.newest_s = updated_s
        self.newest_s = max(self.newest_s or updated_s, updated_s)
        done = self._minutes.setdefault(fid, MinuteAggregator()).add(sample)
        if done is not None:
            self._batch.minutes.append((fid, done))
        written = track.written
        if written is not None and sample.values == written.values and sample.ts_ms - written.ts_ms < self.heartbeat_ms:
            track.held = sample
        else:
            if track.held is not None:
                self._batch.samples.append((fid, track.held))
                track.held = None
            self._batch.samples.append((fid, sample))
            track.written = sample
        changed = bool(track.state) and state != track.state
        track.state = state
        return changed

    def add_event(self, event: Event) -> bool:
        """Record an event; True if it should be committed at once."""
        self._batch.events.append(event)
        return is_urgent(event)

    def take(self) -> WriteBatch:
        """The rows to commit now."""
        batch, self._batch = self._batch, WriteBatch()
        return batch

    def take_final(self) -> WriteBatch:
        """Everything, including held rows and unfinished minutes (on shutdown)."""
        batch = self.take()
        for fid, track in self._tracks.items():
            if track.held is not None:
                batch.samples.append((fid, track.held))
                track.written, track.held = track.held, None
        for fid, agg in self._minutes.items():
            row = agg.take_partial()
            if row is not None:
                batch.minutes.append((fid, row))
        return batch

    def put_back(self, batch: WriteBatch, *, max_rows: int = 200_000) -> int:
        """Return a batch that failed to commit (kept for the next try); drops the oldest past ``max_rows``."""
        merged = WriteBatch(
            samples=batch.samples + self._batch.samples,
            minutes=batch.minutes + self._batch.minutes,
            events=batch.events + self._batch.events,
        )
        dropped = max(0, len(merged.samples) - max_rows)
        del merged.samples[:dropped]
        self._batch = merged
        return dropped
