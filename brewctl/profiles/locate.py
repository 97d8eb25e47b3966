"""Find the line of a key in TOML text, for error messages.

``tomllib`` returns plain dicts without positions, so :class:`TomlLocator` scans the text
once for table headers (``[a]``, ``[[steps]]``) and ``key =`` lines, and inline arrays of
tables (``until = [{...}, {...}]``). It maps a validation location such as
``("steps", 2, "duration")`` to the line of that key, or of the nearest enclosing table
when the key is missing. It is a best-effort helper for messages, not a TOML parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

__all__ = ["TomlLocator"]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"))*)\s*=")


def _inline_key(key: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|[{,\s])\"?" + re.escape(key) + r"\"?\s*=")


Loc = tuple[str | int, ...]


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip('"') for part in text.split("."))


class TomlLocator:
    """Line numbers (1-based) of the keys and tables in a TOML document."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts = [0]
        for m in re.finditer("\n", text):
            self._line_starts.append(m.end())
        self._lines: dict[Loc, int] = {}
        self._value_offsets: dict[Loc, int] = {}
        self._scan()

    def _scan(self) -> None:
        counts: dict[tuple[str, ...], int] = {}
        table: Loc = ()
        inside_strings = self._string_continuation_lines()
        # TOML breaks lines at \n only (str.splitlines would also break at U+0085 and others).
        for lineno, line in enumerate(self._text.split("\n"), start=1):
            if lineno in inside_strings:
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                path = _split_key(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(path, -1) + 1
                    counts[path] = index
                    # Nested arrays of tables belong to the latest parent element.
                    table = (*self._with_indices(path, counts), index)
                    for deeper in [p for p in counts if len(p) > len(path) and p[: len(path)] == path]:
                        del counts[deeper]
                else:
                    table = self._with_indices(path, counts)
                self._lines.setdefault(table, lineno)
                continue
            key = _KEY.match(line)
            if key:
                loc = table + _split_key(key.group(1))
                self._lines.setdefault(loc, lineno)
                self._value_offsets.setdefault(loc, self._line_starts[lineno - 1] + key.end())

    @staticmethod
    def _with_indices(path: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> Loc:
        """``("steps", "until")`` -> ``("steps", 2, "until")`` using the latest array elements."""
        out: list[str | int] = []
        for i, part in enumerate(path):
            out.append(part)
            prefix = path[: i + 1]
            if i < len(path) - 1 and prefix in counts:
                out.append(counts[prefix])
        return tuple(out)

    def _line_of_offset(self, offset: int) -> int:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def _inline(self, offset: int, rest: Sequence[str | int]) -> int | None:
        """Follow ``rest`` (indices and keys) into an inline array/table starting at ``offset``."""
        text = self._text
        pos = offset
        for part in rest:
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text):
                return None
            if isinstance(part, int):
                if text[pos] != "[":
                    return None
                start = self._nth_element(pos, part)
                if start is None:
                    return None
                pos = start
            else:
                if text[pos] != "{":
                    return None
                end = self._matching(pos)
                m = _inline_key(part).search(text, pos, end)
                if m is None:
                    return None
                pos = m.end()
        return pos

    def _tokens(self, pos: int) -> Iterator[tuple[int, str]]:
        """Significant characters from ``pos``: strings become one ``'s'``, comments vanish."""
        text = self._text
        i = pos
        while i < len(text):
            c = text[i]
            if c == "#":
                nl = text.find("\n", i)
                i = len(text) if nl < 0 else nl
                continue
            if c in "\"'":
                yield i, "s"
                i = self._string_end(i)
                continue
            if c not in " \t\r\n":
                yield i, c
            i += 1

    def _string_end(self, start: int) -> int:
        """Offset just past the string literal opening at ``start`` (basic or literal, 1 or 3 quotes)."""
        text = self._text
        quote = text[start]
        delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
        i = start + len(delimiter)
        while True:
            close = text.find(delimiter, i)
            if close < 0:
                return len(text)
            backslashes = 0
            while quote == '"' and text[close - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2 == 0:
                end = close + len(delimiter)
                # A multi-line string may end with up to two more quotes of its kind.
                while len(delimiter) == 3 and end - close < 5 and text.startswith(quote, end):
                    end += 1
                return end
            i = close + 1

    def _string_continuation_lines(self) -> set[int]:
        """Lines (1-based) that begin inside a multi-line string: no keys or headers there."""
        lines: set[int] = set()
        for start, _ in self._tokens(0):
            if self._text[start] in "\"'":
                first = self._line_of_offset(start)
                last = self._line_of_offset(self._string_end(start) - 1)
                lines.update(range(first + 1, last + 1))
        return lines

    def _matching(self, pos: int) -> int:
        """Offset just past the bracket that closes the one at ``pos``."""
        depth = 0
        for i, c in self._tokens(pos):
            if c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    return i + 1
        return len(self._text)

    def _nth_element(self, pos: int, n: int) -> int | None:
        """Offset of the ``n``-th element of the array opening at ``pos``."""
        depth = 0
        index = 0
        expecting = True
        for i, c in self._tokens(pos):
            if depth == 1 and expecting and c not in ",]":
                if index == n:
                    return i
                expecting = False
            if c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    return None
            elif c == "," and depth == 1:
                index += 1
                expecting = True
        return None

    def line(self, loc: Sequence[str | int]) -> int | None:
        """The line of ``loc``, of its nearest located parent, or None."""
        loc = tuple(loc)
        for cut in range(len(loc), 0, -1):
            prefix = loc[:cut]
            if prefix in self._lines:
                if cut < len(loc) and prefix in self._value_offsets:
                    found = self._inline(self._value_offsets[prefix], loc[cut:])
                    if found is not None:
                        return self._line_of_offset(found)
                    # Fall back to the deepest element we can reach inside the inline value.
                    for sub in range(len(loc) - 1, cut, -1):
                        found = self._inline(self._value_offsets[prefix], loc[cut:sub])
                        if found is not None:
                            return self._line_of_offset(found)
                return self._lines[prefix]
        return None
