"""A brewer's note: a command that changes nothing and is kept in the history as a ``note`` event."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from brewctl.config import FermenterConfig, Mode
from brewctl.model import COMMAND_ADAPTER, AddNote
from brewctl.service.commands import apply_command
from brewctl.service.state import FermenterState

CFG = FermenterConfig(rig="heat-only", beer_probe="b", heater="h")
IDLE = FermenterState(mode=Mode.BEER, beer_setpoint_c=19.0, chamber_setpoint_c=18.0)


def test_a_note_changes_nothing_and_is_announced() -> None:
    state, changes = apply_command(IDLE, AddNote(text="  dry hopped 200 g Citra "), CFG)
    assert state == IDLE
    assert [(c.kind, c.message, c.data) for c in changes] == [
        ("note", "dry hopped 200 g Citra", {"text": "dry hopped 200 g Citra"})
    ]


@pytest.mark.parametrize("text", ["", "   ", "x" * 201])
def test_empty_or_long_notes_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        COMMAND_ADAPTER.validate_python({"kind": "note", "text": text})


def test_a_note_arrives_as_json_like_any_command() -> None:
    cmd = COMMAND_ADAPTER.validate_json('{"kind": "note", "text": "sample 1.012", "id": "n1"}', strict=True)
    assert isinstance(cmd, AddNote) and cmd.text == "sample 1.012" and cmd.id == "n1"
