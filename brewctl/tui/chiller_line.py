"""A line per shared glycol chiller under the fermenter cards: reservoir, open valves, who waits."""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import Static

from brewctl.model import ChillerStatus
from brewctl.service.status import chiller_line

__all__ = ["ChillerLines"]


class ChillerLines(Static):
    """Hidden when the node has no chiller; red while a chiller is overloaded; dimmed, as the
    fermenter cards are, while the daemon is away (its figures are the last known)."""

    DEFAULT_CSS = """
    ChillerLines { height: auto; padding: 0 1; color: $text-muted; }
    ChillerLines.-overloaded { color: $error; text-style: bold; }
    ChillerLines.-stale, ChillerLines.-stale.-overloaded { color: $text-disabled; text-style: none; }
    """

    def show(self, chillers: Mapping[str, ChillerStatus], units: str) -> None:
        """Redraw from a node status's ``chillers``."""
        self.update("\n".join(chiller_line(c, units) for c in chillers.values()))
        self.display = bool(chillers)
        overloaded = any(a.code == "chiller_overloaded" for c in chillers.values() for a in c.alarms)
        self.set_class(overloaded, "-overloaded")
