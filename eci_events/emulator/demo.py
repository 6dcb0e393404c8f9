"""The bundled demo world (``data/demo-world.json``), timed relative to now, served by an
Emulator: one source for ``eci-events list --demo`` and ``diagnose --demo``."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

from eci_events.emulator.server import Emulator
from eci_events.emulator.world import Container, Group, State, World, event

DATA = "data/demo-world.json"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _ago(text: str) -> timedelta:
    return timedelta(seconds=int(text[:-1]) * _UNITS[text[-1]])


def _digest(group_id: str, number: int) -> str:
    return hashlib.sha1(f"{group_id}/{number}".encode()).hexdigest()[:16]


def _load() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(
        resources.files("eci_events.emulator").joinpath(DATA).read_text(encoding="utf-8")
    )
    return raw


def _now(now: datetime | None) -> datetime:
    """``now`` (default: the current time) in UTC; every demo time is whole minutes (or
    hours, days) before or after it."""
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _when(spec: dict[str, Any], key: str, now: datetime) -> datetime | None:
    return now - _ago(spec[key]) if key in spec else None


def _state(spec: dict[str, Any] | None, now: datetime) -> State | None:
    if spec is None:
        return None
    return State(
        spec["State"],
        reason=spec.get("Reason", ""),
        exit_code=spec.get("ExitCode", 0),
        signal=spec.get("Signal", 0),
        detail_status=spec.get("DetailStatus", ""),
        started=_when(spec, "StartedAgo", now),
        finished=_when(spec, "FinishedAgo", now),
        message=spec.get("Message", ""),
    )


def _container(spec: dict[str, Any], now: datetime) -> Container:
    current = _state(spec["CurrentState"], now) or State()
    return Container(
        spec["Name"],
        image=spec["Image"],
        cpu=spec["Cpu"],
        memory=spec["Memory"],
        restart_count=spec.get("RestartCount", 0),
        ready=spec.get("Ready", current.state == "Running"),
        current=current,
        previous=_state(spec.get("PreviousState"), now),
        logs={
            kind: "".join(f"{line}\n" for line in lines)
            for kind, lines in spec.get("Logs", {}).items()
        },
    )


def demo_groups(now: datetime | None = None) -> list[Group]:
    """The demo's container groups, timed relative to ``now``."""
    now = _now(now)
    raw = _load()
    groups = []
    for spec in raw["groups"]:
        group = Group(
            spec["ContainerGroupId"],
            name=spec["Name"],
            namespace=spec["Namespace"],
            region=raw["region"],
            zone=spec["ZoneId"],
            vswitch=spec["VSwitchId"],
            resource_group=spec["ResourceGroupId"],
            tags=dict(spec.get("Tags", {})),
            instance_type=spec["InstanceType"],
            cpu=spec["Cpu"],
            memory=spec["Memory"],
            vpc=spec["VpcId"],
            security_group=spec["SecurityGroupId"],
            spot_strategy=spec.get("SpotStrategy", "NoSpot"),
            spot_price_limit=spec.get("SpotPriceLimit", 0.0),
            status=spec["Status"],
            creation_time=now - _ago(spec["CreatedAgo"]),
            failed_time=_when(spec, "FailedAgo", now),
            expired_time=_when(spec, "ExpiredAgo", now),
            containers=[_container(c, now) for c in spec["Containers"]],
        )
        for number, item in enumerate(spec["Events"]):
            message = item["Message"]
            if "{in:" in message:
                head, _, rest = message.partition("{in:")
                span, _, tail = rest.partition("}")
                when = (now + _ago(span)).astimezone(timezone(timedelta(hours=8)))
                message = head + when.strftime("%Y-%m-%dT%H:%M:00.000+08:00") + tail
            record = event(
                item["Reason"],
                message,
                type=item["Type"],
                count=item.get("Count", 1),
                first=now - _ago(item.get("FirstAgo", item["LastAgo"])),
                last=now - _ago(item["LastAgo"]),
                component=item.get("Component", "EciService"),
                object_name=spec["Name"],
                namespace=spec["Namespace"],
                group_id=spec["ContainerGroupId"],
                name=f"{spec['Name']}.{_digest(spec['ContainerGroupId'], number)}",
            )
            group.events.append(record)
        groups.append(group)
    return groups


def load_demo(world: World, now: datetime | None = None) -> World:
    """Fill ``world`` with the demo: regions, vSwitches, stock, usage and groups."""
    now = _now(now)
    raw = _load()
    world.regions.clear()
    for spec in raw["regions"]:
        world.set_region(spec["RegionId"], spec["Zones"], spec["RecommendZones"])
    for spec in raw["vswitches"]:
        found = world.add_vswitch(
            spec["VSwitchId"],
            vpc=spec["VpcId"],
            zone=spec["ZoneId"],
            free_ips=spec["AvailableIpAddressCount"],
            cidr=spec["CidrBlock"],
            name=spec["VSwitchName"],
            region=raw["region"],
        )
        found.creation_time = now - timedelta(days=90)
    for spec in raw["stock"]:
        for zone, status in spec["Zones"].items():
            world.set_stock(zone, spec["Value"], status, spot=spec["Spot"])
    world.usage.update(raw["usage"])
    for group in demo_groups(now):
        world.groups[group.group_id] = group
    return world


def demo_emulator(key_id: str, secret: str, now: datetime | None = None) -> Emulator:
    """An emulator loaded with the demo world (timed relative to ``now``), accepting one
    generated key pair."""
    emulator = Emulator(credentials={key_id: secret})
    load_demo(emulator, now)
    return emulator
