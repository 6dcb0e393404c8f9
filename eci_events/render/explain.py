"""``explain`` output: the entry as JSON data, as plain text, and as a rich panel.

The plain-text and rich forms carry the same content; ``explain_lines`` is that content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from eci_events.catalog import Catalog, Entry, Match, Severity, Variant, localized
from eci_events.render.labels import label
from eci_events.textsafe import escape

if TYPE_CHECKING:
    from rich.console import RenderableType

SCHEMA_VERSION = 1

SEVERITY_STYLES = {
    Severity.INFO: "green",
    Severity.WARNING: "yellow",
    Severity.ERROR: "red",
    Severity.CRITICAL: "bold bright_red",
}


def variant_data(variant: Variant, lang: str) -> dict[str, Any]:
    return {
        "template": variant.template,
        "params": list(variant.params),
        "verified": variant.verified,
        "legacy": variant.legacy,
        "ja": variant.ja,
        "meaning": localized(variant.meaning, lang) if variant.meaning else None,
        "sources": list(variant.sources),
    }


def entry_data(catalog: Catalog, entry: Entry, lang: str) -> dict[str, Any]:
    """The entry as JSON-ready data (keys are stable; see the README's schema)."""
    return {
        "reason": entry.reason,
        "section": entry.section,
        "module": entry.module,
        "type": entry.type,
        "severity": entry.severity.label,
        "summary": localized(entry.summary, lang),
        "explanation": localized(entry.explanation, lang),
        "variants": [variant_data(v, lang) for v in entry.variants],
        "remedies": [localized(r, lang) for r in entry.remedies],
        "related": list(entry.related),
        "links": [dict(link) for link in entry.links],
        "sources": list(entry.sources),
    }


def explain_data(catalog: Catalog, match: Match, lang: str, message: str | None) -> dict[str, Any]:
    assert match.entry is not None
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "lang": lang}
    data.update(entry_data(catalog, match.entry, lang))
    if message is not None:
        data["match"] = {
            "message": message,
            "variant": match.variant_index,
            "params": dict(match.params),
            "remedies": catalog.remedies(match, lang),
        }
    return data


def _variant_lines(variant: Variant, number: int, lang: str) -> Iterator[str]:
    status = label(lang, "verified") if variant.verified else label(lang, "unverified")
    if variant.legacy:
        status += ", " + label(lang, "legacy")
    text = variant.template if variant.template is not None else label(lang, "unknown_template")
    yield f"  {number}. {text}"
    details = [status]
    if variant.params:
        details.append(f"{label(lang, 'params')}: {', '.join(variant.params)}")
    yield "     " + " · ".join(details)
    if variant.meaning:
        yield "     " + localized(variant.meaning, lang)
    if lang == "ja" and variant.ja:
        yield f"     {label(lang, 'ja_text')}: {variant.ja}"


def explain_lines(
    catalog: Catalog, match: Match, lang: str, message: str | None = None
) -> list[str]:
    """The explanation as lines of plain text (untrusted parts already escaped)."""
    entry = match.entry
    assert entry is not None
    section = catalog.sections[entry.section]
    kind = entry.type or label(lang, "unstated")
    lines = [f"# {entry.reason} ({kind}, {entry.severity.label})"]
    where = f"{label(lang, 'section')}: {localized(section.title, lang)}"
    if entry.module:
        where += f" · {label(lang, 'module')}: {entry.module}"
    lines += [where, "", localized(entry.summary, lang), "", localized(entry.explanation, lang)]
    if message is not None:
        lines += ["", f"{label(lang, 'message')}: {escape(message)}"]
        if match.variant is not None:
            lines.append(f"{label(lang, 'matched')}: #{(match.variant_index or 0) + 1}")
        lines += [f"  {name} = {escape(value)}" for name, value in match.params.items()]
    lines += ["", f"{label(lang, 'messages')}:"]
    for number, variant in enumerate(entry.variants, 1):
        lines += _variant_lines(variant, number, lang)
    remedies = catalog.remedies(match, lang)
    if remedies:
        lines += ["", f"{label(lang, 'remedies')}:"]
        lines += [f"  {number}. {escape(text)}" for number, text in enumerate(remedies, 1)]
    if entry.related:
        lines += ["", f"{label(lang, 'related')}: {', '.join(entry.related)}"]
    if entry.links:
        lines += ["", f"{label(lang, 'links')}:"]
        lines += [f"  - {link['title']}: {link['url']}" for link in entry.links]
    return lines


_ITEM = re.compile(r"^(\s+(?:\d+\.\s|-\s)?\s*)(\S.*)$")


def explain_panel(
    catalog: Catalog, match: Match, lang: str, message: str | None = None
) -> RenderableType:
    """The same content as ``explain_lines`` in a panel coloured by severity.

    Indented lines (list items, variant details) wrap with a hanging indent.
    """
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    entry = match.entry
    assert entry is not None
    style = SEVERITY_STYLES[entry.severity]
    rows: list[RenderableType] = []
    for line in explain_lines(catalog, match, lang, message)[1:]:
        item = _ITEM.match(line)
        if item is None:
            heading = line.endswith(":") and not line.startswith(" ")
            rows.append(Text(line, style="bold" if heading else ""))
            continue
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(Text(item.group(1)), Text(item.group(2)))
        rows.append(grid)
    title = Text(f"{entry.reason}  {entry.type or label(lang, 'unstated')} · ", style="bold")
    title.append(entry.severity.label, style=style)
    return Panel(Group(*rows), title=title, title_align="left", border_style=style, expand=False)


def catalog_rows(entries: Iterable[Entry], lang: str) -> list[list[str]]:
    return [
        [e.reason, e.type or "-", e.severity.label, e.section, localized(e.summary, lang)]
        for e in entries
    ]


CATALOG_HEADERS = ["REASON", "TYPE", "SEVERITY", "SECTION", "SUMMARY"]


def catalog_markdown(entries: Iterable[Entry], lang: str) -> str:
    """A Markdown table of entries (the README's table is this output)."""
    lines = [
        "| " + " | ".join(h.title() for h in CATALOG_HEADERS) + " |",
        "|" + "---|" * len(CATALOG_HEADERS),
    ]
    for row in catalog_rows(entries, lang):
        cells = [f"`{row[0]}`", *row[1:]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def catalog_data(catalog: Catalog, entries: Iterable[Entry], lang: str) -> Mapping[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "lang": lang,
        "entries": [entry_data(catalog, e, lang) for e in entries],
    }
