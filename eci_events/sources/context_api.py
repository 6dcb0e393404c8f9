"""The live context of container groups, read through the ECI (and VPC) API.

DescribeContainerGroups (specification, zone, vSwitches, containers and their states),
DescribeAvailableResource (stock per zone for a specification), DescribeRegions
(recommended zones), ListUsage (the account's vCPU and cache usage), DescribeContainerLog
(the previous container's last lines) and the VPC's DescribeVSwitches (free IPs per
vSwitch). Field names follow the SDK's models (alibabacloud_eci20180808.models); API pages:
help/en/eci/developer-reference/api-eci-2018-08-08-describecontainergroups and the pages of
the same name for the other actions (DescribeAvailableResource: doc-detail 350891).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from eci_events import coerce
from eci_events.errors import ApiError, EciEventsError
from eci_events.limits import IDS_PER_CALL, PAGES_PER_QUERY
from eci_events.sources.client import Client, run_parallel
from eci_events.timefmt import parse_time

VPC_VERSION = "2016-04-28"
LOG_TAIL = 20  # lines of the previous container's log diagnose shows
LOG_BYTES = 16 << 10  # at most this much of it


@dataclass(frozen=True)
class ContainerState:
    state: str
    reason: str = ""
    exit_code: int | None = None
    signal: int | None = None
    started: datetime | None = None
    finished: datetime | None = None
    message: str = ""


@dataclass(frozen=True)
class Container:
    name: str
    image: str
    memory: float | None  # GiB
    restart_count: int
    ready: bool
    current: ContainerState | None
    previous: ContainerState | None


@dataclass(frozen=True)
class GroupSpec:
    group_id: str
    name: str
    status: str
    instance_type: str
    cpu: float | None
    memory: float | None  # GiB
    zone: str
    vswitches: tuple[str, ...]
    vpc: str
    spot_strategy: str
    spot_price_limit: float | None
    creation_time: datetime | None
    failed_time: datetime | None
    expired_time: datetime | None
    containers: tuple[Container, ...]


@dataclass(frozen=True)
class Stock:
    """What DescribeAvailableResource says of one resource in one zone."""

    zone: str
    resource: str  # an instance type, as the API names it
    status: str  # WithStock, ClosedWithStock, WithoutStock, ClosedWithoutStock


@dataclass(frozen=True)
class VSwitch:
    vswitch_id: str
    vpc_id: str
    zone: str
    free_ips: int


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number else None


def _int(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and abs(number) < 1 << 62 else None


def _state(raw: Any) -> ContainerState | None:
    if not isinstance(raw, Mapping) or not raw.get("State"):
        return None
    text = coerce.text
    return ContainerState(
        state=text(raw.get("State")),
        reason=text(raw.get("Reason")),
        exit_code=_int(raw.get("ExitCode")),
        signal=_int(raw.get("Signal")),
        started=parse_time(raw.get("StartTime")),
        finished=parse_time(raw.get("FinishTime")),
        message=text(raw.get("Message")),
    )


def _container(raw: Mapping[str, Any]) -> Container:
    text = coerce.text
    return Container(
        name=text(raw.get("Name")),
        image=text(raw.get("Image")),
        memory=_number(raw.get("Memory")),
        restart_count=_int(raw.get("RestartCount")) or 0,
        ready=raw.get("Ready") is True,
        current=_state(raw.get("CurrentState")),
        previous=_state(raw.get("PreviousState")),
    )


def group_spec(raw: Mapping[str, Any]) -> GroupSpec:
    """One entry of DescribeContainerGroups' ``ContainerGroups``."""
    text = coerce.text
    containers = raw.get("Containers")
    return GroupSpec(
        group_id=text(raw.get("ContainerGroupId")),
        name=text(raw.get("ContainerGroupName")),
        status=text(raw.get("Status")),
        instance_type=text(raw.get("InstanceType")),
        cpu=_number(raw.get("Cpu")),
        memory=_number(raw.get("Memory")),
        zone=text(raw.get("ZoneId")),
        vswitches=tuple(v.strip() for v in text(raw.get("VSwitchId")).split(",") if v.strip()),
        vpc=text(raw.get("VpcId")),
        spot_strategy=text(raw.get("SpotStrategy")),
        spot_price_limit=_number(raw.get("SpotPriceLimit")),
        creation_time=parse_time(raw.get("CreationTime")),
        failed_time=parse_time(raw.get("FailedTime")),
        expired_time=parse_time(raw.get("ExpiredTime")),
        containers=tuple(
            _container(c)
            for c in (containers if isinstance(containers, list) else ())
            if isinstance(c, Mapping)
        ),
    )


def _list(body: Mapping[str, Any], *path: str) -> list[Any]:
    """A list at a key path of an answer (``VSwitches.VSwitch``); [] when any step is off."""
    value: Any = body
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, list) else []


def describe_groups(
    client: Client, ids: Sequence[str] = (), name: str | None = None
) -> tuple[list[GroupSpec], list[tuple[list[str], str]]]:
    """The groups of ``ids`` (20 a call, in parallel) or of ``name``: (specs, failures)."""
    from alibabacloud_eci20180808 import models as eci_models

    batches = [list(ids[i : i + IDS_PER_CALL]) for i in range(0, len(ids), IDS_PER_CALL)] or [[]]

    def pages(batch: list[str]) -> list[GroupSpec]:
        request = eci_models.DescribeContainerGroupsRequest(
            region_id=client.settings.region,
            container_group_ids=json.dumps(batch) if batch else None,
            container_group_name=name,
            limit=IDS_PER_CALL,
        )
        base = request.to_map()
        found: list[GroupSpec] = []
        token: str | None = None
        for _ in range(PAGES_PER_QUERY):
            query = dict(base, **({"NextToken": token} if token else {}))
            body = client.call("DescribeContainerGroups", query)
            found += [
                group_spec(g) for g in _list(body, "ContainerGroups") if isinstance(g, Mapping)
            ]
            token = coerce.text(body.get("NextToken")) or None
            if not token:
                return found
        raise ApiError(
            f"DescribeContainerGroups kept returning NextToken after {PAGES_PER_QUERY} pages"
        )

    specs: list[GroupSpec] = []
    failures: list[tuple[list[str], str]] = []
    jobs = [partial(pages, batch) for batch in batches]
    for index, outcome in run_parallel(jobs, client.settings.concurrency):
        if isinstance(outcome, EciEventsError):
            failures.append((batches[index], str(outcome)))
        else:
            specs += outcome
    order = {gid: n for n, gid in enumerate(ids)}
    specs.sort(key=lambda g: order.get(g.group_id, len(order)))
    return specs, failures


def available(
    client: Client,
    *,
    instance_type: str | None = None,
    cores: float | None = None,
    memory: float | None = None,
    spot: str | None = None,
) -> list[Stock]:
    """Stock per zone of one specification: an instance type, or every type of a size."""
    from alibabacloud_eci20180808 import models as eci_models

    destination = eci_models.DescribeAvailableResourceRequestDestinationResource(
        category="InstanceType", value=instance_type, cores=cores, memory=memory
    )
    spot_resource = (
        eci_models.DescribeAvailableResourceRequestSpotResource(spot_strategy=spot)
        if spot and spot != "NoSpot"
        else None
    )
    request = eci_models.DescribeAvailableResourceRequest(
        region_id=client.settings.region,
        destination_resource=destination,
        spot_resource=spot_resource,
    )
    from alibabacloud_openapi_util.client import Client as OpenApiUtilClient

    query = OpenApiUtilClient.query(request.to_map())
    body = client.call("DescribeAvailableResource", query)
    found = []
    for zone in _list(body, "AvailableZones", "AvailableZone"):
        if not isinstance(zone, Mapping):
            continue
        for resource in _list(zone, "AvailableResources", "AvailableResource"):
            for supported in _list(resource, "SupportedResources", "SupportedResource"):
                if isinstance(supported, Mapping):
                    found.append(
                        Stock(
                            coerce.text(zone.get("ZoneId")),
                            coerce.text(supported.get("Value")),
                            coerce.text(supported.get("StatusCategory")),
                        )
                    )
    return found


def recommended_zones(client: Client) -> tuple[str, ...]:
    """DescribeRegions' RecommendZones for the client's region."""
    body = client.call("DescribeRegions", {"RegionId": client.settings.region})
    for region in _list(body, "Regions"):
        if isinstance(region, Mapping) and region.get("RegionId") == client.settings.region:
            return tuple(coerce.text(z) for z in region.get("RecommendZones") or () if z)
    return ()


def usage(client: Client) -> dict[str, float]:
    """ListUsage's attributes (UsedCpu, MaxCpu, ...) that are numbers."""
    body = client.call("ListUsage", {"RegionId": client.settings.region})
    attributes = body.get("Attributes")
    found = {}
    for key, value in attributes.items() if isinstance(attributes, Mapping) else ():
        number = _number(value)
        if number is not None:
            found[str(key)] = number
    return found


def vswitches(client: Client, vpc_id: str, host: str) -> list[VSwitch]:
    """Every vSwitch of a VPC, through the VPC API at ``host``."""
    found: list[VSwitch] = []
    for page in range(1, PAGES_PER_QUERY + 1):
        query = {
            "RegionId": client.settings.region,
            "VpcId": vpc_id,
            "PageNumber": page,
            "PageSize": 50,
        }
        body = client.call("DescribeVSwitches", query, version=VPC_VERSION, host=host)
        items = _list(body, "VSwitches", "VSwitch")
        for item in items:
            if isinstance(item, Mapping):
                found.append(
                    VSwitch(
                        coerce.text(item.get("VSwitchId")),
                        coerce.text(item.get("VpcId")),
                        coerce.text(item.get("ZoneId")),
                        _int(item.get("AvailableIpAddressCount")) or 0,
                    )
                )
        total = _int(body.get("TotalCount")) or 0
        if not items or len(found) >= total:
            return found
    return found


def previous_log(client: Client, group_id: str, container: str) -> str:
    """The last lines the previous (crashed) container wrote."""
    query = {
        "RegionId": client.settings.region,
        "ContainerGroupId": group_id,
        "ContainerName": container,
        "LastTime": True,
        "Tail": LOG_TAIL,
        "LimitBytes": LOG_BYTES,
    }
    body = client.call("DescribeContainerLog", query)
    return coerce.text(body.get("Content"))[:LOG_BYTES]
