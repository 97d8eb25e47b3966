"""Step kinds are listed once (the model union); every tag list derives from it."""

from __future__ import annotations

from brewctl.core.profile import STEP_KINDS
from brewctl.profiles.document import DOC_TAGS, STEP_TYPES, json_schema
from brewctl.tui.profile_draft import STEP_FIELDS


def test_the_file_has_one_type_per_step_kind() -> None:
    assert STEP_TYPES == STEP_KINDS == ("hold", "ramp", "free_rise", "hold_until", "wait_for_brewer")
    assert set(STEP_KINDS) <= DOC_TAGS
    assert DOC_TAGS - set(STEP_KINDS) == {"gravity", "stable", "attenuation", "step_time"}
    assert "at_least" in str(json_schema()["$defs"]["StepTimeDoc"])


def test_the_editor_has_fields_for_every_step_kind() -> None:
    assert set(STEP_FIELDS) == set(STEP_KINDS)


def test_the_schema_names_every_step_kind() -> None:
    text = str(json_schema())
    for kind in STEP_KINDS:
        assert f"'{kind}'" in text
