"""Plain aligned columns, kubectl style: two spaces between columns, no borders."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Terminal cells: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def columns(rows: Sequence[Sequence[str]], headers: Sequence[str] | None = None) -> str:
    """Rows padded to the widest cell of each column; the last column is not padded."""
    table = [list(headers)] if headers else []
    table += [list(row) for row in rows]
    if not table:
        return ""
    widths = [max(display_width(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    lines = []
    for row in table:
        cells = [_pad(cell, width) for cell, width in zip(row[:-1], widths, strict=True)]
        cells.append(row[-1])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
