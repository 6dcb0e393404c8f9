"""The bundled demo: sample groups and events, timed relative to now, served by an Emulator."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from importlib import resources

from eci_events.emulator.server import Emulator, Group, event

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _ago(text: str) -> timedelta:
    return timedelta(seconds=int(text[:-1]) * _UNITS[text[-1]])


def _digest(group_id: str, number: int) -> str:
    return hashlib.sha1(f"{group_id}/{number}".encode()).hexdigest()[:16]


def demo_groups(now: datetime | None = None) -> list[Group]:
    """The sample groups of ``eci_events/data/demo-events.json``, timed relative to now."""
    now = now or datetime.now(timezone.utc)
    raw = json.loads(
        resources.files("eci_events.emulator")
        .joinpath("data/demo-events.json")
        .read_text(encoding="utf-8")
    )
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


def demo_emulator(key_id: str, secret: str, now: datetime | None = None) -> Emulator:
    """An emulator loaded with the demo groups (timed relative to ``now``), accepting one
    generated key pair."""
    return Emulator(demo_groups(now), credentials={key_id: secret})
