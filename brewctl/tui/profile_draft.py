"""A profile being edited, as its *file document* (what the TOML holds), validated by the profiles package.

Pure: no Textual, no files. The editor screens change the draft; :meth:`ProfileDraft.check`
runs the very validation ``brewctl profile validate`` runs (``profile_problems``) and returns
the profile or the problems, located by key (``("steps", 2, "duration")``).
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from brewctl.display import with_unit
from brewctl.errors import ProfileError
from brewctl.profiles import Profile
from brewctl.profiles.document import STEP_TYPES, Problem, from_profile
from brewctl.profiles.files import format_loc, profile_problems
from brewctl.tui.until_form import UNTIL_KEYS, problem_lines, until_from_texts, until_texts

__all__ = [
    "STEP_FIELDS",
    "STEP_TYPES",
    "ProfileDraft",
    "field_text",
    "step_from_texts",
    "step_summary",
]

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "hold": ("name", "temperature", "duration"),
    "ramp": ("name", "temperature", "from", "duration", "rate"),
    "free_rise": ("name", "duration", "min", "max", "combine", *UNTIL_KEYS),
    "hold_until": ("name", "temperature", "max_duration", "combine", *UNTIL_KEYS),
    "wait_for_brewer": ("name", "temperature", "message"),
}
"""The keys of each step type, in the order the step form shows them (the conditions as fields;
``until`` replaces them, as TOML, for conditions the fields cannot show)."""

_NUMBERS = frozenset({"temperature", "from", "rate", "min", "max"})


def _inline(value: Any) -> str:
    """A TOML inline value for the simple data a condition holds."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def field_text(step: Mapping[str, Any], key: str) -> str:
    """What the step form shows for ``key``: numbers plainly, ``until`` as a TOML inline array."""
    if key in UNTIL_KEYS:
        texts = until_texts(step.get("until"))
        return texts[key] if texts is not None else ""
    value = step.get(key)
    if value is None:
        return ""
    if key == "until":
        return _inline(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def step_from_texts(kind: str, texts: Mapping[str, str], *, plato: bool = False) -> tuple[dict[str, Any], str | None]:
    """A step document from the form's texts (empty = leave the key out), or the problems of its conditions.

    The conditions come from their fields (``gravity_le`` ...) or, when ``texts`` has ``until``,
    from that TOML list.
    """
    step: dict[str, Any] = {"type": kind}
    keys = STEP_FIELDS[kind]
    if "until" in texts and any(k in keys for k in UNTIL_KEYS):
        keys = (*[k for k in keys if k not in UNTIL_KEYS], "until")
    elif any(k in keys for k in UNTIL_KEYS):
        conditions, problems = until_from_texts(texts, plato=plato)
        if kind == "free_rise" and not any(texts.get(k, "").strip() for k in UNTIL_KEYS):
            problems = []  # a free rise without conditions ends by time
        elif conditions:
            step["until"] = conditions
        if problems:
            return step, "\n".join(problem_lines(problems))
    for key in keys:
        text = texts.get(key, "").strip()
        if not text or key in UNTIL_KEYS:
            continue
        if key == "until":
            try:
                step[key] = tomllib.loads(f"until = {text}")["until"]
            except tomllib.TOMLDecodeError as exc:
                example = '[{type = "gravity", at_or_below = 1.012}]'
                return step, f"until: not a TOML list of conditions ({exc}); e.g. {example}"
        elif key in _NUMBERS:
            try:
                step[key] = float(text.replace(",", "."))
            except ValueError:
                step[key] = text  # the validator names it
        else:
            step[key] = text
    return step, None


def step_summary(step: Mapping[str, Any], units: str) -> tuple[str, str, str, str]:
    """A table row: type, name, temperature, length (all as written in the file)."""
    kind = str(step.get("type", "?"))
    name = str(step.get("name", ""))
    if kind == "free_rise":
        low, high = step.get("min"), step.get("max")
        span = f"{field_text(step, 'min') or '…'}–{field_text(step, 'max') or '…'}"
        temp = with_unit(span, units) if low or high else "free"
    elif kind == "ramp" and step.get("from") is not None:
        temp = with_unit(f"{field_text(step, 'from')}→{field_text(step, 'temperature')}", units)
    elif kind == "ramp":
        temp = with_unit(f"→{field_text(step, 'temperature')}", units)
    else:
        temp = with_unit(field_text(step, "temperature"), units)
    if kind == "ramp" and step.get("rate") is not None:
        length = with_unit(field_text(step, "rate"), units, per="/h")
    elif kind == "hold_until":
        length = f"≤ {field_text(step, 'max_duration')}, until gravity"
    elif kind == "wait_for_brewer":
        length = "until you confirm"
    else:
        length = field_text(step, "duration")
        if kind == "free_rise" and step.get("until"):
            length += ", or gravity"
    return kind, name, temp, length


class ProfileDraft:
    """The document of one profile file, with undo-free edits and validation."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        """Raises ``ProfileError`` when ``steps`` is not a list of tables: the table view cannot show it."""
        self.doc: dict[str, Any] = copy.deepcopy(dict(doc))
        steps = self.doc.setdefault("steps", [])
        if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
            raise ProfileError(
                "steps: not a list of [[steps]] tables, so the editor cannot show them; "
                "fix it in a text editor (`brewctl profile validate FILE` says where)"
            )
        self.modified = False

    @classmethod
    def new(cls, name: str = "New profile") -> ProfileDraft:
        """A one-step profile to start from."""
        return cls({"name": name, "units": "C", "steps": [{"type": "hold", "temperature": 19, "duration": "7d"}]})

    @classmethod
    def from_text(cls, text: str) -> ProfileDraft:
        """From TOML text (raises ``tomllib.TOMLDecodeError``, or ``ProfileError``); the document may be invalid."""
        return cls(tomllib.loads(text))

    @classmethod
    def from_profile(cls, profile: Profile) -> ProfileDraft:
        """From a validated profile (an import, say)."""
        return cls(from_profile(profile))

    @property
    def steps(self) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = self.doc["steps"]
        return steps

    @property
    def units(self) -> str:
        return str(self.doc.get("units", "C"))

    @property
    def name(self) -> str:
        return str(self.doc.get("name", ""))

    def check(self) -> tuple[Profile | None, list[Problem]]:
        """Validate the whole document, exactly as a file."""
        return profile_problems(self.doc)

    def check_step(self, index: int, step: Mapping[str, Any]) -> list[str]:
        """Problems of ``step`` if it stood at ``index`` (other steps' problems left out)."""
        trial = copy.deepcopy(self.doc)
        steps = trial["steps"]
        if index < len(steps):
            steps[index] = dict(step)
        else:
            steps.append(dict(step))
        _, problems = profile_problems(trial)
        prefix = ("steps", index)
        return [f"{format_loc(loc[2:]) or 'step'}: {msg}" for loc, msg in problems if tuple(loc[:2]) == prefix]

    # --- edits ----------------------------------------------------------------------------
    def set_key(self, key: str, value: Any) -> None:
        """Set a top-level key (name, description, ...); None removes it."""
        if value is None:
            self.doc.pop(key, None)
        else:
            self.doc[key] = value
        self.modified = True

    def put_step(self, index: int, step: Mapping[str, Any]) -> None:
        """Replace step ``index``, or append when ``index`` is past the end."""
        if index < len(self.steps):
            self.steps[index] = dict(step)
        else:
            self.steps.append(dict(step))
        self.modified = True

    def insert_step(self, index: int, step: Mapping[str, Any]) -> None:
        """Insert ``step`` before ``index``."""
        self.steps.insert(index, dict(step))
        self.modified = True

    def remove_step(self, index: int) -> None:
        """Delete step ``index``."""
        del self.steps[index]
        self.modified = True

    def move_step(self, index: int, delta: int) -> int:
        """Move step ``index`` by ``delta`` places (clamped); returns its new index."""
        target = max(0, min(len(self.steps) - 1, index + delta))
        if target != index:
            self.steps.insert(target, self.steps.pop(index))
            self.modified = True
        return target

    def problem_rows(self, problems: Sequence[Problem]) -> set[int]:
        """Indices of the steps that have a problem."""
        return {loc[1] for loc, _ in problems if len(loc) > 1 and loc[0] == "steps" and isinstance(loc[1], int)}
