"""Every input shape becomes the same normalised Event; the typed fast path agrees with the dict path."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import msgspec
import pytest

from eci_events.errors import InputError
from eci_events.events import (
    Event,
    Tally,
    api_events,
    document_events,
    event_shape,
    events_v1_event,
    json_events,
    k8s_event,
    record_event,
)
from tests.conftest import DATA

FIXTURES = DATA / "triage"
UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def load(name: str) -> object:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def events_of(document: object) -> list[Event]:
    return list(document_events(document, Tally()))


def test_api_pascal_case_event_keeps_every_field() -> None:
    events = events_of(load("aliyun-cli.json"))
    first = events[0]
    assert first == Event(
        reason="NoStock",
        message="[eci.containergroup]Create ECI failed because the specified instance is out "
        "of stock. zone: cn-hangzhou-k, instanceType: ecs.c6.large",
        type="Warning",
        count=3,
        first_seen=at("2026-11-20T08:01:00Z"),
        last_seen=at("2026-11-20T08:10:00Z"),
        group_id="eci-bp1aaaaaaaaaaaa0001",
        group_name="web-0",
        namespace="default",
        object_kind="Pod",
        object_name="web-0",
        source="EciService",
        name="web-0.1873a1b2c3d4e5f6",
    )
    assert len(events) == 12


def test_api_tolerates_go_zero_time_null_count_and_masked_time() -> None:
    by_reason = {e.reason: e for e in events_of(load("aliyun-cli.json"))}
    balance = by_reason["InsufficientBalance"]
    assert balance.count == 1  # null count
    assert balance.last_seen is None  # 0001-01-01T00:00:00Z
    assert balance.when == at("2026-11-20T07:55:00Z")
    mystery = by_reason["MysteryReason"]
    assert mystery.first_seen is None and mystery.when is None  # 2025-**-**T07:51:06Z kept


def test_sdk_to_map_and_camel_case_docs_give_the_same_events() -> None:
    cli = events_of(load("aliyun-cli.json"))
    assert events_of(load("sdk-to-map.json")) == cli
    camel = events_of(load("doc-camel.json"))
    assert [(e.reason, e.group_id, e.count, e.message) for e in camel] == [
        (e.reason, e.group_id, e.count, e.message) for e in cli
    ]
    assert all(e.first_seen is None for e in camel)  # masked documentation timestamps


@pytest.mark.parametrize("name", ["aliyun-cli.json", "sdk-to-map.json", "doc-camel.json"])
def test_typed_fast_path_equals_dict_path(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    tally = Tally()
    assert list(json_events(raw, tally)) == events_of(json.loads(raw))
    assert tally.events == 12


def test_typed_path_falls_back_per_group_on_odd_types() -> None:
    body = {
        "Data": [
            {"ContainerGroupId": "eci-1", "Events": [{"Reason": "A", "Count": "7"}]},
            {
                "ContainerGroupId": "eci-2",
                "Events": [{"Reason": "B", "FirstTimestamp": 1763625600}],
            },
            {"ContainerGroupId": "eci-3", "Events": [{"reason": "C", "Count": 2.0}]},
            {"ContainerGroupId": "eci-4", "Events": [{"Reason": "D", "LastTimestamp": ""}]},
            "not a group",
        ]
    }
    raw = json.dumps(body).encode()
    events = list(json_events(raw, Tally()))
    assert events == list(api_events(body))
    assert [(e.group_id, e.reason, e.count) for e in events] == [
        ("eci-1", "A", 7),
        ("eci-2", "B", 1),
        ("eci-3", "C", 2),
        ("eci-4", "D", 1),
    ]
    assert events[1].first_seen == at("2025-11-20T08:00:00Z")  # epoch seconds


def test_core_v1_event_from_ack_virtual_node_groups_by_pod() -> None:
    items = load("kubectl-list.json")["items"]  # type: ignore[index]
    failed = k8s_event(items[1])
    assert failed.group_id == ""  # involvedObject.uid is the pod uid, not eci-...
    assert (failed.namespace, failed.group_name) == ("default", "api-7d9f-fghij")
    assert failed.last_seen == at("2026-11-20T00:04:00Z")  # +08:00 offset converted
    assert failed.count == 4
    scheduled = k8s_event(items[0])
    assert scheduled.event_time == datetime(2026, 11, 20, 8, 0, 0, 123456, tzinfo=UTC)
    assert scheduled.first_seen is None and scheduled.when == scheduled.event_time
    annotated = k8s_event(items[5])
    assert annotated.group_id == "eci-bp1ddddddddddddd0004"  # k8s.aliyun.com/eci-instance-id


def test_events_k8s_io_v1_note_regarding_series_and_deprecated_fields() -> None:
    items = load("events-v1.json")["items"]  # type: ignore[index]
    pulling, backoff, oom = (events_v1_event(i) for i in items)
    assert pulling.message == 'Pulling image "nginx:1.27"'
    assert pulling.event_time == datetime(2026, 11, 20, 8, 0, 0, 654321, tzinfo=UTC)
    assert pulling.group_id == "eci-bp1aaaaaaaaaaaa0001" and pulling.source == "kubelet"
    assert backoff.count == 12  # series.count wins over deprecatedCount
    assert backoff.last_seen == at("2026-11-20T08:30:00Z")  # series.lastObservedTime
    assert backoff.first_seen == at("2026-11-20T08:05:00Z")
    assert oom.count == 3 and oom.last_seen == at("2026-11-20T08:28:00Z")


def test_our_own_list_records_round_trip() -> None:
    document = load("list-output.json")
    tally = Tally()
    events = list(document_events(document, tally))
    assert tally.shapes == {"eci-events-list": 1, "eci-events-record": 9}
    assert tally.truncated_groups == 1 and tally.failed_groups == 1
    assert events[0].group_id == "eci-bp1aaaaaaaaaaaa0001"
    line = json.loads((FIXTURES / "list-output.ndjson").read_text().splitlines()[0])
    assert record_event(line) == events[0]


@pytest.mark.parametrize(
    ("record", "shape"),
    [
        ({"group_id": "eci-1", "reason": "X"}, "eci-events-record"),
        ({"regarding": {}, "reason": "X"}, "events-v1"),
        ({"apiVersion": "events.k8s.io/v1", "reason": "X"}, "events-v1"),
        ({"Reason": "X", "Message": "m"}, "api-event"),
        ({"involvedObject": {}, "reason": "X"}, "core-v1"),
        ({"reason": "X", "message": "m"}, "core-v1"),
        ({"reason": 3}, None),
        ({"kind": "Pod", "metadata": {}}, None),
        ({}, None),
    ],
)
def test_event_shape(record: dict[str, object], shape: str | None) -> None:
    assert event_shape(record) == shape


def test_array_of_mixed_events_and_of_responses() -> None:
    items = load("kubectl-list.json")["items"]  # type: ignore[index]
    body = load("aliyun-cli.json")
    tally = Tally()
    events = list(document_events([items[0], body, {"not": "an event"}], tally))
    assert len(events) == 13 and tally.ignored == 1


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"foo": 1}, "an object with keys foo"),
        ({"kind": "Pod"}, "of kind 'Pod'"),
        (42, "a number"),
        ("text", "text"),
        (None, "null"),
        ({"kind": "List", "items": [{"kind": "Pod", "metadata": {}}]}, "items are an object"),
    ],
)
def test_unknown_shapes_name_what_we_accept(document: object, words: str) -> None:
    with pytest.raises(InputError) as problem:
        events_of(document)
    message = problem.value.message
    assert words in message
    assert "DescribeContainerGroupEvents" in message and "events.k8s.io/v1" in message
    assert "\n" not in message


def test_empty_list_is_no_events_not_an_error() -> None:
    assert events_of({"kind": "List", "items": []}) == []
    assert events_of([]) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T08:01:00Z", "2026-11-20T08:01:00+00:00"),
        ("2026-11-20T17:01:00+09:00", "2026-11-20T08:01:00+00:00"),
        ("2026-11-20T08:01:00.123456789Z", "2026-11-20T08:01:00.123456+00:00"),
        (1763625660, "2025-11-20T08:01:00+00:00"),
        (1763625660000, "2025-11-20T08:01:00+00:00"),
        ("0001-01-01T00:00:00Z", None),
        ("2025-**-**T07:51:06Z", None),
        ("9999-12-31T23:59:59-05:00", None),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_timestamps(value: object, expected: str | None) -> None:
    event = record_event({"reason": "X", "first_seen": value, "group_id": ""})
    got = event.first_seen.isoformat() if event.first_seen else None
    assert got == expected


@pytest.mark.parametrize("count", [None, 0, -3, "x", True, float("inf"), float("nan"), "12"])
def test_odd_counts_never_crash(count: object) -> None:
    event = record_event({"reason": "X", "count": count, "group_id": ""})
    assert event.count == (12 if count == "12" else 1)


def test_msgspec_decode_errors_propagate_for_the_reader() -> None:
    with pytest.raises(msgspec.DecodeError):
        list(json_events(b'{"Data": [1, 2,]}', Tally()))
