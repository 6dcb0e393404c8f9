"""Facts one message carries beyond the catalog's parameters: the causes of a composite
scheduler message, zones and instance types, a maintenance deadline.

Each function looks at a bounded prefix of the message with simple scans, so a hostile
100 KB message costs no more than a short one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from eci_events.matching import strip_prefix
from eci_events.timefmt import parse_time

SCAN = 8192  # characters of a message looked at for zones, types and deadlines
_ZONE = re.compile(r"\b(?:[a-z]{2}-[a-z]{2,20}(?:-\d{1,2})?-[a-z]|[a-z]{2}-[a-z]{2,20}-\d[a-z])\b")
_INSTANCE_TYPE = re.compile(r"\becs\.[a-z0-9-]{1,40}\.[a-z0-9-]{1,40}\b")
_WITHIN_HOURS = re.compile(r"within\s{1,5}(\d{1,4})\s{1,5}hours?", re.IGNORECASE)
_AVAILABLE = " nodes are available:"
_PART_SPLIT = re.compile(r",\s{0,5}(?=\d{1,9}\s)")
_PART = re.compile(r"(\d{1,9})\s+(.+)", re.DOTALL)


@dataclass(frozen=True)
class Part:
    """One cause of a composite message (``10 node(s) had untolerated taint ...``)."""

    text: str
    count: int


def composite_parts(message: str) -> tuple[Part, ...]:
    """``0/216 nodes are available: 3 Insufficient cpu, 10 node(s) had ...`` split in parts,
    most nodes first; the ``preemption:`` tail is not a cause."""
    at = message.find(_AVAILABLE)
    if at < 0:
        return ()
    start = at
    while start > 0 and message[start - 1].isdigit():
        start -= 1
    if start == at or start == 0 or message[start - 1] != "/":
        return ()
    body = message[at + len(_AVAILABLE) :]
    cut = body.find(" preemption:")
    if cut >= 0:
        body = body[:cut]
    parts = []
    for piece in _PART_SPLIT.split(body):
        found = _PART.fullmatch(piece.strip().rstrip("."))
        if found is not None:
            parts.append(Part(text=found.group(2).strip(), count=int(found.group(1))))
    return tuple(sorted(parts, key=lambda p: (-p.count, p.text)))


def zones(message: str, params: dict[str, str] | None = None) -> tuple[str, ...]:
    """Zone ids a message names (``cn-hangzhou-k``), in order of first mention."""
    found = _ZONE.findall(message[:SCAN])
    for name, value in (params or {}).items():
        if name in ("zone", "zones") and value:
            found += _ZONE.findall(value) or [value]
    return tuple(dict.fromkeys(found))


def instance_types(message: str) -> tuple[str, ...]:
    """ECS instance types a message names (``ecs.c6.large``)."""
    return tuple(dict.fromkeys(_INSTANCE_TYPE.findall(message[:SCAN])))


def plan_exec_time(message: str) -> datetime | None:
    """The ``planExecTime`` of a ScheduledMaintenance message (a JSON object as text)."""
    body = strip_prefix(message).strip()
    if not body.startswith("{") or len(body) > SCAN:
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return parse_time(data.get("planExecTime")) if isinstance(data, dict) else None


def within_hours(message: str) -> int | None:
    """The N of SystemReboot's "re-create this instance within N hours"."""
    found = _WITHIN_HOURS.search(message[:SCAN])
    return int(found.group(1)) if found else None
