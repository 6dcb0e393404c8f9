"""The JSON event record: the contract between ``list -o json|ndjson`` and ``triage``.

Keys are stable: once shipped, a field is never renamed or retyped (schema_version 1).
Text stays raw here; escaping is the job of human renderers.
"""

from __future__ import annotations

from typing import Any

from eci_events.catalog import Catalog, Match, localized
from eci_events.events import Event
from eci_events.timefmt import rfc3339

SCHEMA_VERSION = 1


def catalog_data(match: Match, catalog: Catalog, lang: str, event_type: str = "") -> dict[str, Any]:
    entry = match.entry
    return {
        "known": entry is not None,
        "reason": entry.reason if entry is not None else match.reason,
        "section": entry.section if entry is not None else None,
        "variant": match.variant_index,
        "params": dict(match.params),
        "severity": match.severity(event_type).label,
        "summary": localized(entry.summary, lang) if entry is not None else None,
        "remedies": catalog.remedies(match, lang),
    }


def event_record(event: Event, match: Match, catalog: Catalog, lang: str) -> dict[str, Any]:
    """One event and its catalog match as JSON-ready data."""
    return {
        "group_id": event.group_id,
        "group_name": event.group_name,
        "namespace": event.namespace,
        "type": event.type,
        "reason": event.reason,
        "message": event.message,
        "count": event.count,
        "first_seen": rfc3339(event.first_seen),
        "last_seen": rfc3339(event.last_seen),
        "event_time": rfc3339(event.event_time),
        "source": event.source,
        "object_kind": event.object_kind,
        "object_name": event.object_name,
        "name": event.name,
        "catalog": catalog_data(match, catalog, lang, event.type),
    }
