"""One temperature and profile-state formatter for the CLI, the TUI and the daemon's one-liner."""

from __future__ import annotations

from brewctl.cli.client import _profile, _t
from brewctl.display import MISSING, PAUSED, format_temp
from brewctl.model import FermenterStatus, ProfileStatus
from brewctl.service.status import summary_line
from brewctl.tui.format import format_profile
from brewctl.tui.format import format_temp as tui_format_temp


def test_a_missing_value_and_a_temperature_read_the_same_everywhere() -> None:
    assert tui_format_temp is format_temp
    assert format_temp(None) == _t(None) == MISSING
    assert format_temp(19.04) == "19.0°C" and format_temp(19.04, "F") == "66.3°F"
    assert _t(19.04, "F") == "66.3" and format_temp(19.0, sep=" ") == "19.0 °C"
    f = FermenterStatus(id="fv1", mode="off", beer_c=12.0)
    assert summary_line([f]) == f"fv1 off 12.0/{MISSING}"


def test_a_paused_profile_is_marked_alike_in_the_cli_and_the_tui() -> None:
    p = ProfileStatus(name="Ale", step_index=0, step_count=2, paused=True)
    assert _profile(FermenterStatus(id="fv1", mode="profile", profile=p)).endswith(PAUSED)
    assert format_profile(p, 0.0).endswith(PAUSED)
