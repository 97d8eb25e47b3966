"""Pure unit helpers: durations, temperatures and gravity.

Durations are written the way brewers write them: ``"3d 12h"``, ``"90m"``, ``"1w"``,
``"45s"`` or a bare number of seconds.
"""

from __future__ import annotations

import re

__all__ = [
    "c_to_f",
    "delta_f_to_c",
    "f_to_c",
    "format_duration",
    "parse_duration",
    "plato_to_sg",
    "sg_to_plato",
]

_UNIT_S = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([wdhms])", re.IGNORECASE)


def parse_duration(text: str | int | float) -> float:
    """Return seconds for ``"3d 12h"``, ``"90m"``, ``"1.5h"`` or a plain number of seconds.

    Raises ``ValueError`` with a short explanation on anything else.
    """
    if isinstance(text, bool):
        raise ValueError("expected a duration like '3d 12h', not a boolean")
    if isinstance(text, int | float):
        if text < 0:
            raise ValueError("a duration cannot be negative")
        return float(text)
    s = text.strip()
    if not s:
        raise ValueError("empty duration; write e.g. '3d 12h' or '90m'")
    try:
        value = float(s)
    except ValueError:
        pass
    else:
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return value
    total = 0.0
    pos = 0
    for match in _PART.finditer(s):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_S[match.group(2).lower()]
        pos = match.end()
    if pos != len(s) or pos == 0:
        raise ValueError(f"cannot read duration {text!r}; write e.g. '3d 12h', '90m' or '45s'")
    return total


def format_duration(seconds: float) -> str:
    """Format seconds as a compact brewer-friendly duration: ``"3d 12h"``, ``"2h 30m"``, ``"40s"``."""
    s = round(max(0.0, seconds))
    if s == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        n, s = divmod(s, size)
        if n:
            parts.append(f"{n}{unit}")
    return " ".join(parts[:2])


def c_to_f(c: float) -> float:
    """Celsius to Fahrenheit."""
    return c * 9.0 / 5.0 + 32.0


def f_to_c(f: float) -> float:
    """Fahrenheit to Celsius."""
    return (f - 32.0) * 5.0 / 9.0


def delta_f_to_c(df: float) -> float:
    """A temperature *difference* in Fahrenheit to Celsius (no offset)."""
    return df * 5.0 / 9.0


def sg_to_plato(sg: float) -> float:
    """Specific gravity to degrees Plato (the usual cubic fit)."""
    return -616.868 + 1111.14 * sg - 630.272 * sg**2 + 135.997 * sg**3


def plato_to_sg(plato: float) -> float:
    """Degrees Plato to specific gravity."""
    return 1.0 + plato / (258.6 - (plato / 258.2) * 227.1)
