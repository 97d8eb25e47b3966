"""Encoding statuses into scaled integers, and the 1-minute aggregation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from brewctl.config import Mode
from brewctl.recorder.codec import SAMPLE_FIELDS, MinuteAggregator, Sample, decode, encode_status, mode_from_code
from brewctl.recorder.recording import HistoryRecording
from tests.recorder.statuses import T0, fermenter, node


def test_a_status_encodes_to_scaled_integers_and_back() -> None:
    s = encode_status(fermenter("fv1", T0 + 0.5, beer=19.0625, heat=0.333, mode=Mode.PROFILE, step=2, sg=1.0481))
    v = dict(zip(SAMPLE_FIELDS, s.values, strict=True))
    assert s.ts_ms == round((T0 + 0.5) * 1000)
    assert all(isinstance(x, int) for x in s.values if x is not None)
    assert decode("beer", v["beer"]) == 19.06
    assert decode("heat", v["heat"]) == 0.333
    assert decode("gravity", v["gravity"]) == 1.0481
    assert v["valve"] is None  # this rig has no valve
    assert mode_from_code(v["mode"]) == "profile"
    assert v["step"] == 2


def test_missing_probe_is_null_not_zero() -> None:
    s = encode_status(fermenter("fv1", T0, beer=None))
    assert s.values[SAMPLE_FIELDS.index("beer")] is None


@given(st.lists(st.integers(min_value=-500, max_value=4000), min_size=1, max_size=30))
def test_minute_mean_min_max_match_the_samples(beers: list[int]) -> None:
    agg = MinuteAggregator()
    base = 1_764_000_000_000 // 60_000 * 60_000
    for k, b in enumerate(beers):
        values = [None] * len(SAMPLE_FIELDS)
        values[SAMPLE_FIELDS.index("beer")] = b
        assert agg.add(Sample(base + k * 1000, tuple(values))) is None  # same minute
    done = agg.add(Sample(base + 60_000, (None,) * len(SAMPLE_FIELDS)))
    assert done is not None
    assert done.minute_s == base // 1000
    assert done.n == len(beers)
    assert done.means[0] == round(sum(beers) / len(beers))
    assert (done.beer_min, done.beer_max) == (min(beers), max(beers))
    partial = agg.take_partial()
    assert partial is not None and partial.n == 1 and partial.means[0] is None


def test_recording_goes_on_when_the_wall_clock_is_set_back() -> None:
    """A Pi without a real-time clock: NTP sets the time back an hour; the history must not stop."""
    rec = HistoryRecording()
    for t in (T0, T0 + 5, T0 + 10, T0 + 10, T0 + 9):  # a repeat and a jitter are not new cycles
        rec.add_status(node(t, fermenter("fv1", t)))
    for t in (T0 - 3600, T0 - 3595):
        rec.add_status(node(t, fermenter("fv1", t, beer=18.0)))
    stamps = [s.ts_ms / 1000 for _, s in rec.take_final().samples]
    assert stamps == [T0, T0 + 10, T0 - 3600, T0 - 3595]  # (T0 + 5 unchanged: held, then superseded)
    assert rec.newest_s == T0 - 3595  # retention counts from the new time, not the old one


def test_every_column_has_a_scale_and_is_either_averaged_or_kept_last() -> None:
    """The column list is written once (SAMPLE_FIELDS); the scales and the per-minute rule follow it."""
    from brewctl.recorder.codec import AGGREGATE_FIELDS, SAMPLE_FIELDS, SCALES

    assert tuple(SCALES) == SAMPLE_FIELDS
    assert set(AGGREGATE_FIELDS) | {"gravity", "mode", "step"} == set(SAMPLE_FIELDS)
    # the minute table's column order (schema) is unchanged
    averaged = "beer chamber room beer_sp chamber_sp heat cool valve p i d reservoir open_valves waiting overloaded"
    assert averaged.split() == list(AGGREGATE_FIELDS)
