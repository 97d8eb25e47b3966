"""``brewctl profile ...`` and the shipped JSON Schema."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
import tomli_w

from brewctl.cli import main
from brewctl.errors import ProfileError
from brewctl.profiles import load_profile, parse_profile
from brewctl.profiles.document import json_schema

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"

GOOD = 'name = "Good"\n[[steps]]\ntype = "hold"\ntemperature = 19\nduration = "1w"\n'
BAD = 'name = "Bad"\n[[steps]]\ntype = "hold"\ntemperature = 19\nduration = "1x"\n'


def test_shipped_schema_is_up_to_date() -> None:
    shipped = json.loads((ROOT / "profiles" / "profile.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate: brewctl profile schema > profiles/profile.schema.json"


@pytest.mark.parametrize(("folder", "schema"), [("profiles", "profile.schema.json"), ("recipes", "recipe.schema.json")])
def test_shipped_schema_accepts_the_shipped_files(folder: str, schema: str) -> None:
    # What an editor does with the `#:schema` line: no false alarms on the library.
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / folder / schema).read_text(encoding="utf-8")))
    for path in sorted((ROOT / folder).glob("*.toml")):
        assert list(validator.iter_errors(tomllib.loads(path.read_text(encoding="utf-8")))) == [], path.name


@pytest.mark.parametrize(
    "step",
    [
        {"type": "ramp", "temperature": 10},  # neither duration nor rate
        {"type": "ramp", "temperature": 10, "duration": "1d", "rate": 1},
        {"type": "hold", "temperature": 10, "duration": "3x"},
        {"type": "hold", "temperature": 10, "duration": "1d", "colour": "amber"},
        {"type": "hold_until", "temperature": 10, "until": [{"type": "gravity", "at_or_below": 1.01}]},
        {"type": "boil", "temperature": 100},
    ],
)
def test_shipped_schema_flags_what_validate_refuses(step: dict[str, object]) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    doc = {"name": "x", "steps": [step]}
    assert list(validator.iter_errors(doc)), "the editor would not flag it"
    with pytest.raises(ProfileError):
        parse_profile(tomli_w.dumps(doc))


def test_validate_reports_every_file_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_text(BAD)
    assert main(["profile", "validate", str(tmp_path / "good.toml")]) == 0
    assert "good.toml: ok: 'Good', 1 step, 7d" in capsys.readouterr().out
    assert main(["profile", "validate", str(tmp_path / "good.toml"), str(tmp_path / "bad.toml")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'bad.toml'}:5: steps[0].duration: cannot read duration '1x'" in err
    assert "1 of 2 file(s) invalid" in err


def test_show_table_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.toml"
    path.write_text(GOOD + '[[steps]]\ntype = "ramp"\ntemperature = 2\nduration = "1d"\n')
    assert main(["profile", "show", str(path), "--plot", "--units", "F"]) == 0
    out = capsys.readouterr().out
    assert "1  hold  66.2 °F" in out
    assert "2  ramp  66.2 °F → 35.6 °F" in out
    assert "planned length: 8d" in out
    assert "Good: beer setpoint" in out and "days" in out


def test_import_writes_a_valid_profile_and_lists_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bpl.toml"
    assert main(["profile", "import", str(DATA / "brewpiless_profile.json"), "--name", "BPL", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning: t[4]: condition 'a' has no time limit" in captured.err
    assert load_profile(out).name == "BPL"
    assert main(["profile", "import", str(DATA / "brewpiless_profile.json"), "-o", str(out)]) == 2
    assert "already exists (use --force" in capsys.readouterr().err


def test_import_error_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "import", str(DATA / "beerjson_recipe.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("brewctl: error: ") and "choose one with --name" in err and "Traceback" not in err


def test_export_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    assert main(["profile", "export", str(path), "--to", "brewpi-csv", "--start", "2024-05-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "date,temperature,days",
        "2024-05-01T00:00:00,19,0",
        "2024-05-08T00:00:00,19,7",
    ]
    assert main(["profile", "export", str(path), "--to", "beerjson"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["beerjson"]["fermentations"][0]["fermentation_steps"][0]["step_time"] == {"unit": "week", "value": 1}
