"""Commands arriving over MQTT: parse and validate (pure), and remember recent ids.

A payload is a ``Command`` JSON (see docs/api.md), validated strictly: JSON types are not
coerced (``true`` is not 1 °C, ``"19"`` is not a number). A profile is named from the daemon's
library, never by a path: anyone on the broker could otherwise make the daemon read files.
Anything else is answered with a ``CommandResult`` whose ``error`` names the offending field,
and nothing is applied.
"""

from __future__ import annotations

import collections
import json

from pydantic import ValidationError

from brewctl.model import COMMAND_ADAPTER, COMMAND_KINDS, Command, CommandResult, ProfileAction, StartProfile
from brewctl.validation import one_line, validation_problems

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "RecentCommands",
    "describe_validation_error",
    "echo_id",
    "needs_id",
    "parse_command",
]

MAX_PAYLOAD_BYTES = 4096
"""A command is a few dozen bytes; anything much larger is refused before parsing."""


def describe_validation_error(exc: ValidationError) -> str:
    """``field: what is wrong`` for each problem, joined by '; ' (``brewctl.validation``)."""
    return one_line(validation_problems(exc, tags=COMMAND_KINDS, tag_key="kind"), root="payload")


def parse_command(payload: bytes) -> Command | str:
    """The validated command, or an error message naming the field."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return f"payload: too large ({len(payload)} bytes, at most {MAX_PAYLOAD_BYTES})"
    try:
        command = COMMAND_ADAPTER.validate_json(payload, strict=True)
    except ValidationError as exc:
        return describe_validation_error(exc)
    if isinstance(command, StartProfile) and _is_path(command.profile):
        return "profile: over MQTT, name a profile of the daemon's library (a path is refused)"
    if command.id is None and needs_id(command):
        return f"id: required for {command.kind} over MQTT (a redelivered message must not act twice)"
    return command


def echo_id(payload: bytes) -> str | None:
    """The ``id`` of a command that failed validation, if one can be read (to echo it).

    The size is checked first: a 5,000-digit number makes ``json.loads`` raise ``ValueError``
    (Python's int conversion limit), and deep nesting ``RecursionError``; neither may escape.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        return None
    try:
        doc = json.loads(payload)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    if isinstance(doc, dict) and isinstance(doc.get("id"), str) and len(doc["id"]) <= 64:
        return str(doc["id"])
    return None


def needs_id(command: Command) -> bool:
    """A command that would act again if delivered twice: start (restarts the profile), confirm
    (could confirm the next wait too), skip without ``to_step`` (skips one more step). Setting
    a value, a mode, pause, resume and stop land in the same state however often they arrive.
    """
    if isinstance(command, StartProfile):
        return True
    if isinstance(command, ProfileAction):
        return command.kind == "profile_confirm" or (command.kind == "profile_skip" and command.to_step is None)
    return False


def _is_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.startswith(".") or name.startswith("~")


class RecentCommands:
    """The results of the last ``size`` commands that carried an id, per fermenter.

    MQTT redelivers QoS 1 messages after a reconnect; a repeated id is answered from here
    (``duplicate: true``) without reaching the controller. The daemon's handler keeps its own
    record too, shared with the local API; this one saves the round trip.
    """

    def __init__(self, size: int = 256) -> None:
        self._results: collections.OrderedDict[tuple[str, str], CommandResult] = collections.OrderedDict()
        self._size = size

    def get(self, fermenter: str, command_id: str | None) -> CommandResult | None:
        """The earlier result for this id, marked duplicate, or None."""
        if command_id is None:
            return None
        result = self._results.get((fermenter, command_id))
        return None if result is None else result.model_copy(update={"duplicate": True})

    def put(self, fermenter: str, command_id: str | None, result: CommandResult) -> None:
        """Remember a result (only commands that were handled, i.e. not validation errors)."""
        if command_id is None:
            return
        self._results[(fermenter, command_id)] = result
        self._results.move_to_end((fermenter, command_id))
        while len(self._results) > self._size:
            self._results.popitem(last=False)
