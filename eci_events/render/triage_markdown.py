"""``triage -o markdown`` (and ``diagnose``): a report to paste into a ticket.

Untrusted text never becomes Markdown: messages, keys and commands sit in code spans
with a fence longer than any backtick run inside them; names and parameters filled into
catalog text are escaped, so a message cannot bring a link, an image or HTML along.
"""

from __future__ import annotations

from eci_events.analysis.diagnosis import Diagnosis
from eci_events.catalog import Catalog
from eci_events.render import diagnosis_words as say
from eci_events.render.context import context_markdown
from eci_events.render.safe import code_span, markdown
from eci_events.render.triage_text import notes, window_text
from eci_events.render.words import word

_LISTED = 10


def report(d: Diagnosis, catalog: Catalog, lang: str, command: str = "triage") -> str:
    title = markdown(say.title(d, lang, command))
    out: list[str] = [f"## eci-events {command}: {title}", ""]
    out.append(f"- **{word(lang, 'window')}:** {markdown(window_text(d, lang))}")
    sources = "; ".join(
        f"{code_span(s.name)} ({markdown(', '.join(s.shapes) or s.format or '-')}: {s.events:,})"
        for s in d.sources
    )
    out.append(f"- **{word(lang, 'sources_label')}:** {sources}")
    found = notes(d, lang)
    if found:
        out.append(f"- **{word(lang, 'notes')}:** {markdown('; '.join(found))}")
    if d.conclusions:
        out += ["", f"### {word(lang, 'conclusions')}", ""]
        for c in d.conclusions:
            title = say.conclusion_title(c, catalog, lang, markdown)
            advice = say.conclusion_advice(c, catalog, lang, markdown)
            out.append(f"- **{c.severity.label}**: {title}. {advice}")
            if c.deadline is not None:
                out.append(f"  {word(lang, 'deadline', time=say.time_text(c.deadline))}")
    out += ["", f"### {word(lang, 'findings')}", ""]
    if not d.findings:
        out.append(word(lang, "no_findings", severity=d.min_severity.label))
    else:
        header = ["h_rank", "h_severity"]
        header += ["h_group"] if d.by == "group" else []
        header += ["h_reason", "h_groups", "h_count", "h_first", "h_last"]
        out.append("| " + " | ".join(word(lang, k) for k in header) + " |")
        out.append("|" + "---|" * len(header))
        for rank, f in enumerate(d.findings, 1):
            cells = [str(rank), f"**{f.severity.label}**"]
            if d.by == "group":
                cells.append(code_span(f.group.key) if f.group else "-")
            cells += [
                markdown(f.reason),
                f"{f.group_count + f.object_count:,}",
                f"{f.count:,}",
                say.time_text(f.first_seen),
                say.time_text(f.last_seen),
            ]
            out.append("| " + " | ".join(cells) + " |")
        for rank, f in enumerate(d.findings, 1):
            out += ["", f"#### {rank}. {markdown(f.reason)} ({f.severity.label})", ""]
            summary = (
                say.finding_summary(f, catalog, lang) if f.known else word(lang, "summary_unknown")
            )
            if summary:
                out += [summary, ""]
            groups = ", ".join(code_span(ref.key) for ref in f.groups[:_LISTED])
            total = f.group_count + f.object_count
            if total > min(len(f.groups), _LISTED):
                groups += ", " + word(lang, "more", n=f"{total - min(len(f.groups), _LISTED):,}")
            label = say.where_label(lang, f.group_count, f.object_count)
            out.append(f"- **{label}:** {groups}")
            for message in f.messages:
                out.append(f"- **{word(lang, 'message')}:** {code_span(message)}")
            if f.parts:
                out.append(f"- **{word(lang, 'parts')}:**")
                out += [f"  - {part.count:,} {markdown(part.text)}" for part in f.parts]
            remedies = say.finding_remedies(f, catalog, lang, markdown)
            if remedies:
                out.append(f"- **{word(lang, 'remedies')}:**")
                out += [f"  {n}. {text}" for n, text in enumerate(remedies, 1)]
            commands = say.next_lines(f)
            if commands:
                out.append(
                    f"- **{word(lang, 'next')}:** " + ", ".join(code_span(c) for c in commands)
                )
    noise = d.noise
    if noise.events:
        reasons = ", ".join(f"{r} x{n:,}" for r, n in noise.reasons)
        events = say.events_phrase(lang, noise.events, noise.count)
        out += ["", markdown(word(lang, "noise", events=events, reasons=reasons))]
    if d.context is not None:
        out += context_markdown(d.context, lang, d.now)
    return "\n".join(out) + "\n"
