"""What the daemon must remember across restarts and power cuts, and how it is stored.

Per fermenter: mode, manual setpoints, the active profile (a copy of the profile itself, so
editing its file does not change a running ferment) and the runner's ``ProfileProgress``
(elapsed profile time, counted with monotonic deltas only), plus recent command ids so a
command retried after a restart is still recognised.

The file is JSON, written atomically: temporary file, ``fsync``, ``rename`` over the old one,
``fsync`` of the directory. A power cut leaves either the old or the new file, never a torn
one. A file that cannot be read (corrupt, unknown version) is moved aside and the daemon
starts from the configuration.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from brewctl import atomic
from brewctl.config import Config, FermenterConfig, Mode
from brewctl.core.profile import Profile
from brewctl.core.profile_runner import ProfileProgress
from brewctl.errors import ConfigError
from brewctl.limits import SetpointC
from brewctl.userfiles import hostile_reason, read_regular_file
from brewctl.validation import format_loc, validation_problems

__all__ = [
    "MAX_COMMAND_IDS",
    "STATE_FILE_NAME",
    "DaemonState",
    "FermenterState",
    "StateError",
    "decode_state",
    "encode_state",
    "initial_fermenter_state",
    "load_state_file",
    "reconcile_with_config",
    "save_state_file",
    "write_atomic",
]

log = logging.getLogger(__name__)

STATE_FILE_NAME = "state.json"
MAX_STATE_FILE_BYTES = 64 * 1024 * 1024
"""A state file is a few kB per fermenter (a copy of its profile); far beyond, it is not ours."""
MAX_COMMAND_IDS = 100
"""Recent command ids remembered per fermenter (idempotency across restarts)."""


def _progress_from_json(value: Any) -> Any:
    return ProfileProgress.from_dict(value) if isinstance(value, dict) else value


PersistedProgress = Annotated[ProfileProgress, BeforeValidator(_progress_from_json)]


class StateError(ValueError):
    """The state file cannot be used."""


class FermenterState(BaseModel):
    """The persisted part of one fermenter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode
    beer_setpoint_c: SetpointC
    chamber_setpoint_c: SetpointC
    profile: Profile | None = Field(None, description="A copy of the active profile.")
    progress: PersistedProgress | None = Field(None, description="Where the active profile is.")
    command_ids: tuple[str, ...] = Field((), description="Recent command ids, oldest first.")

    def remember(self, command_id: str | None) -> FermenterState:
        """This state with ``command_id`` added to the recent ids."""
        if command_id is None:
            return self
        ids = (*self.command_ids, command_id)[-MAX_COMMAND_IDS:]
        return self.model_copy(update={"command_ids": ids})


class DaemonState(BaseModel):
    """The whole state file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["brewctl-state"] = "brewctl-state"
    version: Literal[1] = 1
    saved_wall_s: float = Field(0.0, description="Unix time of the save (informational only).")
    fermenters: dict[str, FermenterState] = Field(default_factory=dict)


def initial_fermenter_state(cfg: FermenterConfig) -> FermenterState:
    """A fermenter as the configuration describes it (no profile running)."""
    mode = Mode.BEER if cfg.mode is Mode.PROFILE else cfg.mode
    return FermenterState(mode=mode, beer_setpoint_c=cfg.beer_setpoint_c, chamber_setpoint_c=cfg.chamber_setpoint_c)


def reconcile_with_config(state: DaemonState | None, config: Config) -> tuple[DaemonState, list[str]]:
    """Keep the saved fermenters the config still has; add new ones from the config.

    Returns the state and human-readable notes about what was added or dropped.
    """
    notes: list[str] = []
    saved = state.fermenters if state is not None else {}
    fermenters: dict[str, FermenterState] = {}
    for fid, fcfg in config.fermenters.items():
        if fid in saved:
            fermenters[fid] = saved[fid]
        else:
            fermenters[fid] = initial_fermenter_state(fcfg)
            if state is not None:
                notes.append(f"fermenter {fid!r} is new in the config: starting from its config")
    for fid in saved:
        if fid not in config.fermenters:
            notes.append(f"fermenter {fid!r} is no longer in the config: its saved state is dropped")
    return DaemonState(fermenters=fermenters), notes


def encode_state(state: DaemonState) -> bytes:
    """The state as JSON bytes."""
    return state.model_dump_json(indent=1).encode()


def decode_state(data: bytes) -> DaemonState:
    """Parse a state file; ``StateError`` says what is wrong."""
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StateError(f"not valid JSON: {exc}") from None
    except (RecursionError, ValueError) as exc:  # 200,000 nested '[', a 5,000-digit number
        raise StateError(f"not valid JSON: {hostile_reason(exc) or exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != "brewctl-state":
        raise StateError("not a brewctl state file")
    if raw.get("version") != 1:
        raise StateError(f"unknown state version {raw.get('version')!r}")
    try:
        return DaemonState.model_validate(raw)
    except ValidationError as exc:
        loc, msg = validation_problems(exc)[0]  # the one formatter (brewctl.validation): the first problem
        raise StateError(f"{format_loc(loc) or 'state'}: {msg}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a state file whole (``brewctl.atomic``), readable by its owner and group only."""
    atomic.write_atomic(path, data, mode=0o640)


def save_state_file(path: Path, state: DaemonState, *, wall_s: float | None = None) -> None:
    """Write the state atomically (blocking: call it from a thread in the daemon)."""
    stamped = state.model_copy(update={"saved_wall_s": time.time() if wall_s is None else wall_s})
    write_atomic(path, encode_state(stamped))


def load_state_file(path: Path) -> DaemonState | None:
    """The saved state, or None if there is none or it is unusable (then it is moved aside).

    Raises ``ConfigError`` when an unusable file cannot even be moved aside: starting anyway
    would overwrite it at the first save.
    """
    try:
        # Never a blocking open: a FIFO in its place would hang the start (systemd loops).
        data = read_regular_file(path, MAX_STATE_FILE_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a folder, no permission, an I/O error on a failing SD card
        _move_aside(path, f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        return decode_state(data)
    except StateError as exc:
        _move_aside(path, f"is unusable ({exc})")
        return None


def _move_aside(path: Path, why: str) -> None:
    aside = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%dT%H%M%S')}")
    try:
        path.replace(aside)
    except OSError as exc:
        raise ConfigError(
            f"{path}: the state file {why}, and cannot be moved aside ({exc.strerror or exc}); "
            "move it away or use another --state-dir"
        ) from None
    log.warning("state file %s %s: moved to %s; starting from the config", path, why, aside)
