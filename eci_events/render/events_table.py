"""``list`` table and wide output: annotated events in kubectl's columns, plus severity.

Every field is escaped once, here. Piped, cells stay whole (grep and awk see everything);
on a terminal or with --width the table fits the width: HINT goes first, MESSAGE and
HINT share what is left and are cut at a word boundary with ``…`` (wide: wrapped inside
their cells, a word wider than its cell cut short with ``…``), times and reasons are never
wrapped. Severity is a word in its own column,
coloured on top, so it reads without colour too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from eci_events.annotate import Annotated
from eci_events.render import remedies
from eci_events.render.layout import Column, Line, Segment, shorten, table
from eci_events.render.safe import escape
from eci_events.render.terminal import SEVERITY_STYLES
from eci_events.render.words import word
from eci_events.timefmt import age, repeat_age, rfc3339

HINT_CHARS = 80  # table mode: the first sentence of the first remedy, at most this long
REASON_CHARS = 48  # a reason longer than any real one is cut (it never wraps)
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s*(?=[A-Z`(\u3040-\u9fff])")
SHORT_SEVERITY = ("info", "warn", "err", "crit")


def short_hint(text: str, limit: int = HINT_CHARS) -> str:
    """The first sentence of a remedy, cut at a word boundary with an ellipsis."""
    text = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + "…"


def hint(row: Annotated, lang: str) -> str:
    """The row's first remedy in words, parameters filled (escaped)."""
    found = row.match.remedies
    return remedies.fill(found[0], row.match.params, lang, escape) if found else ""


def _columns(lang: str, wide: bool) -> list[Column]:
    w = lambda key: word(lang, key)  # noqa: E731
    if not wide:
        return [
            Column(w("h_last_seen")),
            Column(w("h_type"), drop=1),
            Column(w("h_sev")),
            Column(w("h_reason")),
            Column(w("h_object"), shrink=1, floor=14),
            Column(w("h_message"), shrink=0, floor=24),
            Column(w("h_hint"), shrink=0, floor=30, drop=0),
        ]
    return [
        Column(w("h_last_seen")),
        Column(w("h_type"), drop=5),
        Column(w("h_severity")),
        Column(w("h_reason")),
        Column(w("h_object"), shrink=2, floor=14),
        Column(w("h_group"), drop=4),
        Column(w("h_namespace"), drop=1),
        Column(w("h_source"), drop=0),
        Column(w("h_count"), drop=2, right=True),
        Column(w("h_first_seen"), drop=3),
        Column(w("h_message"), shrink=1, floor=24, wrap=True),
        Column(w("h_hint"), shrink=0, floor=24, wrap=True),
    ]


def _cells(row: Annotated, now: datetime, wide: bool, lang: str) -> list[Segment]:
    e = row.event
    style = SEVERITY_STYLES[row.severity]
    obj = e.object or e.group_id
    type_style = "yellow" if e.type == "Warning" else None
    text = hint(row, lang)
    if not wide:
        return [
            (repeat_age(e.first_seen, e.last_seen, e.count, now), None),
            (escape(e.type), type_style),
            (SHORT_SEVERITY[row.severity], style),
            (shorten(escape(e.reason), REASON_CHARS), style),
            (escape(obj), None),
            (escape(e.message), None),
            (short_hint(text), "dim"),
        ]
    return [
        (age(e.when, now), None),
        (escape(e.type), type_style),
        (row.severity.label, style),
        (shorten(escape(e.reason), REASON_CHARS), style),
        (escape(obj), None),
        (escape(e.group_id), None),
        (escape(e.namespace), None),
        (escape(e.source), None),
        (str(e.count), None),
        (rfc3339(e.first_seen) or "<unknown>", None),
        (escape(e.message), None),
        (text, "dim"),
    ]


def table_lines(
    rows: Sequence[Annotated],
    now: datetime,
    *,
    wide: bool,
    headers: bool,
    width: int | None,
    lang: str,
) -> list[Line]:
    """The rows (already collapsed and sorted) as aligned lines."""
    return table(_columns(lang, wide), [_cells(r, now, wide, lang) for r in rows], width, headers)
