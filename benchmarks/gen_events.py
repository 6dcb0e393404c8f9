"""Generate benchmark inputs for ``eci-events triage`` into benchmarks/data/ (gitignored).

    python benchmarks/gen_events.py                       # api.json: 4,000 groups x 50 events
    python benchmarks/gen_events.py --format ndjson --groups 20000 --per-group 50
    python benchmarks/gen_events.py --reasons 50           # 50 reasons over the 4,000 groups
    python benchmarks/gen_events.py --format ndjson --groups 1 --per-group 1000000 --distinct-pods

``api``: one DescribeContainerGroupEvents response as the aliyun CLI prints it (PascalCase,
lower-case ``involvedObject`` and ``uuid``, keys sorted, tab indentation), about 90 MB.
``ndjson``: one ``eci-events list -o ndjson`` record per line, written as it is generated.
The content is deterministic (seeded) and mixes everyday kubelet events with the ECI
events triage looks for: stock, OOM with back-off, spot, image cache, quota, O&M.

``--reasons N`` (more than the 18 built-in reasons) adds reasons from the bundled catalog,
their messages written from the catalog's templates with values filled in, and gives
each group events of a dozen of the N reasons, so that every reason is spread over many
groups. ``--distinct-pods`` makes every event name a pod (and ECI id) of its own: the
worst case for the per-group tables.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CATALOG = Path(__file__).resolve().parent.parent / "catalog"
START = datetime(2026, 11, 20, 6, 0, 0, tzinfo=timezone.utc)
ZONES = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"]
TYPES = ["ecs.c6.large", "ecs.g6.xlarge", "ecs.gn6i-c4g1.xlarge", "ecs.u1-c1m2.large"]
IMAGES = ["nginx:1.27", "registry.cn-hangzhou.aliyuncs.com/acs/app:v2", "python:3.12-slim"]

# (reason, type, message template, weight); {x} slots are filled per event.
EVERYDAY = [
    ("Pulling", "Normal", 'Pulling image "{image}"', 8),
    ("Pulled", "Normal", 'Successfully pulled image "{image}" in {secs}s', 8),
    ("Created", "Normal", "Created container {container}", 8),
    ("Started", "Normal", "Started container {container}", 8),
    (
        "SuccessfulHitImageCache",
        "Normal",
        "Successfully hit image cache {imc}, eci will be scheduled with this image cache.",
        3,
    ),
    ("Killing", "Normal", "Stopping container {container}", 2),
    ("Unhealthy", "Warning", "Readiness probe failed: HTTP probe failed with statuscode: 503", 2),
]
TROUBLE = [
    (
        "NoStock",
        "Warning",
        "[eci.containergroup]Create ECI failed because the specified instance is out of stock. "
        "zone: {zone}, instanceType: {itype}",
        3,
    ),
    ("StockExhaust", "Warning", "The stock of the specified zones will be used up. {zone}", 1),
    ("OOMKilled", "Warning", "Out of memory", 2),
    ("BackOff", "Warning", "Back-off restarting failed container {container} in pod {pod}", 3),
    (
        "SpotToBeReleased",
        "Warning",
        "[eci.containergroup]Spot ECI will be released in 3 minutes",
        1,
    ),
    ("ImageCacheMissed", "Warning", "[eci.imagecache]Missed image cache.", 2),
    ("ImageCacheAutoCreated", "Normal", "[eci.imagecache]Image cache {imc} is auto created", 1),
    (
        "InsufficientBalance",
        "Warning",
        "Your account does not have enough balance to purchase {itype}",
        0.2,
    ),
    ("SandboxNotReady", "Warning", "sandbox is not ready", 0.3),
    (
        "FailedScheduling",
        "Warning",
        "0/216 nodes are available: 3 Insufficient cpu, 10 node(s) had untolerated taint "
        "{{virtual-kubelet.io/provider: alibabacloud}}, 203 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/216 nodes are available: 216 Preemption is not "
        "helpful for scheduling.",
        1,
    ),
    ("CustomHealthCheckFailed", "Warning", "health check endpoint returned {secs}", 0.5),
]


Row = tuple[str, str, str, float]
# How the catalog's template parameters are filled in (the rest: a short word).
_PARAM_VALUES = {
    "zone": "{zone}",
    "instance_type": "{itype}",
    "image": "{image}",
    "container": "{container}",
    "pod": "{pod}",
    "image_cache_id": "{imc}",
    "duration": "{secs}s",
    "total_duration": "{secs}s",
    "pid": "{number}",
    "score": "{number}",
    "minutes": "{small}",
    "size": "{number}",
    "namespace": "default",
    "node": "virtual-kubelet-{zone}",
}
_WORDS = ["timeout", "denied", "unavailable", "conflict", "invalid", "busy"]


def _catalog_rows(count: int, rng: random.Random) -> list[Row]:
    """``count`` reasons of the catalog not among the built-in ones, one message template
    each (a variant chosen at random), weighted alike."""
    known = {row[0] for row in EVERYDAY + TROUBLE}
    entries = []
    for path in sorted(CATALOG.glob("*/*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(entry, dict) and "reason" in entry and entry["reason"] not in known:
            entries.append(entry)
    rows: list[Row] = []
    for entry in rng.sample(entries, min(count, len(entries))):
        variant = rng.choice(entry["variants"]) if entry["variants"] else {}
        template, params = variant.get("template"), variant.get("params") or []
        if not template:  # no known wording: a message of our own
            template, params = f"{entry['reason']} on %s: %s", ["pod", "error"]
        pieces = template.replace("{", "{{").replace("}", "}}").split("%s")
        message = pieces[0]
        for index, piece in enumerate(pieces[1:]):
            name = params[index] if index < len(params) else "error"
            message += _PARAM_VALUES.get(name, "{word}") + piece
        kind = "Normal" if entry.get("severity") == "info" else "Warning"
        rows.append((entry["reason"], kind, message, 1.0))
    return rows


def reason_tables(reasons: int, seed: int) -> tuple[list[Row], list[Row]]:
    """(everyday, trouble) event tables with ``reasons`` reasons in all."""
    extra = reasons - len(EVERYDAY) - len(TROUBLE)
    if extra <= 0:
        return EVERYDAY, TROUBLE
    rng = random.Random(seed + 1)
    return EVERYDAY, TROUBLE + _catalog_rows(extra, rng)


def _choose(rng: random.Random, table: list[Row]) -> tuple[str, str, str]:
    reason, kind, template, _ = rng.choices(table, weights=[row[3] for row in table])[0]
    return reason, kind, template


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Shape:
    """What varies between the data sets: the reasons, and whether pods repeat."""

    def __init__(self, reasons: int = 0, distinct_pods: bool = False, seed: int = 4) -> None:
        self.everyday, self.trouble = reason_tables(reasons, seed)
        self.spread = len(self.trouble) > len(TROUBLE)
        self.distinct_pods = distinct_pods


def group_events(
    rng: random.Random, index: int, per_group: int, shape: Shape | None = None
) -> Iterator[dict[str, Any]]:
    """One container group's events as (group fields, event fields) in API form."""
    shape = shape or Shape()
    group_id = f"eci-bp1{index:013x}"
    pod = f"web-{index:05d}-{rng.randrange(16**5):05x}"
    troubled = shape.spread or rng.random() < 0.3
    trouble = shape.trouble
    if shape.spread:  # a dozen of the many reasons in each group
        trouble = rng.sample(trouble, 12)
    start = START + timedelta(seconds=rng.randrange(0, 6 * 3600))
    for number in range(per_group):
        if shape.distinct_pods:
            group_id = f"eci-bp1{index:05x}{number:08x}"
            pod = f"web-{index:05d}-{number:08x}"
        table = trouble if troubled and rng.random() < 0.4 else shape.everyday
        reason, kind, template = _choose(rng, table)
        values = {
            "image": rng.choice(IMAGES),
            "secs": f"{rng.uniform(0.5, 90):.3f}",
            "container": rng.choice(["app", "sidecar", "init"]),
            "imc": f"imc-bp1{rng.randrange(16**8):08x}",
            "zone": rng.choice(ZONES),
            "itype": rng.choice(TYPES),
            "pod": pod,
        }
        if shape.spread:  # drawn only here, so that the default data stay as they were
            values["number"] = str(rng.randrange(100, 100_000))
            values["small"] = str(rng.randrange(1, 60))
            values["word"] = rng.choice(_WORDS)
        first = start + timedelta(seconds=number * rng.randrange(5, 120))
        count = 1 if rng.random() < 0.7 else rng.randrange(2, 40)
        last = first + timedelta(seconds=(count - 1) * rng.randrange(10, 300))
        yield {
            "group_id": group_id,
            "group_name": pod,
            "namespace": "default",
            "Count": count,
            "FirstTimestamp": _stamp(first),
            "LastTimestamp": _stamp(last),
            "Message": template.format(**values),
            "Metadata": {"Name": f"{pod}.{rng.randrange(16**16):016x}"},
            "Reason": reason,
            "Source": {"Component": "EciService" if reason[0] in "NOSIC" else "kubelet"},
            "Type": kind,
            "involvedObject": {
                "ApiVersion": "v1",
                "Kind": "Pod",
                "Name": pod,
                "Namespace": "default",
                "Uid": group_id,
            },
        }


def write_api(path: Path, groups: int, per_group: int, seed: int, shape: Shape) -> None:
    rng = random.Random(seed)
    data = []
    total = 0
    for index in range(groups):
        events = []
        for raw in group_events(rng, index, per_group, shape):
            group_id, name, namespace = (
                raw.pop("group_id"),
                raw.pop("group_name"),
                raw.pop("namespace"),
            )
            events.append(raw)
        total += len(events)
        data.append(
            {
                "Annotations": json.dumps({"tenancy.x-k8s.io/namespace": namespace}),
                "ContainerGroupId": group_id,
                "Events": events,
                "Name": name,
                "Namespace": namespace,
                "uuid": f"{rng.randrange(16**32):032x}",
            }
        )
    body = {"Data": data, "RequestId": "1340C38D-6189-54D1-86F6-7D5ECF3E0088", "TotalCount": total}
    with path.open("w", encoding="utf-8") as out:
        # What the aliyun CLI prints: sorted keys, tab indentation, no trailing newline.
        json.dump(body, out, indent="\t", sort_keys=True, ensure_ascii=False)


def write_ndjson(path: Path, groups: int, per_group: int, seed: int, shape: Shape) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for index in range(groups):
            for raw in group_events(rng, index, per_group, shape):
                record = {
                    "schema_version": 1,
                    "group_id": raw["group_id"],
                    "group_name": raw["group_name"],
                    "namespace": raw["namespace"],
                    "type": raw["Type"],
                    "reason": raw["Reason"],
                    "message": raw["Message"],
                    "count": raw["Count"],
                    "first_seen": raw["FirstTimestamp"],
                    "last_seen": raw["LastTimestamp"],
                    "event_time": None,
                    "source": raw["Source"]["Component"],
                    "object_kind": "Pod",
                    "object_name": raw["group_name"],
                    "name": raw["Metadata"]["Name"],
                }
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=["api", "ndjson"], default="api")
    parser.add_argument("--groups", type=int, default=4000)
    parser.add_argument("--per-group", type=int, default=50)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--reasons",
        type=int,
        default=0,
        help="this many distinct reasons (beyond the 18 built in: from the catalog), "
        "a dozen of them in each group",
    )
    parser.add_argument(
        "--distinct-pods", action="store_true", help="every event about a pod of its own"
    )
    parser.add_argument("--out", type=Path, help="default: benchmarks/data/<format>-<events>.json")
    args = parser.parse_args(argv)
    events = args.groups * args.per_group
    suffix = "json" if args.format == "api" else "ndjson"
    path = args.out or DATA / f"{args.format}-{events}.{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = write_api if args.format == "api" else write_ndjson
    shape = Shape(args.reasons, args.distinct_pods, args.seed)
    writer(path, args.groups, args.per_group, args.seed, shape)
    size = path.stat().st_size
    pods = events if args.distinct_pods else args.groups
    reasons = len({row[0] for row in shape.everyday + shape.trouble})
    print(
        f"{path}: {events:,} events, {pods:,} pods, {reasons} reasons, {size / 1e6:.1f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
