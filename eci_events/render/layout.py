"""Text laid out in terminal cells: widths, wrapping (Japanese too), and the one table
aligner every table uses.

Output is built as lines of (text, style) segments, so the same content prints plain
(pipes, tests) or coloured (``rich_text``). Widths count terminal cells: wide East Asian
characters take two. Text reaching here is already escaped for the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

Segment = tuple[str, str | None]
Line = list[Segment]
ELLIPSIS = "…"

# Japanese line breaking (kinsoku): never start a line with these, never end one with those.
_NO_START = set(
    "、。，．・：；？！ー）」』】〕〉》〙〗｝］)]}>!?,.:;%…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々"
)
_NO_END = set("（「『【〔〈《〘〖｛［([{<")
_ASCII_TOKEN = re.compile(r"\s+|\S+")
# Compiled on first use (about 2 ms, most of explain's own start-up): ASCII text never needs it.
_TOKEN = r"\s+|[^\s\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+|."


def display_width(text: str) -> int:
    """Terminal cells: wide East Asian characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def cut(text: str, cells: int) -> tuple[str, str]:
    """``text`` split where its first ``cells`` cells end."""
    if text.isascii():
        return text[:cells], text[cells:]
    used = 0
    for index, char in enumerate(text):
        used += 0 if unicodedata.combining(char) else display_width(char)
        if used > cells:
            return text[:index], text[index:]
    return text, ""


def shorten(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` cells: cut at a word boundary with an ellipsis."""
    if display_width(text) <= cells:
        return text
    if cells <= 1:
        return ELLIPSIS[:cells]
    head, _ = cut(text, cells - 1)
    space = head.rfind(" ")
    if space >= max(1, len(head) // 2):  # a word boundary not too far back
        head = head[:space]
    return head.rstrip(" ,;:(") + ELLIPSIS


def _units(text: str) -> list[str]:
    """Break opportunities: spaces, words of non-CJK text, single CJK characters; kinsoku
    characters stick to their neighbour."""
    units: list[str] = []
    tokens = _ASCII_TOKEN.findall(text) if text.isascii() else re.findall(_TOKEN, text, re.S)
    for token in tokens:
        if (units and (token[0] in _NO_START) and not units[-1].isspace()) or (
            units and units[-1][-1] in _NO_END
        ):
            units[-1] += token
        else:
            units.append(token)
    return units


def wrap(text: str, width: int, split_words: bool = True) -> list[str]:
    """Greedy line breaking by terminal cells; Japanese breaks between characters.

    A word wider than a line (a URL, an id) is cut across lines, or with ``split_words``
    false (table cells) shortened to one line with an ellipsis.
    """
    width = max(width, 4)
    lines: list[str] = []
    current = ""
    for unit in _units(text):
        if unit.isspace():
            if current:
                current += " "
            continue
        if display_width(unit) > width and not split_words:
            unit = shorten(unit, width)
        if display_width(unit) > width:
            if current.strip():
                lines.append(current.rstrip())
            while True:
                head, unit = cut(unit, width)
                if not unit:
                    current = head
                    break
                lines.append(head)
            continue
        if display_width(current + unit) > width and current.strip():
            lines.append(current.rstrip())
            current = unit
        else:
            current += unit
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def wrapped(
    text: str, width: int, indent: int, style: str | None = None, first: Line | None = None
) -> list[Line]:
    """``text`` wrapped under a hanging ``indent``; ``first`` replaces the first line's indent."""
    out: list[Line] = []
    for index, chunk in enumerate(wrap(text, width - indent)):
        lead: Line = list(first) if (index == 0 and first is not None) else [(" " * indent, None)]
        out.append([*lead, (chunk, style)])
    return out


class Column(NamedTuple):  # a NamedTuple: cheaper to import than a dataclass
    """How a table column behaves when the table must fit a width.

    ``shrink``: the order in which flexible columns give up space (lower first) down to
    their ``floor``; None for columns that never shrink (times, types). ``drop``: the
    order in which columns go away when the floors still do not fit; None: never.
    ``wrap``: long cells wrap onto more lines instead of being cut (a word wider than the
    column is cut short with an ellipsis, never split across lines); ``right``: right-aligned.
    """

    name: str
    shrink: int | None = None
    floor: int = 8
    drop: int | None = None
    wrap: bool = False
    right: bool = False


_SQUEEZE_MIN = 4


def fit(
    columns: Sequence[Column], natural: Sequence[int], width: int | None, gap: int = 2
) -> list[int]:
    """Column widths: the natural ones, or shrunk and dropped (width 0) to fit ``width``.

    First the flexible columns give up space, rank by rank (within a rank the widest
    first), each down to its floor; then columns are dropped in their order, and after
    each drop the flexible columns take back what they gave up and shrink again only as
    far as still needed; then the widest flexible column gives up a cell at a time, so
    what is left is shared.
    """
    widths = list(natural)
    if width is None:
        return widths

    def excess() -> int:
        shown = [w for w in widths if w > 0]
        return sum(shown) + gap * max(len(shown) - 1, 0) - width

    flexible = [
        i for _, i in sorted((c.shrink, i) for i, c in enumerate(columns) if c.shrink is not None)
    ]

    def shrink() -> None:
        # Columns of one shrink rank share the loss: the widest gives up a cell at a time.
        for rank in dict.fromkeys(columns[i].shrink for i in flexible):  # already in order
            members = [i for i in flexible if columns[i].shrink == rank and widths[i] > 0]
            over = excess()
            while over > 0:
                above = [i for i in members if widths[i] > min(columns[i].floor, natural[i])]
                if not above:
                    break
                widths[max(above, key=lambda i: widths[i])] -= 1
                over -= 1

    shrink()
    for _, index in sorted((c.drop, i) for i, c in enumerate(columns) if c.drop is not None):
        if excess() <= 0:
            return widths
        widths[index] = 0
        # what the flexible columns gave up for the dropped one comes back to them
        widths = [natural[i] if w > 0 else 0 for i, w in enumerate(widths)]
        shrink()
    over = excess()
    while over > 0:
        candidates = [i for i in flexible if widths[i] > _SQUEEZE_MIN]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        over -= 1
    return widths


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Segment]],
    width: int | None = None,
    headers: bool = True,
    indent: int = 0,
) -> list[Line]:
    """Rows aligned in columns two cells apart, kubectl style, fitted to ``width`` (None:
    whole cells, however long). The last shown column is not padded."""
    body = [list(row) for row in rows]
    if headers:
        body.insert(0, [(c.name, "bold") for c in columns])
    if not body:
        return []
    natural = [max(display_width(row[i][0]) for row in body) for i in range(len(columns))]
    widths = fit(columns, natural, None if width is None else width - indent)
    shown = [i for i, w in enumerate(widths) if w > 0]
    lines: list[Line] = []
    for row in body:
        cells: list[list[str]] = []
        for i in shown:
            text = row[i][0]
            if display_width(text) <= widths[i]:
                cells.append([text])
            elif columns[i].wrap and width is not None:
                cells.append(wrap(text, widths[i], split_words=False))
            else:
                cells.append([shorten(text, widths[i])])
        for depth in range(max(len(c) for c in cells)):
            line: Line = [(" " * indent, None)] if indent else []
            for position, i in enumerate(shown):
                text = cells[position][depth] if depth < len(cells[position]) else ""
                pad = widths[i] - display_width(text)
                last = position == len(shown) - 1
                if columns[i].right:
                    line += [(" " * pad, None), (text, row[i][1])]
                else:
                    line.append((text, row[i][1]))
                    if not last:
                        line.append((" " * pad, None))
                if not last:
                    line.append(("  ", None))
            lines.append(line)
    return lines


def plain(lines: Iterable[Line]) -> str:
    """The lines as text, trailing spaces removed."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def rich_text(lines: Iterable[Line]) -> Any:
    """The lines as one rich Text (styles applied; text never parsed as markup)."""
    from rich.text import Text

    out = Text()
    for line in lines:
        drop = len("".join(t for t, _ in line)) - len("".join(t for t, _ in line).rstrip())
        for text, style in line:
            out.append(text, style=style or "")
        if drop:
            out.right_crop(drop)
        out.append("\n")
    return out
