"""What a brewer can do to a fermenter, shared by the dashboard and the fermenter screen.

Every action asks first (a choice or a value, then a yes/no) and only then sends a command.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

from pydantic import ValidationError
from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen

from brewctl.config import Mode
from brewctl.errors import BrewctlError
from brewctl.model import (
    FermenterStatus,
    ProfileAction,
    SetBeerSetpoint,
    SetChamberSetpoint,
    SetMode,
    StartProfile,
)
from brewctl.profiles import Profile
from brewctl.tui.choice_screen import ChoiceScreen
from brewctl.tui.confirm_screen import ConfirmScreen
from brewctl.tui.format import Units, format_temp, from_display_c, to_display_c
from brewctl.tui.prompt_screen import PromptScreen

if TYPE_CHECKING:
    from brewctl.tui.app import BrewApp

__all__ = [
    "FERMENTER_BINDINGS",
    "NO_CHAMBER_LABEL",
    "FermenterActions",
    "beer_held_in_chamber_mode",
    "check_setpoint",
    "setpoint_range_c",
]

FERMENTER_BINDINGS: list[BindingType] = [
    Binding("m", "mode", "Mode"),
    Binding("b", "beer_setpoint", "Beer°"),
    Binding("c", "chamber_setpoint", "Chamber°"),
    Binding("p", "profile", "Profile"),
    Binding("o", "confirm_step", "Confirm step", show=False),
    Binding("n", "note", "Note", show=False, tooltip="Note: write what you did (dry hopped 200 g Citra)"),
    Binding("u", "toggle_units", "°C/°F", show=False, tooltip="°C/°F: show temperatures in the other unit"),
]

FERMENTER_ACTIONS = frozenset({"mode", "beer_setpoint", "chamber_setpoint", "profile", "confirm_step", "note"})

MODE_LABELS = {
    Mode.OFF: "off: every output off",
    Mode.BEER: "beer: hold the beer at its setpoint",
    Mode.CHAMBER: "chamber: hold the chamber air at its setpoint",
    Mode.PROFILE: "profile: follow the running profile",
}


NO_CHAMBER_LABEL = "chamber: NO chamber probe here: holds the BEER at the chamber setpoint"
"""Chamber mode on a glycol or valve fermenter: the daemon then holds the beer itself at that setpoint."""


def beer_held_in_chamber_mode(f: FermenterStatus) -> bool:
    """True for a beer-only rig (glycol, ball valve) without a chamber reading: chamber mode drives the beer."""
    return f.chamber_c is None and f.rig in {"glycol", "valve"}


def setpoint_range_c(*, beer: bool) -> tuple[float, float]:
    """The lowest and highest setpoint the daemon takes, in degC (from the command's own model)."""
    field = (SetBeerSetpoint if beer else SetChamberSetpoint).model_fields["value_c"]
    low = next(m.ge for m in field.metadata if hasattr(m, "ge"))  # annotated_types.Ge
    high = next(m.le for m in field.metadata if hasattr(m, "le"))  # annotated_types.Le
    return float(low), float(high)


def check_setpoint(text: str, units: str, *, beer: bool) -> str | None:
    """An error for a setpoint typed in display units, or None when the daemon will take it.

    The limits are said in the display units: a brewer working in °F reads ``23.0°F to 104.0°F``.
    """
    display: Units = "F" if units == "F" else "C"
    try:
        value = float(text.replace(",", ".").rstrip("°CFcf "))
    except ValueError:
        return "type a number, e.g. 19.5"
    if not math.isfinite(value):
        return "type a number, e.g. 19.5"
    value_c = from_display_c(value, display)
    try:
        (SetBeerSetpoint if beer else SetChamberSetpoint)(value_c=value_c)
    except ValidationError:
        low, high = setpoint_range_c(beer=beer)
        return f"out of range: {format_temp(low, display)} to {format_temp(high, display)}"
    return None


class FermenterActions(Screen[None]):
    """A screen that shows one selected fermenter; subclasses say which with :meth:`selected`."""

    @property
    def brew(self) -> BrewApp:
        return cast("BrewApp", self.app)

    def selected(self) -> FermenterStatus | None:
        """The fermenter the actions apply to."""
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the fermenter keys when there is no fermenter (offline, or none configured)."""
        if action in FERMENTER_ACTIONS:
            return self.selected() is not None
        return True

    def action_toggle_units(self) -> None:
        """Switch the display between °C and °F."""
        self.brew.toggle_units()
        self.notify(f"Temperatures in °{self.brew.settings.units}", timeout=1.5)

    def _target(self) -> FermenterStatus | None:
        f = self.selected()
        if f is None:
            self.notify("No fermenter selected.", severity="warning")
        elif self.brew.source is None:
            self.notify("Not connected to the daemon: nothing can be changed now.", severity="error")
            return None
        return f

    async def _ask(self, question: str) -> bool:
        answer: bool = await self.app.push_screen_wait(ConfirmScreen(question))
        return answer

    @work(exclusive=True, group="action")
    async def action_mode(self) -> None:
        """Choose a mode, confirm, send."""
        f = self._target()
        if f is None:
            return
        labels = dict(MODE_LABELS)
        warning = ""
        if beer_held_in_chamber_mode(f):
            labels[Mode.CHAMBER] = NO_CHAMBER_LABEL
            warning = " It has no chamber probe: the beer itself will be held at the chamber setpoint."
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                f"Mode of {f.name or f.id} (now {f.mode.value}):",
                [(m.value, label) for m, label in labels.items()],
                current=f.mode.value,
            )
        )
        if choice is None or choice == f.mode.value:
            return
        mode = Mode(choice)
        question = f"Switch {f.name or f.id} from {f.mode.value} to {mode.value}?"
        if mode is Mode.CHAMBER:
            question += warning
        if await self._ask(question):
            await self.brew.send(f.id, SetMode(mode=mode), f"{f.id}: mode {mode.value}")

    async def _setpoint(self, beer: bool) -> None:
        f = self._target()
        if f is None:
            return
        units = self.brew.settings.units
        what = "beer" if beer else "chamber"
        current = f.beer_setpoint_c if beer else f.chamber_setpoint_c
        initial = f"{to_display_c(current, units):.1f}" if current is not None else ""
        note = (
            "" if beer or not beer_held_in_chamber_mode(f) else " (no chamber probe: the beer's target in chamber mode)"
        )
        text = await self.app.push_screen_wait(
            PromptScreen(
                f"New {what} setpoint for {f.name or f.id} (°{units}){note}, Enter to accept:",
                initial,
                lambda t: check_setpoint(t, units, beer=beer),
            )
        )
        if text is None:
            return
        value_c = from_display_c(float(text.replace(",", ".").rstrip("°CFcf ")), units)
        shown = format_temp(value_c, units)
        if not await self._ask(f"Set the {what} setpoint of {f.name or f.id} to {shown}?"):
            return
        cmd = SetBeerSetpoint(value_c=value_c) if beer else SetChamberSetpoint(value_c=value_c)
        await self.brew.send(f.id, cmd, f"{f.id}: {what} setpoint {shown}")

    @work(exclusive=True, group="action")
    async def action_beer_setpoint(self) -> None:
        """Type a beer setpoint, confirm, send."""
        await self._setpoint(beer=True)

    @work(exclusive=True, group="action")
    async def action_chamber_setpoint(self) -> None:
        """Type a chamber setpoint, confirm, send."""
        await self._setpoint(beer=False)

    @work(exclusive=True, group="action")
    async def action_profile(self) -> None:
        """Start, pause, resume, skip, stop or confirm a profile."""
        f = self._target()
        if f is None:
            return
        p = f.profile
        options: list[tuple[str, str]] = []
        if p is None or p.finished:
            options.append(("start", "Start a profile …"))
        else:
            if p.waiting_for_brewer:
                options.append(("profile_confirm", f"Confirm step {p.step_index + 1} ({p.step_name or 'wait'}) done"))
            options.append(("profile_resume", "Resume") if p.paused else ("profile_pause", "Pause"))
            if p.step_index + 1 < p.step_count:
                options.append(("profile_skip", f"Skip to step {p.step_index + 2}"))
            options.append(("profile_stop", f"Stop {p.name}"))
            options.append(("start", "Start another profile …"))
        choice = await self.app.push_screen_wait(ChoiceScreen(f"Profile of {f.name or f.id}:", options))
        if choice is None:
            return
        if choice == "start":
            await self._start_profile(f)
            return
        labels = dict(options)
        if await self._ask(f"{labels[choice]} on {f.name or f.id}?"):
            await self.brew.send(f.id, ProfileAction(kind=choice), f"{f.id}: {labels[choice].lower()}")

    @work(exclusive=True, group="action")
    async def action_confirm_step(self) -> None:
        """Confirm a wait-for-brewer step (dry hop added, sample taken ...)."""
        f = self._target()
        if f is None:
            return
        if f.profile is None or not f.profile.waiting_for_brewer:
            self.notify(f"{f.id} is not waiting for you.", severity="warning")
            return
        if await self._ask(f"Confirm '{f.profile.step_name or 'wait'}' on {f.name or f.id} and go on?"):
            await self.brew.send(f.id, ProfileAction(kind="profile_confirm"), f"{f.id}: step confirmed")

    @work(exclusive=True, group="action")
    async def action_note(self) -> None:
        """Write a note (dry hopped 200 g Citra): kept in the daemon's history, drawn on the chart."""
        from brewctl.tui.notes import ask_and_send_note

        f = self._target()
        if f is not None:
            await ask_and_send_note(self.brew, f.id)

    async def _start_profile(self, f: FermenterStatus) -> None:
        source = self.brew.source
        if source is None:
            return
        try:
            library = await source.profiles(f.id)  # in the fleet: the library of f's own node
        except BrewctlError as exc:
            self.notify(f"Cannot list profiles: {exc}", severity="error")
            return
        options = []
        for entry in library:
            if entry.get("error"):
                continue  # a broken file in the library: `brewctl profile validate` explains it
            file = str(entry.get("file") or "")
            name = str(entry.get("name") or file)
            steps = entry.get("steps")
            label = f"{name} ({steps} steps)" if steps is not None else name
            if entry.get("source") == "built-in":
                label += " · built-in"
            options.append((file.removesuffix(".toml") or name, label))
        if not options:
            self.notify("The daemon's profile library is empty.", severity="warning")
            return
        choice = await self.app.push_screen_wait(ChoiceScreen(f"Start which profile on {f.name or f.id}?", options))
        if choice is None:
            return
        label = dict(options)[choice]
        at_step = 0
        profile = await self._local_profile(choice)
        if profile is not None:  # its length, its curve, and from which step
            from brewctl.tui.profile_start_screen import ProfileStartScreen

            picked = await self.app.push_screen_wait(
                ProfileStartScreen(profile, f.name or f.id, units=self.brew.settings.units)
            )
            if picked is None:
                return
            at_step = picked
        step = f"step {at_step + 1}"
        if profile is not None and profile.steps[at_step].name:
            step += f" ({profile.steps[at_step].name})"
        if await self._ask(f"Start {label} on {f.name or f.id} from {step}? Mode becomes 'profile'."):
            await self.brew.send(f.id, StartProfile(profile=choice, at_step=at_step), f"{f.id}: started {label}")

    async def _local_profile(self, name: str) -> Profile | None:
        """The profile from this machine's profiles folder (the daemon's, for a local daemon), if there."""
        import asyncio

        from brewctl.errors import ProfileError
        from brewctl.profiles.library import find_in_library

        try:
            return await asyncio.to_thread(find_in_library, name, self.brew.settings.profiles_dir)
        except (ProfileError, OSError):
            return None
