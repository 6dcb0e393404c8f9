"""Typed decoding of large DescribeContainerGroupEvents answers, group by group.

A response of 200,000 events decodes into msgspec Structs one group at a time: no dict
per event, and each group's events are dropped once converted. The Structs know every
key the service sends and forbid any other, so a group with a surprise (a lower-case key
inside PascalCase events, ``InvolvedObject``, a number where text belongs) takes the dict
path of shapes.py instead: both paths give the same Events for any document. Only the
PascalCase form that the API, the SDK and the aliyun CLI return (the large inputs) is
typed; the documentation's camelCase form takes the dict path.

The records of ``eci-events list -o ndjson`` (the large NDJSON inputs) are typed the same
way, a line at a time: a line with any other key, or a value of another type, is read by
the dict path instead.

Timestamps in RFC 3339 are decoded by msgspec in C; any other spelling (epoch numbers,
masked or zero-padded text) fails validation, and the dict path's parse_time reads it
(parse_time rounds a 7th fractional digit as msgspec does, so both agree).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import msgspec

from eci_events.model import Event
from eci_events.sources.shapes import SourceSummary, Walk, batched, group_events
from eci_events.timefmt import UTC, utc_time


class _Object(msgspec.Struct, rename="pascal", forbid_unknown_fields=True, gc=False):
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    uid: str | None = None
    api_version: str | None = None
    field_path: str | None = None
    resource_version: str | None = None


class _Source(msgspec.Struct, rename="pascal", forbid_unknown_fields=True, gc=False):
    component: str | None = None
    host: str | None = None


class _Metadata(msgspec.Struct, rename="pascal", forbid_unknown_fields=True, gc=False):
    name: str | None = None
    namespace: str | None = None


class _Event(msgspec.Struct, rename="pascal", forbid_unknown_fields=True, gc=False):
    reason: str
    message: str | None = None
    type: str | None = None
    count: int | None = None
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None
    event_time: datetime | None = None
    reporting_component: str | None = None
    reporting_instance: str | None = None
    source: _Source | None = None
    metadata: _Metadata | None = None
    involved_object: _Object | None = msgspec.field(default=None, name="involvedObject")


class _Group(msgspec.Struct, rename="pascal", forbid_unknown_fields=True, gc=False):
    container_group_id: str | None = None
    name: str | None = None
    namespace: str | None = None
    annotations: str | None = None
    uuid: str | None = msgspec.field(default=None, name="uuid")
    events: list[_Event] | None = None


class _Probe(msgspec.Struct, gc=False):
    """The top-level keys that decide a JSON document's shape; values stay undecoded."""

    Data: list[msgspec.Raw] | None = None
    data: msgspec.Raw = msgspec.Raw()
    items: msgspec.Raw = msgspec.Raw()
    events: msgspec.Raw = msgspec.Raw()


class _Record(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One ``list -o ndjson`` line (records.event_fields, ``schema_version``, ``catalog``)."""

    group_id: str | None  # required, as for records.is_event_record
    reason: str | None
    schema_version: msgspec.Raw = msgspec.Raw()
    group_name: str | None = None
    namespace: str | None = None
    type: str | None = None
    message: str | None = None
    count: int | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    event_time: datetime | None = None
    source: str | None = None
    object_kind: str | None = None
    object_name: str | None = None
    name: str | None = None
    catalog: msgspec.Raw = msgspec.Raw()


_PROBE = msgspec.json.Decoder(_Probe)
_GROUP = msgspec.json.Decoder(_Group)
_RECORD = msgspec.json.Decoder(_Record)
_RECORD_SHAPE = "eci-events-record"


def record_event(line: bytes, summary: SourceSummary) -> Event | None:
    """The Event of one NDJSON line that is an eci-events record, counted into ``summary``
    as the dict path counts it; None (nothing counted) for any other line, good or bad."""
    try:
        record = _RECORD.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return None
    first, last, when = record.first_seen, record.last_seen, record.event_time
    count = record.count
    summary.documents += 1
    summary.shapes[_RECORD_SHAPE] = summary.shapes.get(_RECORD_SHAPE, 0) + 1
    summary.events += 1
    return Event(
        record.reason or "",
        record.message or "",
        record.type or "",
        count if count is not None and 0 < count < 10**18 else 1,
        first and utc_time(first),
        last and utc_time(last),
        when and utc_time(when),
        record.group_id or "",
        record.group_name or "",
        record.namespace or "",
        record.object_kind or "",
        record.object_name or "",
        record.source or "",
        record.name or "",
    )


def _events(group: _Group) -> list[Event]:
    group_id = group.container_group_id or ""
    group_name = group.name or ""
    group_ns = group.namespace or ""
    utc, convert, make = UTC, utc_time, Event
    out: list[Event] = []
    append = out.append
    for record in group.events or ():
        involved = record.involved_object
        source = record.source
        metadata = record.metadata
        count = record.count
        uid = (involved.uid or "") if involved else ""
        first, last, when = record.first_timestamp, record.last_timestamp, record.event_time
        # Positional, in Event's field order (this loop runs once per event).
        append(
            make(
                record.reason,
                record.message or "",
                record.type or "",
                count if count is not None and 0 < count < 10**18 else 1,
                first
                if first is None or (first.tzinfo is utc and first.year > 1)
                else convert(first),
                last if last is None or (last.tzinfo is utc and last.year > 1) else convert(last),
                when if when is None or (when.tzinfo is utc and when.year > 1) else convert(when),
                group_id or (uid if uid.startswith("eci-") else ""),
                group_name,
                group_ns or ((involved.namespace or "") if involved else ""),
                (involved.kind or "") if involved else "",
                (involved.name or "") if involved else "",
                ((source.component or "") if source else "") or (record.reporting_component or ""),
                (metadata.name or "") if metadata else "",
            )
        )
    return out


def json_batches(buffer: bytes | bytearray | memoryview, walk: Walk) -> Iterator[list[Event]]:
    """Every event of one JSON document held in ``buffer``, a group's worth at a time.

    msgspec's DecodeError (with a byte offset) and ValidationError propagate for the
    caller to explain.
    """
    try:
        probe = _PROBE.decode(buffer)
    except msgspec.ValidationError:  # an array or a scalar at the top, or Data not a list
        probe = None
    if probe is None or probe.Data is None or len(probe.data) or len(probe.items):
        yield from batched(walk.document(msgspec.json.decode(buffer)))
        return
    groups, probe = probe.Data, None
    summary = walk.summary
    summary.documents += 1
    summary.saw("api")
    for raw in groups:
        try:
            events = _events(_GROUP.decode(raw))
        except msgspec.ValidationError:  # the dict path decides
            group = msgspec.json.decode(raw)
            events = group_events(group) if isinstance(group, dict) else []
        summary.events += len(events)
        yield events
