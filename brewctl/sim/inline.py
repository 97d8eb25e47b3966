"""A tiny inline profile for quick experiments: ``"19:4d,ramp21:2d,21:2d,2:3d"``.

Comma-separated steps, each ``TEMP:DURATION``:

- ``19:4d``      hold 19 degC for 4 days (the setpoint steps there at once);
- ``ramp21:2d``  ramp linearly from the previous setpoint to 21 degC over 2 days;
- ``free:1d``    free rise for a day (no control).

Durations as everywhere in brewctl (``3d 12h``, ``90m``, ``45s``). After the last step the
last setpoint holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from brewctl.errors import ProfileError
from brewctl.limits import SETPOINT_MAX_C, SETPOINT_MIN_C
from brewctl.units import parse_duration

__all__ = ["InlineProfile", "parse_inline_profile"]


@dataclass(frozen=True, slots=True)
class _Segment:
    start_s: float
    end_s: float
    from_c: float | None
    to_c: float | None


@dataclass(frozen=True, slots=True)
class InlineProfile:
    """A setpoint schedule: call it with the elapsed seconds to get the beer setpoint."""

    segments: tuple[_Segment, ...]
    spec: str = ""

    @property
    def duration_s(self) -> float:
        return self.segments[-1].end_s if self.segments else 0.0

    def __call__(self, elapsed_s: float) -> float | None:
        last: float | None = None
        for seg in self.segments:
            if elapsed_s < seg.end_s:
                if seg.from_c is None or seg.to_c is None or seg.end_s <= seg.start_s:
                    return seg.to_c
                frac = max(0.0, (elapsed_s - seg.start_s) / (seg.end_s - seg.start_s))
                return seg.from_c + (seg.to_c - seg.from_c) * frac
            last = seg.to_c
        return last


def parse_inline_profile(spec: str) -> InlineProfile:
    """Parse ``"19:4d,ramp21:2d,21:2d,2:3d"``; raises ``ProfileError`` naming the bad step."""
    segments: list[_Segment] = []
    t = 0.0
    prev: float | None = None
    for n, raw in enumerate(spec.split(","), start=1):
        item = raw.strip()
        where = f"inline profile step {n} ({item!r})"
        temp_text, sep, dur_text = item.partition(":")
        if not sep:
            raise ProfileError(f"{where}: write TEMP:DURATION, e.g. 19:4d or ramp21:2d")
        try:
            duration = parse_duration(dur_text)
        except ValueError as exc:
            raise ProfileError(f"{where}: {exc}") from None
        temp_text = temp_text.strip().lower()
        ramp = temp_text.startswith("ramp")
        if temp_text == "free":
            to: float | None = None
        else:
            try:
                to = float(temp_text.removeprefix("ramp"))
            except ValueError:
                raise ProfileError(f"{where}: {temp_text!r} is not a temperature") from None
            if not SETPOINT_MIN_C <= to <= SETPOINT_MAX_C:
                raise ProfileError(f"{where}: {to:g} °C is outside {SETPOINT_MIN_C:g}..{SETPOINT_MAX_C:g} °C")
        if ramp and prev is None:
            raise ProfileError(f"{where}: a ramp needs a previous temperature")
        segments.append(_Segment(t, t + duration, prev if ramp else to, to))
        t += duration
        prev = to
    if not segments:
        raise ProfileError("empty inline profile")
    return InlineProfile(tuple(segments), spec)
