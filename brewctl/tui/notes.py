"""The brewer's notes: typed in the TUI, sent to the daemon, kept in its history as ``note`` events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brewctl.model import AddNote
from brewctl.tui.prompt_screen import PromptScreen

if TYPE_CHECKING:
    from brewctl.tui.app import BrewApp

__all__ = ["NOTE_MAX", "ask_and_send_note", "check_note"]

NOTE_MAX = int(next(m.max_length for m in AddNote.model_fields["text"].metadata if hasattr(m, "max_length")))
"""The longest note the daemon takes (from the command's own model)."""


def check_note(text: str) -> str | None:
    """Why ``text`` cannot be a note, or None."""
    if not text.strip():
        return "type what you did, e.g. dry hopped 200 g Citra"
    if len(text.strip()) > NOTE_MAX:
        return f"at most {NOTE_MAX} characters ({len(text.strip())} now)"
    return None


async def ask_and_send_note(app: BrewApp, fid: str) -> bool:
    """Ask for a note on ``fid`` and send it; True when the daemon kept it."""
    if app.source is None:
        app.notify("Not connected to the daemon: the note cannot be kept now.", severity="error")
        return False
    node = app.node
    f = node.fermenters.get(fid) if node is not None else None
    name = (f.name or f.id) if f is not None else fid
    text = await app.push_screen_wait(
        PromptScreen(f"Note for {name} (kept in the history, shown on the chart), Enter to keep:", "", check_note)
    )
    if text is None:
        return False
    result = await app.send(fid, AddNote(text=text.strip()), f"{fid}: note kept")
    return result is not None and result.ok
