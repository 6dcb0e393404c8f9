"""Every known input shape into Events: one decoded document in, Events out.

The shapes: the DescribeContainerGroupEvents response (API, SDK ``to_map()``, aliyun CLI,
the documentation's camelCase), DescribeContainerGroups and DescribeImageCaches output
(events nested under each group or cache), kubectl's core/v1 and events.k8s.io/v1 Events
and Lists, ``kubectl get events -w --output-watch-events`` envelopes, eventrouter NDJSON,
OpenTelemetry k8sobjects/k8s_events log records, Metricbeat ``kubernetes.event``
documents, and our own ``list -o json|ndjson`` records. Nothing downstream of this module
knows which tool produced an event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from eci_events import coerce, records
from eci_events.errors import InputError
from eci_events.limits import YAML_ALIAS_VISITS
from eci_events.model import Event
from eci_events.timefmt import parse_time

first = coerce.first
mapping = coerce.mapping
text = coerce.text

ECI_INSTANCE_ANNOTATION = "k8s.aliyun.com/eci-instance-id"
# Watch envelopes: kubectl --output-watch-events ("type"), eventrouter ("verb").
WATCH_TYPES = frozenset({"ADDED", "MODIFIED", "DELETED", "UPDATED", "BOOKMARK", "ERROR"})

ACCEPTED_SHAPES = (
    "a DescribeContainerGroupEvents response (aliyun CLI, SDK to_map() or the documented "
    "camelCase form), DescribeContainerGroups or DescribeImageCaches output, kubectl get "
    "events -o json|yaml (a List, a core/v1 or events.k8s.io/v1 Event, -w watch events), "
    "eventrouter, OpenTelemetry or Metricbeat event records, a JSON array of events, NDJSON "
    "of any of these, or eci-events list -o json|ndjson output"
)


@dataclass
class SourceSummary:
    """One input and what it held; filled in while it is read, then only read."""

    name: str
    format: str = ""
    shapes: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    events: int = 0
    ignored: int = 0
    truncated_groups: int = 0
    failed_groups: int = 0

    def saw(self, shape: str, times: int = 1) -> None:
        self.shapes[shape] = self.shapes.get(shape, 0) + times


BATCH = 1024


def batched(events: Iterable[Event], size: int = BATCH) -> Iterator[list[Event]]:
    """Events in lists of up to ``size`` (fewer generator hops per event downstream)."""
    iterator = iter(events)
    while batch := list(islice(iterator, size)):
        yield batch


# --------------------------------------------------------------------------------------------
# ECI API shapes


def api_event(group: Mapping[str, Any], record: Mapping[str, Any]) -> Event:
    """One event of an ECI API answer, with the group (or image cache) around it.

    Reads the service's PascalCase keys (with its lower-case ``involvedObject``), the
    all-camelCase form of the documentation, and any mix of the two, key by key.
    """
    involved = mapping(first(record, "involvedObject", "InvolvedObject"))
    metadata = mapping(first(record, "Metadata", "metadata"))
    source = mapping(first(record, "Source", "source"))
    group_id = text(first(group, "ContainerGroupId", "containerGroupId"))
    kind = text(first(involved, "Kind", "kind"))
    name = text(first(involved, "Name", "name"))
    cache_id = text(first(group, "ImageCacheId", "imageCacheId"))
    if cache_id and not kind:  # DescribeImageCaches: the event is about the cache
        kind, name = "ImageCache", cache_id
    return Event(
        reason=text(first(record, "Reason", "reason")),
        message=text(first(record, "Message", "message")),
        type=text(first(record, "Type", "type")),
        count=coerce.count(first(record, "Count", "count")),
        first_seen=parse_time(first(record, "FirstTimestamp", "firstTimestamp")),
        last_seen=parse_time(first(record, "LastTimestamp", "lastTimestamp")),
        event_time=parse_time(first(record, "EventTime", "eventTime")),
        group_id=group_id or _eci_uid(involved),
        group_name=text(first(group, "Name", "name", "ContainerGroupName", "containerGroupName")),
        namespace=text(first(group, "Namespace", "namespace"))
        or text(first(involved, "Namespace", "namespace")),
        object_kind=kind,
        object_name=name,
        source=text(first(source, "Component", "component"))
        or text(first(record, "ReportingComponent", "reportingComponent")),
        name=text(first(metadata, "Name", "name")),
    )


def _eci_uid(involved: Mapping[str, Any]) -> str:
    uid = text(first(involved, "Uid", "uid"))
    return uid if uid.startswith("eci-") else ""


# The lists of groups an ECI answer holds, by the key it comes under, and its shape name.
_GROUP_LISTS = (
    ("Data", "api"),
    ("data", "api"),
    ("ContainerGroups", "container-groups"),
    ("containerGroups", "container-groups"),
    ("ImageCaches", "image-caches"),
    ("imageCaches", "image-caches"),
)


def api_groups(body: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """(shape, the list of groups) of an ECI answer, or None when ``body`` is none."""
    for key, shape in _GROUP_LISTS:
        groups = body.get(key)
        if isinstance(groups, list):
            return shape, groups
    return None


def group_events(group: Mapping[str, Any]) -> list[Event]:
    """The events of one group (or image cache) of an ECI answer."""
    found = first(group, "Events", "events")
    if not isinstance(found, list):
        return []
    return [api_event(group, record) for record in found if isinstance(record, Mapping)]


def response_body(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The answer itself, or the ``body`` of SDK ``response.to_map()``; None otherwise."""
    if api_groups(document) is not None:
        return document
    body = document.get("body")
    if isinstance(body, Mapping) and api_groups(body) is not None:
        return body
    return None


# --------------------------------------------------------------------------------------------
# Kubernetes events


def _eci_id(involved: Mapping[str, Any], *annotated: Mapping[str, Any]) -> str:
    """The ECI instance id an event names: an ``eci-`` uid, else the eci-instance-id annotation.

    On ACK virtual nodes ``involvedObject.uid`` is the pod's uid, so usually neither is there
    and the event is grouped by namespace/pod name instead.
    """
    uid = _eci_uid(involved)
    if uid:
        return uid
    for holder in (involved, *annotated):
        annotations = mapping(first(holder, "annotations", "Annotations"))
        value = annotations.get(ECI_INSTANCE_ANNOTATION)
        if isinstance(value, str) and value:
            return value
    return ""


def core_event(record: Mapping[str, Any]) -> Event:
    """A core/v1 Event (``kubectl get events -o json|yaml``, one item)."""
    series = mapping(record.get("series"))
    source = mapping(record.get("source"))
    count = series.get("count")
    return _kube_event(
        record,
        mapping(record.get("involvedObject")),
        message=record.get("message"),
        count=count if count is not None else record.get("count"),
        first_seen=record.get("firstTimestamp"),
        last_seen=record.get("lastTimestamp") or series.get("lastObservedTime"),
        event_time=record.get("eventTime"),
        source=text(source.get("component")) or text(record.get("reportingComponent")),
    )


def events_v1_event(record: Mapping[str, Any]) -> Event:
    """An ``events.k8s.io/v1`` Event: note, regarding, series, deprecated* fields; the older
    ``object``/``time`` spellings some tools emit are read too."""
    series = mapping(record.get("series"))
    source = mapping(record.get("deprecatedSource"))
    count = series.get("count")
    return _kube_event(
        record,
        mapping(first(record, "regarding", "object")),
        message=first(record, "note", "message"),
        count=count if count is not None else record.get("deprecatedCount"),
        first_seen=record.get("deprecatedFirstTimestamp"),
        last_seen=series.get("lastObservedTime") or record.get("deprecatedLastTimestamp"),
        event_time=first(record, "eventTime", "time"),
        source=text(record.get("reportingController")) or text(source.get("component")),
    )


def _kube_event(
    record: Mapping[str, Any],
    involved: Mapping[str, Any],
    *,
    message: Any,
    count: Any,
    first_seen: Any,
    last_seen: Any,
    event_time: Any,
    source: str,
) -> Event:
    """What both Kubernetes Event APIs spell alike, once the caller has read what differs."""
    metadata = mapping(record.get("metadata"))
    first_time = parse_time(first_seen)
    last_time = parse_time(last_seen)
    when = parse_time(event_time)
    if first_time is None and last_time is None and when is None:
        first_time = parse_time(metadata.get("creationTimestamp"))  # the only time it has
    kind = text(involved.get("kind"))
    name = text(involved.get("name"))
    return Event(
        reason=text(record.get("reason")),
        message=text(message),
        type=text(record.get("type")),
        count=coerce.count(count),
        first_seen=first_time,
        last_seen=last_time,
        event_time=when,
        group_id=_eci_id(involved, metadata, record),
        group_name=name if kind.lower() in ("", "pod", "containergroup") else "",
        namespace=text(involved.get("namespace"))
        or text(metadata.get("namespace"))
        or text(record.get("namespace")),
        object_kind=kind,
        object_name=name,
        source=source,
        name=text(metadata.get("name")),
        uid=text(metadata.get("uid")),
    )


def metricbeat_event(document: Mapping[str, Any]) -> Event:
    """A Metricbeat ``kubernetes.event`` document (snake_case fields)."""
    record = mapping(mapping(document.get("kubernetes")).get("event"))
    involved = mapping(record.get("involved_object"))
    metadata = mapping(record.get("metadata"))
    times = mapping(record.get("timestamp"))
    kind = text(involved.get("kind"))
    name = text(involved.get("name"))
    return Event(
        reason=text(record.get("reason")),
        message=text(record.get("message")),
        type=text(record.get("type")),
        count=coerce.count(record.get("count")),
        first_seen=parse_time(times.get("first_occurrence")),
        last_seen=parse_time(times.get("last_occurrence")),
        group_id=_eci_uid(involved),
        group_name=name if kind.lower() in ("", "pod") else "",
        namespace=text(involved.get("namespace")) or text(metadata.get("namespace")),
        object_kind=kind,
        object_name=name,
        source=text(mapping(record.get("source")).get("component")),
        name=text(metadata.get("name")),
        uid=text(metadata.get("uid")),
    )


# --------------------------------------------------------------------------------------------
# OpenTelemetry log records


def otel_value(value: Any) -> Any:
    """An OTLP/JSON ``AnyValue`` (``{"stringValue": ...}``, ``kvlistValue``...) as plain data."""
    if not isinstance(value, Mapping):
        return value
    if "kvlistValue" in value:
        return otel_attributes(mapping(value["kvlistValue"]).get("values"))
    if "arrayValue" in value:
        values = mapping(value["arrayValue"]).get("values")
        return [otel_value(v) for v in values] if isinstance(values, list) else []
    for key in ("stringValue", "intValue", "doubleValue", "boolValue", "bytesValue"):
        if key in value:
            return value[key]
    return value


def otel_attributes(attributes: Any) -> dict[str, Any]:
    """Attributes as OTLP/JSON writes them (a list of key/value) or as a plain mapping."""
    if isinstance(attributes, Mapping):
        return dict(attributes)
    found: dict[str, Any] = {}
    for item in attributes if isinstance(attributes, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("key"), str):
            found[item["key"]] = otel_value(item.get("value"))
    return found


def otel_event(record: Mapping[str, Any], resource: Mapping[str, Any]) -> Event | None:
    """A log record of the k8sobjects receiver (the Event, or a watch envelope, in the body)
    or of the k8s_events receiver (the message in the body, the rest in attributes)."""
    body = otel_value(record.get("body"))
    if isinstance(body, Mapping):
        inner = watch_object(body) or body
        shape = event_shape(inner)
        return CONVERTERS[shape](inner) if shape is not None else None
    attributes = otel_attributes(record.get("attributes"))
    reason = attributes.get("k8s.event.reason") or record.get("name")
    if not reason:
        return None
    kind = text(first(attributes, "k8s.object.kind") or first(resource, "k8s.object.kind"))
    name = text(first(attributes, "k8s.object.name") or first(resource, "k8s.object.name"))
    if not name:  # older receivers: k8s.<kind>.name
        name = text(first(attributes, "k8s.pod.name")) or text(first(resource, "k8s.pod.name"))
        kind = kind or ("Pod" if name else "")
    when = first(record, "timeUnixNano", "observedTimeUnixNano", "timestamp")
    moment = parse_time(int(when) / 1e9) if isinstance(when, str) and when.isdigit() else None
    return Event(
        reason=text(reason),
        message=text(body),
        type=text(record.get("severityText")).capitalize(),
        count=coerce.count(attributes.get("k8s.event.count")),
        first_seen=parse_time(attributes.get("k8s.event.start_time")) or moment,
        last_seen=moment or parse_time(when),
        namespace=text(attributes.get("k8s.namespace.name")),
        object_kind=kind,
        object_name=name,
        group_name=name if kind.lower() in ("", "pod") else "",
        source=text(resource.get("k8s.event.source")),
        name=text(attributes.get("k8s.event.name")),
        uid=text(attributes.get("k8s.event.uid")),
    )


def otel_records(document: Mapping[str, Any]) -> Iterator[tuple[Mapping[str, Any], dict[str, Any]]]:
    """(log record, resource attributes) of an OTLP/JSON ``resourceLogs`` document."""
    for resource_logs in document.get("resourceLogs") or ():
        if not isinstance(resource_logs, Mapping):
            continue
        resource = otel_attributes(mapping(resource_logs.get("resource")).get("attributes"))
        scopes = first(resource_logs, "scopeLogs", "instrumentationLibraryLogs") or ()
        for scope in scopes if isinstance(scopes, list) else ():
            logs = first(mapping(scope), "logRecords", "logs") or ()
            for record in logs if isinstance(logs, list) else ():
                if isinstance(record, Mapping):
                    yield record, resource


# --------------------------------------------------------------------------------------------
# Shape detection


def watch_object(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The Event inside a kubectl ``--output-watch-events`` or eventrouter envelope."""
    kind = record.get("type")
    inner = record.get("object")
    if isinstance(inner, Mapping) and isinstance(kind, str) and kind in WATCH_TYPES:
        return inner
    inner = record.get("event")
    if isinstance(inner, Mapping) and isinstance(record.get("verb"), str):
        return inner
    return None


def event_shape(record: Mapping[str, Any]) -> str | None:
    """Which kind of single event ``record`` is, or None when it is not an event."""
    if records.is_event_record(record):
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
    if "involvedObject" in record or isinstance(record.get("reason"), str):
        return "core-v1"
    return None


CONVERTERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    "core-v1": core_event,
    "events-v1": events_v1_event,
    "eci-events-record": records.read_event,
    "api-event": lambda record: api_event({}, record),
}


def describe(value: Any) -> str:
    """A few words on what a document is, for the unknown-shape error (raw text: the CLI
    escapes every message it prints)."""
    if isinstance(value, Mapping):
        keys = [str(k)[:40] for k in list(value)[:6]]
        if not keys:
            return "an empty object"
        kind = value.get("kind")
        if isinstance(kind, str) and kind:
            return f"an object of kind {kind[:40]!r}"
        more = ", ..." if len(value) > 6 else ""
        return "an object with keys " + ", ".join(keys) + more
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (int, float)):
        return "a number"
    return "a " + type(value).__name__


def unknown_shape(value: Any) -> InputError:
    return InputError(f"unknown input shape ({describe(value)}); accepted: {ACCEPTED_SHAPES}")


class Walk:
    """Reads decoded documents into Events, counting what it saw into ``summary``.

    ``aliases`` guards YAML: a loader shares one node among all its aliases, so the same
    container met twice is an alias expanded again; past a bound the document is refused.
    """

    def __init__(self, summary: SourceSummary, aliases: bool = False) -> None:
        self.summary = summary
        self._seen: set[int] | None = set() if aliases else None
        self._visits = 0

    def _visit(self, container: Any) -> None:
        if self._seen is None:
            return
        key = id(container)
        if key in self._seen:
            self._visits += 1
            if self._visits > YAML_ALIAS_VISITS:
                raise InputError(
                    f"YAML aliases expand this document beyond {YAML_ALIAS_VISITS:,} repeated "
                    "nodes; refused (write the events out without anchors and aliases)"
                )
        else:
            self._seen.add(key)

    def document(self, document: Any) -> Iterator[Event]:
        """Every event of one decoded JSON/YAML document, whatever its shape.

        Raises InputError naming the accepted shapes when the document is none of them, or
        when a list holds items but none of them is an event (``kubectl get pods -o json``).
        """
        summary = self.summary
        summary.documents += 1
        if self._seen is not None:
            self._seen.clear()
        before_events, before_ignored = summary.events, summary.ignored
        if isinstance(document, list):
            summary.saw("array")
            yield from self._items(document)
        elif isinstance(document, Mapping):
            yield from self._mapping(document)
        else:
            raise unknown_shape(document)
        listed = document if isinstance(document, list) else _listed(document)
        if listed and summary.events == before_events and summary.ignored > before_ignored:
            sample = listed[0]
            raise InputError(
                f"no events in this input: its items are {describe(sample)}, not events; "
                f"accepted: {ACCEPTED_SHAPES}"
            )

    def _mapping(self, document: Mapping[str, Any]) -> Iterator[Event]:
        summary = self.summary
        body = response_body(document)
        if body is not None:
            yield from self.answer(body)
        elif isinstance(document.get("items"), list):
            summary.saw("kubectl-list")
            yield from self._items(document["items"])
        elif records.is_list_document(document):
            summary.saw("eci-events-list")
            summary.truncated_groups += records.truncated_group_count(document.get("groups"))
            for entry in document.get("failed") or ():
                summary.failed_groups += records.failed_group_count(entry)
            yield from self._items(document["events"])
        elif isinstance(document.get("resourceLogs"), list):
            summary.saw("otel")
            for record, resource in otel_records(document):
                yield from self._otel(record, resource)
        else:
            yield from self._single(document, top=True)

    def answer(self, body: Mapping[str, Any]) -> Iterator[Event]:
        """Every event of an ECI answer (DescribeContainerGroupEvents & co.)."""
        found = api_groups(body)
        assert found is not None
        shape, groups = found
        self.summary.saw(shape)
        self._visit(groups)
        for group in groups:
            if isinstance(group, Mapping):
                self._visit(group)
                events = group_events(group)
                self.summary.events += len(events)
                yield from events

    def _items(self, items: list[Any]) -> Iterator[Event]:
        self._visit(items)
        for item in items:
            if isinstance(item, Mapping):
                body = response_body(item)
                if body is not None:  # an array of answers (several pages)
                    yield from self.answer(body)
                    continue
            yield from self._single(item, top=False)

    def _otel(self, record: Mapping[str, Any], resource: Mapping[str, Any]) -> Iterator[Event]:
        event = otel_event(record, resource)
        if event is None:
            self.summary.ignored += 1
            return
        self.summary.events += 1
        yield event

    def _single(self, item: Any, top: bool) -> Iterator[Event]:
        """One item that should be an event, possibly inside an envelope."""
        summary = self.summary
        if not isinstance(item, Mapping):
            if top:
                raise unknown_shape(item)
            summary.ignored += 1
            return
        self._visit(item)
        if records.is_failure_line(item):
            summary.saw("eci-events-failure")
            summary.failed_groups += records.failed_group_count(item)
            return
        inner = watch_object(item)
        if inner is not None:
            summary.saw("watch")
            item = inner
        elif isinstance(item.get("kubernetes"), Mapping) and "event" in item["kubernetes"]:
            summary.saw("metricbeat")
            summary.events += 1
            yield metricbeat_event(item)
            return
        elif "body" in item and ("attributes" in item or "severityText" in item):
            summary.saw("otel")
            yield from self._otel(item, {})
            return
        shape = event_shape(item)
        if shape is None:
            if top and inner is None:
                raise unknown_shape(item)
            summary.ignored += 1
            return
        summary.saw(shape)
        summary.events += 1
        yield CONVERTERS[shape](item)


def _listed(document: Mapping[str, Any]) -> list[Any]:
    for key in ("items", "events"):
        value = document.get(key)
        if isinstance(value, list):
            return value
    return []
