"""``triage`` (and ``diagnose``) for a person: header, timeline, conclusions, findings.

Renderers are pure: a Diagnosis in, styled lines out (layout.plain / layout.rich_text
print them). Every untrusted field is escaped; prose wraps at the width; the findings
table fits it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from eci_events.analysis.diagnosis import Diagnosis, Finding, GroupRef, GroupSummary
from eci_events.catalog import Catalog
from eci_events.limits import EVENTS_PER_GROUP
from eci_events.render import diagnosis_words as say
from eci_events.render.context import context_lines
from eci_events.render.layout import Column, Line, cut, display_width, table, wrapped
from eci_events.render.safe import escape
from eci_events.render.terminal import SEVERITY_STYLES
from eci_events.render.triage_data import capped_groups
from eci_events.render.words import count, word
from eci_events.severity import Severity
from eci_events.timefmt import duration_text, human_duration

LISTED = 5  # group names in one "Groups:" line


def _time(moment: datetime | None) -> str:
    return say.time_text(moment)


def group_list(lang: str, refs: Sequence[GroupRef], total: int, limit: int = LISTED) -> str:
    shown = [escape(ref.key) for ref in refs[:limit]]
    if total > len(shown):
        shown.append(word(lang, "more", n=f"{total - len(shown):,}"))
    return ", ".join(shown)


def notes(d: Diagnosis, lang: str) -> list[str]:
    out = []
    if d.undated:
        out.append(word(lang, "undated", n=f"{d.undated:,}"))
    if d.skipped_old:
        since = duration_text(d.since_seconds or 0)
        if not d.events and not d.skipped_undated and d.newest_skipped is not None:
            old = human_duration(d.now - d.newest_skipped)
            out.append(word(lang, "skipped_all", n=f"{d.skipped_old:,}", since=since, age=old))
        else:
            out.append(word(lang, "skipped_old", n=f"{d.skipped_old:,}", since=since))
    if d.skipped_undated:
        out.append(word(lang, "skipped_undated", n=f"{d.skipped_undated:,}"))
    if d.duplicates:
        out.append(word(lang, "duplicates", n=f"{d.duplicates:,}"))
    ignored = sum(s.ignored for s in d.sources)
    if ignored:
        out.append(word(lang, "ignored", n=f"{ignored:,}"))
    truncated = sum(s.truncated_groups for s in d.sources)
    if truncated:
        out.append(word(lang, "truncated", n=f"{truncated:,}"))
    if d.failed_groups:
        out.append(word(lang, "failed", n=f"{d.failed_groups:,}"))
    capped = capped_groups(d)
    if capped:
        out.append(word(lang, "capped", n=f"{capped:,}", limit=EVENTS_PER_GROUP))
    if d.hidden:
        out.append(word(lang, "hidden", n=f"{d.hidden:,}", severity=d.min_severity.label))
    listed = len(d.groups)
    if listed < d.group_count + d.object_count:
        out.append(word(lang, "groups_cut", shown=listed, n=f"{d.group_count + d.object_count:,}"))
    return out


def window_text(d: Diagnosis, lang: str) -> str:
    if d.first_seen is None or d.last_seen is None:
        if not d.events:
            return word(lang, "no_window_since" if d.skipped_old else "no_window_empty")
        return word(lang, "no_window")
    span = human_duration(d.last_seen - d.first_seen)
    ago = human_duration(d.now - d.last_seen)
    return f"{_time(d.first_seen)} → {_time(d.last_seen)} ({span}), " + word(lang, "ended", age=ago)


def header_lines(d: Diagnosis, lang: str, width: int, command: str = "triage") -> list[Line]:
    lines = wrapped(escape(say.title(d, lang, command)), width, 2, "bold", first=[])
    keys = ("window", "sources_label", "notes")
    label_width = max(display_width(word(lang, key)) for key in keys)

    def labelled(key: str, text: str) -> list[Line]:
        label = word(lang, key)
        pad = " " * (label_width - display_width(label) + 2)
        return wrapped(text, width, label_width + 2, first=[(label, "bold"), (pad, None)])

    lines += labelled("window", window_text(d, lang))
    described = []
    for source in d.sources:
        shapes = ", ".join(source.shapes) or source.format or "-"
        described.append(f"{escape(source.name)} ({shapes}: {count(lang, source.events, 'event')})")
    lines += labelled("sources_label", "; ".join(described))
    found = notes(d, lang)
    if found:
        lines += labelled("notes", "; ".join(found))
    return lines


_GLYPHS = {Severity.INFO: "▂", Severity.WARNING: "▄", Severity.ERROR: "▆", Severity.CRITICAL: "█"}


def timeline_lines(d: Diagnosis, lang: str, width: int, limit: int = 15) -> list[Line]:
    """One row per container group: time buckets across the window, worst event in each.

    The glyph's height is the severity, so the row reads without colour too.
    """
    start, end = d.first_seen, d.last_seen
    dated = [g for g in d.groups if g.timeline]
    if start is None or end is None or not dated:
        return []
    label_width = min(28, max(display_width(escape(g.ref.key)) for g in dated[:limit]))
    cells = max(10, min(60, width - label_width - 4))
    first = int(start.timestamp())
    span = max(int(end.timestamp()) - first, 1)
    cell_seconds = max(span / cells, 1)
    lines: list[Line] = [
        [
            (word(lang, "timeline"), "bold"),
            (
                f"  {_time(start)} → {_time(end)}, "
                + word(lang, "cell", span=human_duration(timedelta(seconds=round(cell_seconds)))),
                None,
            ),
        ]
    ]
    for group in dated[:limit]:
        label = escape(group.ref.key)
        if display_width(label) > label_width:
            label = cut(label, label_width - 1)[0] + "…"
        line: Line = [("  ", None), (label, None)]
        line.append((" " * (label_width - display_width(label) + 2), None))
        line += _timeline_cells(group, first, cell_seconds, cells)
        lines.append(line)
    if len(dated) > limit:
        lines.append([("  " + word(lang, "more_groups", n=f"{len(dated) - limit:,}"), "dim")])
    return lines


def _timeline_cells(group: GroupSummary, first: int, cell_seconds: float, cells: int) -> Line:
    worst: list[Severity | None] = [None] * cells
    for bucket, severity in group.timeline:
        index = min(cells - 1, max(0, int((bucket - first) / cell_seconds)))
        current = worst[index]
        if current is None or severity > current:
            worst[index] = severity
    return [
        ("·", "dim") if cell is None else (_GLYPHS[cell], SEVERITY_STYLES[cell]) for cell in worst
    ]


def conclusion_lines(d: Diagnosis, catalog: Catalog, lang: str, width: int) -> list[Line]:
    if not d.conclusions:
        return []
    lines: list[Line] = [[(word(lang, "conclusions"), "bold")]]
    label = max(len(c.severity.label) for c in d.conclusions)
    indent = 2 + label + 2
    for c in d.conclusions:
        lead: Line = [
            ("  ", None),
            (c.severity.label, SEVERITY_STYLES[c.severity]),
            (" " * (label - len(c.severity.label) + 2), None),
        ]
        title = say.conclusion_title(c, catalog, lang, escape)
        lines += wrapped(title, width, indent, "bold", first=lead)
        lines += wrapped(say.conclusion_advice(c, catalog, lang, escape), width, indent)
        total = c.group_count + c.object_count
        if total:
            where = say.where_label(lang, c.group_count, c.object_count)
            groups = f"{where}: {group_list(lang, c.groups, total)}"
            lines += wrapped(groups, width, indent)
    return lines


def findings_table(d: Diagnosis, lang: str, width: int) -> list[Line]:
    by_group = d.by == "group"
    columns = [
        Column(word(lang, "h_rank"), right=True),
        Column(word(lang, "h_severity")),
        *([Column(word(lang, "h_group"), shrink=0, floor=16)] if by_group else []),
        Column(word(lang, "h_reason"), shrink=1, floor=20),
        Column(word(lang, "h_groups"), right=True, drop=1),
        Column(word(lang, "h_count"), right=True),
        Column(word(lang, "h_first"), drop=0),
        Column(word(lang, "h_last")),
    ]
    rows = []
    for rank, f in enumerate(d.findings, 1):
        row = [(str(rank), None), (f.severity.label, SEVERITY_STYLES[f.severity])]
        if by_group:
            row.append((escape(f.group.key) if f.group else "-", None))
        row += [
            (escape(f.reason), None),
            (f"{f.group_count + f.object_count:,}", None),
            (f"{f.count:,}", None),
            (_time(f.first_seen), None),
            (_time(f.last_seen), None),
        ]
        rows.append(row)
    return table(columns, rows, width, indent=2)


def finding_lines(rank: int, f: Finding, catalog: Catalog, lang: str, width: int) -> list[Line]:
    head: Line = [
        (f"{rank}. ", "bold"),
        (escape(f.reason), "bold"),
        (" · ", None),
        (f.severity.label, SEVERITY_STYLES[f.severity]),
    ]
    facts = [say.groups_phrase(lang, f.group_count, f.object_count), f"x{f.count:,}"]
    if f.variant is not None and f.variants > 1:
        facts.insert(0, word(lang, "variant", n=f.variant + 1))
    if f.types:
        facts.insert(0, "/".join(escape(t) for t in f.types))
    text = " · ".join(facts)
    if sum(display_width(t) for t, _ in head) + 3 + display_width(text) <= width:
        lines: list[Line] = [[*head, (" · " + text, None)]]
    else:  # a long reason: the facts go on the lines below
        lines = [head, *wrapped(text, width, 3)]
    indent = 3
    summary = say.finding_summary(f, catalog, lang) if f.known else word(lang, "summary_unknown")
    if summary:
        lines += wrapped(summary, width, indent)
    if f.group is not None:
        lines += wrapped(f"{word(lang, 'group_label')}: {escape(f.group.key)}", width, indent)
    else:
        total = f.group_count + f.object_count
        label = say.where_label(lang, f.group_count, f.object_count)
        lines += wrapped(f"{label}: {group_list(lang, f.groups, total)}", width, indent)
    if f.messages:
        key = "message" if len(f.messages) == 1 else "messages_label"
        lines += wrapped(f"{word(lang, key)}:", width, indent)
        for message in f.messages:
            lines += wrapped(escape(message), width, indent + 2, first=[("   - ", None)])
    if f.parts:
        lines += wrapped(f"{word(lang, 'parts')}:", width, indent)
        for part in f.parts:
            text = f"{part.count:,} {escape(part.text)}"
            lines += wrapped(text, width, indent + 2, first=[("   - ", None)])
    remedies = say.finding_remedies(f, catalog, lang, escape)
    if remedies:
        lines += wrapped(f"{word(lang, 'remedies')}:", width, indent)
        for number, remedy in enumerate(remedies, 1):
            bullet = f"   {number}. "
            lines += wrapped(remedy, width, len(bullet), first=[(bullet, None)])
    commands = say.next_lines(f)
    if commands:
        label = f"{word(lang, 'next')}: "
        lead_width = indent + display_width(label)
        for index, command in enumerate(commands):
            lead: Line = (
                [("   ", None), (label, None)] if index == 0 else [(" " * lead_width, None)]
            )
            lines += wrapped(escape(command), width, lead_width, "cyan", first=lead)
    return lines


def noise_lines(d: Diagnosis, lang: str, width: int) -> list[Line]:
    noise = d.noise
    if not noise.events:
        return []
    reasons = ", ".join(f"{escape(r)} x{n:,}" for r, n in noise.reasons[:6])
    if len(noise.reasons) > 6:
        reasons += ", " + word(lang, "more", n=len(noise.reasons) - 6)
    events = say.events_phrase(lang, noise.events, noise.count)
    return wrapped(word(lang, "noise", events=events, reasons=reasons), width, 2, "dim", first=[])


# What an empty report says: triage read an input; diagnose asked about groups.
_EMPTY = {"triage": "no_events", "diagnose": "no_events_groups"}


def report_lines(
    d: Diagnosis,
    catalog: Catalog,
    lang: str,
    width: int,
    timeline: bool = False,
    command: str = "triage",
) -> list[Line]:
    """The whole report as styled lines."""
    lines = header_lines(d, lang, width, command)
    if d.events == 0:
        nothing = "no_events_since" if d.skipped_old else _EMPTY[command]
        return [*lines, [], [(word(lang, nothing), None)]]
    if timeline:
        block = timeline_lines(d, lang, width)
        if block:
            lines += [[], *block]
    block = conclusion_lines(d, catalog, lang, width)
    if block:
        lines += [[], *block]
    lines += [[]]
    if d.findings:
        lines += [[(word(lang, "findings"), "bold")], *findings_table(d, lang, width)]
        for rank, finding in enumerate(d.findings, 1):
            lines += [[], *finding_lines(rank, finding, catalog, lang, width)]
    else:
        lines.append([(word(lang, "no_findings", severity=d.min_severity.label), None)])
    noise = noise_lines(d, lang, width)
    if noise:
        lines += [[], *noise]
    if d.context is not None:
        lines += [[], *context_lines(d.context, lang, width, d.now)]
    return lines
