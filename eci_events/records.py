"""The record contract of ``list -o json|ndjson|yaml``, written and read here alone.

``list`` writes these records (render/records.py adds each event's ``catalog`` object) and
``triage`` reads them back (sources/shapes.py). Keys are stable: once shipped, a field is
never renamed or retyped (schema_version 1); new fields may be added. Text stays raw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from eci_events import coerce
from eci_events.timefmt import parse_time, rfc3339

if TYPE_CHECKING:
    from eci_events.model import Event

SCHEMA_VERSION = 1
LIST_KIND = "EciEventList"  # the -o json / yaml document
FAILURE_KIND = "EciEventListFailure"  # an -o ndjson line for groups that could not be read


def event_fields(event: Event) -> dict[str, Any]:
    """An event as record fields, in the documented order (``catalog`` comes after)."""
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
    }


def is_event_record(record: Mapping[str, Any]) -> bool:
    return "group_id" in record and "reason" in record


def read_event(record: Mapping[str, Any]) -> Event:
    """One record of ``events[]`` or one ``-o ndjson`` line, back into an Event."""
    # Imported here (a dict-path reader) so that explain's JSON reads SCHEMA_VERSION
    # without importing msgspec.
    from eci_events.model import Event

    text = coerce.text
    return Event(
        reason=text(record.get("reason")),
        message=text(record.get("message")),
        type=text(record.get("type")),
        count=coerce.count(record.get("count")),
        first_seen=parse_time(record.get("first_seen")),
        last_seen=parse_time(record.get("last_seen")),
        event_time=parse_time(record.get("event_time")),
        group_id=text(record.get("group_id")),
        group_name=text(record.get("group_name")),
        namespace=text(record.get("namespace")),
        source=text(record.get("source")),
        object_kind=text(record.get("object_kind")),
        object_name=text(record.get("object_name")),
        name=text(record.get("name")),
    )


def failure_entry(group_ids: Sequence[str], error: str) -> dict[str, Any]:
    """One element of the document's ``failed[]``."""
    return {"group_ids": list(group_ids), "error": error}


def failure_line(group_ids: Sequence[str], error: str) -> dict[str, Any]:
    """The ``-o ndjson`` line that says these groups could not be read."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": FAILURE_KIND,
        **failure_entry(group_ids, error),
    }


def is_failure_line(record: Mapping[str, Any]) -> bool:
    return record.get("kind") == FAILURE_KIND


def is_list_document(document: Mapping[str, Any]) -> bool:
    return isinstance(document.get("events"), list) and (
        document.get("kind") == LIST_KIND or "schema_version" in document
    )


def failed_group_count(entry: Any) -> int:
    """How many groups one ``failed[]`` entry (or failure line) covers; at least one."""
    ids = entry.get("group_ids") if isinstance(entry, Mapping) else None
    return len(ids) if isinstance(ids, list) and ids else 1


def truncated_group_count(groups: Any) -> int:
    """How many entries of a document's ``groups[]`` hit the API's per-group cap."""
    if not isinstance(groups, list):
        return 0
    return sum(1 for g in groups if isinstance(g, Mapping) and g.get("truncated") is True)
