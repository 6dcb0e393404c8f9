"""``list`` table and wide output: events joined to the catalog, kubectl-style.

Rows are sorted on real timestamps, identical repeats are collapsed into one row
(``5m (x3 over 10m)``), every untrusted field is escaped and placed in a rich ``Text``
(never markup), and REASON is coloured by severity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from eci_events.catalog import Catalog, Match, Severity
from eci_events.events import Event, sort_key
from eci_events.render.explain import SEVERITY_STYLES
from eci_events.textsafe import escape
from eci_events.timefmt import age, repeat_age, rfc3339

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

HEADERS = ("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", "HINT")
WIDE_HEADERS = (
    "LAST SEEN",
    "TYPE",
    "SEVERITY",
    "REASON",
    "OBJECT",
    "GROUP",
    "NAMESPACE",
    "SOURCE",
    "COUNT",
    "FIRST SEEN",
    "MESSAGE",
    "HINT",
)


@dataclass(frozen=True)
class Row:
    """One event joined to its catalog entry."""

    event: Event
    match: Match
    severity: Severity
    hint: str


def explain(events: Iterable[Event], catalog: Catalog, lang: str) -> list[Row]:
    """Match every event; HINT is the first remedy with the message's parameters filled."""
    rows = []
    known: dict[tuple[str, str], tuple[Match, str]] = {}  # many groups repeat the same text
    for event in events:
        key = (event.reason, event.message)
        if key not in known:
            match = catalog.match(event.reason, event.message)
            remedies = catalog.remedies(match, lang)
            known[key] = (match, remedies[0] if remedies else "")
        match, hint = known[key]
        rows.append(Row(event, match, match.severity(event.type), hint))
    return rows


def collapse(rows: Iterable[Row]) -> list[Row]:
    """Merge rows of the same group, type, reason, object and message; oldest first."""
    merged: dict[tuple[str, str, str, str, str], Row] = {}
    for row in rows:
        e = row.event
        key = (e.group_id, e.type, e.reason, e.object, e.message)
        known = merged.get(key)
        if known is None:
            merged[key] = row
            continue
        k = known.event
        firsts = [t for t in (k.first_seen, e.first_seen) if t is not None]
        lasts = [t for t in (k.last_seen, e.last_seen) if t is not None]
        combined = msgspec.structs.replace(
            k,
            count=k.count + e.count,
            first_seen=min(firsts) if firsts else None,
            last_seen=max(lasts) if lasts else None,
        )
        merged[key] = Row(combined, known.match, known.severity, known.hint)
    return sorted(merged.values(), key=lambda r: sort_key(r.event))


def _cells(row: Row, now: datetime, wide: bool) -> list[tuple[str, str]]:
    """(text, style) per column; text is escaped here, once."""
    e = row.event
    style = SEVERITY_STYLES[row.severity]
    obj = e.object or e.group_id
    type_style = "yellow" if e.type == "Warning" else ""
    if not wide:
        return [
            (repeat_age(e.first_seen, e.last_seen, e.count, now), ""),
            (e.type, type_style),
            (e.reason, style),
            (obj, ""),
            (e.message, ""),
            (row.hint, "dim"),
        ]
    return [
        (age(e.when, now), ""),
        (e.type, type_style),
        (row.severity.label, style),
        (e.reason, style),
        (obj, ""),
        (e.group_id, ""),
        (e.namespace, ""),
        (e.source, ""),
        (str(e.count), ""),
        (rfc3339(e.first_seen) or "<unknown>", ""),
        (e.message, ""),
        (row.hint, "dim"),
    ]


_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$")  # padding, even inside a style
HINT_CHARS = 80  # table mode: the first sentence of the first remedy, at most this long
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")


def short_hint(text: str, limit: int = HINT_CHARS) -> str:
    """The first sentence of a remedy, cut at a word boundary with an ellipsis."""
    text = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + "…"


def build_table(rows: Sequence[Row], now: datetime, wide: bool, headers: bool) -> Table:
    """kubectl-style columns: two spaces apart, one line per row, no wrapping."""
    from rich.table import Table
    from rich.text import Text

    names = WIDE_HEADERS if wide else HEADERS
    table = Table(
        box=None,
        show_header=headers,
        header_style="bold",
        pad_edge=False,
        padding=(0, 1),
        show_edge=False,
        expand=False,
    )
    for name in names:
        table.add_column(name, no_wrap=True, justify="right" if name == "COUNT" else "left")
    for row in rows:
        cells = _cells(row, now, wide)
        if not wide:
            hint, style = cells[-1]
            cells[-1] = (short_hint(hint), style)
        table.add_row(*(Text(escape(text), style=style) for text, style in cells))
    return table


def render(console: Console, rows: Sequence[Row], now: datetime, wide: bool, headers: bool) -> str:
    """The table as text in ``console``'s colours, trailing spaces removed.

    Like kubectl, rows never wrap: one line per event whatever the terminal width, so
    the output stays greppable; the terminal folds long lines.
    """
    from rich.console import Console as RichConsole

    table = build_table(rows, now, wide, headers)
    wide_console = RichConsole(
        width=100_000,
        color_system=console.color_system,  # type: ignore[arg-type]
        force_terminal=console.is_terminal,
        no_color=console.no_color,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    with wide_console.capture() as captured:
        wide_console.print(table)
    lines = captured.get().split("\n")
    return "\n".join(_TRAILING.sub(r"\1", line) for line in lines).rstrip("\n") + "\n"


def table_text(
    console: Console, rows: Iterable[Row], now: datetime, wide: bool, headers: bool
) -> str:
    """The whole stdout of ``-o table|wide`` for these rows: repeats collapsed, sorted."""
    return render(console, collapse(rows), now, wide, headers)
