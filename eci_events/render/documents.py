"""``list -o json|ndjson|yaml``: the documents built from event records, as text.

The record itself is render/records.py (the contract with ``triage``). Text stays raw
here; these outputs are for programs, so nothing is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from eci_events.events import sort_key
from eci_events.render.records import SCHEMA_VERSION, event_record

if TYPE_CHECKING:
    from eci_events.api import Result
    from eci_events.catalog import Catalog
    from eci_events.render.events_table import Row

DOCUMENT_OUTPUTS = ("json", "ndjson", "yaml")


def records(rows: Iterable[Row], catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    """One record per row, oldest first (on real timestamps)."""
    ordered = sorted(rows, key=lambda r: sort_key(r.event))
    return [event_record(r.event, r.match, catalog, lang) for r in ordered]


def list_document(events: list[dict[str, Any]], result: Result) -> dict[str, Any]:
    """The ``EciEventList`` document: records, the groups answered and the calls that failed."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "EciEventList",
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
        "failed": [{"group_ids": f.group_ids, "error": f.error} for f in result.failed],
    }


def json_text(data: Any, indent: int = 0) -> str:
    """JSON text, UTF-8 kept as is; msgspec is many times faster than json for big lists."""
    import msgspec

    encoded = msgspec.json.encode(data)
    if indent:
        encoded = msgspec.json.format(encoded, indent=indent)
    return encoded.decode("utf-8")


def ndjson_text(events: Iterable[dict[str, Any]]) -> str:
    """One record a line, each with ``schema_version``; empty when there is none."""
    return "".join(json_text({"schema_version": SCHEMA_VERSION, **r}) + "\n" for r in events)


def document_text(
    output: str, rows: Sequence[Row], result: Result, catalog: Catalog, lang: str
) -> str:
    """The whole stdout of ``-o json``, ``ndjson`` or ``yaml`` for one result."""
    events = records(rows, catalog, lang)
    if output == "ndjson":
        return ndjson_text(events)
    document = list_document(events, result)
    if output == "json":
        return json_text(document, indent=2) + "\n"
    import yaml  # type: ignore[import-untyped,unused-ignore]

    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return text
