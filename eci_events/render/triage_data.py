"""``triage -o json``: the Diagnosis as data, schema_version 1 (fields in the README).

Text stays raw (JSON is for programs); summaries, remedies and conclusions are given in
the chosen language with parameters filled in as the service sent them.
"""

from __future__ import annotations

from typing import Any

from eci_events.analysis.diagnosis import Diagnosis, Finding, GroupRef
from eci_events.catalog import Catalog
from eci_events.limits import EVENTS_PER_GROUP
from eci_events.records import SCHEMA_VERSION
from eci_events.render import diagnosis_words as say
from eci_events.render.context import context_data
from eci_events.render.remedies import raw, value
from eci_events.timefmt import rfc3339

KIND = "EciEventsTriage"


def capped_groups(d: Diagnosis) -> int:
    """Groups holding exactly the API's per-group maximum, when the input came from the API."""
    if not any("api" in source.shapes for source in d.sources):
        return 0
    return sum(1 for group in d.groups if group.events == EVENTS_PER_GROUP)


def _ref(ref: GroupRef) -> dict[str, str]:
    return {
        "key": ref.key,
        "group_id": ref.group_id,
        "group_name": ref.group_name,
        "namespace": ref.namespace,
    }


def finding_data(rank: int, f: Finding, catalog: Catalog, lang: str) -> dict[str, Any]:
    return {
        "rank": rank,
        "reason": f.reason,
        "variant": f.variant,
        "known": f.known,
        "section": f.section,
        "severity": f.severity.label,
        "types": list(f.types),
        "summary": say.finding_summary(f, catalog, lang),
        "remedies": say.finding_remedies(f, catalog, lang, raw),
        "params": {name: value(f.params, name) for name in f.params},
        "group": f.group.key if f.group is not None else None,
        "groups": [ref.key for ref in f.groups],
        "events": f.events,
        "count": f.count,
        "first_seen": rfc3339(f.first_seen),
        "last_seen": rfc3339(f.last_seen),
        "messages": list(f.messages),
        "parts": [{"count": part.count, "text": part.text} for part in f.parts],
        "next": say.next_lines(f),
        "group_count": f.group_count,
        "object_count": f.object_count,
        "generic": f.generic,
    }


def diagnosis_data(d: Diagnosis, catalog: Catalog, lang: str, kind: str = KIND) -> dict[str, Any]:
    """The diagnosis as JSON-ready data."""
    window = None
    if d.first_seen is not None and d.last_seen is not None:
        window = int((d.last_seen - d.first_seen).total_seconds())
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": kind,
        "generated_at": rfc3339(d.now),
        "lang": lang,
        "options": {
            "by": d.by,
            "min_severity": d.min_severity.label,
            "since_seconds": d.since_seconds,
        },
        "sources": [
            {
                "name": s.name,
                "format": s.format,
                "shapes": list(s.shapes),
                "documents": s.documents,
                "events": s.events,
                "ignored": s.ignored,
                "truncated_groups": s.truncated_groups,
                "failed_groups": s.failed_groups,
            }
            for s in d.sources
        ],
        "summary": {
            "groups": d.group_count,
            "events": d.events,
            "occurrences": d.occurrences,
            "first_seen": rfc3339(d.first_seen),
            "last_seen": rfc3339(d.last_seen),
            "window_seconds": window,
            "undated": d.undated,
            "skipped_old": d.skipped_old,
            "skipped_undated": d.skipped_undated,
            "capped_groups": capped_groups(d),
            "hidden_findings": d.hidden,
            "worst_severity": d.worst.label if d.worst is not None else None,
            "objects": d.object_count,
            "duplicates": d.duplicates,
            "failed_groups": d.failed_groups,
        },
        "conclusions": [
            {
                "rule": c.rule,
                "severity": c.severity.label,
                "title": say.conclusion_title(c, catalog, lang, raw),
                "advice": say.conclusion_advice(c, catalog, lang, raw),
                "reasons": list(c.reasons),
                "groups": [ref.key for ref in c.groups],
                "zones": list(c.zones),
                "instance_types": list(c.instance_types),
                "deadline": rfc3339(c.deadline),
                "group_count": c.group_count,
                "object_count": c.object_count,
            }
            for c in d.conclusions
        ],
        "findings": [finding_data(rank, f, catalog, lang) for rank, f in enumerate(d.findings, 1)],
        "noise": {
            "events": d.noise.events,
            "count": d.noise.count,
            "reasons": [{"reason": r, "count": n} for r, n in d.noise.reasons],
        },
        "groups": [
            {
                **_ref(g.ref),
                "events": g.events,
                "count": g.count,
                "worst_severity": g.worst.label,
                "first_seen": rfc3339(g.first_seen),
                "last_seen": rfc3339(g.last_seen),
                "kind": g.ref.kind,
            }
            for g in d.groups
        ],
        **({} if d.context is None else {"context": context_data(d.context)}),
    }
