"""Applying a validated command to a fermenter's state: pure, shared by the API, MQTT and CLI.

``apply_command`` never does I/O: a ``profile_start`` command arrives with its profile already
loaded by the caller. A command that cannot be applied raises ``CommandError`` with a message
naming the field, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from brewctl.config import FermenterConfig, Mode
from brewctl.core import profile_runner
from brewctl.core.profile import Profile
from brewctl.errors import CommandError, UserError
from brewctl.model import (
    AddNote,
    Command,
    ProfileAction,
    SetBeerSetpoint,
    SetChamberSetpoint,
    SetMode,
    StartProfile,
)
from brewctl.service.state import FermenterState

__all__ = ["Change", "apply_command"]


@dataclass(frozen=True)
class Change:
    """An event to announce after a command was applied: ``hub.event(kind, message, **data)``."""

    kind: str
    message: str
    data: dict[str, str | float | int | bool | None]


def apply_command(
    state: FermenterState,
    cmd: Command,
    cfg: FermenterConfig,
    *,
    profile: Profile | None = None,
    beer_setpoint_now_c: float | None = None,
) -> tuple[FermenterState, list[Change]]:
    """The new state and what changed. ``profile`` is the loaded profile of a ``profile_start``.

    ``beer_setpoint_now_c`` is the setpoint in force (a profile's), held when a profile stops.
    """
    if isinstance(cmd, SetMode):
        return _set_mode(state, cmd.mode)
    if isinstance(cmd, SetBeerSetpoint):
        new = state.model_copy(update={"beer_setpoint_c": cmd.value_c})
        return new, [Change("setpoint", f"beer setpoint {cmd.value_c:g} °C", {"beer_setpoint_c": cmd.value_c})]
    if isinstance(cmd, SetChamberSetpoint):
        if not cfg.chamber_min_c <= cmd.value_c <= cfg.chamber_max_c:
            raise CommandError(
                f"value_c: {cmd.value_c:g} °C is outside this fermenter's chamber range "
                f"{cfg.chamber_min_c:g}..{cfg.chamber_max_c:g} °C"
            )
        new = state.model_copy(update={"chamber_setpoint_c": cmd.value_c})
        return new, [Change("setpoint", f"chamber setpoint {cmd.value_c:g} °C", {"chamber_setpoint_c": cmd.value_c})]
    if isinstance(cmd, StartProfile):
        return _start_profile(state, cmd, profile)
    if isinstance(cmd, AddNote):
        text = cmd.text.strip()
        return state, [Change("note", text, {"text": text})]
    return _profile_action(state, cmd, beer_setpoint_now_c)


def _step_range(profile: Profile) -> str:
    """How many steps, in both numberings (the API counts from 0, the CLI and TUI from 1)."""
    n = len(profile.steps)
    return f"profile {profile.name!r} has {n} steps (0..{n - 1} in the API, 1..{n} in the CLI)"


def _set_mode(state: FermenterState, mode: Mode) -> tuple[FermenterState, list[Change]]:
    if mode is Mode.PROFILE and state.profile is None:
        raise CommandError("mode: no profile is loaded; start one with `brewctl profile start`")
    if mode is state.mode:
        return state, []
    return state.model_copy(update={"mode": mode}), [Change("mode", f"mode {mode.value}", {"mode": mode.value})]


def _start_profile(
    state: FermenterState, cmd: StartProfile, profile: Profile | None
) -> tuple[FermenterState, list[Change]]:
    if profile is None:
        raise CommandError(f"profile: {cmd.profile!r} was not loaded")
    if cmd.at_step >= len(profile.steps):
        raise CommandError(f"at_step: {_step_range(profile)}")
    try:
        progress = profile_runner.start(profile, at_step=cmd.at_step)
    except (UserError, ValueError) as exc:
        raise CommandError(f"profile: {exc}") from None
    new = state.model_copy(update={"mode": Mode.PROFILE, "profile": profile, "progress": progress})
    return new, [
        Change(
            "profile_start",
            f"profile {profile.name!r} started at step {cmd.at_step + 1}",
            {"profile": profile.name, "step": cmd.at_step},
        )
    ]


def _profile_action(
    state: FermenterState, cmd: ProfileAction, beer_setpoint_now_c: float | None
) -> tuple[FermenterState, list[Change]]:
    profile, progress = state.profile, state.progress
    if profile is None or progress is None:
        raise CommandError("kind: no profile is running on this fermenter")
    action = cmd.kind.removeprefix("profile_")
    if action == "stop":
        hold = beer_setpoint_now_c if beer_setpoint_now_c is not None else state.beer_setpoint_c
        new = state.model_copy(update={"profile": None, "progress": None, "mode": Mode.BEER, "beer_setpoint_c": hold})
        return new, [
            Change(
                "profile_stop",
                f"profile {profile.name!r} stopped; holding the beer at {hold:g} °C",
                {"profile": profile.name},
            ),
            Change("mode", "mode beer", {"mode": Mode.BEER.value}),
        ]
    if cmd.to_step is not None and action != "skip":
        raise CommandError("to_step: only profile_skip takes a step")
    if cmd.to_step is not None and cmd.to_step >= len(profile.steps):
        raise CommandError(f"to_step: {_step_range(profile)}")
    try:
        if action == "pause":
            progress = profile_runner.pause(progress)
        elif action == "resume":
            progress = profile_runner.resume(progress)
        elif action == "skip":
            progress = profile_runner.skip(profile, progress, to_step=cmd.to_step)
        else:
            progress = profile_runner.confirm(progress)
    except (UserError, ValueError) as exc:
        raise CommandError(f"kind: {exc}") from None
    data: dict[str, str | float | int | bool | None] = {"profile": profile.name}
    if cmd.to_step is not None:
        data["to_step"] = cmd.to_step
    return state.model_copy(update={"progress": progress}), [Change(f"profile_{action}", f"profile {action}", data)]
