"""Bindings shared by several screens: the key bar's ``? Keys`` and the forms' Tab.

``? Keys`` comes first in every key bar, so at 60 columns, where the bar cannot hold every
key, the brewer still sees how to list them all (the ``?`` panel).

Tab and Shift+Tab in forms are handled before the field that has the focus. Textual's own Tab
binding belongs to the screen, so it runs only after the focused field has passed the key on;
a line typed quickly over SSH arrives in one read, and the letters after a Tab went into the
old field before the focus moved. As priority bindings they move the focus at once, so the
next letters land in the next field (as ↑/↓ select on the dashboard).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widgets import Footer

__all__ = ["FORM_FOCUS_BINDINGS", "FORM_KEYS_BINDING", "KEYS_BINDING", "KeyBar"]

KEYS_BINDING = Binding("question_mark", "app.toggle_keys", "Keys")
"""First in each screen's bindings: the key bar starts with ``? Keys``."""

FORM_KEYS_BINDING = Binding("f1", "app.toggle_keys", "Keys", key_display="F1")
"""The same for a screen of text fields, where ``?`` is typed into the field: ``F1 Keys``."""

FORM_FOCUS_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]


class KeyBar(Footer):
    """The key bar: Textual's footer in its compact form (one space between keys), so the
    dashboard's keys, ``? Keys`` included, fit 80 columns."""

    def __init__(self) -> None:
        super().__init__(compact=True)
