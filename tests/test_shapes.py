"""Every input shape becomes the same normalised Event; the typed fast path agrees with the
dict path, and a document read as JSON reads the same as YAML."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import msgspec
import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eci_events.errors import InputError
from eci_events.model import Event
from eci_events.records import read_event
from eci_events.sources.shapes import (
    SourceSummary,
    Walk,
    core_event,
    event_shape,
    events_v1_event,
)
from eci_events.sources.typed import json_batches
from tests.conftest import DATA

FIXTURES = DATA / "triage"
UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def lines(name: str) -> list[Any]:
    return [json.loads(line) for line in (FIXTURES / name).read_text().splitlines() if line]


def events_of(document: object, summary: SourceSummary | None = None) -> list[Event]:
    return list(Walk(summary or SourceSummary("test")).document(document))


def typed(raw: bytes, summary: SourceSummary | None = None) -> list[Event]:
    walk = Walk(summary or SourceSummary("test"))
    return [e for batch in json_batches(raw, walk) for e in batch]


def test_api_pascal_case_event_keeps_every_field() -> None:
    events = events_of(load("aliyun-cli.json"))
    assert events[0] == Event(
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
    summary = SourceSummary("x")
    assert typed(raw, summary) == events_of(json.loads(raw))
    assert summary.events == 12


def test_typed_path_falls_back_per_group_on_odd_types_and_mixed_spellings() -> None:
    body = {
        "Data": [
            {"ContainerGroupId": "eci-1", "Events": [{"Reason": "A", "Count": "7"}]},
            {
                "ContainerGroupId": "eci-2",
                "Events": [{"Reason": "B", "FirstTimestamp": 1763625600}],
            },
            {"ContainerGroupId": "eci-3", "Events": [{"reason": "C", "Count": 2.0}]},
            {"ContainerGroupId": "eci-4", "Events": [{"Reason": "D", "LastTimestamp": ""}]},
            # PascalCase InvolvedObject, and a lower-case count inside a PascalCase event:
            {
                "Events": [
                    {"Reason": "E", "count": 9, "InvolvedObject": {"Uid": "eci-5", "Name": "p"}}
                ]
            },
            "not a group",
        ]
    }
    raw = json.dumps(body).encode()
    events = typed(raw)
    assert events == events_of(body)
    assert [(e.group_id, e.reason, e.count) for e in events] == [
        ("eci-1", "A", 7),
        ("eci-2", "B", 1),
        ("eci-3", "C", 2),
        ("eci-4", "D", 1),
        ("eci-5", "E", 9),
    ]
    assert events[1].first_seen == at("2025-11-20T08:00:00Z")  # epoch seconds
    assert events[4].object_name == "p"


def test_core_v1_event_from_ack_virtual_node_groups_by_pod() -> None:
    items = load("kubectl-list.json")["items"]
    failed = core_event(items[1])
    assert failed.group_id == ""  # involvedObject.uid is the pod uid, not eci-...
    assert (failed.namespace, failed.group_name) == ("default", "api-7d9f-fghij")
    assert failed.last_seen == at("2026-11-20T08:04:00Z")  # +08:00 read as an offset
    annotated = core_event(items[5])
    assert annotated.group_id == "eci-bp1ddddddddddddd0004"  # k8s.aliyun.com/eci-instance-id
    assert failed.uid == items[1]["metadata"]["uid"]


def test_list_item_keeps_its_top_level_namespace() -> None:
    event = core_event({"reason": "X", "namespace": "shop", "involvedObject": {"name": "web"}})
    assert event.namespace == "shop"


def test_events_k8s_io_v1_note_regarding_series_and_deprecated_fields() -> None:
    items = load("events-v1.json")["items"]
    pulling, backoff, oom = (events_v1_event(i) for i in items)
    assert pulling.message == 'Pulling image "nginx:1.27"'
    assert pulling.event_time == datetime(2026, 11, 20, 8, 0, 0, 654321, tzinfo=UTC)
    assert pulling.group_id == "eci-bp1aaaaaaaaaaaa0001" and pulling.source == "kubelet"
    assert backoff.count == 12  # series.count wins over deprecatedCount
    assert backoff.last_seen == at("2026-11-20T08:30:00Z")  # series.lastObservedTime
    assert backoff.first_seen == at("2026-11-20T08:05:00Z")
    assert oom.count == 3 and oom.last_seen == at("2026-11-20T08:28:00Z")


def test_events_k8s_io_older_object_and_time_spellings() -> None:
    event = events_v1_event(
        {
            "apiVersion": "events.k8s.io/v1",
            "reason": "BackOff",
            "note": "Back-off restarting failed container",
            "object": {"kind": "Pod", "name": "web-0", "namespace": "shop"},
            "time": "2026-11-20T08:00:00Z",
        }
    )
    assert (event.object_name, event.namespace) == ("web-0", "shop")
    assert event.event_time == at("2026-11-20T08:00:00Z")


def test_our_own_list_records_round_trip() -> None:
    summary = SourceSummary("x")
    events = events_of(load("list-output.json"), summary)
    assert summary.shapes == {"eci-events-list": 1, "eci-events-record": 9}
    assert summary.truncated_groups == 1 and summary.failed_groups == 1
    assert events[0].group_id == "eci-bp1aaaaaaaaaaaa0001"
    assert read_event(lines("list-output.ndjson")[0]) == events[0]


def test_kubectl_watch_events_and_bookmarks() -> None:
    summary = SourceSummary("x")
    events = [e for line in lines("kubectl-watch.ndjson") for e in Walk(summary).document(line)]
    assert [(e.reason, e.count) for e in events] == [
        ("OOMKilled", 1),
        ("BackOff", 5),
        ("OOMKilled", 3),
    ]
    assert events[0].uid == events[2].uid  # the same event, modified
    assert summary.ignored == 1 and summary.shapes["watch"] == 4  # the BOOKMARK


def test_eventrouter_lines() -> None:
    events = [e for line in lines("eventrouter.ndjson") for e in events_of(line)]
    assert [(e.reason, e.count, e.object_name) for e in events] == [
        ("FailedMount", 1, "api-0"),
        ("FailedMount", 4, "api-0"),
    ]


def test_metricbeat_documents() -> None:
    events = [e for line in lines("metricbeat.ndjson") for e in events_of(line)]
    backoff, created = events
    assert (backoff.reason, backoff.count, backoff.namespace, backoff.group_name) == (
        "BackOff",
        2,
        "batch",
        "job-7-abcde",
    )
    assert backoff.last_seen == at("2026-11-20T08:05:00Z") and backoff.uid == "mb-uid-1"
    assert (created.object_kind, created.group_name, created.about_group) == (
        "ReplicaSet",
        "",
        False,
    )


def test_opentelemetry_k8sobjects_and_k8s_events_records() -> None:
    summary = SourceSummary("x")
    spot, failed = events_of(load("otel-logs.json"), summary)
    assert summary.shapes == {"otel": 1} and summary.events == 2
    assert (spot.reason, spot.group_id, spot.namespace) == (
        "SpotToBeReleased",
        "eci-bp1otel0000000001",
        "media",
    )
    assert failed.reason == "Failed" and failed.type == "Warning" and failed.count == 2
    assert (failed.object_kind, failed.object_name, failed.namespace) == ("Pod", "web-9", "shop")
    assert failed.message.startswith('Failed to pull image "nginx:1.99"')
    assert failed.uid == "otel-uid-2" and failed.last_seen == at("2026-11-20T08:35:00Z")


def test_describe_container_groups_and_image_caches() -> None:
    (nostock,) = events_of(load("describe-container-groups.json"))
    assert (nostock.group_id, nostock.group_name, nostock.reason, nostock.count) == (
        "eci-bp1dcg00000000001",
        "web-frontend-7c9d5",
        "NoStock",
        3,
    )
    (cache,) = events_of(load("describe-image-caches.json"))
    assert (cache.object_kind, cache.object_name, cache.group_id) == (
        "ImageCache",
        "imc-bp1cache000000001",
        "",
    )
    assert not cache.about_group


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
    items = load("kubectl-list.json")["items"]
    summary = SourceSummary("x")
    events = events_of([items[0], load("aliyun-cli.json"), {"not": "an event"}], summary)
    assert len(events) == 13 and summary.ignored == 1


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


def test_yaml_alias_expansion_is_refused() -> None:
    doc = "e: &e {reason: X}\nl: &l [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    doc += "m: &m [*l, *l, *l, *l, *l, *l, *l, *l, *l, *l]\n"
    doc += "items: [" + ", ".join(["*m"] * 200) + "]\n"  # 200 x 10 x 10 references to one event
    document = yaml.safe_load(doc)
    flat = [event for sub in document["items"] for chunk in sub for event in chunk]
    with pytest.raises(InputError, match="YAML aliases expand"):
        list(Walk(SourceSummary("x"), aliases=True).document({"items": flat}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T08:01:00Z", "2026-11-20T08:01:00+00:00"),
        ("2026-11-20T17:01:00+09:00", "2026-11-20T08:01:00+00:00"),
        ("2026-11-20T08:01:00.123456789Z", "2026-11-20T08:01:00.123457+00:00"),
        (1763625660, "2025-11-20T08:01:00+00:00"),
        (1763625660000, "2025-11-20T08:01:00+00:00"),
        ("0001-01-01T00:00:00Z", None),
        ("2025-**-**T07:51:06Z", None),
        ("9999-12-31T23:59:59-05:00", None),
        ("", None),
        (None, None),
        (float("nan"), None),
        ("9" * 5000, None),
    ],
)
def test_timestamps(value: object, expected: str | None) -> None:
    event = read_event({"reason": "X", "first_seen": value, "group_id": ""})
    got = event.first_seen.isoformat() if event.first_seen else None
    assert got == expected


@pytest.mark.parametrize(
    "count",
    [None, 0, -3, "x", True, float("inf"), float("nan"), "12", "²", "٣", "9" * 5000, 10**30],
)
def test_odd_counts_never_crash(count: object) -> None:
    event = read_event({"reason": "X", "count": count, "group_id": ""})
    assert event.count == (12 if count == "12" else 1)


def test_msgspec_decode_errors_propagate_for_the_reader() -> None:
    with pytest.raises(msgspec.DecodeError):
        typed(b'{"Data": [1, 2,]}')


# -- any document reads the same as JSON (typed path and dict path) and as YAML ---------------

_text = st.one_of(
    st.text(max_size=12), st.sampled_from(["eci-1", "Pod", "Warning", "2026-11-20T08:00:00Z"])
)
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), _text)
_involved = st.fixed_dictionaries(
    {},
    optional={
        k: _scalar for k in ("Kind", "kind", "Name", "name", "Uid", "uid", "Namespace", "namespace")
    },
)
_event = st.fixed_dictionaries(
    {},
    optional={
        **{
            k: _scalar
            for k in (
                "Reason",
                "reason",
                "Message",
                "message",
                "Type",
                "Count",
                "count",
                "FirstTimestamp",
                "LastTimestamp",
                "lastTimestamp",
            )
        },
        "involvedObject": _involved,
        "InvolvedObject": _involved,
        "Metadata": st.fixed_dictionaries({}, optional={"Name": _scalar, "name": _scalar}),
    },
)
_group = st.fixed_dictionaries(
    {},
    optional={
        "ContainerGroupId": _scalar,
        "containerGroupId": _scalar,
        "Name": _scalar,
        "Namespace": _scalar,
        "Events": st.lists(_event, max_size=4),
        "events": st.lists(_event, max_size=4),
    },
)
_document = st.one_of(
    st.fixed_dictionaries({"Data": st.lists(_group, max_size=4)}),
    st.fixed_dictionaries({"data": st.lists(_group, max_size=4)}),
    st.fixed_dictionaries({"items": st.lists(_event, max_size=4)}),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_document)
def test_any_document_reads_the_same_as_json_and_as_yaml(document: dict[str, Any]) -> None:
    def outcome(read: Any) -> object:
        try:
            return read()
        except InputError as problem:
            return ("refused", problem.message)

    raw = json.dumps(document).encode()
    as_dicts = outcome(lambda: events_of(document))
    assert outcome(lambda: typed(raw)) == as_dicts
    assert (
        outcome(lambda: events_of(yaml.safe_load(yaml.safe_dump(document, sort_keys=False))))
        == as_dicts
    )
