"""Applying commands to a fermenter's state: pure, and a refused command changes nothing."""

from __future__ import annotations

import pytest

from brewctl.config import FermenterConfig, Mode
from brewctl.errors import CommandError
from brewctl.model import ProfileAction, SetBeerSetpoint, SetChamberSetpoint, SetMode, StartProfile
from brewctl.profiles import parse_profile
from brewctl.service.commands import apply_command
from brewctl.service.state import FermenterState

CFG = FermenterConfig(rig="heat-only", beer_probe="b", heater="h", chamber_min_c=0.0, chamber_max_c=30.0)
PROFILE = parse_profile(
    'name = "ale"\n'
    '[[steps]]\ntype = "hold"\ntemperature = 18\nduration = "2d"\n'
    '[[steps]]\ntype = "hold"\ntemperature = 20\nduration = "1d"\n'
    '[[steps]]\ntype = "hold"\ntemperature = 2\nduration = "1d"\n'
)
IDLE = FermenterState(mode=Mode.BEER, beer_setpoint_c=19.0, chamber_setpoint_c=18.0)


def _running(at_step: int = 0) -> FermenterState:
    state, _ = apply_command(IDLE, StartProfile(profile="ale", at_step=at_step), CFG, profile=PROFILE)
    return state


def test_setpoints_and_mode() -> None:
    state, changes = apply_command(IDLE, SetBeerSetpoint(value_c=20.5), CFG)
    assert state.beer_setpoint_c == 20.5 and [c.kind for c in changes] == ["setpoint"]
    state, changes = apply_command(state, SetChamberSetpoint(value_c=4), CFG)
    assert state.chamber_setpoint_c == 4.0
    state, changes = apply_command(state, SetMode(mode=Mode.CHAMBER), CFG)
    assert state.mode is Mode.CHAMBER and changes[0].data == {"mode": "chamber"}
    same, changes = apply_command(state, SetMode(mode=Mode.CHAMBER), CFG)
    assert same is state and changes == []


def test_chamber_setpoint_outside_fermenter_range_is_refused() -> None:
    with pytest.raises(CommandError, match=r"value_c: 35 °C is outside .* 0\.\.30"):
        apply_command(IDLE, SetChamberSetpoint(value_c=35), CFG)


def test_profile_mode_needs_a_profile() -> None:
    with pytest.raises(CommandError, match="mode: no profile is loaded"):
        apply_command(IDLE, SetMode(mode=Mode.PROFILE), CFG)


def test_start_profile_copies_it_and_starts_at_step() -> None:
    state = _running(at_step=1)
    assert state.mode is Mode.PROFILE
    assert state.profile == PROFILE
    assert state.progress is not None and state.progress.step_index == 1
    assert state.progress.total_elapsed_s == 0.0


def test_start_at_missing_step_is_refused() -> None:
    with pytest.raises(CommandError, match=r"at_step: profile 'ale' has 3 steps \(0..2 in the API, 1..3 in the CLI\)"):
        apply_command(IDLE, StartProfile(profile="ale", at_step=3), CFG, profile=PROFILE)


def test_pause_resume_skip_confirm() -> None:
    state = _running()
    state, _ = apply_command(state, ProfileAction(kind="profile_pause"), CFG)
    assert state.progress is not None and state.progress.paused
    state, _ = apply_command(state, ProfileAction(kind="profile_resume"), CFG)
    assert state.progress is not None and not state.progress.paused
    state, changes = apply_command(state, ProfileAction(kind="profile_skip"), CFG)
    assert state.progress is not None and state.progress.step_index == 1
    state, changes = apply_command(state, ProfileAction(kind="profile_skip", to_step=0), CFG)
    assert state.progress is not None and state.progress.step_index == 0
    assert changes[0].data["to_step"] == 0
    state, _ = apply_command(state, ProfileAction(kind="profile_confirm"), CFG)
    assert state.progress is not None and state.progress.confirmed


def test_skip_to_missing_step_is_refused() -> None:
    with pytest.raises(CommandError, match="to_step: profile 'ale' has 3 steps"):
        apply_command(_running(), ProfileAction(kind="profile_skip", to_step=5), CFG)
    with pytest.raises(CommandError, match="to_step: only profile_skip"):
        apply_command(_running(), ProfileAction(kind="profile_pause", to_step=1), CFG)


def test_stop_holds_the_setpoint_in_force() -> None:
    state, changes = apply_command(_running(), ProfileAction(kind="profile_stop"), CFG, beer_setpoint_now_c=18.0)
    assert (state.mode, state.beer_setpoint_c, state.profile, state.progress) == (Mode.BEER, 18.0, None, None)
    assert [c.kind for c in changes] == ["profile_stop", "mode"]


@pytest.mark.parametrize("kind", ["profile_pause", "profile_resume", "profile_skip", "profile_stop", "profile_confirm"])
def test_profile_actions_without_profile_are_refused(kind: str) -> None:
    with pytest.raises(CommandError, match="no profile is running"):
        apply_command(IDLE, ProfileAction(kind=kind), CFG)  # type: ignore[arg-type]
