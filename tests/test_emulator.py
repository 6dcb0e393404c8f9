"""The loopback ECI endpoint, driven by the real SDK (no mocks): every action's wire format,
the world behind it, checks, permissions, faults and the demo world."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from eci_events.emulator import Emulator, container, demo_emulator, demo_groups, event, state
from eci_events.emulator.server import MAX_EVENTS
from eci_events.sources.client import bypass_proxy
from tests.emulated import DEMO_STORIES, KEY_ID, REGION, SECRET, ago, running


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    yield from running(monkeypatch)


def client(emulator: Emulator, secret: str = SECRET, key_id: str = KEY_ID, **config: Any) -> Any:
    from alibabacloud_eci20180808.client import Client
    from alibabacloud_tea_openapi import models

    bypass_proxy(f"127.0.0.1:{emulator.port}", "http")  # the fixture set a dead proxy
    return Client(
        models.Config(
            access_key_id=key_id,
            access_key_secret=secret,
            region_id=REGION,
            endpoint=f"127.0.0.1:{emulator.port}",
            protocol="http",
            **config,
        )
    )


def raw(
    emulator: Emulator, query: dict[str, Any], version: str = "2018-08-08", **config: Any
) -> dict[str, Any]:
    """The raw answer body, through the generic call (call_api) that eci_events makes."""
    from alibabacloud_openapi_util.client import Client as OpenApiUtilClient
    from alibabacloud_tea_openapi import models as open_api_models
    from alibabacloud_tea_util import models as util_models

    params = open_api_models.Params(
        action=query.pop("Action", "DescribeContainerGroupEvents"),
        version=version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api_models.OpenApiRequest(
        query=OpenApiUtilClient.query({"RegionId": REGION, **query})
    )
    answer = client(emulator, **config).call_api(params, request, util_models.RuntimeOptions())
    body: dict[str, Any] = answer["body"]
    return body


def sdk_error(
    emulator: Emulator, query: dict[str, Any], version: str = "2018-08-08", **config: Any
) -> Any:
    with pytest.raises(Exception) as caught:
        raw(emulator, query, version, **config)
    return caught.value


def test_typed_sdk_call_verifies_and_parses(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    emu.add_group("eci-a", name="web", namespace="shop", events=[event("NoStock", "out", count=3)])
    response = client(emu).describe_container_group_events(
        models.DescribeContainerGroupEventsRequest(
            region_id=REGION, container_group_ids=json.dumps(["eci-a", "eci-missing"])
        )
    )
    data = response.body.data
    assert [d.container_group_id for d in data] == ["eci-a"]
    assert data[0].events[0].reason == "NoStock"
    assert data[0].events[0].count == 3
    assert data[0].events[0].involved_object.uid == "eci-a"
    assert response.body.total_count == 1
    assert emu.requests[-1].status == 200
    assert emu.requests[-1].headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=")


def test_body_is_pascal_case_with_lowercase_exceptions(emu: Emulator) -> None:
    emu.add_group("eci-a", name="web", namespace="shop", events=[event("Started", "ok")])
    body = raw(emu, {"ContainerGroupIds": '["eci-a"]'})
    assert set(body) == {"RequestId", "TotalCount", "NextToken", "Data"}
    group = body["Data"][0]
    assert set(group) == {"ContainerGroupId", "Name", "Namespace", "uuid", "Annotations", "Events"}
    assert json.loads(group["Annotations"]) == {"tenancy.x-k8s.io/namespace": "shop"}
    record = group["Events"][0]
    assert "involvedObject" in record and "InvolvedObject" not in record
    assert record["involvedObject"] == {
        "ApiVersion": "v1",
        "Kind": "Pod",
        "Name": "web",
        "Namespace": "shop",
        "Uid": "eci-a",
    }
    assert record["Source"]["Component"] == "EciService"
    assert body["NextToken"] == ""


def test_wrong_secret_gets_the_real_error_body(emu: Emulator) -> None:
    error = sdk_error(emu, {}, secret="not-the-secret")
    assert type(error).__name__ == "ClientException"
    assert error.code == "SignatureDoesNotMatch"
    assert error.status_code == 400
    assert set(error.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert error.data["Message"].startswith("Specified signature does not match our calculation.")
    assert "ACS3-HMAC-SHA256\n" in error.data["Message"]  # the server's string to sign
    assert SECRET not in json.dumps(error.data)


def test_unknown_access_key_is_not_found(emu: Emulator) -> None:
    error = sdk_error(emu, {}, key_id="LTAI-nobody")
    assert (error.code, error.status_code) == ("InvalidAccessKeyId.NotFound", 404)


def _replay(emulator: Emulator, query: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{emulator.endpoint}/?{query}", data=b"", headers=headers, method="POST"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as failure:
        return failure.code, json.loads(failure.read())


def test_tampered_query_and_replayed_nonce_are_rejected(emu: Emulator) -> None:
    raw(emu, {"ContainerGroupIds": '["eci-a"]'})
    sent = emu.requests[-1]
    headers = {k: v for k, v in sent.headers.items() if k not in ("content-length",)}
    status, body = _replay(emu, "ContainerGroupIds=%5B%22eci-b%22%5D&RegionId=cn-hangzhou", headers)
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    original = "ContainerGroupIds=%5B%22eci-a%22%5D&RegionId=cn-hangzhou"
    status, body = _replay(emu, original, headers)
    assert (status, body["Code"]) == (400, "SignatureNonceUsed")


def test_region_is_checked(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    with pytest.raises(Exception) as caught:
        client(emu).describe_container_group_events(models.DescribeContainerGroupEventsRequest())
    assert caught.value.code == "MissingRegionId"  # type: ignore[attr-defined]
    error = sdk_error(emu, {"RegionId": "eu-central-9"})
    assert (error.code, error.status_code) == ("InvalidRegionId", 400)


def test_at_most_20_ids_as_a_json_array(emu: Emulator) -> None:
    ids = [f"eci-{n}" for n in range(21)]
    error = sdk_error(emu, {"ContainerGroupIds": json.dumps(ids)})
    assert error.code == "InvalidParameter.ContainerGroupIds"
    assert "20" in error.data["Message"]
    error = sdk_error(emu, {"ContainerGroupIds": "eci-a,eci-b"})
    assert error.code == "InvalidParameter.ContainerGroupIds"
    assert raw(emu, {"ContainerGroupIds": json.dumps(ids[:20])})["Data"] == []


def test_latest_50_events_per_instance_oldest_first(emu: Emulator) -> None:
    emu.add_group(
        "eci-a", events=[event("Tick", f"n{n}", last=ago(minutes=100 - n)) for n in range(60)]
    )
    events = raw(emu, {"ContainerGroupIds": '["eci-a"]'})["Data"][0]["Events"]
    assert len(events) == MAX_EVENTS
    assert [e["Message"] for e in events] == [f"n{n}" for n in range(10, 60)]


def test_since_second_and_event_source(emu: Emulator) -> None:
    emu.add_group(
        "eci-a",
        events=[
            event("Old", last=ago(hours=2)),
            event("NewService", last=ago(minutes=5)),
            event("NewKubelet", last=ago(minutes=4), component="kubelet", type="Normal"),
        ],
    )

    def reasons(**query: Any) -> list[str]:
        body = raw(emu, {"ContainerGroupIds": '["eci-a"]', **query})
        return [e["Reason"] for e in body["Data"][0]["Events"]]

    assert reasons() == ["Old", "NewService", "NewKubelet"]
    assert reasons(SinceSecond=600) == ["NewService", "NewKubelet"]
    assert reasons(EventSource="EciService") == ["Old", "NewService"]
    assert reasons(EventSource="K8sAgent", SinceSecond=3600) == ["NewKubelet"]
    assert sdk_error(emu, {"SinceSecond": "-5"}).code == "InvalidParameter.SinceSecond"
    assert sdk_error(emu, {"EventSource": "Nope"}).code == "InvalidParameter.EventSource"


def test_filters_select_groups(emu: Emulator) -> None:
    emu.add_group("eci-1", tags={"app": "web", "env": "prod"}, zone="cn-hangzhou-j")
    emu.add_group("eci-2", tags={"app": "web", "env": "dev"}, vswitch="vsw-2")
    emu.add_group("eci-3", tags={"app": "db"}, resource_group="rg-3")
    emu.add_group("eci-4", region="cn-beijing", tags={"app": "web"})

    def ids(**query: Any) -> list[str]:
        return [d["ContainerGroupId"] for d in raw(emu, query)["Data"]]

    assert ids() == ["eci-1", "eci-2", "eci-3"]
    assert ids(Tag=[{"Key": "app", "Value": "web"}]) == ["eci-1", "eci-2"]
    assert ids(Tag=[{"Key": "app", "Value": "web"}, {"Key": "env", "Value": "dev"}]) == ["eci-2"]
    assert ids(ZoneId="cn-hangzhou-j") == ["eci-1"]
    assert ids(VSwitchId="vsw-2") == ["eci-2"]
    assert ids(ResourceGroupId="rg-3") == ["eci-3"]
    assert emu.requests[-4].query["Tag.2.Key"] == "env"


def test_limit_and_next_token_paging(emu: Emulator) -> None:
    for n in range(5):
        emu.add_group(f"eci-{n}")
    first = raw(emu, {"Limit": 2})
    assert [d["ContainerGroupId"] for d in first["Data"]] == ["eci-0", "eci-1"]
    second = raw(emu, {"Limit": 2, "NextToken": first["NextToken"]})
    third = raw(emu, {"Limit": 2, "NextToken": second["NextToken"]})
    assert [d["ContainerGroupId"] for d in third["Data"]] == ["eci-4"]
    assert third["NextToken"] == ""
    assert sdk_error(emu, {"NextToken": ""}).code == "InvalidNextToken"
    assert sdk_error(emu, {"NextToken": "garbage!"}).code == "InvalidNextToken"
    emu.page_size = 3  # the default Limit when none is sent
    assert len(raw(emu, {})["Data"]) == 3


def test_unknown_action_or_version_is_not_found(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    with pytest.raises(Exception) as caught:
        client(emu).describe_image_caches(models.DescribeImageCachesRequest(region_id=REGION))
    assert caught.value.code == "InvalidAction.NotFound"  # type: ignore[attr-defined]
    # a known action under another product's version, and the VPC action under ECI's
    error = sdk_error(emu, {"Action": "DescribeContainerGroups"}, version="2016-04-28")
    assert (error.code, error.status_code) == ("InvalidAction.NotFound", 404)
    error = sdk_error(emu, {"Action": "DescribeVSwitches"})
    assert (error.code, error.status_code) == ("InvalidAction.NotFound", 404)


def test_forbidden_key(emu: Emulator) -> None:
    emu.denied.add(KEY_ID)
    error = sdk_error(emu, {})
    assert (error.code, error.status_code) == ("Forbidden.RAM", 403)


def test_throttling_with_and_without_retry_after(emu: Emulator) -> None:
    emu.inject("throttle", retry_after_ms=1500)
    emu.inject("throttle")
    with_header = sdk_error(emu, {})
    assert type(with_header).__name__ == "ThrottlingException"
    assert (with_header.code, with_header.retry_after) == ("Throttling.User", 1500)
    without = sdk_error(emu, {})
    assert type(without).__name__ == "ClientException"
    assert (without.code, without.status_code) == ("Throttling.User", 400)
    assert raw(emu, {})["Data"] == []  # faults were used up
    assert [r.status for r in emu.requests] == [400, 400, 200]


def test_503_json_and_html(emu: Emulator) -> None:
    emu.inject("unavailable")
    emu.inject("html")
    json_503 = sdk_error(emu, {})
    assert (type(json_503).__name__, json_503.code, json_503.status_code) == (
        "ServerException",
        "ServiceUnavailable",
        503,
    )
    html_503 = sdk_error(emu, {})
    assert type(html_503).__name__ == "UnretryableException"
    assert "parse the value as json" in str(html_503.inner_exception)


def test_slow_response_times_out_and_drop_disconnects(emu: Emulator) -> None:
    emu.inject("slow", delay=1.0)
    started = time.monotonic()
    timeout = sdk_error(emu, {}, read_timeout=300)
    assert time.monotonic() - started < 0.9
    assert "Read timed out" in timeout.inner_exception.message
    emu.inject("drop")
    dropped = sdk_error(emu, {})
    assert type(dropped).__name__ == "UnretryableException"
    assert type(dropped.inner_exception).__name__ == "RetryError"
    assert [r.status for r in emu.requests][-1] == 0


def test_latency_and_id_targeted_faults(emu: Emulator) -> None:
    emu.add_group("eci-a")
    emu.add_group("eci-b")
    emu.inject("unavailable", times=None, ids=["eci-b"])
    emu.latency = 0.15
    started = time.monotonic()
    assert raw(emu, {"ContainerGroupIds": '["eci-a"]'})["Data"][0]["ContainerGroupId"] == "eci-a"
    assert time.monotonic() - started >= 0.15
    for _ in range(2):
        assert sdk_error(emu, {"ContainerGroupIds": '["eci-b"]'}).code == "ServiceUnavailable"
    assert emu.request_count == 3
    with pytest.raises(ValueError, match="unknown fault"):
        emu.inject("explode")


def test_demo_groups_tell_the_stories() -> None:
    now = datetime.now(timezone.utc)
    groups = demo_groups(now)
    reasons = {e["Reason"] for g in groups for e in g.events}
    assert {"StockExhaust", *DEMO_STORIES} <= reasons
    maintenance = next(e for g in groups for e in g.events if e["Reason"] == "ScheduledMaintenance")
    plan = json.loads(maintenance["Message"])["planExecTime"]
    assert datetime.fromisoformat(plan.replace(".000", "")) > now
    for group in groups:
        assert all(e["LastTimestamp"] <= now.strftime("%Y-%m-%dT%H:%M:%SZ") for e in group.events)


def test_every_demo_event_is_in_the_catalog() -> None:
    from eci_events.catalog import load_catalog

    catalog = load_catalog()
    for group in demo_groups():
        for record in group.events:
            match = catalog.match(record["Reason"], record["Message"])
            assert match.entry is not None, record["Reason"]
            assert match.variant is not None, record["Message"]  # a real template, not a guess


# -- the world: DescribeContainerGroups ------------------------------------------------------


def typed_error(call: Any) -> Any:
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


GROUP_KEYS = {
    "ContainerGroupId",
    "ContainerGroupName",
    "RegionId",
    "ZoneId",
    "VSwitchId",
    "VpcId",
    "SecurityGroupId",
    "ResourceGroupId",
    "InstanceType",
    "Cpu",
    "Memory",
    "SpotStrategy",
    "SpotPriceLimit",
    "Status",
    "CreationTime",
    "Tags",
    "Events",
    "Containers",
}
STATE_KEYS = {"State", "Reason", "ExitCode", "Signal", "DetailStatus", "Message"}


def test_describe_container_groups_answers_the_spec(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    # fixed moments: ago() called again later could fall in the next second
    failed, started = ago(minutes=3), ago(minutes=9)
    oom = state("Terminated", reason="OOMKilled", exit_code=137, started=started)
    emu.add_group(
        "eci-1",
        name="worker-0",
        namespace="batch",
        instance_type="ecs.c6.xlarge",
        cpu=4.0,
        memory=8.0,
        zone="cn-hangzhou-k",
        vswitch=["vsw-k", "vsw-h"],
        vpc="vpc-1",
        security_group="sg-1",
        spot_strategy="SpotWithPriceLimit",
        spot_price_limit=0.25,
        status="Failed",
        failed_time=failed,
        tags={"app": "report"},
        containers=[
            container(
                "app",
                image="nginx:1.27",
                cpu=2.0,
                memory=2.0,
                restart_count=4,
                current=state("Waiting", reason="CrashLoopBackOff"),
                previous=oom,
            )
        ],
        events=[event("OOMKilled", "Memory cgroup out of memory", count=4, last=ago(minutes=3))],
    )
    response = client(emu).describe_container_groups(
        models.DescribeContainerGroupsRequest(
            region_id=REGION, container_group_ids=json.dumps(["eci-1"])
        )
    )
    assert emu.requests[-1].action == "DescribeContainerGroups"
    assert emu.requests[-1].query["ContainerGroupIds"] == '["eci-1"]'
    body = response.body
    assert (body.total_count, body.next_token) == (1, "")
    (group,) = body.container_groups
    assert (group.container_group_id, group.container_group_name) == ("eci-1", "worker-0")
    assert (group.instance_type, group.cpu, group.memory) == ("ecs.c6.xlarge", 4.0, 8.0)
    assert (group.zone_id, group.v_switch_id, group.vpc_id) == (
        "cn-hangzhou-k",
        "vsw-k,vsw-h",
        "vpc-1",
    )
    assert (group.security_group_id, group.region_id) == ("sg-1", REGION)
    assert (group.spot_strategy, group.spot_price_limit) == ("SpotWithPriceLimit", 0.25)
    assert (group.status, group.failed_time) == ("Failed", stamp_of(failed))
    assert group.expired_time is None
    assert [(t.key, t.value) for t in group.tags] == [("app", "report")]
    (record,) = group.events
    assert (record.reason, record.count, record.type) == ("OOMKilled", 4, "Warning")
    assert record.name  # the event object's name (Metadata.Name)
    (app,) = group.containers
    assert (app.name, app.image, app.cpu, app.memory) == ("app", "nginx:1.27", 2.0, 2.0)
    assert (app.restart_count, app.ready) == (4, False)
    assert (app.current_state.state, app.current_state.reason) == ("Waiting", "CrashLoopBackOff")
    previous = app.previous_state
    assert (previous.state, previous.reason, previous.exit_code) == ("Terminated", "OOMKilled", 137)
    assert previous.start_time == stamp_of(started)
    # exactly the keys the SDK model reads, nested the same way
    raw_group = raw(emu, {"Action": "DescribeContainerGroups"})["ContainerGroups"][0]
    assert set(raw_group) == GROUP_KEYS | {"FailedTime"}
    assert set(raw_group["Events"][0]) == {
        "Count",
        "Type",
        "Name",
        "Reason",
        "Message",
        "FirstTimestamp",
        "LastTimestamp",
    }
    assert set(raw_group["Containers"][0]) == {
        "Name",
        "Image",
        "Cpu",
        "Memory",
        "RestartCount",
        "Ready",
        "CurrentState",
        "PreviousState",
    }
    assert set(raw_group["Containers"][0]["CurrentState"]) == STATE_KEYS
    assert set(raw_group["Containers"][0]["PreviousState"]) == STATE_KEYS | {"StartTime"}


def stamp_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_group_events_appear_in_both_event_shapes(emu: Emulator) -> None:
    emu.add_group(
        "eci-1",
        name="web",
        events=[
            event("NoStock", "out", count=3, first=ago(minutes=9), last=ago(minutes=2)),
            event("Started", "ok", type="Normal", last=ago(minutes=30), component="kubelet"),
        ],
    )
    emu.add_event("eci-1", event("BackOff", "again", last=ago(minutes=1)))
    events = raw(emu, {"ContainerGroupIds": '["eci-1"]'})["Data"][0]["Events"]
    groups = raw(emu, {"Action": "DescribeContainerGroups"})["ContainerGroups"]
    assert [(e["Reason"], e["Count"], e["FirstTimestamp"], e["LastTimestamp"]) for e in events] == [
        (e["Reason"], e["Count"], e["FirstTimestamp"], e["LastTimestamp"])
        for e in groups[0]["Events"]
    ]
    assert [e["Name"] for e in groups[0]["Events"]] == [e["Metadata"]["Name"] for e in events]
    assert [e["Reason"] for e in groups[0]["Events"]] == ["Started", "NoStock", "BackOff"]
    without = raw(emu, {"Action": "DescribeContainerGroups", "WithEvent": False})
    assert without["ContainerGroups"][0]["Events"] == []


def test_describe_container_groups_filters(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    emu.add_group("eci-1", name="web-0", tags={"app": "web"}, zone="cn-hangzhou-j", vswitch="vsw-j")
    emu.add_group("eci-2", name="web-1", tags={"app": "web", "env": "dev"}, vswitch="vsw-a,vsw-b")
    emu.add_group("eci-3", name="db-0", status="ScheduleFailed", resource_group="rg-3")
    emu.add_group("eci-4", name="db-1", security_group="sg-4")
    emu.add_group("eci-5", name="web-0", region="cn-beijing")

    def ids(**query: Any) -> list[str]:
        request = models.DescribeContainerGroupsRequest(region_id=REGION, **query)
        answer = client(emu).describe_container_groups(request).body
        return [g.container_group_id for g in answer.container_groups]

    assert ids() == ["eci-1", "eci-2", "eci-3", "eci-4"]
    assert ids(container_group_name="web-0") == ["eci-1"]
    assert ids(status="ScheduleFailed") == ["eci-3"]
    assert ids(zone_id="cn-hangzhou-j") == ["eci-1"]
    assert ids(v_switch_id="vsw-b") == ["eci-2"]  # one of several vSwitches
    assert ids(resource_group_id="rg-3") == ["eci-3"]
    assert ids(security_group_id="sg-4") == ["eci-4"]
    assert ids(container_group_ids=json.dumps(["eci-4", "eci-2", "eci-5", "eci-x"])) == [
        "eci-4",
        "eci-2",
    ]
    tags = [
        models.DescribeContainerGroupsRequestTag(key="app", value="web"),
        models.DescribeContainerGroupsRequestTag(key="env", value="dev"),
    ]
    assert ids(tag=tags) == ["eci-2"]
    assert emu.requests[-1].query["Tag.2.Value"] == "dev"


def test_describe_container_groups_pages_by_20_at_most(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    for n in range(45):
        emu.add_group(f"eci-{n:02d}")
    eci = client(emu)
    seen: list[str] = []
    token = None
    pages = []
    while True:
        body = eci.describe_container_groups(
            models.DescribeContainerGroupsRequest(region_id=REGION, next_token=token)
        ).body
        assert body.total_count == 45
        pages.append(len(body.container_groups))
        seen += [g.container_group_id for g in body.container_groups]
        token = body.next_token or None
        if token is None:
            break
    assert pages == [20, 20, 5]
    assert seen == [f"eci-{n:02d}" for n in range(45)]
    small = eci.describe_container_groups(
        models.DescribeContainerGroupsRequest(region_id=REGION, limit=7)
    ).body
    assert len(small.container_groups) == 7 and small.next_token
    error = sdk_error(emu, {"Action": "DescribeContainerGroups", "Limit": 21})
    assert (error.code, error.status_code) == ("InvalidParameter.Limit", 400)
    error = sdk_error(emu, {"Action": "DescribeContainerGroups", "NextToken": "nope"})
    assert error.code == "InvalidNextToken"


def test_describe_container_groups_takes_at_most_20_ids(emu: Emulator) -> None:
    ids = [f"eci-{n}" for n in range(21)]
    for n in range(21):
        emu.add_group(f"eci-{n}")
    query = {"Action": "DescribeContainerGroups", "ContainerGroupIds": json.dumps(ids)}
    error = sdk_error(emu, query)
    assert (error.code, error.status_code) == ("InvalidParameter.ContainerGroupIds", 400)
    assert "20" in error.data["Message"]
    query = {"Action": "DescribeContainerGroups", "ContainerGroupIds": json.dumps(ids[:20])}
    assert raw(emu, query)["TotalCount"] == 20
    assert sdk_error(emu, {"Action": "DescribeContainerGroups", "RegionId": ""}).code == (
        "MissingRegionId"
    )


# -- DescribeAvailableResource, DescribeRegions, ListUsage -----------------------------------


def available(emulator: Emulator, **request: Any) -> dict[str, list[tuple[str, str]]]:
    """zone -> [(Value, StatusCategory)], through the typed SDK call."""
    from alibabacloud_eci20180808 import models

    destination = request.pop("destination")
    spot = request.pop("spot", None)
    answer = client(emulator).describe_available_resource(
        models.DescribeAvailableResourceRequest(
            region_id=REGION,
            destination_resource=models.DescribeAvailableResourceRequestDestinationResource(
                **destination
            ),
            spot_resource=models.DescribeAvailableResourceRequestSpotResource(**spot)
            if spot
            else None,
            **request,
        )
    )
    found = {}
    for zone in answer.body.available_zones.available_zone:
        assert zone.region_id == REGION
        (resource,) = zone.available_resources.available_resource
        assert resource.type == destination["category"]
        found[zone.zone_id] = [
            (s.value, s.status_category) for s in resource.supported_resources.supported_resource
        ]
    return found


def test_available_resource_by_instance_type_per_zone(emu: Emulator) -> None:
    emu.set_stock("cn-hangzhou-h", "ecs.c6.xlarge", "WithStock")
    emu.set_stock("cn-hangzhou-i", "ecs.c6.xlarge", "ClosedWithStock")
    emu.set_stock("cn-hangzhou-b", "ecs.c6.xlarge", "ClosedWithoutStock")
    emu.set_stock("cn-hangzhou-k", "ecs.c6.xlarge", "WithStock", spot=True)  # another table
    found = available(emu, destination={"category": "InstanceType", "value": "ecs.c6.xlarge"})
    assert emu.requests[-1].query["DestinationResource.Category"] == "InstanceType"
    assert emu.requests[-1].query["DestinationResource.Value"] == "ecs.c6.xlarge"
    assert found == {
        "cn-hangzhou-b": [("ecs.c6.xlarge", "ClosedWithoutStock")],
        "cn-hangzhou-g": [("ecs.c6.xlarge", "WithoutStock")],  # the default
        "cn-hangzhou-h": [("ecs.c6.xlarge", "WithStock")],
        "cn-hangzhou-i": [("ecs.c6.xlarge", "ClosedWithStock")],
        "cn-hangzhou-j": [("ecs.c6.xlarge", "WithoutStock")],
        "cn-hangzhou-k": [("ecs.c6.xlarge", "WithoutStock")],
    }
    one = available(
        emu,
        destination={"category": "InstanceType", "value": "ecs.c6.xlarge"},
        zone_id="cn-hangzhou-h",
    )
    assert one == {"cn-hangzhou-h": [("ecs.c6.xlarge", "WithStock")]}
    # a family: its own entry, else the best of its types
    family = available(emu, destination={"category": "InstanceTypeFamily", "value": "ecs.c6"})
    assert family["cn-hangzhou-i"] == [("ecs.c6", "ClosedWithStock")]
    assert family["cn-hangzhou-g"] == [("ecs.c6", "WithoutStock")]
    emu.set_stock("cn-hangzhou-i", "ecs.c6", "WithoutStock")
    family = available(emu, destination={"category": "InstanceTypeFamily", "value": "ecs.c6"})
    assert family["cn-hangzhou-i"] == [("ecs.c6", "WithoutStock")]
    with pytest.raises(ValueError, match="unknown stock"):
        emu.set_stock("cn-hangzhou-i", "ecs.c6", "Plenty")


def test_available_resource_by_cores_and_memory(emu: Emulator) -> None:
    emu.set_stock("cn-hangzhou-k", "ecs.c7.xlarge", "WithStock")
    emu.set_stock("cn-hangzhou-k", "ecs.c5.xlarge", "ClosedWithStock")
    emu.add_instance_type("ecs.c8i.xlarge", 4, 8)
    emu.set_stock("cn-hangzhou-k", "ecs.c8i.xlarge", "WithStock")
    found = available(
        emu,
        destination={"category": "InstanceType", "cores": 4, "memory": 8},
        zone_id="cn-hangzhou-k",
    )
    query = emu.requests[-1].query
    assert (query["DestinationResource.Cores"], query["DestinationResource.Memory"]) == ("4", "8")
    assert "DestinationResource.Value" not in query
    assert found == {
        "cn-hangzhou-k": [
            ("ecs.c5.xlarge", "ClosedWithStock"),
            ("ecs.c6.xlarge", "WithoutStock"),
            ("ecs.c7.xlarge", "WithStock"),
            ("ecs.c8i.xlarge", "WithStock"),
        ]
    }
    floats = available(emu, destination={"category": "InstanceType", "cores": 2.0, "memory": 16.0})
    assert floats["cn-hangzhou-h"] == [("ecs.r6.large", "WithoutStock")]


def test_available_resource_spot_has_its_own_table(emu: Emulator) -> None:
    emu.set_stock("cn-hangzhou-h", "ecs.c6.2xlarge", "WithStock")
    emu.set_stock("cn-hangzhou-j", "ecs.c6.2xlarge", "WithStock")
    emu.set_stock("cn-hangzhou-h", "ecs.c6.2xlarge", "WithoutStock", spot=True)
    emu.set_stock("cn-hangzhou-k", "ecs.c6.2xlarge", "WithStock", spot=True)
    type_ = {"category": "InstanceType", "value": "ecs.c6.2xlarge"}
    spot = available(emu, destination=type_, spot={"spot_strategy": "SpotAsPriceGo"})
    assert emu.requests[-1].query["SpotResource.SpotStrategy"] == "SpotAsPriceGo"
    assert {z: s[0][1] for z, s in spot.items() if s[0][1] != "WithoutStock"} == {
        "cn-hangzhou-k": "WithStock"
    }
    limited = available(
        emu,
        destination=type_,
        spot={"spot_strategy": "SpotWithPriceLimit", "spot_price_limit": 0.3, "spot_duration": 1},
    )
    assert emu.requests[-1].query["SpotResource.SpotPriceLimit"] == "0.3"
    assert limited == spot
    paygo = available(emu, destination=type_, spot={"spot_strategy": "NoSpot"})
    assert {z for z, s in paygo.items() if s[0][1] == "WithStock"} == {
        "cn-hangzhou-h",
        "cn-hangzhou-j",
    }


def test_available_resource_checks_its_parameters(emu: Emulator) -> None:
    def code(**query: Any) -> str:
        error = sdk_error(emu, {"Action": "DescribeAvailableResource", **query})
        return f"{error.status_code} {error.code}"

    assert code() == "400 MissingParameter"
    assert code(DestinationResource={"Category": "Disk", "Value": "x"}) == (
        "400 InvalidParameter.DestinationResource.Category"
    )
    assert code(DestinationResource={"Category": "InstanceType"}) == "400 MissingParameter"
    assert code(DestinationResource={"Category": "InstanceType", "Cores": 4}) == (
        "400 MissingParameter"
    )
    family = {"Category": "InstanceTypeFamily", "Value": "ecs.c6"}
    assert code(DestinationResource=family, SpotResource={"SpotStrategy": "SpotAsPriceGo"}) == (
        "400 InvalidParameter.SpotResource"
    )
    type_ = {"Category": "InstanceType", "Value": "ecs.c6.large"}
    assert code(DestinationResource=type_, SpotResource={"SpotStrategy": "SpotWithPriceLimit"}) == (
        "400 MissingParameter"
    )
    assert code(DestinationResource=type_, SpotResource={"SpotStrategy": "Cheap"}) == (
        "400 InvalidParameter.SpotResource.SpotStrategy"
    )
    assert code(DestinationResource=type_, RegionId="eu-central-9") == "400 InvalidRegionId"


def test_regions_with_zones_and_recommendations(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    emu.set_region(
        REGION,
        zones=["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-k"],
        recommend=["cn-hangzhou-h"],
    )
    emu.set_region("cn-shanghai", recommend=["cn-shanghai-l"])
    body = client(emu).describe_regions(models.DescribeRegionsRequest(region_id=REGION)).body
    assert [r.region_id for r in body.regions] == [REGION, "cn-shanghai"]
    hangzhou, shanghai = body.regions
    assert hangzhou.zones == ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-k"]
    assert hangzhou.recommend_zones == ["cn-hangzhou-h"]
    assert hangzhou.region_endpoint == "eci.cn-hangzhou.aliyuncs.com"
    assert shanghai.zones == ["cn-shanghai-b", "cn-shanghai-g", "cn-shanghai-l"]
    assert set(raw(emu, {"Action": "DescribeRegions"})["Regions"][0]) == {
        "RegionId",
        "RegionEndpoint",
        "Zones",
        "RecommendZones",
    }
    # the zones of a region are those DescribeAvailableResource answers for
    found = available(emu, destination={"category": "InstanceType", "value": "ecs.c6.large"})
    assert list(found) == ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-k"]
    # and a region of the world is one every action accepts
    assert raw(emu, {"RegionId": "cn-shanghai"})["Data"] == []


def test_list_usage_attributes(emu: Emulator) -> None:
    from alibabacloud_eci20180808 import models

    emu.usage.update(UsedCpu=196.5, MaxCpu=200, UsedAutoImageCacheCount=4)
    body = client(emu).list_usage(models.ListUsageRequest(region_id=REGION)).body
    assert body.attributes == {
        "UsedCpu": 196.5,
        "MaxCpu": 200,
        "UsedImageCacheCount": 0,
        "MaxImageCacheCount": 50,
        "UsedAutoImageCacheCount": 4,
        "MaxAutoImageCacheCount": 25,
        "UsedDataCacheCount": 0,
        "MaxDataCacheCount": 100,
    }
    assert set(raw(emu, {"Action": "ListUsage"})) == {"RequestId", "Attributes"}
    error = typed_error(lambda: client(emu).list_usage(models.ListUsageRequest()))
    assert error.code == "MissingRegionId"


# -- DescribeContainerLog -----------------------------------------------------------------------


def log(emulator: Emulator, **request: Any) -> Any:
    from alibabacloud_eci20180808 import models

    request.setdefault("container_group_id", "eci-1")
    request.setdefault("container_name", "app")
    return client(emulator).describe_container_log(
        models.DescribeContainerLogRequest(region_id=REGION, **request)
    )


def test_container_log_current_and_previous(emu: Emulator) -> None:
    emu.add_group(
        "eci-1",
        containers=[
            container("app", logs={"current": "up again\n", "previous": "a\nb\nkilled\n"}),
            container("sidecar"),
        ],
    )
    current = log(emu).body
    assert (current.content, current.container_name) == ("up again\n", "app")
    assert current.request_id
    previous = log(emu, last_time=True).body
    assert previous.content == "a\nb\nkilled\n"
    assert emu.requests[-1].query["LastTime"] == "True"  # how the SDK spells a boolean
    assert log(emu, last_time=False).body.content == "up again\n"
    assert log(emu, container_name="sidecar").body.content == ""  # nothing logged yet
    assert set(
        raw(
            emu,
            {"Action": "DescribeContainerLog", "ContainerGroupId": "eci-1", "ContainerName": "app"},
        )
    ) == {
        "RequestId",
        "ContainerName",
        "Content",
    }


def test_container_log_tail_and_limit_bytes(emu: Emulator) -> None:
    lines = "".join(f"line {n}\n" for n in range(3000))
    emu.add_group("eci-1", containers=[container("app", logs={"current": lines})])
    assert log(emu).body.content.splitlines() == [f"line {n}" for n in range(2500, 3000)]  # 500
    assert log(emu, tail=2).body.content == "line 2998\nline 2999\n"
    assert len(log(emu, tail=2000).body.content.splitlines()) == 2000
    assert log(emu, tail=2, limit_bytes=7).body.content == "line 29"
    assert len(log(emu, tail=2000, limit_bytes=1024 * 1024).body.content.splitlines()) == 2000
    for bad in ({"tail": 2001}, {"tail": 0}, {"limit_bytes": 1024 * 1024 + 1}, {"limit_bytes": 0}):
        error = typed_error(lambda bad=bad: log(emu, **bad))
        name = "Tail" if "tail" in bad else "LimitBytes"
        assert (error.code, error.status_code) == (f"InvalidParameter.{name}", 400)
    # a multi-byte character cut by LimitBytes is dropped, not broken
    emu.add_group("eci-2", containers=[container("app", logs={"current": "né\n"})])
    assert log(emu, container_group_id="eci-2", limit_bytes=2).body.content == "n"


def test_container_log_unknown_group_or_container(emu: Emulator) -> None:
    emu.add_group("eci-1", containers=[container("app")])
    error = typed_error(lambda: log(emu, container_group_id="eci-nope"))
    assert (error.code, error.status_code) == ("InvalidContainerGroup.NotFound", 404)
    assert "eci-nope" in error.data["Message"]
    error = typed_error(lambda: log(emu, container_name="nope"))
    assert (error.code, error.status_code) == ("InvalidContainerName.NotFound", 404)
    error = typed_error(lambda: log(emu, container_name=None))
    assert (error.code, error.status_code) == ("MissingParameter", 400)
    assert "ContainerName" in error.data["Message"]


# -- VPC DescribeVSwitches ----------------------------------------------------------------------


def vswitches(emulator: Emulator, **query: Any) -> dict[str, Any]:
    """DescribeVSwitches through the generic call, as the client makes it (no VPC SDK)."""
    return raw(emulator, {"Action": "DescribeVSwitches", **query}, version="2016-04-28")


def test_describe_vswitches_filters_and_shape(emu: Emulator) -> None:
    emu.add_vswitch("vsw-k", vpc="vpc-1", zone="cn-hangzhou-k", free_ips=3)
    emu.add_vswitch("vsw-h", vpc="vpc-1", zone="cn-hangzhou-h", free_ips=200, name="shop-h")
    emu.add_vswitch("vsw-j", vpc="vpc-1", zone="cn-hangzhou-j", free_ips=0, cidr="10.1.0.0/28")
    emu.add_vswitch("vsw-x", vpc="vpc-2", zone="cn-hangzhou-h")
    emu.add_vswitch("vsw-bj", vpc="vpc-3", zone="cn-beijing-a", region="cn-beijing")
    body = vswitches(emu, VpcId="vpc-1")
    assert emu.requests[-1].headers["x-acs-version"] == "2016-04-28"
    assert set(body) == {"RequestId", "TotalCount", "PageNumber", "PageSize", "VSwitches"}
    assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (3, 1, 10)
    found = {v["VSwitchId"]: v for v in body["VSwitches"]["VSwitch"]}
    assert {k: (v["ZoneId"], v["AvailableIpAddressCount"]) for k, v in found.items()} == {
        "vsw-k": ("cn-hangzhou-k", 3),
        "vsw-h": ("cn-hangzhou-h", 200),
        "vsw-j": ("cn-hangzhou-j", 0),
    }
    assert found["vsw-j"]["CidrBlock"] == "10.1.0.0/28"
    assert (found["vsw-h"]["VSwitchName"], found["vsw-h"]["Status"]) == ("shop-h", "Available")
    assert set(found["vsw-h"]) >= {
        "VSwitchId",
        "VpcId",
        "ZoneId",
        "AvailableIpAddressCount",
        "CidrBlock",
        "Status",
        "VSwitchName",
    }

    def ids(**query: Any) -> list[str]:
        return [v["VSwitchId"] for v in vswitches(emu, **query)["VSwitches"]["VSwitch"]]

    assert ids() == ["vsw-k", "vsw-h", "vsw-j", "vsw-x"]
    assert ids(ZoneId="cn-hangzhou-h") == ["vsw-h", "vsw-x"]
    assert ids(VpcId="vpc-1", ZoneId="cn-hangzhou-h") == ["vsw-h"]
    assert ids(VSwitchId="vsw-j") == ["vsw-j"]
    emu.set_region("cn-beijing")
    assert ids(RegionId="cn-beijing") == ["vsw-bj"]
    assert vswitches(emu, VpcId="vpc-nope")["VSwitches"]["VSwitch"] == []


def test_describe_vswitches_pages(emu: Emulator) -> None:
    for n in range(23):
        emu.add_vswitch(f"vsw-{n:02d}", vpc="vpc-1", zone="cn-hangzhou-k")

    def page(**query: Any) -> list[str]:
        return [v["VSwitchId"] for v in vswitches(emu, **query)["VSwitches"]["VSwitch"]]

    assert page() == [f"vsw-{n:02d}" for n in range(10)]
    assert page(PageNumber=3) == ["vsw-20", "vsw-21", "vsw-22"]
    assert page(PageNumber=2, PageSize=20) == ["vsw-20", "vsw-21", "vsw-22"]
    assert len(page(PageSize=50)) == 23
    assert page(PageNumber=9) == []
    body = vswitches(emu, PageNumber=2, PageSize=5)
    assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (23, 2, 5)
    error = sdk_error(emu, {"Action": "DescribeVSwitches", "PageSize": 51}, version="2016-04-28")
    assert (error.code, error.status_code) == ("InvalidParameter.PageSize", 400)
    error = sdk_error(emu, {"Action": "DescribeVSwitches", "RegionId": ""}, version="2016-04-28")
    assert error.code == "MissingRegionId"


# -- every action: signatures, permissions, faults ----------------------------------------------

# One valid request per action: (query with Action, version).
EVERY_ACTION: dict[str, tuple[dict[str, Any], str]] = {
    "DescribeContainerGroupEvents": ({}, "2018-08-08"),
    "DescribeContainerGroups": ({}, "2018-08-08"),
    "DescribeAvailableResource": (
        {"DestinationResource": {"Category": "InstanceType", "Value": "ecs.c6.large"}},
        "2018-08-08",
    ),
    "DescribeRegions": ({}, "2018-08-08"),
    "ListUsage": ({}, "2018-08-08"),
    "DescribeContainerLog": ({"ContainerGroupId": "eci-1", "ContainerName": "app"}, "2018-08-08"),
    "DescribeVSwitches": ({}, "2016-04-28"),
}


def call(emulator: Emulator, action: str, **config: Any) -> dict[str, Any]:
    query, version = EVERY_ACTION[action]
    return raw(emulator, {"Action": action, **query}, version, **config)


def call_error(emulator: Emulator, action: str, **config: Any) -> Any:
    with pytest.raises(Exception) as caught:
        call(emulator, action, **config)
    return caught.value


def test_every_route_has_a_sample_request() -> None:
    from eci_events.emulator.server import ROUTES

    assert {action: version for action, version in ROUTES} == {
        action: version for action, (_, version) in EVERY_ACTION.items()
    }


@pytest.mark.parametrize("action", sorted(EVERY_ACTION))
def test_signatures_are_checked_on_every_action(emu: Emulator, action: str) -> None:
    emu.add_group("eci-1", containers=[container("app")])
    assert "RequestId" in call(emu, action)
    assert emu.requests[-1].action == action and emu.requests[-1].status == 200
    wrong = call_error(emu, action, secret="not-the-secret")
    assert (wrong.code, wrong.status_code) == ("SignatureDoesNotMatch", 400)
    assert SECRET not in json.dumps(wrong.data)
    unknown = call_error(emu, action, key_id="LTAI-nobody")
    assert (unknown.code, unknown.status_code) == ("InvalidAccessKeyId.NotFound", 404)


def test_deny_one_action_for_one_key(emu: Emulator) -> None:
    other = "LTAI5tEmulatorKeyId02"
    emu.credentials[other] = SECRET
    emu.add_group("eci-1", containers=[container("app")])
    emu.deny(KEY_ID, "DescribeContainerLog")
    emu.deny(KEY_ID, "vpc:DescribeVSwitches")  # the RAM action's spelling works too
    for action in EVERY_ACTION:
        if action in ("DescribeContainerLog", "DescribeVSwitches"):
            error = call_error(emu, action)
            assert (error.code, error.status_code) == ("Forbidden.RAM", 403), action
            assert "not authorized" in error.data["Message"]
            assert "RequestId" in call(emu, action, key_id=other)  # only that key
        else:
            assert "RequestId" in call(emu, action), action
    emu.deny(KEY_ID)  # every action
    for action in EVERY_ACTION:
        assert call_error(emu, action).code == "Forbidden.RAM", action


def test_faults_limited_to_actions(emu: Emulator) -> None:
    emu.add_group("eci-1", containers=[container("app")])
    emu.add_group("eci-2", containers=[container("app")])
    emu.inject("unavailable", times=None, actions=["ListUsage"])
    for _ in range(2):
        assert call_error(emu, "ListUsage").code == "ServiceUnavailable"
    assert "Data" in call(emu, "DescribeContainerGroupEvents")
    emu.clear_faults()
    emu.inject("throttle", times=None, ids=["eci-1"], actions=["DescribeContainerLog"])
    assert call_error(emu, "DescribeContainerLog").code == "Throttling.User"
    other = {"Action": "DescribeContainerLog", "ContainerGroupId": "eci-2", "ContainerName": "app"}
    assert raw(emu, other)["Content"] == ""
    assert raw(emu, {"ContainerGroupIds": '["eci-1"]'})["Data"]  # the events of eci-1
    assert emu.requests[-3].ids == ["eci-1"]  # ContainerGroupId counts as a named id
    with pytest.raises(ValueError, match="unknown actions"):
        emu.inject("throttle", actions=["DescribeEverything"])


@pytest.mark.parametrize("action", sorted(EVERY_ACTION))
def test_every_fault_kind_works_for_every_action(emu: Emulator, action: str) -> None:
    emu.add_group("eci-1", containers=[container("app", logs={"current": "ok\n"})])
    expected = {
        "throttle": ("ClientException", 400),
        "unavailable": ("ServerException", 503),
        "html": ("UnretryableException", 503),
        "error": ("ServerException", 500),
        "body": ("UnretryableException", 200),
        "redirect": (None, 302),
        "drop": ("UnretryableException", 0),
    }
    for kind, (exception, status) in expected.items():
        options: dict[str, Any] = {"actions": [action]}
        if kind == "error":
            options.update(status=500, code="InternalError")
        if kind == "body":
            options.update(status=200, body=b"{not json")
        emu.inject(kind, **options)
        with pytest.raises(Exception) as caught:
            call(emu, action)
        if exception is not None:
            assert type(caught.value).__name__ == exception, kind
        assert emu.requests[-1].status == status, kind
    emu.inject("trickle", delay=0.0002, actions=[action])
    assert "RequestId" in call(emu, action)
    emu.inject("slow", delay=0.5, actions=[action])
    started = time.monotonic()
    timeout = call_error(emu, action, read_timeout=100)
    assert time.monotonic() - started < 0.45
    assert "Read timed out" in timeout.inner_exception.message
    assert "RequestId" in call(emu, action)  # every fault used up


# -- the demo world -------------------------------------------------------------------------------


@pytest.fixture
def demo() -> Iterator[tuple[Emulator, datetime]]:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with demo_emulator(KEY_ID, SECRET, now) as emulator:
        yield emulator, now


def groups_of(emulator: Emulator, **request: Any) -> list[Any]:
    from alibabacloud_eci20180808 import models

    return list(
        client(emulator)
        .describe_container_groups(
            models.DescribeContainerGroupsRequest(region_id=REGION, **request)
        )
        .body.container_groups
    )


def parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def test_demo_stock_story(demo: tuple[Emulator, datetime]) -> None:
    emu, _ = demo
    (web,) = groups_of(emu, container_group_name="web-frontend-7c9d5")
    assert (web.status, web.instance_type, web.zone_id) == (
        "Pending",
        "ecs.c6.xlarge",
        "cn-hangzhou-k",
    )
    assert web.v_switch_id.split(",") == ["vsw-bp1demo0000000000k"]  # one zone allowed
    stock_events = [e for e in web.events if e.reason in ("NoStock", "StockExhaust")]
    assert {e.reason for e in stock_events} == {"NoStock", "StockExhaust"}
    assert all(e.message.endswith("ecs.c6.xlarge in cn-hangzhou-k") for e in stock_events)
    assert max(e.count for e in stock_events if e.reason == "NoStock") > 1
    # no stock where the group may go; stock in three other zones
    wanted = available(emu, destination={"category": "InstanceType", "value": "ecs.c6.xlarge"})
    assert wanted["cn-hangzhou-k"] == [("ecs.c6.xlarge", "WithoutStock")]
    stocked = {zone for zone, found in wanted.items() if found[0][1] == "WithStock"}
    assert stocked == {"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"}
    # of those, two have a vSwitch with free IPs in the group's VPC; one has a full vSwitch
    same_vpc = vswitches(emu, VpcId=web.vpc_id)["VSwitches"]["VSwitch"]
    free = {v["ZoneId"] for v in same_vpc if v["AvailableIpAddressCount"] > 0}
    full = {v["ZoneId"] for v in same_vpc if v["AvailableIpAddressCount"] == 0}
    assert stocked & free == {"cn-hangzhou-h", "cn-hangzhou-i"}
    assert stocked & full == {"cn-hangzhou-j"}
    other_vpc = vswitches(emu, ZoneId="cn-hangzhou-g")["VSwitches"]["VSwitch"]
    assert [v["VpcId"] for v in other_vpc] != [web.vpc_id]
    # other specifications with stock in the group's own zone (eci-use-specs)
    same_size = available(
        emu,
        destination={"category": "InstanceType", "cores": web.cpu, "memory": web.memory},
        zone_id=web.zone_id,
    )[web.zone_id]
    assert ("ecs.c7.xlarge", "WithStock") in same_size
    assert ("ecs.c6.xlarge", "WithoutStock") in same_size
    bigger = available(
        emu, destination={"category": "InstanceType", "value": "ecs.g6.xlarge"}, zone_id=web.zone_id
    )
    assert bigger == {"cn-hangzhou-k": [("ecs.g6.xlarge", "WithStock")]}
    spot = available(
        emu,
        destination={"category": "InstanceType", "value": "ecs.c6.xlarge"},
        spot={"spot_strategy": "SpotAsPriceGo"},
    )
    assert spot["cn-hangzhou-k"] == [("ecs.c6.xlarge", "WithoutStock")]
    from alibabacloud_eci20180808 import models

    regions = client(emu).describe_regions(models.DescribeRegionsRequest(region_id=REGION)).body
    hangzhou = next(r for r in regions.regions if r.region_id == REGION)
    assert set(hangzhou.recommend_zones) == {"cn-hangzhou-h", "cn-hangzhou-i"}
    assert set(hangzhou.zones) == set(wanted)


def test_demo_oom_story(demo: tuple[Emulator, datetime]) -> None:
    emu, _ = demo
    (report,) = groups_of(emu, container_group_name="report-worker-5f6b8")
    worker = next(c for c in report.containers if c.name == "worker")
    assert worker.memory == 2.0 and worker.restart_count > 0
    previous = worker.previous_state
    assert (previous.state, previous.reason, previous.exit_code) == ("Terminated", "OOMKilled", 137)
    assert parse(previous.start_time) < parse(previous.finish_time)
    oom = next(e for e in report.events if e.reason == "OOMKilled")
    assert oom.count == worker.restart_count
    assert oom.last_timestamp == previous.finish_time
    assert worker.current_state.state == "Waiting" and not worker.ready
    tail = log(
        emu, container_group_id=report.container_group_id, container_name="worker", last_time=True
    )
    assert "heap in use" in tail.body.content.splitlines()[-1]
    two = log(
        emu,
        container_group_id=report.container_group_id,
        container_name="worker",
        last_time=True,
        tail=2,
    )
    assert len(two.body.content.splitlines()) == 2
    assert (
        log(emu, container_group_id=report.container_group_id, container_name="worker").body.content
        == ""
    )


def test_demo_quota_story(demo: tuple[Emulator, datetime]) -> None:
    from alibabacloud_eci20180808 import models

    emu, now = demo
    (trainer,) = groups_of(emu, status="ScheduleFailed")
    assert trainer.container_group_name == "ml-trainer-6d8f4"
    assert parse(trainer.failed_time) <= now
    assert [e.reason for e in trainer.events] == ["QuotaExceeded"]
    assert trainer.instance_type in trainer.events[0].message
    usage = client(emu).list_usage(models.ListUsageRequest(region_id=REGION)).body.attributes
    assert usage["UsedCpu"] / usage["MaxCpu"] >= 0.95
    assert usage["UsedCpu"] + trainer.cpu > usage["MaxCpu"]  # the group does not fit
    # not a stock problem: its type has stock in its zone
    found = available(
        emu,
        destination={"category": "InstanceType", "value": trainer.instance_type},
        zone_id=trainer.zone_id,
    )
    assert found[trainer.zone_id] == [(trainer.instance_type, "WithStock")]


def test_demo_spot_and_other_stories(demo: tuple[Emulator, datetime]) -> None:
    emu, _ = demo
    (spot,) = groups_of(emu, container_group_name="render-spot-2x9kq")
    assert (spot.spot_strategy, spot.status) == ("SpotAsPriceGo", "Expired")
    warned = parse(next(e for e in spot.events if e.reason == "SpotToBeReleased").last_timestamp)
    assert warned < parse(spot.expired_time) <= warned + timedelta(minutes=3)
    reasons = {e.reason for g in groups_of(emu) for e in g.events}
    assert {"StockExhaust", "QuotaExceeded", *DEMO_STORIES} <= reasons
    (db,) = groups_of(emu, container_group_name="payments-db-0")
    assert db.status == "Running" and db.containers[0].current_state.state == "Running"


def test_demo_world_is_consistent(demo: tuple[Emulator, datetime]) -> None:
    from alibabacloud_eci20180808 import models

    emu, now = demo
    groups = groups_of(emu)
    assert len(groups) == len(demo_groups(now)) == len(emu.groups)
    region = next(
        r
        for r in client(emu).describe_regions(models.DescribeRegionsRequest()).body.regions
        if r.region_id == REGION
    )
    switches = {v["VSwitchId"]: v for v in vswitches(emu, PageSize=50)["VSwitches"]["VSwitch"]}
    times: list[str] = []
    for group in groups:
        assert group.zone_id in region.zones
        for vsw in group.v_switch_id.split(","):
            assert (switches[vsw]["ZoneId"], switches[vsw]["VpcId"]) == (
                group.zone_id,
                group.vpc_id,
            )
        assert sum(c.cpu for c in group.containers) <= group.cpu
        assert sum(c.memory for c in group.containers) <= group.memory
        times += [group.creation_time, group.failed_time, group.expired_time]
        for item in group.events:
            times += [item.first_timestamp, item.last_timestamp]
        for box in group.containers:
            for moment in (box.current_state, box.previous_state):
                times += [moment.start_time, moment.finish_time]
    ages = [now - parse(t) for t in times if t]
    assert all(age >= timedelta(0) and age.total_seconds() % 60 == 0 for age in ages)
    # the events action serves the same groups and events
    data = raw(emu, {})["Data"]
    assert {d["ContainerGroupId"]: len(d["Events"]) for d in data} == {
        g.container_group_id: len(g.events) for g in groups
    }
