"""The normalised Event, and the conversion of every known input shape into Events.

Nothing downstream of this module knows which tool or API produced an event.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import islice
from typing import Any

import msgspec

from eci_events.errors import InputError
from eci_events.textsafe import escape
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
        # NaN and infinities (YAML .nan/.inf, JSON 1e999) count once.
        return max(int(value), 1) if value == value and abs(value) < 1e18 else 1
    if isinstance(value, str) and value.strip().isdigit():
        return max(int(value), 1)
    return 1


_UTC = timezone.utc
_TIME_CACHE: dict[str, datetime | None] = {}
_TIME_CACHE_LIMIT = 8192


def _time(value: Any) -> datetime | None:
    """``parse_time`` with a fast path for plain RFC 3339 text and a small cache.

    Also accepts datetimes (YAML loaders build them from unquoted timestamps).
    """
    if value is None:
        return None
    if isinstance(value, str):
        hit = _TIME_CACHE.get(value, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        parsed = _parse_text_time(value)
        if len(_TIME_CACHE) >= _TIME_CACHE_LIMIT:
            _TIME_CACHE.clear()
        _TIME_CACHE[value] = parsed
        return parsed
    if isinstance(value, datetime):
        if value.year <= 1:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=_UTC)
        try:
            return value.astimezone(_UTC)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, date):
        return None  # a bare date says nothing about when in the day
    return _parse_time(value)


def _parse_time(value: Any) -> datetime | None:
    try:
        return parse_time(value)
    except (OverflowError, ValueError):  # e.g. 9999-12-31T23:59-05:00 beyond year 9999 in UTC
        return None


_MISSING = object()


def _parse_text_time(text: str) -> datetime | None:
    # Fast path: 2025-06-01T07:51:06Z, with fractions or offsets; Python 3.11 parses it.
    if len(text) >= 20 and text[4] == "-" and text[10] in "Tt " and "*" not in text:
        try:
            parsed = datetime.fromisoformat(text)
            if parsed.year <= 1:
                return None
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=_UTC)
            if parsed.tzinfo is not _UTC:
                return parsed.astimezone(_UTC)
        except (ValueError, OverflowError):
            return _parse_time(text)
        return parsed
    return _parse_time(text)


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
        first_seen=_time(_field(record, "FirstTimestamp", "firstTimestamp")),
        last_seen=_time(_field(record, "LastTimestamp", "lastTimestamp")),
        event_time=_time(_field(record, "EventTime", "eventTime")),
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


# --------------------------------------------------------------------------------------------
# Kubernetes events and our own records

ECI_INSTANCE_ANNOTATION = "k8s.aliyun.com/eci-instance-id"


def _eci_id(involved: Mapping[str, Any], *annotated: Mapping[str, Any]) -> str:
    """The ECI instance id an event names: an ``eci-`` uid, else the eci-instance-id annotation.

    On ACK virtual nodes ``involvedObject.uid`` is the pod's uid, so usually neither is there
    and the event is grouped by namespace/pod name instead.
    """
    uid = _text(_field(involved, "uid", "Uid"))
    if uid.startswith("eci-"):
        return uid
    for holder in (involved, *annotated):
        annotations = _mapping(_field(holder, "annotations", "Annotations"))
        value = annotations.get(ECI_INSTANCE_ANNOTATION)
        if isinstance(value, str) and value:
            return value
    return ""


def _group_name(kind: str, name: str) -> str:
    return name if kind.lower() in ("", "pod", "containergroup") else ""


def k8s_event(record: Mapping[str, Any]) -> Event:
    """A core/v1 Event (``kubectl get events -o json|yaml``, one item)."""
    series = _mapping(record.get("series"))
    source = _mapping(record.get("source"))
    count = series.get("count")
    return _kube_event(
        record,
        _mapping(record.get("involvedObject")),
        message=record.get("message"),
        count=count if count is not None else record.get("count"),
        first=_time(record.get("firstTimestamp")),
        last=_time(record.get("lastTimestamp")) or _time(series.get("lastObservedTime")),
        event_time=_time(record.get("eventTime")),
        source=_text(source.get("component")) or _text(record.get("reportingComponent")),
    )


def events_v1_event(record: Mapping[str, Any]) -> Event:
    """An ``events.k8s.io/v1`` Event: note, regarding, series, deprecated* fields."""
    series = _mapping(record.get("series"))
    source = _mapping(record.get("deprecatedSource"))
    count = series.get("count")
    return _kube_event(
        record,
        _mapping(record.get("regarding")),
        message=record.get("note"),
        count=count if count is not None else record.get("deprecatedCount"),
        first=_time(record.get("deprecatedFirstTimestamp")),
        last=_time(series.get("lastObservedTime")) or _time(record.get("deprecatedLastTimestamp")),
        event_time=_time(record.get("eventTime")),
        source=_text(record.get("reportingController")) or _text(source.get("component")),
    )


def _kube_event(
    record: Mapping[str, Any],
    involved: Mapping[str, Any],
    *,
    message: Any,
    count: Any,
    first: datetime | None,
    last: datetime | None,
    event_time: datetime | None,
    source: str,
) -> Event:
    """What both Kubernetes Event APIs spell alike, once the caller has read what differs."""
    metadata = _mapping(record.get("metadata"))
    if first is None and last is None and event_time is None:
        first = _time(metadata.get("creationTimestamp"))  # the only time the event has
    kind = _text(involved.get("kind"))
    name = _text(involved.get("name"))
    return Event(
        reason=_text(record.get("reason")),
        message=_text(message),
        type=_text(record.get("type")),
        count=_count(count),
        first_seen=first,
        last_seen=last,
        event_time=event_time,
        group_id=_eci_id(involved, metadata, record),
        group_name=_group_name(kind, name),
        namespace=_text(involved.get("namespace")) or _text(metadata.get("namespace")),
        object_kind=kind,
        object_name=name,
        source=source,
        name=_text(metadata.get("name")),
    )


def record_event(record: Mapping[str, Any]) -> Event:
    """One record of ``eci-events list -o json`` (``events[]``) or ``-o ndjson`` (a line)."""
    return Event(
        reason=_text(record.get("reason")),
        message=_text(record.get("message")),
        type=_text(record.get("type")),
        count=_count(record.get("count")),
        first_seen=_time(record.get("first_seen")),
        last_seen=_time(record.get("last_seen")),
        event_time=_time(record.get("event_time")),
        group_id=_text(record.get("group_id")),
        group_name=_text(record.get("group_name")),
        namespace=_text(record.get("namespace")),
        object_kind=_text(record.get("object_kind")),
        object_name=_text(record.get("object_name")),
        source=_text(record.get("source")),
        name=_text(record.get("name")),
    )


def _api_record_event(record: Mapping[str, Any]) -> Event:
    """One event of the API's ``Events[]`` on its own (no container group around it)."""
    return api_event({}, record)


# --------------------------------------------------------------------------------------------
# Shape detection

SHAPES: dict[str, str] = {
    "api": "DescribeContainerGroupEvents response (Data[].Events[])",
    "kubectl-list": "kubectl List/EventList with items",
    "core-v1": "core/v1 Event",
    "events-v1": "events.k8s.io/v1 Event",
    "api-event": "DescribeContainerGroupEvents event",
    "eci-events-list": "eci-events list -o json",
    "eci-events-record": "eci-events list -o ndjson record",
}

ACCEPTED_SHAPES = (
    "a DescribeContainerGroupEvents response (aliyun CLI, SDK to_map() or the documented "
    "camelCase form, with Data[].Events[]), kubectl get events -o json|yaml (List/EventList "
    "with items), a core/v1 or events.k8s.io/v1 Event, a JSON array of events, NDJSON of any "
    "of these, or eci-events list -o json|ndjson output"
)

_CONVERTERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    "core-v1": k8s_event,
    "events-v1": events_v1_event,
    "eci-events-record": record_event,
    "api-event": _api_record_event,
}


def event_shape(record: Mapping[str, Any]) -> str | None:
    """Which kind of single event ``record`` is, or None when it is not an event."""
    if "group_id" in record and "reason" in record:
        return "eci-events-record"
    api_version = record.get("apiVersion")
    if (
        "regarding" in record
        or "note" in record
        or (isinstance(api_version, str) and api_version.startswith("events.k8s.io/"))
    ):
        return "events-v1"
    if "Reason" in record or "InvolvedObject" in record:
        return "api-event"
    if "involvedObject" in record:
        return "core-v1"
    if isinstance(record.get("reason"), str):
        return "core-v1"
    return None


def _describe(value: Any) -> str:
    """A few words on what a document is, for the unknown-shape error."""
    if isinstance(value, Mapping):
        keys = [escape(str(k))[:40] for k in list(value)[:6]]
        if not keys:
            return "an empty object"
        kind = value.get("kind")
        if isinstance(kind, str) and kind:
            return f"an object of kind {escape(kind)[:40]!r}"
        more = ", ..." if len(value) > 6 else ""
        return "an object with keys " + ", ".join(keys) + more
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool) or value is None:
        return json_name(value)
    if isinstance(value, (int, float)):
        return "a number"
    return "a " + type(value).__name__


def json_name(value: Any) -> str:
    return {True: "true", False: "false", None: "null"}.get(value, str(value))


def unknown_shape(value: Any) -> InputError:
    return InputError(f"unknown input shape ({_describe(value)}); accepted: {ACCEPTED_SHAPES}")


@dataclass
class Tally:
    """What one source held: shapes seen, documents, events, items that were not events."""

    shapes: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    events: int = 0
    ignored: int = 0
    truncated_groups: int = 0
    failed_groups: int = 0

    def saw(self, shape: str) -> None:
        self.shapes[shape] = self.shapes.get(shape, 0) + 1


def _body(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The response body: the document itself, or SDK ``response.to_map()``'s ``body``."""
    data = _field(document, "Data", "data")
    if isinstance(data, list):
        return document
    body = document.get("body")
    if isinstance(body, Mapping) and isinstance(_field(body, "Data", "data"), list):
        return body
    return None


def _items(items: list[Any], tally: Tally) -> Iterator[Event]:
    for item in items:
        if isinstance(item, Mapping):
            shape = event_shape(item)
            if shape is not None:
                tally.events += 1
                tally.saw(shape)
                yield _CONVERTERS[shape](item)
                continue
            body = _body(item)
            if body is not None:  # an array of responses (several pages)
                yield from _api_body(body, tally)
                continue
        tally.ignored += 1


def _api_body(body: Mapping[str, Any], tally: Tally) -> Iterator[Event]:
    for event in api_events(body):
        tally.events += 1
        yield event


def document_events(document: Any, tally: Tally) -> Iterator[Event]:
    """Every event of one decoded JSON/YAML document, whatever its shape.

    Raises InputError naming the accepted shapes when the document is none of them, or
    when a list holds items but none of them is an event (``kubectl get pods -o json``).
    """
    tally.documents += 1
    before_events, before_ignored = tally.events, tally.ignored
    if isinstance(document, list):
        tally.saw("array")
        yield from _items(document, tally)
    elif isinstance(document, Mapping):
        body = _body(document)
        items = document.get("items")
        events = document.get("events")
        if body is not None:
            tally.saw("api")
            yield from _api_body(body, tally)
        elif isinstance(items, list):
            tally.saw("kubectl-list")
            yield from _items(items, tally)
        elif isinstance(events, list) and (
            document.get("kind") == "EciEventList" or "schema_version" in document
        ):
            tally.saw("eci-events-list")
            _list_notes(document, tally)
            yield from _items(events, tally)
        else:
            shape = event_shape(document)
            if shape is None:
                raise unknown_shape(document)
            tally.saw(shape)
            tally.events += 1
            yield _CONVERTERS[shape](document)
    else:
        raise unknown_shape(document)
    if tally.events == before_events and tally.ignored > before_ignored:
        first = document[0] if isinstance(document, list) and document else None
        if isinstance(document, Mapping):
            listed = document.get("items") or document.get("events") or []
            first = listed[0] if isinstance(listed, list) and listed else None
        raise InputError(
            f"no events in this input: its items are {_describe(first)}, not events; "
            f"accepted: {ACCEPTED_SHAPES}"
        )


def _list_notes(document: Mapping[str, Any], tally: Tally) -> None:
    groups = document.get("groups")
    if isinstance(groups, list):
        tally.truncated_groups += sum(
            1 for g in groups if isinstance(g, Mapping) and g.get("truncated") is True
        )
    failed = document.get("failed")
    if isinstance(failed, list):
        for entry in failed:
            ids = entry.get("group_ids") if isinstance(entry, Mapping) else None
            tally.failed_groups += len(ids) if isinstance(ids, list) and ids else 1


# --------------------------------------------------------------------------------------------
# Typed decoding of large DescribeContainerGroupEvents responses
#
# A response of 200,000 events decodes group by group into msgspec Structs: no dict per
# event, and each group's events are dropped once converted. Timestamps decode as RFC 3339
# in C. Any surprise (a number where text belongs, an epoch or masked timestamp, mixed key
# spellings) falls back to the dict path above for that one group, so both paths give
# the same Events. Only the PascalCase form the API, the SDK and the aliyun CLI return
# (the large inputs) is typed; the camelCase form seen in the documentation's examples
# takes the dict path, group by group.


class _Object(msgspec.Struct, rename="pascal", gc=False):
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    uid: str | None = None


class _Source(msgspec.Struct, rename="pascal", gc=False):
    component: str | None = None


class _Metadata(msgspec.Struct, rename="pascal", gc=False):
    name: str | None = None


class _Event(msgspec.Struct, rename="pascal", gc=False):
    reason: str | None = None
    message: str | None = None
    type: str | None = None
    count: int | None = None
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None
    event_time: datetime | None = None
    reporting_component: str | None = None
    source: _Source | None = None
    metadata: _Metadata | None = None
    involved_object: _Object | None = msgspec.field(default=None, name="involvedObject")


class _Group(msgspec.Struct, rename="pascal", gc=False):
    container_group_id: str | None = None
    name: str | None = None
    namespace: str | None = None
    events: list[_Event] | None = None


class _Probe(msgspec.Struct, gc=False):
    """The top-level keys that decide a JSON document's shape; values stay undecoded."""

    Data: list[msgspec.Raw] | None = None
    data: list[msgspec.Raw] | None = None
    items: msgspec.Raw = msgspec.Raw()
    events: msgspec.Raw = msgspec.Raw()


_PROBE = msgspec.json.Decoder(_Probe)
_GROUP_DECODER = msgspec.json.Decoder(_Group)


def _utc(moment: datetime | None) -> datetime | None:
    """A datetime msgspec decoded (RFC 3339 only; anything else took the dict path)."""
    if moment is None:
        return None
    tz = moment.tzinfo
    if tz is _UTC:
        return None if moment.year <= 1 else moment
    return _time(moment)


def _typed_group(group: _Group) -> list[Event] | None:
    """The group's Events, or None when the dict path must decide (mixed spellings)."""
    group_id = group.container_group_id or ""
    group_name = group.name or ""
    group_ns = group.namespace or ""
    utc, convert, make = _UTC, _utc, Event
    out: list[Event] = []
    append = out.append
    for record in group.events or ():
        reason = record.reason
        if reason is None:
            return None
        involved = record.involved_object
        source = record.source
        metadata = record.metadata
        count = record.count
        first = record.first_timestamp
        last = record.last_timestamp
        when = record.event_time
        # Positional, in Event's field order (this loop runs once per event).
        append(
            make(
                reason,
                record.message or "",
                record.type or "",
                count if count is not None and count > 0 else 1,
                first
                if first is None or (first.tzinfo is utc and first.year > 1)
                else convert(first),
                last if last is None or (last.tzinfo is utc and last.year > 1) else convert(last),
                when if when is None or (when.tzinfo is utc and when.year > 1) else convert(when),
                group_id or ((involved.uid or "") if involved else ""),
                group_name,
                group_ns or ((involved.namespace or "") if involved else ""),
                (involved.kind or "") if involved else "",
                (involved.name or "") if involved else "",
                ((source.component or "") if source else "") or (record.reporting_component or ""),
                (metadata.name or "") if metadata else "",
            )
        )
    return out


BATCH = 1024


def batched(events: Iterator[Event] | Iterable[Event], size: int = BATCH) -> Iterator[list[Event]]:
    """Events in lists of up to ``size`` (fewer generator hops per event downstream)."""
    iterator = iter(events)
    while True:
        batch = list(islice(iterator, size))
        if not batch:
            return
        yield batch


def json_events(buffer: bytes | bytearray | memoryview, tally: Tally) -> Iterator[Event]:
    """Every event of one JSON document held in ``buffer``."""
    for batch in json_batches(buffer, tally):
        yield from batch


def json_batches(buffer: bytes | bytearray | memoryview, tally: Tally) -> Iterator[list[Event]]:
    """Every event of one JSON document held in ``buffer``, in lists.

    The API shape goes through typed decoding group by group; every other shape is
    decoded to Python objects and handed to ``document_events``. msgspec's DecodeError
    (with a byte offset) and ValidationError propagate for the caller to explain.
    """
    try:
        probe = _PROBE.decode(buffer)
    except msgspec.ValidationError:  # an array or a scalar at the top, or Data not a list
        yield from batched(document_events(msgspec.json.decode(buffer), tally))
        return
    camel = probe.Data is None
    groups = probe.data if camel else probe.Data
    if groups is None or len(probe.items) or len(probe.events):
        yield from batched(document_events(msgspec.json.decode(buffer), tally))
        return
    del probe
    tally.documents += 1
    tally.saw("api")
    for raw_group in groups:
        events: list[Event] | None = None
        if not camel:
            with contextlib.suppress(msgspec.ValidationError):  # the dict path decides
                events = _typed_group(_GROUP_DECODER.decode(raw_group))
        if events is None:
            events = list(api_events({"Data": [msgspec.json.decode(raw_group)]}))
        tally.events += len(events)
        yield events
