"""Which shape the dashboard takes for a terminal size (pure)."""

from __future__ import annotations

from typing import Literal

__all__ = ["COMPACT_MAX", "WIDE_MIN_COLUMNS", "Shape", "shape_for"]

Shape = Literal["line", "card", "wide"]
"""``line``: one line per fermenter; ``card``: a card each, stacked; ``wide``: cards side by side
with a sparkline each."""

COMPACT_MAX = (60, 20)
"""At or below this many columns, or rows, one line per fermenter."""
WIDE_MIN_COLUMNS = 120
"""From this many columns on, cards stand side by side."""


def shape_for(columns: int, rows: int) -> Shape:
    """The dashboard's shape for a terminal of ``columns`` x ``rows``."""
    if columns <= COMPACT_MAX[0] or rows <= COMPACT_MAX[1]:
        return "line"
    if columns >= WIDE_MIN_COLUMNS:
        return "wide"
    return "card"
