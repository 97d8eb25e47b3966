"""Importers and exporters: each format from a file written from its spec, errors, round trips."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brewctl.core.profile import Attenuation, StepTimeAtLeast
from brewctl.errors import ProfileError
from brewctl.profiles import (
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
    parse_profile,
)
from brewctl.profiles.describe import planned_curve
from brewctl.profiles.interchange import detect_format, export_profile, import_file, import_text

DATA = Path(__file__).parent / "data"
D = 86400.0


def kinds(profile: Profile) -> list[str]:
    return [s.kind for s in profile.steps]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("beerjson_recipe.json", "beerjson"),
        ("beerxml_recipe.xml", "beerxml"),
        ("brewpi_profile.csv", "brewpi-csv"),
        ("fermentrack_profile.json", "fermentrack"),
        ("brewpiless_profile.json", "brewpiless"),
        ("craftbeerpi_recipe.yaml", "craftbeerpi"),
    ],
)
def test_format_detected_by_content(name: str, fmt: str) -> None:
    assert detect_format((DATA / name).read_text(encoding="utf-8")) == fmt


def test_beerjson_recipe() -> None:
    result = import_file(DATA / "beerjson_recipe.json", name="Helles")
    p = result.profile
    assert (p.name, p.units, p.styles, p.yeasts, p.author) == (
        "Helles",
        "F",
        ("Munich Helles",),
        ("W-34/70",),
        "A. Brewer",
    )
    assert kinds(p) == ["hold_until", "ramp", "hold", "free_rise", "hold"]
    primary, rise, rest, free, lager = p.steps
    assert isinstance(primary, HoldUntilStep) and primary.max_duration_s == 10 * D
    assert primary.temperature_c == pytest.approx(10.0)
    assert primary.until.conditions == (GravityAtOrBelow(sg=1.020),)
    assert (
        isinstance(rise, RampStep) and rise.from_c == pytest.approx(10.0) and rise.temperature_c == pytest.approx(17.0)
    )
    assert rise.duration_s == 2 * D
    assert isinstance(rest, HoldStep) and rest.duration_s == 3 * D
    assert isinstance(free, FreeRiseStep) and free.duration_s == 12 * 3600
    assert isinstance(lager, HoldStep) and lager.temperature_c == 1.0 and lager.duration_s == 28 * D
    # Nothing silently dropped: the fields without an equivalent are listed.
    assert any("start_gravity" in w for w in result.warnings)
    assert any("vessel" in w and "Fermenter 1" in w for w in result.warnings)


def test_beerjson_with_several_entries_needs_a_name() -> None:
    with pytest.raises(ProfileError, match=r"2 fermentation procedure or recipes.*--name.*'Simple ale', 'Helles'"):
        import_file(DATA / "beerjson_recipe.json")
    assert import_file(DATA / "beerjson_recipe.json", name="simple ale").profile.steps == (
        HoldStep(name="Primary", temperature_c=19.0, duration_s=7 * D),
    )


def test_beerjson_bad_unit_is_named() -> None:
    doc = {
        "beerjson": {
            "version": 1,
            "fermentations": [
                {
                    "name": "x",
                    "fermentation_steps": [
                        {
                            "name": "a",
                            "start_temperature": {"unit": "K", "value": 290},
                            "step_time": {"unit": "day", "value": 1},
                        }
                    ],
                }
            ],
        }
    }
    with pytest.raises(ProfileError, match=r"fermentation_steps\[0\]\.start_temperature: unknown temperature unit 'K'"):
        import_text(json.dumps(doc), "x.json")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (
            json.dumps(
                {
                    "beerjson": {
                        "version": 1,
                        "fermentations": [
                            {
                                "name": "x",
                                "fermentation_steps": [
                                    {
                                        "name": "a",
                                        "start_temperature": {"unit": "C", "value": 18},
                                        "step_time": {"unit": "day", "value": 1e30},
                                    }
                                ],
                            }
                        ],
                    }
                }
            ),
            "beerjson",
        ),
        (
            "<RECIPES><RECIPE><NAME>x</NAME><FERMENTATION_STAGES>1</FERMENTATION_STAGES>"
            "<PRIMARY_AGE>-3</PRIMARY_AGE><PRIMARY_TEMP>19</PRIMARY_TEMP></RECIPE></RECIPES>",
            "beerxml",
        ),
    ],
)
def test_values_the_models_refuse_are_errors_not_tracebacks(text: str, fmt: str) -> None:
    with pytest.raises(ProfileError, match=r"^x\.in: cannot be imported: duration_s: "):
        import_text(text, "x.in", fmt=fmt)


def test_beerjson_of_the_wrong_shape_is_named_not_a_traceback() -> None:
    # Found by fuzzing the importers with mutated test files: these raised TypeError/AttributeError.
    with pytest.raises(ProfileError, match=r"^x\.json: beerjson\.fermentations: expected a list, got float$"):
        import_text(json.dumps({"beerjson": {"version": 1, "fermentations": 1.5}}), "x.json")
    with pytest.raises(ProfileError, match=r"^x\.json: beerjson\.recipes: expected a list, got bool$"):
        import_text(json.dumps({"beerjson": {"version": 1, "recipes": True}}), "x.json")
    doc = json.loads((DATA / "beerjson_recipe.json").read_text(encoding="utf-8"))
    for recipe in doc["beerjson"]["recipes"]:
        recipe["ingredients"] = 3.0  # yeast names are hints: the profile still imports
    name = doc["beerjson"]["recipes"][0]["name"]
    assert import_text(json.dumps(doc), "x.json", name=name).profile.yeasts == ()


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_an_imported_profile_is_not_declared_cc0(name: str) -> None:
    # Someone else's schedule: brewctl cannot know its licence (the library's CC0 default would
    # put words in the author's mouth). SPDX NOASSERTION says so, and survives a write/read.
    profile = import_file(DATA / name, name="Helles" if "beerjson" in name else "Mild" if "beerxml" in name else None)
    assert profile.profile.license == "NOASSERTION"
    assert parse_profile(dump_profile(profile.profile)).license == "NOASSERTION"


def test_beerxml_stages_and_ageing() -> None:
    result = import_file(DATA / "beerxml_recipe.xml", name="Best Bitter")
    p = result.profile
    assert [(s.name, s.temperature_c, s.duration_s) for s in p.steps if isinstance(s, HoldStep)] == [
        ("Primary", 19.0, 5 * D),
        ("Secondary", 21.0, 3 * D),
        ("Conditioning", 12.0, 14 * D),
    ]
    assert p.styles == ("Best Bitter",) and p.yeasts == ("London ESB",) and p.description == "House bitter."
    assert any("TERTIARY_AGE is set but FERMENTATION_STAGES is 2" in w for w in result.warnings)
    with pytest.raises(ProfileError, match=r"2 recipes in this file; choose one with --name"):
        import_file(DATA / "beerxml_recipe.xml")


def test_beerxml_broken_xml_names_the_line() -> None:
    with pytest.raises(ProfileError, match=r"x\.xml:3: not valid XML"):
        import_text("<RECIPES>\n<RECIPE><NAME>a</NAME>\n</RECIPES>\n", "x.xml")


def test_brewpi_csv_interpolates_and_off_is_free_rise() -> None:
    result = import_file(DATA / "brewpi_profile.csv")
    p = result.profile
    assert kinds(p) == ["hold", "ramp", "hold", "free_rise", "hold"]
    assert p.steps[1] == RampStep(temperature_c=21.0, duration_s=2 * D)
    assert p.steps[4] == HoldStep(temperature_c=2.0, duration_s=3 * D)
    assert any("no unit: read as °C" in w for w in result.warnings)
    assert any("free-rise" in w for w in result.warnings)


def test_brewpi_csv_in_f_and_bad_rows() -> None:
    text = "date,temperature\n2024-01-01T00:00:00,66.2\n2024-01-02T00:00:00,66.2\n"
    p = import_text(text, "f.csv").profile
    assert p.units == "F" and p.steps[0].temperature_c == pytest.approx(19.0)  # type: ignore[union-attr]
    with pytest.raises(ProfileError, match=r"b\.csv:3: cannot read the date 'tomorrow'"):
        import_text("date,temperature\n2024-01-01T00:00:00,19\ntomorrow,20\n", "b.csv")
    with pytest.raises(ProfileError, match=r"b\.csv:3: the dates go backwards"):
        import_text("date,temperature\n2024-01-02T00:00:00,19\n2024-01-01T00:00:00,20\n", "b.csv")


def test_brewpi_csv_with_the_days_column_brewpi_www_writes() -> None:
    text = (
        "date,temperature,days\n"
        "2023-02-01T08:00:00,19,0\n"
        "2023-02-04T20:00:00,19,3.5\n"
        "2023-02-06T20:00:00,22,5.5\n"
        "2023-02-08T20:00:00,22,9\n"  # disagrees with its date (7.5 days)
    )
    result = import_text(text, "p.csv", units="C")
    assert kinds(result.profile) == ["hold", "ramp", "hold"]
    assert result.profile.steps[2].duration_s == 2 * D  # the date wins
    assert result.warnings == ("line 5: days 9 disagrees with the date (7.50 days): the date is used",)


def test_fermentrack_points_are_cumulative() -> None:
    p = import_file(DATA / "fermentrack_profile.json").profile
    assert p.units == "F" and p.name == "Fermentrack lager"
    assert kinds(p) == ["hold", "ramp", "hold"]
    assert [s.duration_s for s in p.steps] == [7 * D, 2 * D, 3 * D]  # type: ignore[union-attr]


def test_brewpiless_conditions() -> None:
    result = import_file(DATA / "brewpiless_profile.json")
    p = result.profile
    assert kinds(p) == ["hold", "hold_until", "ramp", "hold_until", "hold_until", "hold"]
    time_or_gravity = p.steps[1]
    assert isinstance(time_or_gravity, HoldUntilStep) and time_or_gravity.max_duration_s == 10 * D
    assert time_or_gravity.until.conditions == (GravityAtOrBelow(sg=1.012),)
    assert p.steps[2] == RampStep(name="Ramp", temperature_c=21.0, duration_s=D)
    stable = p.steps[3]
    assert isinstance(stable, HoldUntilStep) and stable.until.conditions == (
        GravityStable(within_points=1, period_s=48 * 3600),
    )
    # 'a' = time AND gravity: one step, both conditions (all), a fallback (warned)
    att = p.steps[4]
    assert isinstance(att, HoldUntilStep) and att.temperature_c == 21.0 and att.until.combine == "all"
    assert att.until.conditions == (Attenuation(percent=75), StepTimeAtLeast(duration_s=2 * D))
    assert any("t[4]: condition 'a' has no time limit" in w for w in result.warnings)


def test_brewpiless_unknown_condition_is_named() -> None:
    with pytest.raises(ProfileError, match=r"t\[0\]\.c: unknown condition 'q'"):
        import_text('{"u":"C","t":[{"c":"q","d":1,"t":18}]}', "b.json")


def test_craftbeerpi_steps() -> None:
    result = import_file(DATA / "craftbeerpi_recipe.yaml")
    p = result.profile
    assert kinds(p) == ["hold", "wait_for_brewer", "ramp", "hold"]
    assert p.steps[0].duration_s == 4.5 * D  # type: ignore[union-attr]
    wait = p.steps[1]
    assert isinstance(wait, WaitForBrewerStep) and wait.temperature_c == 19.0 and wait.message == "Add the dry hops now"
    ramp = p.steps[2]
    assert isinstance(ramp, RampStep) and ramp.rate_c_per_h == pytest.approx(2 / 24)
    assert any("starts the timer when the temperature is reached" in w for w in result.warnings)


def test_craftbeerpi_unsupported_step_is_named() -> None:
    text = "basic: {name: x}\nsteps:\n  - {name: Boil, type: BoilStep, props: {Temp: 100}}\n"
    with pytest.raises(ProfileError, match=r"steps\[0\] \(Boil\): step type 'BoilStep' cannot be mapped"):
        import_text(text, "c.yaml")


def test_undetectable_input_says_what_to_do() -> None:
    with pytest.raises(ProfileError, match=r"cannot tell the format; use --from"):
        import_text('{"hello": 1}', "h.json")
    with pytest.raises(ProfileError, match=r"not a fermentrack profile: expected a 'points' list"):
        import_text('{"hello": 1}', "h.json", fmt="fermentrack")


# --- export and round trips ---------------------------------------------------------------

MIXED = Profile(
    name="Round trip",
    description="mixed",
    steps=(
        HoldStep(name="Primary", temperature_c=18.5, duration_s=4 * D),
        RampStep(name="Rise", temperature_c=21.0, duration_s=36 * 3600),
        HoldUntilStep(
            name="Finish",
            temperature_c=21.0,
            until=Until(conditions=(GravityAtOrBelow(sg=1.011),)),
            max_duration_s=5 * D,
        ),
        FreeRiseStep(name="Free", duration_s=12 * 3600),
        RampStep(name="Crash", temperature_c=2.0, from_c=20.0, duration_s=D),
        HoldStep(name="Cold", temperature_c=2.0, duration_s=3 * D),
    ),
)


def _same_curve(a: Profile, b: Profile) -> None:
    ca, cb = planned_curve(a, 200), planned_curve(b, 200)
    for (ta, va), (tb, vb) in zip(ca, cb, strict=True):
        assert ta == pytest.approx(tb, abs=1.0)
        assert (va is None) == (vb is None), (ta, va, vb)
        if va is not None and vb is not None:
            assert va == pytest.approx(vb, abs=0.01)


def test_beerjson_round_trip_keeps_steps_and_gravity() -> None:
    out = export_profile(MIXED, "beerjson")
    back = import_text(out.text, "rt.json").profile
    assert kinds(back) == kinds(MIXED)
    assert back.steps[2] == MIXED.steps[2]
    _same_curve(MIXED, back)


def test_beerjson_export_lists_what_it_cannot_express() -> None:
    p = Profile(
        name="x",
        steps=(
            HoldUntilStep(
                temperature_c=18,
                until=Until(conditions=(GravityStable(within_points=1, period_s=D),)),
                max_duration_s=7 * D,
            ),
            WaitForBrewerStep(temperature_c=18, message="dry hop"),
        ),
    )
    out = export_profile(p, "beerjson")
    assert any("gravity_stable not expressible" in w for w in out.warnings)
    assert any("wait-for-brewer" in w for w in out.warnings)


def test_brewpi_csv_round_trip() -> None:
    out = export_profile(MIXED, "brewpi-csv", start=datetime(2024, 5, 1, tzinfo=UTC))
    assert out.text.splitlines()[:3] == [
        "date,temperature,days",
        "2024-05-01T00:00:00,18.5,0",
        "2024-05-05T00:00:00,18.5,4",
    ]
    assert any("gravity conditions dropped" in w for w in out.warnings)
    back = import_text(out.text, "rt.csv", units="C").profile
    flat = MIXED.model_copy(
        update={
            "steps": tuple(
                HoldStep(name=s.name, temperature_c=s.temperature_c, duration_s=s.max_duration_s)
                if isinstance(s, HoldUntilStep)
                else s
                for s in MIXED.steps
            )
        }
    )
    _same_curve(flat, back)


def test_export_refuses_a_ramp_from_the_beer() -> None:
    p = Profile(name="x", steps=(RampStep(temperature_c=18, rate_c_per_h=1),))
    with pytest.raises(ProfileError, match="give it 'from'"):
        export_profile(p, "beerjson")


temps = st.integers(min_value=0, max_value=300).map(lambda t: t / 10)
spans = st.integers(min_value=1, max_value=20 * 24).map(lambda h: h * 3600.0)
plain_steps = st.one_of(
    st.builds(HoldStep, temperature_c=temps, duration_s=spans),
    st.builds(RampStep, temperature_c=temps, from_c=temps, duration_s=spans),
    st.builds(FreeRiseStep, duration_s=spans),
)


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(plain_steps, min_size=1, max_size=6), fmt=st.sampled_from(["beerjson", "brewpi-csv"]))
def test_round_trip_property(steps: list[HoldStep | RampStep | FreeRiseStep], fmt: str) -> None:
    profile = Profile(name="prop", steps=tuple(steps))
    out = export_profile(profile, fmt, start=datetime(2024, 1, 1, tzinfo=UTC))
    back = import_text(out.text, "rt", fmt=fmt, units="C").profile
    _same_curve(profile, back)
    assert math.isclose(planned_curve(profile, 10)[-1][0], planned_curve(back, 10)[-1][0], abs_tol=1.0)


def test_a_file_without_a_unit_is_read_as_fahrenheit_above_the_warmest_setpoint() -> None:
    """The cut is the setpoint limit of brewctl.limits, not a number of its own."""
    from brewctl.limits import SETPOINT_MAX_C
    from brewctl.profiles.interchange.common import guess_units

    assert guess_units([4.0, SETPOINT_MAX_C]) == "C"
    assert guess_units([4.0, SETPOINT_MAX_C + 0.5]) == "F"
    assert guess_units([]) == "C"
