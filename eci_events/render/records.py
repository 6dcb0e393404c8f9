"""``list -o json|ndjson|yaml``: event records with their catalog match, and the documents.

The record's event fields and the document keys are the contract in records.py; this
adds each event's ``catalog`` object (summary and remedies in the chosen language, the
message's parameters filled in raw). These outputs are for programs: nothing is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eci_events import records
from eci_events.annotate import Annotated
from eci_events.catalog import localized
from eci_events.model import sort_key
from eci_events.render import remedies
from eci_events.render.jsonout import json_text
from eci_events.sources.events_api import Result

DOCUMENT_OUTPUTS = ("json", "ndjson", "yaml")


def catalog_data(row: Annotated, lang: str) -> dict[str, Any]:
    match = row.match
    entry = match.entry
    return {
        "known": entry is not None,
        "reason": entry.reason if entry is not None else match.reason,
        "section": entry.section if entry is not None else None,
        "variant": match.variant_index,
        "params": dict(match.params),
        "severity": row.severity.label,
        "summary": localized(entry.summary, lang) if entry is not None else None,
        "remedies": remedies.fill_all(match.remedies, match.params, lang, remedies.raw),
    }


def event_record(row: Annotated, lang: str) -> dict[str, Any]:
    return {**records.event_fields(row.event), "catalog": catalog_data(row, lang)}


def event_records(rows: Iterable[Annotated], lang: str) -> list[dict[str, Any]]:
    """One record per row, oldest first (on real timestamps)."""
    return [event_record(r, lang) for r in sorted(rows, key=lambda r: sort_key(r.event))]


def list_document(events: list[dict[str, Any]], result: Result) -> dict[str, Any]:
    """The ``EciEventList`` document: records, the groups answered and the calls that failed."""
    return {
        "schema_version": records.SCHEMA_VERSION,
        "kind": records.LIST_KIND,
        "events": events,
        "groups": [
            {
                "group_id": g.group_id,
                "group_name": g.group_name,
                "namespace": g.namespace,
                "events": g.events,
                "truncated": g.truncated,
            }
            for g in result.groups
        ],
        "failed": [records.failure_entry(f.group_ids, f.error) for f in result.failed],
        "missing": list(result.missing),
    }


def ndjson_text(events: Iterable[dict[str, Any]], result: Result | None = None) -> str:
    """One record a line, each with ``schema_version``; then a failure line per failed call."""
    lines = [json_text({"schema_version": records.SCHEMA_VERSION, **r}, indent=0) for r in events]
    for failed in result.failed if result is not None else ():
        lines.append(json_text(records.failure_line(failed.group_ids, failed.error), indent=0))
    return "".join(line + "\n" for line in lines)


def document_text(output: str, rows: Iterable[Annotated], result: Result, lang: str) -> str:
    """The whole stdout of ``-o json``, ``ndjson`` or ``yaml`` for one result."""
    events = event_records(rows, lang)
    if output == "ndjson":
        return ndjson_text(events, result)
    document = list_document(events, result)
    if output == "json":
        return json_text(document) + "\n"
    import yaml  # type: ignore[import-untyped,unused-ignore]

    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return text
