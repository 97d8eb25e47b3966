"""Recipe files: references and inline profiles, errors with lines, the CLI, shipped examples."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from brewctl.cli import main
from brewctl.errors import ProfileError
from brewctl.profiles.recipe import load_recipe, parse_recipe, recipe_json_schema, recipe_warnings

ROOT = Path(__file__).resolve().parents[2]
RECIPES = sorted((ROOT / "recipes").glob("*.toml"))
PROFILE = (
    'name = "Ale"\n[[steps]]\ntype = "hold_until"\ntemperature = 19\nmax_duration = "10d"\n'
    'until = [{ type = "gravity", at_or_below = 1.004 }]\n'
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.stem)
def test_shipped_recipes_are_valid(path: Path) -> None:
    recipe = load_recipe(path)
    assert recipe.og_sg is not None and recipe.fg_sg is not None and recipe.og_sg > recipe.fg_sg
    assert recipe.profile.steps and recipe.license == "CC0-1.0"
    assert recipe_warnings(recipe) == []


def test_shipped_schema_is_up_to_date() -> None:
    shipped = json.loads((ROOT / "recipes" / "recipe.schema.json").read_text(encoding="utf-8"))
    assert shipped == recipe_json_schema(), "regenerate: brewctl recipe schema > recipes/recipe.schema.json"


def test_reference_by_stem_name_or_relative_path(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    write(tmp_path / "profiles", "ale.toml", PROFILE)
    (tmp_path / "recipes").mkdir()
    for ref in ("ale", "Ale", "../profiles/ale.toml"):
        path = write(tmp_path / "recipes", "r.toml", f'name = "R"\nog = 1.050\nfg = 1.012\nprofile = "{ref}"\n')
        recipe = load_recipe(path)
        assert recipe.profile.name == "Ale" and recipe.profile_ref == ref
        assert recipe_warnings(recipe) == [
            "profile step 1: waits for gravity 1.004, below the target FG 1.012: it will likely end by its time limit"
        ]


def test_missing_profile_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "r.toml", 'name = "R"\n\nprofile = "nope"\n')
    with pytest.raises(ProfileError, match=r"r\.toml:3: profile: no profile named 'nope'"):
        load_recipe(path, [tmp_path])


def test_inline_profile_errors_are_located(tmp_path: Path) -> None:
    text = """\
        name = "R"
        batch_size = "20 litres"

        [profile]
        name = "Inline"

        [[profile.steps]]
        type = "hold"
        temperature = 19
        duration = "2q"
        """
    with pytest.raises(ProfileError) as info:
        parse_recipe(textwrap.dedent(text), "r.toml")
    assert (
        str(info.value)
        == "r.toml:10: profile.steps[0].duration: cannot read duration '2q'; write e.g. '3d 12h', '90m' or '45s'"
    )


def test_recipe_field_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as info:
        parse_recipe('name = "R"\nbatch_size = "lots"\nog = 1.040\nfg = 1.050\nprofile = "x"\ncolour = 1\n', "r.toml")
    lines = str(info.value).splitlines()
    assert lines[0].startswith("r.toml:2: batch_size: cannot read batch size 'lots'")
    assert "r.toml:6: colour: unknown key (check the spelling)" in lines
    with pytest.raises(ProfileError, match=r"r\.toml:4: fg: the target FG must be below the OG"):
        parse_recipe(
            f'name = "R"\nog = 1.040\n\nfg = 1.050\n[profile]\n{PROFILE.replace("[[steps]]", "[[profile.steps]]")}',
            "r.toml",
        )


@pytest.mark.parametrize("size", ["0", "-3", '"0 L"', "1e9"])
def test_batch_size_must_be_a_real_volume(size: str) -> None:
    inline = PROFILE.replace("[[steps]]", "[[profile.steps]]")
    with pytest.raises(ProfileError, match=r"^r\.toml:2: batch_size: "):
        parse_recipe(f'name = "R"\nbatch_size = {size}\n[profile]\n{inline}', "r.toml")


def test_gravity_out_of_range_is_located_and_reported_with_the_profile_problem(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text('name = "R"\nog = 12\nprofile = "nowhere"\n')
    with pytest.raises(ProfileError) as info:
        load_recipe(path, [tmp_path])
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}:2: og: og 12 is outside 0.980..1.200 SG (is gravity_units right?)"
    assert lines[1].startswith(f"{path}:3: profile: no profile named 'nowhere'")


def test_gallons_and_plato() -> None:
    text = (
        'name = "R"\nbatch_size = "5 gal"\ngravity_units = "plato"\nog = 12\nfg = 2.5\n[profile]\n'
        + PROFILE.replace("[[steps]]", "[[profile.steps]]")
    )
    recipe = parse_recipe(text, "r.toml")
    assert recipe.batch_size_l == pytest.approx(18.93, abs=0.01)
    assert recipe.og_sg == pytest.approx(1.048, abs=0.001) and recipe.profile_ref is None


def test_cli_validate_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recipe", "validate", *map(str, RECIPES)]) == 0
    assert capsys.readouterr().out.count(": ok: ") == len(RECIPES)
    assert main(["recipe", "show", str(ROOT / "recipes" / "munich-helles.toml"), "--plot"]) == 0
    out = capsys.readouterr().out
    assert "OG          1.048" in out and "79 % apparent attenuation, 5.0 % ABV" in out
    assert "Lager with diacetyl rest" in out and "days" in out
    assert main(["recipe", "validate", "missing.toml"]) == 2
    assert "missing.toml: recipe file not found" in capsys.readouterr().err
