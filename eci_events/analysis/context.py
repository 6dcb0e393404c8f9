"""Live context as facts and concrete fixes, per container group (``diagnose``).

What the API says now (the group's specification and vSwitches, stock per zone, the VPC's
vSwitches with free addresses, containers' last states, the account's usage) joined to
what the group's events need (the catalog's ``context`` list). Facts only: names, zones,
ids, numbers; the renderers say them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from eci_events.sources.context_api import GroupSpec, Stock, VSwitch
from eci_events.sources.pods import Pod

WITH_STOCK = "WithStock"
OOM = "OOMKilled"
SIGKILL_EXIT = 137  # 128 + 9: killed by SIGKILL
SPECS_LISTED = 5


@dataclass(frozen=True)
class CapacityFix:
    """Where the group's specification can be created now, and how to let it go there."""

    resource: str  # the instance type asked for, else its size ("2-4Gi")
    spot: str  # the group's spot strategy; '' or NoSpot for pay-as-you-go
    allowed: tuple[str, ...]  # zones the group's vSwitches allow now
    own: tuple[str, ...]  # the group's vSwitches
    stocked: tuple[str, ...]  # zones with stock of the resource now
    ready: tuple[str, ...]  # the VPC's vSwitches in zones with stock and free addresses
    to_create: tuple[str, ...]  # zones with stock where the VPC has no vSwitch with free addresses
    vpc: str
    recommended: tuple[str, ...]  # the region's recommended zones
    specs: tuple[str, ...]  # other types of the same size with stock in the allowed zones
    vswitches_known: bool  # the VPC's vSwitches could be listed


@dataclass(frozen=True)
class ContainerFact:
    name: str
    image: str
    memory: float | None  # GiB, the container's limit
    restart_count: int
    state: str  # the last ended state's (or the current one's)
    reason: str
    exit_code: int | None
    signal: int | None
    finished: datetime | None
    ended: bool  # the state is the last ended one (PreviousState), not the current one
    log: str | None = None  # the previous container's last lines, when asked for

    @property
    def oom(self) -> bool:
        return self.reason == OOM

    @property
    def killed(self) -> bool:
        """Exit 137 without OOMKilled: SIGKILL from something else (a probe, eviction)."""
        return self.exit_code == SIGKILL_EXIT and not self.oom


@dataclass(frozen=True)
class Quota:
    """The vCPU a group asks for against what the account has left (ListUsage)."""

    needed: float
    used: float
    limit: float

    @property
    def left(self) -> float:
        return max(0.0, self.limit - self.used)

    @property
    def short(self) -> float:
        """vCPU to free, or to add to the quota, before the group fits."""
        return max(0.0, self.needed - self.left)


@dataclass(frozen=True)
class GroupContext:
    spec: GroupSpec
    needs: tuple[str, ...]  # the context kinds its events asked for
    capacity: CapacityFix | None = None
    containers: tuple[ContainerFact, ...] = ()
    spot_reclaimed: bool = False  # Expired after SpotToBeReleased: reclaimed, not crashed
    pod: Pod | None = None
    quota: Quota | None = None


@dataclass(frozen=True)
class Unavailable:
    """A part of the context that could not be read; the rest stands."""

    part: str
    action: str  # the RAM action it needs (eci:ListUsage, vpc:DescribeVSwitches...)
    error: str


@dataclass(frozen=True)
class Context:
    region: str
    groups: tuple[GroupContext, ...]
    usage: Mapping[str, float] | None = None
    unavailable: tuple[Unavailable, ...] = ()
    not_found: tuple[str, ...] = ()  # ids DescribeContainerGroups did not return
    maybe_denied: bool = False  # asked for groups and got none: often a RAM policy

    def group(self, group_id: str) -> GroupContext | None:
        return next((g for g in self.groups if g.spec.group_id == group_id), None)


def quota(spec: GroupSpec, usage: Mapping[str, float] | None) -> Quota | None:
    if not usage or not spec.cpu or "UsedCpu" not in usage or "MaxCpu" not in usage:
        return None
    return Quota(spec.cpu, usage["UsedCpu"], usage["MaxCpu"])


def containers(spec: GroupSpec, logs: Mapping[str, str]) -> tuple[ContainerFact, ...]:
    """Each container's last ended state (else its current one), restarts and limit."""
    found = []
    for c in spec.containers:
        state = c.previous if c.previous is not None and c.previous.state else c.current
        found.append(
            ContainerFact(
                name=c.name,
                image=c.image,
                memory=c.memory,
                restart_count=c.restart_count,
                state=state.state if state else "",
                reason=state.reason if state else "",
                exit_code=state.exit_code if state else None,
                signal=state.signal if state else None,
                finished=state.finished if state else None,
                ended=state is not None and state is c.previous,
                log=logs.get(c.name),
            )
        )
    return tuple(found)


def size_name(spec: GroupSpec) -> str:
    """A size as ``k8s.aliyun.com/eci-use-specs`` writes it: ``2-4Gi``."""
    return f"{spec.cpu or 0:g}-{spec.memory or 0:g}Gi"


def capacity(
    spec: GroupSpec,
    stock: Sequence[Stock],
    sizes: Sequence[Stock],
    vswitches: Sequence[VSwitch] | None,
    recommended: Sequence[str],
) -> CapacityFix:
    """The fix for a stock shortage: zones with stock, and vSwitches to add there.

    ``stock`` answers for the group's type, ``sizes`` for every type of its size;
    ``vswitches`` is the group's VPC (None when it could not be listed).
    """
    by_id = {v.vswitch_id: v for v in vswitches or ()}
    allowed = tuple(dict.fromkeys(by_id[v].zone for v in spec.vswitches if v in by_id)) or (
        (spec.zone,) if spec.zone else ()
    )
    # A group created by vCPU and memory names no instance type: any type of its size will do.
    wanted = stock if spec.instance_type else sizes
    stocked = tuple(
        dict.fromkeys(
            s.zone
            for s in wanted
            if s.status == WITH_STOCK and s.resource == (spec.instance_type or s.resource)
        )
    )
    ready: list[str] = []
    to_create: list[str] = []
    for zone in stocked:
        usable = sorted(
            (
                v
                for v in vswitches or ()
                if v.zone == zone and v.vpc_id == spec.vpc and v.free_ips > 0
            ),
            # the group's own vSwitch first, then the one with the most free addresses
            key=lambda v: (v.vswitch_id not in spec.vswitches, -v.free_ips),
        )
        if usable:
            ready.append(usable[0].vswitch_id)
        elif vswitches is not None:
            to_create.append(zone)
    specs = tuple(
        dict.fromkeys(
            s.resource
            for s in sizes
            if s.status == WITH_STOCK and s.zone in allowed and s.resource != spec.instance_type
        )
    )[:SPECS_LISTED]
    return CapacityFix(
        resource=spec.instance_type or size_name(spec),
        spot=spec.spot_strategy,
        allowed=allowed,
        own=spec.vswitches,
        stocked=stocked,
        ready=tuple(ready),
        to_create=tuple(to_create),
        vpc=spec.vpc,
        recommended=tuple(recommended),
        specs=specs,
        vswitches_known=vswitches is not None,
    )


def group_context(
    spec: GroupSpec,
    needs: Iterable[str],
    reasons: Iterable[str],
    pod: Pod | None,
    fix: CapacityFix | None,
    logs: Mapping[str, str],
    usage: Mapping[str, float] | None = None,
) -> GroupContext:
    wanted = tuple(dict.fromkeys(needs))
    reclaimed = spec.status == "Expired" and any(r.lower() == "spottobereleased" for r in reasons)
    return GroupContext(
        spec=spec,
        needs=wanted,
        capacity=fix,
        containers=containers(spec, logs) if "containers" in wanted else (),
        spot_reclaimed=reclaimed,
        pod=pod,
        quota=quota(spec, usage) if "usage" in wanted else None,
    )
