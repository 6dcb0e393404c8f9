"""The loopback ECI endpoint, driven by the real SDK (no mocks): wire format, checks, faults."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from eci_events.emulator import Emulator, demo_groups, event
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
