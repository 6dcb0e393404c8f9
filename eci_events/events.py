"""The normalised Event, and the conversion of every known input shape into Events.

Nothing downstream of this module knows which tool or API produced an event.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import msgspec

from eci_events.timefmt import parse_time


class Event(msgspec.Struct, frozen=True, gc=False):
    """One event, whatever its source shape.

    ``group_id`` is the ECI container group id (``eci-...``) when known; for
    Kubernetes events it is the pod's ECI instance id if the event names one, else ''.
    """

    reason: str
    message: str = ""
    type: str = ""
    count: int = 1
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    event_time: datetime | None = None
    group_id: str = ""
    group_name: str = ""
    namespace: str = ""
    object_kind: str = ""
    object_name: str = ""
    source: str = ""
    name: str = ""

    @property
    def when(self) -> datetime | None:
        """The time to sort on: last seen, else event time, else first seen."""
        return self.last_seen or self.event_time or self.first_seen

    @property
    def object(self) -> str:
        """kubectl's OBJECT column: ``pod/name``."""
        if not self.object_name:
            return ""
        kind = self.object_kind.lower() or "pod"
        return f"{kind}/{self.object_name}"


def _field(record: Mapping[str, Any], *names: str) -> Any:
    """The first present key among spellings (PascalCase, camelCase, ...)."""
    for name in names:
        value = record.get(name)
        if value is not None:
            return value
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return max(value, 1)
    if isinstance(value, float):
        return max(int(value), 1)
    if isinstance(value, str) and value.strip().isdigit():
        return max(int(value), 1)
    return 1


def sort_key(event: Event) -> tuple[bool, datetime | float, str, str]:
    """Oldest first on the real timestamp; undated events first; stable tie-break."""
    when = event.when
    return (when is not None, when or 0.0, event.group_id, event.reason)


def api_event(group: Mapping[str, Any], record: Mapping[str, Any]) -> Event:
    """One event of a DescribeContainerGroupEvents ``Data[]`` entry.

    Accepts the service's PascalCase keys (with the lower-case ``involvedObject``)
    and the all-camelCase form the documentation shows.
    """
    involved = _mapping(_field(record, "involvedObject", "InvolvedObject"))
    metadata = _mapping(_field(record, "Metadata", "metadata"))
    source = _mapping(_field(record, "Source", "source"))
    group_id = _text(_field(group, "ContainerGroupId", "containerGroupId"))
    return Event(
        reason=_text(_field(record, "Reason", "reason")),
        message=_text(_field(record, "Message", "message")),
        type=_text(_field(record, "Type", "type")),
        count=_count(_field(record, "Count", "count")),
        first_seen=parse_time(_field(record, "FirstTimestamp", "firstTimestamp")),
        last_seen=parse_time(_field(record, "LastTimestamp", "lastTimestamp")),
        event_time=parse_time(_field(record, "EventTime", "eventTime")),
        group_id=group_id or _text(_field(involved, "Uid", "uid")),
        group_name=_text(_field(group, "Name", "name")),
        namespace=_text(_field(group, "Namespace", "namespace"))
        or _text(_field(involved, "Namespace", "namespace")),
        object_kind=_text(_field(involved, "Kind", "kind")),
        object_name=_text(_field(involved, "Name", "name")),
        source=_text(_field(source, "Component", "component"))
        or _text(_field(record, "ReportingComponent", "reportingComponent")),
        name=_text(_field(metadata, "Name", "name")),
    )


def api_events(body: Mapping[str, Any]) -> Iterator[Event]:
    """Every event of a DescribeContainerGroupEvents response body."""
    data = _field(body, "Data", "data")
    if not isinstance(data, list):
        return
    for group in data:
        if not isinstance(group, Mapping):
            continue
        records = _field(group, "Events", "events")
        if not isinstance(records, list):
            continue
        for record in records:
            if isinstance(record, Mapping):
                yield api_event(group, record)
