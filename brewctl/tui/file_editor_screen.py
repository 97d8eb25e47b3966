"""What the profile and recipe editors share: writing their file safely and leaving with care."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from textual.screen import Screen

from brewctl.atomic import write_atomic
from brewctl.tui.confirm_screen import ConfirmScreen

__all__ = ["FileEditorScreen", "file_name_for", "write_file"]


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole: a temporary file renamed over it (no half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def file_name_for(name: str) -> str:
    """``"Clean ale (US-05)"`` -> ``"clean-ale-us-05.toml"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return f"{slug or 'profile'}.toml"


class _Draft(Protocol):
    modified: bool


D = TypeVar("D", bound=_Draft)


class FileEditorScreen(Screen[None], Generic[D]):
    """A screen editing ``draft``, saved to ``target_path()``; subclasses redraw in ``refresh_all``."""

    path: Path | None
    """The file being edited (None for a new one)."""
    saved_to: Path | None
    """Where the last save went, if any."""
    draft: D

    def target_path(self) -> Path:
        """Where Save writes."""
        raise NotImplementedError

    def refresh_all(self) -> None:
        """Re-validate and redraw."""
        raise NotImplementedError

    async def write_draft(self, text: str) -> None:
        """Save ``text`` to ``target_path()``; asks before replacing another file."""
        path = self.target_path()
        question = f"{path.name} exists in {path.parent}. Replace it?"
        if path != self.path and path.exists() and not await self.app.push_screen_wait(ConfirmScreen(question)):
            return
        try:
            await asyncio.to_thread(write_file, path, text)
        except OSError as exc:
            self.notify(f"Not saved: {path}: {exc.strerror}", severity="error")
            return
        self.path = self.saved_to = path
        self.draft.modified = False
        self.refresh_all()
        self.notify(f"Saved {path}")

    async def leave(self) -> None:
        """Back; asks first when there are unsaved changes."""
        if self.draft.modified and not await self.app.push_screen_wait(
            ConfirmScreen("Leave without saving your changes?")
        ):
            return
        self.dismiss(None)
