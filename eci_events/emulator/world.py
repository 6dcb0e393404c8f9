"""The emulated ECI world and the answers of the actions that read it.

A ``World`` holds container groups (with their specification, containers and events),
regions with their zones, a stock table, the account's usage, instance types and VPC
vSwitches. Each action handler takes the request's query (as the SDK puts it on the wire)
and returns the body of a successful answer, or raises ``ApiFailure``. Field names and
nesting follow the ``from_map`` of the SDK models (alibabacloud-eci20180808 2.1.0) and,
for the VPC's DescribeVSwitches, the VPC API page. ``server.py`` adds HTTP, signatures,
routing, permissions and faults.

Only the standard library is imported here.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

ECI_VERSION = "2018-08-08"
VPC_VERSION = "2016-04-28"
MAX_IDS = 20
MAX_EVENTS = 50
DEFAULT_LIMIT = 200  # DescribeContainerGroupEvents: groups per page when no Limit is sent
GROUPS_LIMIT = 20  # DescribeContainerGroups: default and maximum Limit
DEFAULT_REGION = "cn-hangzhou"
LOG_TAIL = 500  # DescribeContainerLog: default Tail
MAX_LOG_TAIL = 2000
MAX_LOG_BYTES = 1024 * 1024
VSWITCH_PAGE = 10  # DescribeVSwitches: default PageSize
MAX_VSWITCH_PAGE = 50
STOCK_CATEGORIES = ("WithStock", "ClosedWithStock", "WithoutStock", "ClosedWithoutStock")
# A (zone, resource) that the stock table does not name has no stock: tests and the demo
# say where there is stock, and everything else is sold out.
DEFAULT_STOCK = "WithoutStock"
SPOT_STRATEGIES = ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo")
# Sizes (vCPUs, GiB) of the instance types the world knows, for DescribeAvailableResource
# asked by Cores and Memory; tests may add more with World.add_instance_type.
INSTANCE_TYPES: dict[str, tuple[float, float]] = {
    "ecs.c5.large": (2, 4),
    "ecs.c5.xlarge": (4, 8),
    "ecs.c6.large": (2, 4),
    "ecs.c6.xlarge": (4, 8),
    "ecs.c6.2xlarge": (8, 16),
    "ecs.c6.4xlarge": (16, 32),
    "ecs.c7.large": (2, 4),
    "ecs.c7.xlarge": (4, 8),
    "ecs.c7.2xlarge": (8, 16),
    "ecs.g6.large": (2, 8),
    "ecs.g6.xlarge": (4, 16),
    "ecs.g6.2xlarge": (8, 32),
    "ecs.g6.4xlarge": (16, 64),
    "ecs.g7.xlarge": (4, 16),
    "ecs.r6.large": (2, 16),
    "ecs.r6.xlarge": (4, 32),
}
ZONES: dict[str, tuple[str, ...]] = {
    "cn-hangzhou": tuple(f"cn-hangzhou-{z}" for z in "bghijk"),
    "cn-shanghai": tuple(f"cn-shanghai-{z}" for z in "bgl"),
    "cn-beijing": tuple(f"cn-beijing-{z}" for z in "aghk"),
}

# Every error an action handler answers, in one place: HTTP status, Code, Message.
# Messages take ``str.format`` fields. The codes for a missing group or container and for
# out-of-range paging or log bounds are this emulator's choice (the API pages list no
# operation-specific codes we could read); the others follow the POP conventions.
ERRORS: dict[str, tuple[int, str, str]] = {
    "forbidden": (
        403,
        "Forbidden.RAM",
        "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
    ),
    "missing_region": (400, "MissingRegionId", "RegionId is mandatory for this action."),
    "invalid_region": (400, "InvalidRegionId", "The specified region does not exist."),
    "missing": (
        400,
        "MissingParameter",
        "The input parameter {name} that is mandatory for processing this request is not supplied.",
    ),
    "invalid": (400, "InvalidParameter.{name}", "The specified {name} is invalid."),
    "ids_not_json": (
        400,
        "InvalidParameter.ContainerGroupIds",
        "The specified parameter ContainerGroupIds is not a JSON array of strings.",
    ),
    "too_many_ids": (
        400,
        "InvalidParameter.ContainerGroupIds",
        "The number of ContainerGroupIds must not exceed {max}.",
    ),
    "over_max": (
        400,
        "InvalidParameter.{name}",
        "The specified {name} is out of range: it must be from 1 to {max}.",
    ),
    "next_token": (400, "InvalidNextToken", "The specified NextToken is invalid."),
    "group_not_found": (
        404,
        "InvalidContainerGroup.NotFound",
        "The specified container group {id} does not exist.",
    ),
    "container_not_found": (
        404,
        "InvalidContainerName.NotFound",
        "The specified container {name} does not exist in container group {id}.",
    ),
    "spot_category": (
        400,
        "InvalidParameter.SpotResource",
        "SpotResource requires DestinationResource.Category InstanceType.",
    ),
}


class ApiFailure(Exception):
    """An error answer: HTTP status, ``Code`` and ``Message`` of the JSON body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def failure(kind: str, **fields: Any) -> ApiFailure:
    """The ``ERRORS`` entry ``kind`` as an ApiFailure, its fields filled in."""
    status, code, message = ERRORS[kind]
    return ApiFailure(status, code.format(**fields), message.format(**fields))


# -- records -------------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def event_source(record: Mapping[str, Any]) -> str:
    """``EciService`` for the service's own events, ``K8sAgent`` for kubelet's."""
    component = (record.get("Source") or {}).get("Component", "")
    return "EciService" if component == "EciService" else "K8sAgent"


def _event_time(record: Mapping[str, Any]) -> datetime:
    for key in ("LastTimestamp", "FirstTimestamp"):
        value = record.get(key)
        if value:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return datetime.min.replace(tzinfo=timezone.utc)


def event(
    reason: str,
    message: str = "",
    *,
    type: str = "Warning",
    count: int = 1,
    first: datetime | None = None,
    last: datetime | None = None,
    component: str = "EciService",
    object_name: str = "",
    namespace: str = "default",
    group_id: str = "",
    name: str | None = None,
) -> dict[str, Any]:
    """An event record shaped as DescribeContainerGroupEvents returns it."""
    last = last or datetime.now(timezone.utc)
    first = first or last
    return {
        "Count": count,
        "Type": type,
        "Reason": reason,
        "Message": message,
        "FirstTimestamp": stamp(first),
        "LastTimestamp": stamp(last),
        "ReportingComponent": "",
        "ReportingInstance": "",
        "Metadata": {
            "Name": name or f"{object_name or group_id or 'eci'}.{secrets.token_hex(8)}",
            "Namespace": namespace,
        },
        "Source": {"Component": component, "Host": "eci"},
        "involvedObject": {
            "ApiVersion": "v1",
            "Kind": "Pod",
            "Name": object_name,
            "Namespace": namespace,
            "Uid": group_id,
        },
    }


@dataclass
class State:
    """A container's current or previous state (``CurrentState``/``PreviousState``)."""

    state: str = "Running"
    reason: str = ""
    exit_code: int = 0
    signal: int = 0
    detail_status: str = ""
    started: datetime | None = None
    finished: datetime | None = None
    message: str = ""

    def wire(self) -> dict[str, Any]:
        """The answer's object; StartTime and FinishTime only when known."""
        body: dict[str, Any] = {
            "State": self.state,
            "Reason": self.reason,
            "ExitCode": self.exit_code,
            "Signal": self.signal,
            "DetailStatus": self.detail_status,
            "Message": self.message,
        }
        if self.started is not None:
            body["StartTime"] = stamp(self.started)
        if self.finished is not None:
            body["FinishTime"] = stamp(self.finished)
        return body


def state(
    state: str = "Running",
    *,
    reason: str = "",
    exit_code: int = 0,
    signal: int = 0,
    detail_status: str = "",
    started: datetime | None = None,
    finished: datetime | None = None,
    message: str = "",
) -> State:
    """A container state: ``state("Terminated", reason="OOMKilled", exit_code=137)``."""
    return State(state, reason, exit_code, signal, detail_status, started, finished, message)


@dataclass
class Container:
    """One container of a group; ``memory`` (GiB) is its limit. ``logs`` holds the text
    DescribeContainerLog serves: ``"current"`` and ``"previous"`` (LastTime=true)."""

    name: str
    image: str = "registry-vpc.cn-hangzhou.aliyuncs.com/eci/app:1.0"
    cpu: float = 1.0
    memory: float = 2.0
    restart_count: int = 0
    ready: bool = True
    current: State = field(default_factory=State)
    previous: State | None = None
    logs: dict[str, str] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Image": self.image,
            "Cpu": self.cpu,
            "Memory": self.memory,
            "RestartCount": self.restart_count,
            "Ready": self.ready,
            "CurrentState": self.current.wire(),
            "PreviousState": self.previous.wire() if self.previous is not None else {},
        }


def container(
    name: str,
    *,
    image: str = "registry-vpc.cn-hangzhou.aliyuncs.com/eci/app:1.0",
    cpu: float = 1.0,
    memory: float = 2.0,
    restart_count: int = 0,
    ready: bool | None = None,
    current: State | None = None,
    previous: State | None = None,
    logs: Mapping[str, str] | None = None,
) -> Container:
    """A container; ``ready`` defaults to whether ``current`` (default Running) is Running."""
    current = current or State()
    return Container(
        name,
        image,
        cpu,
        memory,
        restart_count,
        current.state == "Running" if ready is None else ready,
        current,
        previous,
        dict(logs or {}),
    )


@dataclass
class Group:
    """One container group: its specification, containers and events.

    ``vswitch`` may name several vSwitches, comma separated, as the service answers them.
    """

    group_id: str
    name: str = ""
    namespace: str = "default"
    region: str = DEFAULT_REGION
    zone: str = "cn-hangzhou-k"
    vswitch: str = "vsw-bp1emulator0000000"
    resource_group: str = "rg-acfmemulator000"
    tags: dict[str, str] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    instance_type: str = ""
    cpu: float = 2.0
    memory: float = 4.0
    vpc: str = "vpc-bp1emulator0000000"
    security_group: str = "sg-bp1emulator0000000"
    spot_strategy: str = "NoSpot"
    spot_price_limit: float = 0.0
    status: str = "Running"
    creation_time: datetime = field(default_factory=_now)
    failed_time: datetime | None = None
    expired_time: datetime | None = None
    containers: list[Container] = field(default_factory=list)

    @property
    def vswitches(self) -> list[str]:
        return [v.strip() for v in self.vswitch.split(",") if v.strip()]

    def container(self, name: str) -> Container | None:
        return next((c for c in self.containers if c.name == name), None)

    def latest_events(
        self, since: int | None = None, source: str | None = None, now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Its latest 50 matching events, oldest first."""
        now = now or datetime.now(timezone.utc)
        chosen = [
            e
            for e in self.events
            if (source is None or event_source(e) == source)
            and (since is None or _event_time(e) >= now - timedelta(seconds=since))
        ]
        chosen.sort(key=_event_time)
        return chosen[-MAX_EVENTS:]

    def data(self, since: int | None, source: str | None, now: datetime) -> dict[str, Any]:
        """The group's DescribeContainerGroupEvents ``Data[]`` entry."""
        return {
            "ContainerGroupId": self.group_id,
            "Name": self.name,
            "Namespace": self.namespace,
            "uuid": self.uid,
            "Annotations": json.dumps({"tenancy.x-k8s.io/namespace": self.namespace}),
            "Events": self.latest_events(since, source, now),
        }

    def wire(self, with_events: bool = True) -> dict[str, Any]:
        """The group's DescribeContainerGroups ``ContainerGroups[]`` entry."""
        body: dict[str, Any] = {
            "ContainerGroupId": self.group_id,
            "ContainerGroupName": self.name,
            "RegionId": self.region,
            "ZoneId": self.zone,
            "VSwitchId": self.vswitch,
            "VpcId": self.vpc,
            "SecurityGroupId": self.security_group,
            "ResourceGroupId": self.resource_group,
            "InstanceType": self.instance_type,
            "Cpu": self.cpu,
            "Memory": self.memory,
            "SpotStrategy": self.spot_strategy,
            "SpotPriceLimit": self.spot_price_limit,
            "Status": self.status,
            "CreationTime": stamp(self.creation_time),
        }
        if self.failed_time is not None:
            body["FailedTime"] = stamp(self.failed_time)
        if self.expired_time is not None:
            body["ExpiredTime"] = stamp(self.expired_time)
        body["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        body["Events"] = (
            [
                {
                    "Count": e.get("Count", 1),
                    "Type": e.get("Type", ""),
                    "Name": (e.get("Metadata") or {}).get("Name", ""),
                    "Reason": e.get("Reason", ""),
                    "Message": e.get("Message", ""),
                    "FirstTimestamp": e.get("FirstTimestamp", ""),
                    "LastTimestamp": e.get("LastTimestamp", ""),
                }
                for e in self.latest_events()
            ]
            if with_events
            else []
        )
        body["Containers"] = [c.wire() for c in self.containers]
        return body


@dataclass
class Region:
    """A region as DescribeRegions answers it."""

    region_id: str
    zones: list[str] = field(default_factory=list)
    recommend: list[str] = field(default_factory=list)
    endpoint: str = ""

    def wire(self) -> dict[str, Any]:
        return {
            "RegionId": self.region_id,
            "RegionEndpoint": self.endpoint or f"eci.{self.region_id}.aliyuncs.com",
            "Zones": list(self.zones),
            "RecommendZones": list(self.recommend),
        }


def region(region_id: str) -> Region:
    """A region with the zones this module knows for it (``-a``, ``-b``, ``-c`` otherwise)."""
    zones = ZONES.get(region_id) or tuple(f"{region_id}-{z}" for z in "abc")
    return Region(region_id, list(zones))


@dataclass
class VSwitch:
    """A VPC vSwitch as DescribeVSwitches answers it."""

    vswitch_id: str
    vpc: str
    zone: str
    free_ips: int = 252
    cidr: str = "192.168.0.0/24"
    name: str = ""
    region: str = DEFAULT_REGION
    status: str = "Available"
    is_default: bool = False
    resource_group: str = "rg-acfmemulator000"
    creation_time: datetime = field(default_factory=_now)

    def wire(self) -> dict[str, Any]:
        return {
            "VSwitchId": self.vswitch_id,
            "VpcId": self.vpc,
            "ZoneId": self.zone,
            "AvailableIpAddressCount": self.free_ips,
            "CidrBlock": self.cidr,
            "Status": self.status,
            "VSwitchName": self.name,
            "IsDefault": self.is_default,
            "Description": "",
            "ResourceGroupId": self.resource_group,
            "CreationTime": stamp(self.creation_time),
        }


def default_usage() -> dict[str, float]:
    """ListUsage's ``Attributes`` of a fresh account."""
    return {
        "UsedCpu": 0,
        "MaxCpu": 1000,
        "UsedImageCacheCount": 0,
        "MaxImageCacheCount": 50,
        "UsedAutoImageCacheCount": 0,
        "MaxAutoImageCacheCount": 25,
        "UsedDataCacheCount": 0,
        "MaxDataCacheCount": 100,
    }


# -- query helpers -------------------------------------------------------------------------


def group_ids(raw: str | None) -> list[str]:
    """The ids of a ContainerGroupIds value, leniently (for fault targeting and records)."""
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


def _positive(query: Mapping[str, str], name: str, maximum: int | None = None) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) <= 0:
        raise failure("invalid", name=name)
    if maximum is not None and int(raw) > maximum:
        raise failure("over_max", name=name, max=maximum)
    return int(raw)


def _number(query: Mapping[str, str], name: str) -> float | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise failure("invalid", name=name) from None
    if value <= 0:
        raise failure("invalid", name=name)
    return value


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    """A boolean parameter: the SDK sends Python's ``True``/``False``; accept any case."""
    raw = query.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise failure("invalid", name=name)
    return raw.lower() == "true"


def _required(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    if not value:
        raise failure("missing", name=name)
    return value


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        label, _, number = text.partition(":")
        if label == "offset" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise failure("next_token")


def _tags(query: Mapping[str, str]) -> list[tuple[str, str]]:
    found = []
    n = 1
    while f"Tag.{n}.Key" in query:
        found.append((query[f"Tag.{n}.Key"], query.get(f"Tag.{n}.Value", "")))
        n += 1
    return found


def _ids(query: Mapping[str, str]) -> list[str] | None:
    raw = query.get("ContainerGroupIds")
    if raw is None:
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(i, str) for i in parsed):
        raise failure("ids_not_json")
    if len(parsed) > MAX_IDS:
        raise failure("too_many_ids", max=MAX_IDS)
    return parsed


def family(instance_type: str) -> str:
    """``ecs.c6`` for ``ecs.c6.xlarge``."""
    return instance_type.rsplit(".", 1)[0] if instance_type.count(".") >= 2 else instance_type


# -- the world -----------------------------------------------------------------------------


class World:
    """The data the actions read, with a friendly API for tests (see each method)."""

    def __init__(
        self,
        groups: Iterable[Group] = (),
        *,
        regions: Iterable[str | Region] = (DEFAULT_REGION,),
        page_size: int = DEFAULT_LIMIT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.regions: dict[str, Region] = {}
        for item in regions:
            found = region(item) if isinstance(item, str) else item
            self.regions[found.region_id] = found
        self.page_size = page_size
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.groups: dict[str, Group] = {g.group_id: g for g in groups}
        # (zone, instance type or family, spot?) -> StatusCategory
        self.stock: dict[tuple[str, str, bool], str] = {}
        self.default_stock = DEFAULT_STOCK
        self.instance_types: dict[str, tuple[float, float]] = dict(INSTANCE_TYPES)
        self.usage: dict[str, float] = default_usage()
        self.vswitches: dict[str, VSwitch] = {}
        self._lock = threading.Lock()

    # -- building it -----------------------------------------------------------------------

    def add_group(self, group_id: str, **fields: Any) -> Group:
        """Add (or replace) a group. Keywords are ``Group``'s fields: name, namespace, region,
        zone, vswitch (a string, comma-separated, or a list), resource_group, tags, events
        (records from ``event()``), instance_type, cpu, memory, vpc, security_group,
        spot_strategy, spot_price_limit, status, creation_time, failed_time, expired_time,
        containers (from ``container()``)."""
        events = fields.pop("events", ())
        if isinstance(fields.get("vswitch"), (list, tuple)):
            fields["vswitch"] = ",".join(fields["vswitch"])
        fields["containers"] = list(fields.get("containers", ()))
        group = Group(group_id, **fields)
        for record in events:
            self.add_event(group, record)
        with self._lock:
            self.groups[group_id] = group
        return group

    def add_event(self, group: Group | str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Attach a record (from ``event()``) to a group, filling its object and namespace."""
        target = self.groups[group] if isinstance(group, str) else group
        copy: dict[str, Any] = json.loads(json.dumps(record))
        involved = copy.setdefault("involvedObject", {})
        if not involved.get("Uid"):
            involved["Uid"] = target.group_id
        if not involved.get("Name"):
            involved["Name"] = target.name
        if not involved.get("Namespace") or involved.get("Namespace") == "default":
            involved["Namespace"] = target.namespace
        copy.setdefault("Metadata", {})["Namespace"] = target.namespace
        with self._lock:
            target.events.append(copy)
        return copy

    def set_region(
        self,
        region_id: str,
        zones: Sequence[str] | None = None,
        recommend: Sequence[str] = (),
        endpoint: str = "",
    ) -> Region:
        """Add or replace a region, its zones (default: the known ones) and recommended zones."""
        found = region(region_id)
        if zones is not None:
            found.zones = list(zones)
        found.recommend = list(recommend)
        found.endpoint = endpoint
        with self._lock:
            self.regions[region_id] = found
        return found

    def set_stock(self, zone: str, value: str, status: str, *, spot: bool = False) -> None:
        """The StatusCategory of an instance type (or family) in a zone, for pay-as-you-go
        or (``spot=True``) preemptible instances."""
        if status not in STOCK_CATEGORIES:
            raise ValueError(f"unknown stock {status!r}; choose from {', '.join(STOCK_CATEGORIES)}")
        with self._lock:
            self.stock[(zone, value, spot)] = status

    def stock_status(self, zone: str, value: str, *, spot: bool = False) -> str:
        """What DescribeAvailableResource answers for ``value`` in ``zone``: the table's entry;
        for a family without one, the best status of its types; else ``default_stock``."""
        named = self.stock.get((zone, value, spot))
        if named is not None:
            return named
        members = [
            status
            for (z, v, s), status in self.stock.items()
            if z == zone and s == spot and family(v) == value and v != value
        ]
        if members:
            return min(members, key=STOCK_CATEGORIES.index)
        return self.default_stock

    def add_instance_type(self, name: str, cores: float, memory: float) -> None:
        """Make an instance type known, for stock asked by Cores and Memory."""
        with self._lock:
            self.instance_types[name] = (float(cores), float(memory))

    def add_vswitch(
        self,
        vswitch_id: str,
        *,
        vpc: str,
        zone: str,
        free_ips: int = 252,
        cidr: str | None = None,
        name: str = "",
        region: str = DEFAULT_REGION,
        status: str = "Available",
    ) -> VSwitch:
        """Add (or replace) a vSwitch; ``free_ips`` is its AvailableIpAddressCount."""
        with self._lock:
            cidr = cidr or f"192.168.{len(self.vswitches) % 256}.0/24"
            found = VSwitch(vswitch_id, vpc, zone, free_ips, cidr, name, region, status)
            self.vswitches[vswitch_id] = found
        return found

    # -- shared checks -------------------------------------------------------------------

    def _region(self, query: Mapping[str, str]) -> Region:
        region_id = query.get("RegionId")
        if not region_id:
            raise failure("missing_region")
        found = self.regions.get(region_id)
        if found is None:
            raise failure("invalid_region")
        return found

    # -- actions ----------------------------------------------------------------------------

    def describe_container_group_events(self, query: Mapping[str, str]) -> dict[str, Any]:
        """ECI DescribeContainerGroupEvents."""
        region_id = self._region(query).region_id
        ids = _ids(query)
        source = query.get("EventSource") or None
        if source is not None and source not in ("EciService", "K8sAgent"):
            raise failure("invalid", name="EventSource")
        since = _positive(query, "SinceSecond")
        limit = _positive(query, "Limit") or self.page_size
        offset = _offset(query["NextToken"]) if "NextToken" in query else 0
        with self._lock:
            chosen = self._select(ids, region_id, query)
            page = chosen[offset : offset + limit]
            now = self.clock()
            data = [g.data(since, source, now) for g in page]
        more = offset + limit < len(chosen)
        return {
            "RequestId": _request_id(),
            "TotalCount": sum(len(d["Events"]) for d in data),
            "NextToken": _token(offset + limit) if more else "",
            "Data": data,
        }

    def _select(
        self, ids: list[str] | None, region_id: str, query: Mapping[str, str]
    ) -> list[Group]:
        """The groups of a region that the common filters select, in insertion order."""
        if ids is not None:
            chosen = [self.groups[i] for i in dict.fromkeys(ids) if i in self.groups]
        else:
            chosen = list(self.groups.values())
        tags = _tags(query)
        vswitch = query.get("VSwitchId")
        return [
            g
            for g in chosen
            if g.region == region_id
            and query.get("ZoneId", g.zone) == g.zone
            and (vswitch is None or vswitch in g.vswitches)
            and query.get("ResourceGroupId", g.resource_group) == g.resource_group
            and all(g.tags.get(k) == v for k, v in tags)
        ]

    def describe_container_groups(self, query: Mapping[str, str]) -> dict[str, Any]:
        """ECI DescribeContainerGroups: filters, Limit (default and maximum 20), NextToken."""
        region_id = self._region(query).region_id
        ids = _ids(query)
        limit = _positive(query, "Limit", GROUPS_LIMIT) or GROUPS_LIMIT
        offset = _offset(query["NextToken"]) if "NextToken" in query else 0
        with_events = _flag(query, "WithEvent")
        with self._lock:
            chosen = [
                g
                for g in self._select(ids, region_id, query)
                if query.get("ContainerGroupName", g.name) == g.name
                and query.get("Status", g.status) == g.status
                and query.get("SecurityGroupId", g.security_group) == g.security_group
            ]
            page = [g.wire(with_events is not False) for g in chosen[offset : offset + limit]]
        more = offset + limit < len(chosen)
        return {
            "RequestId": _request_id(),
            "TotalCount": len(chosen),
            "NextToken": _token(offset + limit) if more else "",
            "ContainerGroups": page,
        }

    def describe_available_resource(self, query: Mapping[str, str]) -> dict[str, Any]:
        """ECI DescribeAvailableResource: per zone of the region, the stock of what is asked.

        ``DestinationResource.Category`` InstanceType with ``Value``, or with ``Cores`` and
        ``Memory`` (every known type of that size); InstanceTypeFamily with ``Value``.
        ``SpotResource.SpotStrategy`` other than NoSpot reads the spot table.
        """
        found = self._region(query)
        category = _required(query, "DestinationResource.Category")
        if category not in ("InstanceType", "InstanceTypeFamily"):
            raise failure("invalid", name="DestinationResource.Category")
        value = query.get("DestinationResource.Value") or None
        cores = _number(query, "DestinationResource.Cores")
        memory = _number(query, "DestinationResource.Memory")
        strategy = query.get("SpotResource.SpotStrategy") or "NoSpot"
        if strategy not in SPOT_STRATEGIES:
            raise failure("invalid", name="SpotResource.SpotStrategy")
        spot = strategy != "NoSpot"
        if spot and category != "InstanceType":
            raise failure("spot_category")
        if (
            strategy == "SpotWithPriceLimit"
            and _number(query, "SpotResource.SpotPriceLimit") is None
        ):
            raise failure("missing", name="SpotResource.SpotPriceLimit")
        if value is None and (category == "InstanceTypeFamily" or cores is None or memory is None):
            raise failure("missing", name="DestinationResource.Value")
        with self._lock:
            if value is not None:
                values = [value]
            else:
                values = sorted(
                    name
                    for name, (c, m) in self.instance_types.items()
                    if (c, m) == (cores, memory)
                )
            zone_id = query.get("ZoneId") or None
            zones = [z for z in found.zones if zone_id is None or z == zone_id]
            answer = [
                {
                    "RegionId": found.region_id,
                    "ZoneId": zone,
                    "AvailableResources": {
                        "AvailableResource": [
                            {
                                "Type": category,
                                "SupportedResources": {
                                    "SupportedResource": [
                                        {
                                            "Value": v,
                                            "StatusCategory": self.stock_status(zone, v, spot=spot),
                                        }
                                        for v in values
                                    ]
                                },
                            }
                        ]
                    },
                }
                for zone in zones
            ]
        return {"RequestId": _request_id(), "AvailableZones": {"AvailableZone": answer}}

    def describe_regions(self, query: Mapping[str, str]) -> dict[str, Any]:
        """ECI DescribeRegions: every region (RegionId names the endpoint's region, no filter)."""
        with self._lock:
            regions = [r.wire() for r in self.regions.values()]
        return {"RequestId": _request_id(), "Regions": regions}

    def list_usage(self, query: Mapping[str, str]) -> dict[str, Any]:
        """ECI ListUsage: the account's ``Attributes`` (one set for every region)."""
        self._region(query)
        with self._lock:
            attributes = dict(self.usage)
        return {"RequestId": _request_id(), "Attributes": attributes}

    def describe_container_log(self, query: Mapping[str, str]) -> dict[str, Any]:
        """ECI DescribeContainerLog: the last ``Tail`` lines (default 500, at most 2,000),
        then at most ``LimitBytes`` bytes (at most 1 MiB) of the current or, with
        ``LastTime=true``, the previous container's log. SinceSeconds, StartTime and
        Timestamps are accepted and ignored (the stored text carries no times)."""
        self._region(query)
        group_id = _required(query, "ContainerGroupId")
        name = _required(query, "ContainerName")
        previous = _flag(query, "LastTime") or False
        tail = _positive(query, "Tail", MAX_LOG_TAIL) or LOG_TAIL
        limit_bytes = _positive(query, "LimitBytes", MAX_LOG_BYTES)
        _flag(query, "Timestamps")
        with self._lock:
            group = self.groups.get(group_id)
            if group is None:
                raise failure("group_not_found", id=group_id)
            found = group.container(name)
            if found is None:
                raise failure("container_not_found", id=group_id, name=name)
            text = found.logs.get("previous" if previous else "current", "")
        lines = text.splitlines(keepends=True)[-tail:]
        content = "".join(lines)
        if limit_bytes is not None:
            content = content.encode("utf-8")[:limit_bytes].decode("utf-8", errors="ignore")
        return {"RequestId": _request_id(), "ContainerName": name, "Content": content}

    def describe_vswitches(self, query: Mapping[str, str]) -> dict[str, Any]:
        """VPC DescribeVSwitches: filters VpcId, ZoneId, VSwitchId, VSwitchName,
        ResourceGroupId; PageNumber (default 1) and PageSize (default 10, at most 50)."""
        region_id = self._region(query).region_id
        number = _positive(query, "PageNumber") or 1
        size = _positive(query, "PageSize", MAX_VSWITCH_PAGE) or VSWITCH_PAGE
        filters = {
            "VpcId": "vpc",
            "ZoneId": "zone",
            "VSwitchId": "vswitch_id",
            "VSwitchName": "name",
            "ResourceGroupId": "resource_group",
        }
        with self._lock:
            chosen = [
                v
                for v in self.vswitches.values()
                if v.region == region_id
                and all(
                    query.get(key, getattr(v, attr)) == getattr(v, attr)
                    for key, attr in filters.items()
                )
            ]
            page = [v.wire() for v in chosen[(number - 1) * size : number * size]]
        return {
            "RequestId": _request_id(),
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
            "VSwitches": {"VSwitch": page},
        }
