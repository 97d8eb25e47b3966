"""The profile file format: parsing, normalisation, error messages with lines, writing."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.errors import ProfileError
from brewctl.profiles import (
    Attenuation,
    FreeRiseStep,
    GravityAtOrBelow,
    GravityStable,
    HoldStep,
    HoldUntilStep,
    Profile,
    RampStep,
    Until,
    WaitForBrewerStep,
    dump_profile,
    find_profile,
    load_profile,
    parse_profile,
)
from brewctl.profiles.document import from_profile
from brewctl.profiles.locate import TomlLocator

from .conftest import profile_from


def errors_of(text: str) -> list[str]:
    with pytest.raises(ProfileError) as info:
        parse_profile(textwrap.dedent(text), "p.toml")
    return str(info.value).splitlines()


def test_every_step_kind_normalised_to_c_seconds_sg() -> None:
    p = profile_from(
        """
        name = "F and Plato"
        units = "F"
        gravity_units = "plato"
        [[steps]]
        type = "hold"
        temperature = 50
        duration = "3d 12h"
        [[steps]]
        type = "ramp"
        temperature = 68
        rate = 1.8
        [[steps]]
        type = "free_rise"
        duration = "90m"
        min = 59
        max = 77
        [[steps]]
        type = "hold_until"
        temperature = 68
        max_duration = "1w"
        until = [{ type = "gravity", at_or_below = 2.5 }, { type = "stable", within_points = 1, period = "2d" }]
        [[steps]]
        type = "wait_for_brewer"
        temperature = 35.6
        message = "dry hop now"
        """
    )
    hold, ramp, free, until, wait = p.steps
    assert isinstance(hold, HoldStep) and hold.temperature_c == pytest.approx(10.0)
    assert hold.duration_s == 3.5 * 86400
    assert isinstance(ramp, RampStep) and ramp.temperature_c == pytest.approx(20.0)
    assert ramp.rate_c_per_h == pytest.approx(1.0)
    assert isinstance(free, FreeRiseStep) and free.duration_s == 5400
    assert free.min_c == pytest.approx(15.0) and free.max_c == pytest.approx(25.0)
    assert isinstance(until, HoldUntilStep) and until.max_duration_s == 7 * 86400
    gravity, stable = until.until.conditions
    assert isinstance(gravity, GravityAtOrBelow) and gravity.sg == pytest.approx(1.0098, abs=2e-4)
    assert isinstance(stable, GravityStable) and stable.period_s == 2 * 86400
    assert isinstance(wait, WaitForBrewerStep) and wait.temperature_c == pytest.approx(2.0)
    assert p.license == "CC0-1.0" and p.units == "F"


def test_error_names_file_line_and_field() -> None:
    lines = errors_of(
        """\
        name = "Lager"

        [[steps]]
        type = "hold"
        temperature = 10
        duration = "3d"

        [[steps]]
        type = "hold"
        temperature = 12
        duration = "3x"
        """
    )
    assert lines == ["p.toml:11: steps[1].duration: cannot read duration '3x'; write e.g. '3d 12h', '90m' or '45s'"]


def test_every_problem_is_reported_in_line_order() -> None:
    lines = errors_of(
        """\
        name = "Many problems"
        colour = "amber"
        [[steps]]
        type = "hold"
        duration = "3d"
        [[steps]]
        type = "ramp"
        temperature = 12
        [[steps]]
        type = "hold_until"
        temperature = 12
        max_duration = "2d"
        until = [
          { type = "gravity", at_or_below = 1.010 },
          { type = "stable", within_points = 1, periode = "1d" },
        ]
        [[steps]]
        type = "boil"
        """
    )
    assert lines[0] == "p.toml:2: colour: unknown key (check the spelling)"
    assert lines[1] == "p.toml:3: steps[0].temperature: missing (required)"
    assert lines[2].startswith("p.toml:6: steps[1]: a ramp needs either 'duration' or 'rate'")
    assert "p.toml:15: steps[2].until[1].periode: unknown key (check the spelling)" in lines
    assert "p.toml:15: steps[2].until[1].period: missing (required)" in lines
    assert lines[-1].startswith("p.toml:18: steps[3].type: unknown type 'boil'; expected one of 'hold'")


def test_a_step_with_another_problem_still_gets_its_temperature_checked() -> None:
    lines = errors_of(
        """\
        name = "x"
        units = "F"
        [[steps]]
        type = "hold"
        temperature = 120
        duration = "3x"
        [[steps]]
        type = "ramp"
        temperature = 10
        duration = "1d"
        rate = 1
        """
    )
    assert lines == [
        "p.toml:5: steps[0].temperature: 120 °F is outside the allowed 23..104 °F",
        "p.toml:6: steps[0].duration: cannot read duration '3x'; write e.g. '3d 12h', '90m' or '45s'",
        "p.toml:7: steps[1]: a ramp needs either 'duration' or 'rate', not both",
        "p.toml:9: steps[1].temperature: 10 °F is outside the allowed 23..104 °F",
    ]


def test_out_of_range_temperature_in_file_units() -> None:
    lines = errors_of(
        """\
        name = "x"
        units = "F"
        [[steps]]
        type = "hold"
        temperature = 120
        duration = "1d"
        """
    )
    assert lines == ["p.toml:5: steps[0].temperature: 120 °F is outside the allowed 23..104 °F"]


def test_gravity_in_wrong_units_gets_a_hint() -> None:
    lines = errors_of(
        """\
        name = "x"
        [[steps]]
        type = "hold_until"
        temperature = 18
        max_duration = "10d"
        until = [{ type = "gravity", at_or_below = 3 }]
        """
    )
    assert lines == [
        "p.toml:6: steps[0].until[0].at_or_below: gravity 3 is outside 0.980..1.200 SG (is gravity_units right?)"
    ]


def test_hold_until_without_max_duration_is_refused() -> None:
    lines = errors_of(
        """\
        name = "x"
        [[steps]]
        type = "hold_until"
        temperature = 18
        until = [{ type = "gravity", at_or_below = 1.010 }]
        """
    )
    assert lines == ["p.toml:2: steps[0].max_duration: missing (required)"]


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ('"3651d"', "duration '3651d' is longer than 10 years"),
        ('"99999999999999999999d"', "duration '99999999999999999999d' is longer than 10 years"),
        ("1e30", "duration 1e+30 is longer than 10 years"),
        ("nan", "cannot read duration nan"),
        ('"inf"', "cannot read duration 'inf'"),
    ],
)
def test_absurd_durations_are_problems_not_tracebacks(duration: str, message: str) -> None:
    # These passed the file checks and then broke the models: a traceback in `validate`,
    # HTTP 500 from the daemon, and the whole library listing failing over one file.
    lines = errors_of(f'name = "x"\n[[steps]]\ntype = "hold"\ntemperature = 19\nduration = {duration}\n')
    assert len(lines) == 1 and lines[0].startswith(f"p.toml:5: steps[0].duration: {message}")


def test_a_ramp_so_slow_it_would_take_years_is_refused() -> None:
    lines = errors_of(
        'name = "x"\n[[steps]]\ntype = "hold"\ntemperature = 20\nduration = "1d"\n'
        '[[steps]]\ntype = "ramp"\ntemperature = 10\nrate = 0.0001\n'
    )
    assert lines == ["p.toml:9: steps[1].rate: at this rate the ramp would take more than 10 years"]


def test_a_file_with_an_absurd_duration_does_not_break_finding_others(tmp_path: Path) -> None:
    (tmp_path / "a-huge.toml").write_text('name = "Huge"\n[[steps]]\ntype="hold"\ntemperature=19\nduration=1e30\n')
    (tmp_path / "clean-ale.toml").write_text('name = "Clean ale"\n[[steps]]\ntype="hold"\ntemperature=19\nduration=1\n')
    assert find_profile("Clean ale", [tmp_path]).name == "Clean ale"


def test_invalid_toml_names_the_line() -> None:
    assert errors_of('name = "x"\n[[steps]]\ntype = \n') == ["p.toml:3: not valid TOML: Invalid value"]


def test_newer_format_version_says_so() -> None:
    lines = errors_of('format_version = 9\nname = "x"\n[[steps]]\ntype = "hold"\ntemperature = 1\nduration = 1\n')
    assert lines == ["p.toml:1: format_version: this file needs a newer brewctl (it reads format_version 1)"]


def test_dump_and_parse_round_trip() -> None:
    p = profile_from(
        """
        name = "Round trip"
        description = "all kinds"
        styles = ["Pils"]
        units = "F"
        gravity_units = "plato"
        [[steps]]
        type = "ramp"
        from = 50
        temperature = 55.4
        duration = "1d 6h"
        [[steps]]
        type = "free_rise"
        duration = "2d"
        max = 86
        combine = "all"
        until = [
          { type = "attenuation", percent = 70, og = 12 },
          { type = "stable", within_points = 2, period = "36h" },
        ]
        [[steps]]
        type = "hold_until"
        temperature = 68
        max_duration = "10d"
        until = [{ type = "gravity", at_or_below = 3 }]
        [[steps]]
        type = "wait_for_brewer"
        temperature = 68
        """
    )
    again = parse_profile(dump_profile(p), "dumped.toml")
    assert _close(again.model_dump(), p.model_dump())
    in_c = parse_profile(dump_profile(p, "C"), "c.toml")
    assert in_c.units == "C"
    assert _close(in_c.model_copy(update={"units": "F"}).model_dump(), p.model_dump())


def _close(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 0.01
    return a == b


def test_find_by_stem_name_or_path(tmp_path: Path) -> None:
    (tmp_path / "clean-ale.toml").write_text(
        'name = "Clean ale"\n[[steps]]\ntype="hold"\ntemperature=19\nduration="1w"\n'
    )
    (tmp_path / "broken.toml").write_text("name = \n")
    assert find_profile("clean-ale", [tmp_path]).name == "Clean ale"
    assert find_profile("CLEAN ALE", [tmp_path]).name == "Clean ale"
    assert find_profile(str(tmp_path / "clean-ale.toml"), []).name == "Clean ale"
    with pytest.raises(ProfileError, match=r"no profile named 'lager'.*available: clean-ale"):
        find_profile("lager", [tmp_path])
    with pytest.raises(ProfileError, match=r"broken\.toml:1: not valid TOML"):
        find_profile("broken", [tmp_path])


def test_load_missing_file() -> None:
    with pytest.raises(ProfileError, match=r"nowhere\.toml: profile file not found"):
        load_profile("nowhere.toml")


def test_locator_handles_nested_tables_and_inline_arrays() -> None:
    text = textwrap.dedent(
        """\
        name = "x"  # comment, with [brackets]
        [[steps]]
        type = "hold"
        [[steps]]
        type = "hold_until"
        until = [
          { type = "gravity", at_or_below = 1.0 },  # first, "quoted"
          { type = "stable",
            period = "2x" },
        ]
        [[steps]]
        name = "last"
        [[steps.until]]
        type = "stable"
        """
    )
    loc = TomlLocator(text)
    assert loc.line(("name",)) == 1
    assert loc.line(("steps", 0, "type")) == 3
    assert loc.line(("steps", 1, "until", 0, "at_or_below")) == 7
    assert loc.line(("steps", 1, "until", 1, "period")) == 9
    assert loc.line(("steps", 1, "until", 1, "missing")) == 8
    assert loc.line(("steps", 2, "temperature")) == 11
    assert loc.line(("steps", 2, "until", 0, "type")) == 14
    assert loc.line(("steps", 2, "until", 0, "period")) == 13
    assert loc.line(("nothing",)) is None


# --- properties: writing and reading back, locating keys in written files -----------------

_temps = st.floats(min_value=-5.0, max_value=40.0, allow_nan=False)
_spans = st.floats(min_value=0.0, max_value=30 * 86400.0, allow_nan=False)
_until = st.builds(
    Until,
    combine=st.sampled_from(["any", "all"]),
    conditions=st.lists(
        st.one_of(
            st.builds(GravityAtOrBelow, sg=st.floats(min_value=0.99, max_value=1.1)),
            st.builds(
                GravityStable,
                within_points=st.floats(min_value=0.1, max_value=5),
                period_s=st.floats(min_value=60, max_value=5 * 86400.0),
            ),
            st.builds(Attenuation, percent=st.floats(min_value=1, max_value=100), og_sg=st.none() | st.just(1.05)),
        ),
        min_size=1,
        max_size=3,
    ).map(tuple),
)
_names = st.text(alphabet="abc XYZ-é", max_size=12)
_steps = st.one_of(
    st.builds(HoldStep, name=_names, temperature_c=_temps, duration_s=_spans),
    st.builds(RampStep, name=_names, temperature_c=_temps, from_c=st.none() | _temps, duration_s=_spans),
    st.builds(RampStep, temperature_c=_temps, rate_c_per_h=st.floats(min_value=0.01, max_value=10)),
    st.builds(
        FreeRiseStep,
        name=_names,
        duration_s=_spans,
        min_c=st.none(),
        max_c=st.none() | _temps,
        until=st.none() | _until,
    ),
    st.builds(
        HoldUntilStep, name=_names, temperature_c=_temps, until=_until, max_duration_s=_spans.map(lambda s: s + 1)
    ),
    st.builds(WaitForBrewerStep, name=_names, temperature_c=_temps, message=_names),
)
_profiles = st.builds(
    Profile,
    name=st.text(alphabet="abc XYZ-é'\"", min_size=1, max_size=20).filter(str.strip),
    description=st.text(max_size=40),
    units=st.sampled_from(["C", "F"]),
    gravity_units=st.sampled_from(["sg", "plato"]),
    steps=st.lists(_steps, min_size=1, max_size=5).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(profile=_profiles)
def test_written_profiles_read_back_the_same(profile: Profile) -> None:
    for units in ("C", "F"):
        again = parse_profile(dump_profile(profile, units), "w.toml")
        assert _close(again.model_copy(update={"units": profile.units}).model_dump(), profile.model_dump())


@settings(max_examples=100, deadline=None)
@given(profile=_profiles)
def test_locator_finds_every_key_of_a_written_profile(profile: Profile) -> None:
    text = dump_profile(profile)
    lines = text.split("\n")  # as TOML counts lines (not str.splitlines, which breaks at U+0085 too)
    loc = TomlLocator(text)
    doc = from_profile(profile)
    type_lines = [loc.line(("steps", i, "type")) for i in range(len(doc["steps"]))]
    assert all(a is not None and b is not None and a < b for a, b in itertools.pairwise(type_lines)), text
    for i, step in enumerate(doc["steps"]):
        for key, value in step.items():
            if isinstance(value, list):
                for j, cond in enumerate(value):
                    for ckey in cond:
                        line = loc.line(("steps", i, key, j, ckey))
                        assert line is not None and f"{ckey} =" in lines[line - 1], (i, key, j, ckey, text)
                continue
            line = loc.line(("steps", i, key))
            assert line is not None and f"{key} =" in lines[line - 1], (i, key, text)


def test_locator_skips_multiline_strings() -> None:
    text = 'description = """\n[[steps]]\nduration = 1\n"""\n[[steps]]\ntype = "hold"\nduration = "1x"\n'
    loc = TomlLocator(text)
    assert loc.line(("steps", 0, "duration")) == 7
    assert loc.line(("steps", 1)) is None
