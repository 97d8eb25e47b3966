"""One temperature and profile-state formatter for the CLI, the TUI and the daemon's one-liner."""

from __future__ import annotations

from brewctl.cli.client import _profile, _t
from brewctl.display import MISSING, PAUSED, format_temp
from brewctl.model import FermenterStatus, GravityStatus, ProfileStatus
from brewctl.service.status import summary_line
from brewctl.tui.format import format_profile
from brewctl.tui.format import format_temp as tui_format_temp


def test_a_missing_value_and_a_temperature_read_the_same_everywhere() -> None:
    assert tui_format_temp is format_temp
    assert format_temp(None) == _t(None) == MISSING
    assert format_temp(19.04) == "19.0 °C" and format_temp(19.04, "F") == "66.3 °F"
    assert _t(19.04, "F") == "66.3"
    f = FermenterStatus(id="fv1", mode="off", beer_c=12.0)
    assert summary_line([f]) == f"fv1 off 12.0/{MISSING}"


def test_a_paused_profile_is_marked_alike_in_the_cli_and_the_tui() -> None:
    p = ProfileStatus(name="Ale", step_index=0, step_count=2, paused=True)
    assert _profile(FermenterStatus(id="fv1", mode="profile", profile=p)).endswith(PAUSED)
    assert format_profile(p, 0.0).endswith(PAUSED)


def test_every_unit_is_written_with_a_space_in_the_cli_the_tui_and_the_events() -> None:
    """Defect 11 of #14: ``18.5°C`` in the CLI and TUI beside ``18.5 °C`` in the daemon's events."""
    import re

    from brewctl.cli.client import format_status
    from brewctl.config import FermenterConfig
    from brewctl.model import ChillerStatus, NodeStatus, SetBeerSetpoint
    from brewctl.service.commands import apply_command
    from brewctl.service.state import FermenterState
    from brewctl.tui.fermenter_card import card_text, line_text
    from brewctl.tui.profile_draft import step_summary
    from tests.tui.fakes import NOW_S, fermenter

    f = fermenter("fv1", "FV1", beer_c=18.5, beer_setpoint_c=18.0, chamber_c=17.0, chamber_setpoint_c=16.5)
    node = NodeStatus(node="n", version="0", uptime_s=1.0, fermenters={"fv1": f},
                      chillers={"main": ChillerStatus(id="main", reservoir_c=-1.9)})  # fmt: skip
    state = FermenterState(mode="off", beer_setpoint_c=18.0, chamber_setpoint_c=16.0)
    cfg = FermenterConfig(rig="heat-only", beer_probe="b", heater="h")
    _, changes = apply_command(state, SetBeerSetpoint(value_c=18.5), cfg)
    texts = {
        "cli": format_status(node),
        "tui card": str(card_text(f, "C", NOW_S)),
        "tui line": str(line_text(f, "F", selected=True)),
        "profile table": " ".join(step_summary({"type": "ramp", "temperature": 21, "rate": 1.5}, "C")),
        "event": changes[0].message,
    }
    for where, text in texts.items():
        assert re.search(r"\d °[CF]", text), (where, text)
        assert not re.search(r"\d°[CF]", text), (where, text)


def test_gravity_reads_the_same_everywhere() -> None:
    """One formatter for the profile tables, `brewctl recipe` and the TUI: a space before °P."""
    from brewctl.display import format_gravity
    from brewctl.tui.format import format_gravity as tui_gravity

    assert format_gravity(1.012) == "1.012"
    assert format_gravity(1.012, sg_unit=True) == "1.012 SG"
    assert format_gravity(1.012, "plato") == "3.1 °P"
    assert format_gravity(None) == MISSING
    gravity = GravityStatus(sg=1.012, age_s=0.0)
    assert tui_gravity(gravity, plato=True).startswith("3.1 °P ")
    assert tui_gravity(gravity).startswith("1.012 SG ")
