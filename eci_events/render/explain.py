"""``explain`` output: an entry or a rule as JSON data, as plain text, and boxed on a terminal.

Plain and boxed forms carry the same paragraphs. Boxed, they wrap inside a frame coloured
by severity (Japanese breaks between characters, not at stray spaces), and the links
follow the frame, whole, one URL a line, as OSC 8 hyperlinks where the terminal takes
them: a URL is never broken across box lines. Only our own links become hyperlinks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eci_events.catalog import Catalog, Entry, Link, Match, Rule, Variant, localized
from eci_events.render import remedies
from eci_events.render.layout import Column, Line, display_width, table, wrap
from eci_events.render.safe import escape
from eci_events.render.terminal import SEVERITY_STYLES
from eci_events.render.words import word
from eci_events.severity import Severity

# A paragraph: (lead of its first line, hanging indent, text, style).
Paragraph = tuple[str, int, str, str | None]


def link_data(link: Link, lang: str) -> dict[str, str]:
    return {"title": localized(link.title, lang), "url": localized(link.url, lang)}


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


def entry_data(entry: Entry, lang: str) -> dict[str, Any]:
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
        "remedies": remedies.fill_all(entry.remedies, {}, lang, remedies.raw),
        "related": list(entry.related),
        "links": [link_data(link, lang) for link in entry.links],
        "sources": list(entry.sources),
    }


def _head(lang: str) -> dict[str, Any]:
    """What every JSON document starts with. The record contract is imported here, when a
    document is built: the plain-text path, the one start-up is measured on, never is."""
    from eci_events.records import SCHEMA_VERSION

    return {"schema_version": SCHEMA_VERSION, "lang": lang}


def explain_data(match: Match, lang: str, message: str | None) -> dict[str, Any]:
    assert match.entry is not None
    data = _head(lang)
    data.update(entry_data(match.entry, lang))
    if message is not None:
        data["match"] = {
            "message": message,
            "variant": match.variant_index,
            "params": dict(match.params),
            "remedies": remedies.fill_all(match.remedies, match.params, lang, remedies.raw),
        }
    return data


def rule_data(rule: Rule, lang: str) -> dict[str, Any]:
    return {
        **_head(lang),
        "rule": rule.rule,
        "severity": rule.severity.label,
        "summary": localized(rule.summary, lang),
        "explanation": localized(rule.explanation, lang),
        "members": list(rule.members),
        "settings": dict(rule.settings),
        "title": localized(rule.title, lang),
        "advice": localized(rule.advice, lang),
        "links": [link_data(link, lang) for link in rule.links],
        "sources": list(rule.sources),
    }


# --------------------------------------------------------------------------------------------
# Paragraphs


def _variant(variant: Variant, number: int, lang: str) -> list[Paragraph]:
    status = word(lang, "verified") if variant.verified else word(lang, "unverified")
    if variant.legacy:
        status += ", " + word(lang, "legacy")
    if variant.template is not None:
        text = variant.template
    elif variant.json_keys:
        text = word(lang, "json_message", keys=", ".join(variant.json_keys))
    else:
        text = word(lang, "unknown_template")
    lead = f"  {number}. "
    out: list[Paragraph] = [(lead, len(lead), text, None)]
    details = [status]
    if variant.params:
        details.append(f"{word(lang, 'params')}: {', '.join(variant.params)}")
    out.append((" " * len(lead), len(lead), " · ".join(details), "dim"))
    if variant.meaning:
        out.append((" " * len(lead), len(lead), localized(variant.meaning, lang), None))
    if lang == "ja" and variant.ja:
        out.append((" " * len(lead), len(lead), f"{word(lang, 'ja_text')}: {variant.ja}", None))
    return out


def _numbered(texts: Sequence[str]) -> list[Paragraph]:
    return [(f"  {n}. ", len(f"  {n}. "), text, None) for n, text in enumerate(texts, 1)]


def entry_paragraphs(
    catalog: Catalog, match: Match, lang: str, message: str | None
) -> list[Paragraph]:
    """The explanation as paragraphs (untrusted parts escaped), links excluded."""
    entry = match.entry
    assert entry is not None
    section = catalog.sections[entry.section]
    where = f"{word(lang, 'section')}: {localized(section.title, lang)}"
    if entry.module:
        where += f" · {word(lang, 'module')}: {entry.module}"
    out: list[Paragraph] = [
        ("", 0, where, "dim"),
        ("", 0, "", None),
        ("", 0, localized(entry.summary, lang), "bold"),
        ("", 0, "", None),
        ("", 0, localized(entry.explanation, lang), None),
    ]
    if message is not None:
        out += [("", 0, "", None), ("", 0, f"{word(lang, 'message')}: {escape(message)}", None)]
        if match.variant is not None:
            out.append(("", 0, f"{word(lang, 'matched')}: #{(match.variant_index or 0) + 1}", None))
        out += [
            ("  ", 4, f"{name} = {escape(value)}", None) for name, value in match.params.items()
        ]
    out += [("", 0, "", None), ("", 0, f"{word(lang, 'messages')}:", "bold")]
    for number, variant in enumerate(entry.variants, 1):
        out += _variant(variant, number, lang)
    filled = remedies.fill_all(match.remedies, match.params, lang, escape)
    if filled:
        out += [
            ("", 0, "", None),
            ("", 0, f"{word(lang, 'remedies')}:", "bold"),
            *_numbered(filled),
        ]
    if entry.related:
        out += [
            ("", 0, "", None),
            ("", 0, f"{word(lang, 'related')}: {', '.join(entry.related)}", None),
        ]
    return out


def rule_paragraphs(rule: Rule, lang: str) -> list[Paragraph]:
    out: list[Paragraph] = [
        ("", 0, localized(rule.summary, lang), "bold"),
        ("", 0, "", None),
        ("", 0, localized(rule.explanation, lang), None),
        ("", 0, "", None),
        ("", 0, f"{word(lang, 'members')}: {', '.join(rule.members)}", None),
    ]
    if rule.settings:
        settings = ", ".join(f"{k}={v}" for k, v in rule.settings.items())
        out.append(("", 0, f"{word(lang, 'settings')}: {settings}", None))
    out += [
        ("", 0, "", None),
        ("", 0, f"{word(lang, 'when_fires')}:", "bold"),
        ("  ", 2, localized(rule.title, lang), None),
        ("  ", 2, localized(rule.advice, lang), None),
    ]
    return out


# --------------------------------------------------------------------------------------------
# Text and boxes


def heading(name: str, kind: str, severity: Severity) -> list[tuple[str, str | None]]:
    """A box's title: the name, its kind, its severity in its colour."""
    return [(f"{name}  {kind} · ", "bold"), (severity.label, SEVERITY_STYLES[severity])]


def plain_lines(
    title: str, paragraphs: Iterable[Paragraph], links: Sequence[Link], lang: str
) -> list[Line]:
    """Unwrapped lines for pipes and files: one paragraph a line."""
    lines: list[Line] = [[(title, None)]]
    lines += [[(lead + text, None)] if text or lead else [] for lead, _, text, _ in paragraphs]
    if links:
        lines += [[], [(f"{word(lang, 'links')}:", None)]]
        lines += [
            [(f"  - {localized(link.title, lang)}: {localized(link.url, lang)}", None)]
            for link in links
        ]
    return lines


def boxed_lines(
    head: list[tuple[str, str | None]],
    paragraphs: Sequence[Paragraph],
    links: Sequence[Link],
    lang: str,
    width: int,
    border: str,
    hyperlinks: bool,
) -> list[Line]:
    """The paragraphs wrapped inside a frame at most ``width`` wide, then the links."""
    natural = max(
        [display_width(lead) + display_width(text) for lead, _, text, _ in paragraphs]
        + [sum(display_width(t) for t, _ in head) + 4]
    )
    inner = max(20, min(width - 4, natural))
    title_width = sum(display_width(t) for t, _ in head)
    top: Line = [
        ("╭─ ", border),
        *head,
        (" " + "─" * max(inner - title_width - 1, 1) + "╮", border),
    ]
    lines: list[Line] = [top]
    for lead, indent, text, style in paragraphs:
        rows = wrap(text, inner - indent) if text else [""]
        for index, row in enumerate(rows):
            prefix = lead if index == 0 else " " * indent
            pad = inner - display_width(prefix) - display_width(row)
            lines.append(
                [("│ ", border), (prefix, None), (row, style), (" " * max(pad, 0) + " │", border)]
            )
    lines.append([("╰" + "─" * (inner + 2) + "╯", border)])
    if links:
        lines += [[(f"{word(lang, 'links')}:", "bold")]]
        for link in links:
            url = localized(link.url, lang)
            lines.append([("  - ", None), (localized(link.title, lang), None)])
            lines.append([("    ", None), (url, f"link {url}" if hyperlinks else "cyan")])
    return lines


# --------------------------------------------------------------------------------------------
# explain --all


def catalog_rows(
    entries: Iterable[Entry], lang: str, styled: bool = False
) -> list[list[tuple[str, str | None]]]:
    return [
        [
            (e.reason, SEVERITY_STYLES[e.severity] if styled else None),
            (e.type or "-", None),
            (e.severity.label, SEVERITY_STYLES[e.severity] if styled else None),
            (e.section, None),
            (localized(e.summary, lang), None),
        ]
        for e in entries
    ]


def catalog_columns(lang: str) -> list[Column]:
    return [
        Column(word(lang, "h_reason")),
        Column(word(lang, "h_type")),
        Column(word(lang, "h_severity")),
        Column(word(lang, "h_section"), shrink=1, floor=12, drop=0),
        Column(word(lang, "h_summary"), shrink=0, floor=20),
    ]


def catalog_table(
    entries: Iterable[Entry], lang: str, width: int | None, headers: bool, styled: bool
) -> list[Line]:
    return table(catalog_columns(lang), catalog_rows(entries, lang, styled), width, headers)


def catalog_markdown(entries: Iterable[Entry], lang: str) -> str:
    """A Markdown table of entries (the README's table is this output)."""
    headers = ["Reason", "Type", "Severity", "Section", "Summary"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in catalog_rows(entries, lang):
        cells = [f"`{row[0][0]}`", *(cell for cell, _ in row[1:])]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def catalog_data(entries: Iterable[Entry], rules: Iterable[Rule], lang: str) -> Mapping[str, Any]:
    return {
        **_head(lang),
        "entries": [entry_data(e, lang) for e in entries],
        "rules": [
            {k: v for k, v in rule_data(r, lang).items() if k not in ("schema_version", "lang")}
            for r in rules
        ],
    }
