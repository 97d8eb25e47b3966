"""Tab and Shift+Tab for forms, handled before the field that has the focus.

Textual's own Tab binding belongs to the screen, so it runs only after the focused field has
passed the key on; a line typed quickly over SSH arrives in one read, and the letters after a
Tab went into the old field before the focus moved. As priority bindings they move the focus
at once, so the next letters land in the next field (as ↑/↓ select on the dashboard).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

__all__ = ["FORM_FOCUS_BINDINGS"]

FORM_FOCUS_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]
