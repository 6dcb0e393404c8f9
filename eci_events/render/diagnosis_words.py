"""A Diagnosis in words, for every format alike: conclusions from the rules' texts,
findings' summaries and remedies from the catalog, next steps as command lines.

``quote`` makes each untrusted value safe for the format (``safe.escape`` for a
terminal, ``safe.markdown`` for Markdown, ``remedies.raw`` for JSON); catalog text is
trusted and passes as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from eci_events.analysis.diagnosis import Conclusion, Diagnosis, Finding
from eci_events.catalog import Catalog, localized
from eci_events.render import remedies
from eci_events.render.safe import shell
from eci_events.render.words import count, word
from eci_events.timefmt import rfc3339

Quote = Callable[[str], str]
_SLOT = re.compile(r"\{([a-z_]+)\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``{slot}``s of catalog text filled with values (already made safe by the caller)."""
    return _SLOT.sub(lambda m: values.get(m.group(1), ""), text)


def time_text(moment: object) -> str:
    return rfc3339(moment) or "-"  # type: ignore[arg-type]


def groups_phrase(lang: str, groups: int, objects: int = 0) -> str:
    """``3 container groups and 2 other objects``; ``2 objects`` when there is no group."""
    if objects and not groups:
        return count(lang, objects, "bare_object")
    text = count(lang, groups, "group")
    if objects:
        text += f" {word(lang, 'and')} " if lang == "en" else word(lang, "and")
        text += count(lang, objects, "object")
    return text


def conclusion_title(c: Conclusion, catalog: Catalog, lang: str, quote: Quote) -> str:
    rule = catalog.rule(c.rule)
    assert rule is not None
    values = {
        "reasons": ", ".join(quote(r) for r in c.reasons),
        "groups": groups_phrase(lang, c.group_count, c.object_count),
        "zones": "",
    }
    if c.zones and "zones" in rule.phrases:
        values["zones"] = fill(
            localized(rule.phrases["zones"], lang), {"zones": ", ".join(quote(z) for z in c.zones)}
        )
    return fill(localized(rule.title, lang), values)


def conclusion_advice(c: Conclusion, catalog: Catalog, lang: str, quote: Quote) -> str:
    rule = catalog.rule(c.rule)
    assert rule is not None
    phrases = rule.phrases
    text = localized(rule.advice, lang)
    values: dict[str, str] = {}
    if c.deadline is not None and "deadline" in phrases:
        values["deadline"] = fill(
            localized(phrases["deadline"], lang), {"time": time_text(c.deadline)}
        )
    if c.planned and "planned" in phrases:
        # A failure has happened; planned maintenance (with its deadline) has not yet.
        failed = [r for r in c.reasons if r not in c.planned]
        if failed and "mixed" in phrases:
            text = localized(phrases["mixed"], lang)
            values["failed"] = ", ".join(quote(r) for r in failed)
            values["planned"] = ", ".join(quote(r) for r in c.planned)
        else:
            text = localized(phrases["planned"], lang)
    if c.instance_types and "types" in phrases:
        values["types"] = fill(
            localized(phrases["types"], lang),
            {"types": ", ".join(quote(t) for t in c.instance_types)},
        )
    if c.minutes and "minutes" in phrases:
        values["minutes"] = fill(localized(phrases["minutes"], lang), {"minutes": quote(c.minutes)})
    return fill(text, values)


def finding_summary(f: Finding, catalog: Catalog, lang: str) -> str | None:
    entry = catalog.get(f.reason) if f.known else None
    return localized(entry.summary, lang) if entry is not None else None


def finding_remedies(f: Finding, catalog: Catalog, lang: str, quote: Quote) -> list[str]:
    entry = catalog.get(f.reason) if f.known else None
    if entry is None:
        return []
    variant = entry.variants[f.variant] if f.variant is not None else None
    return remedies.fill_all(entry.remedies_for(variant), f.params, lang, quote)


def next_lines(f: Finding) -> list[str]:
    """The finding's next steps as command lines, every argument quoted for the shell."""
    return [shell(step.argv) for step in f.next_steps]


def events_phrase(lang: str, events: int, occurrences: int) -> str:
    text = count(lang, events, "event")
    if occurrences != events:
        text += f" ({word(lang, 'with_repeats', n=f'{occurrences:,}')})"
    return text


def title(d: Diagnosis, lang: str, command: str = "triage") -> str:
    """``Triage of N events (M with repeats) in G container groups from S sources``
    (``Diagnosis of ...`` for diagnose)."""
    return word(
        lang,
        "title" if command == "triage" else "title_diagnose",
        events=events_phrase(lang, d.events, d.occurrences),
        groups=groups_phrase(lang, d.group_count, d.object_count),
        sources=count(lang, len(d.sources), "source"),
    )


def where_label(lang: str, groups: int, objects: int) -> str:
    """``Groups``, ``Objects`` (Deployments, Nodes...) or both: what a list of keys holds."""
    key = (
        "groups_label" if not objects else "objects_label" if not groups else "groups_objects_label"
    )
    return word(lang, key)
