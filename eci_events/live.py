"""Gathering the live context of container groups for ``diagnose``: which questions the
groups' events raise, each asked once, in parallel, and the answers turned into facts.

A question that fails (a missing RAM permission, a throttled API) is noted with the RAM
action it needs; every other part still comes back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from eci_events.analysis.context import Context, Unavailable, capacity, group_context
from eci_events.annotate import Annotator
from eci_events.catalog import load_catalog
from eci_events.errors import EciEventsError
from eci_events.model import Event
from eci_events.sources import context_api as api
from eci_events.sources.client import Client, ram_action, run_parallel
from eci_events.sources.pods import Selection

# What each part of the context calls, for the notes when it cannot be read.
PARTS = {
    "groups": "DescribeContainerGroups",
    "stock": "DescribeAvailableResource",
    "zones": "DescribeRegions",
    "vswitches": "DescribeVSwitches",
    "usage": "ListUsage",
    "logs": "DescribeContainerLog",
}


@dataclass
class _Answers:
    """What the calls of the second wave brought back, by question."""

    stock: dict[tuple[str, str], list[api.Stock]] = field(default_factory=dict)
    sizes: dict[tuple[float, float, str], list[api.Stock]] = field(default_factory=dict)
    vswitches: dict[str, list[api.VSwitch]] = field(default_factory=dict)
    logs: dict[tuple[str, str], str] = field(default_factory=dict)
    recommended: tuple[str, ...] = ()
    usage: dict[str, float] | None = None
    unavailable: list[Unavailable] = field(default_factory=list)


class Described:
    """DescribeContainerGroups of known ids, asked on a thread of its own while their
    events are read: the context's first question costs no round trip of its own."""

    def __init__(self, client: Client, ids: Sequence[str]) -> None:
        self._answer: list[Any] = []

        def ask() -> None:
            try:
                self._answer.append(api.describe_groups(client, ids))
            except BaseException as problem:  # handed to the thread that reads the answer
                self._answer.append(problem)

        # A daemon thread: Ctrl-C or an error exit does not wait for it.
        self._thread = threading.Thread(target=ask, daemon=True)
        self._thread.start()

    def result(self) -> tuple[list[api.GroupSpec], list[tuple[list[str], str]]]:
        self._thread.join()
        answer = self._answer[0]
        if isinstance(answer, BaseException):
            raise answer
        found: tuple[list[api.GroupSpec], list[tuple[list[str], str]]] = answer
        return found


def needs(events: Iterable[Event]) -> dict[str, tuple[dict[str, None], dict[str, None]]]:
    """Per group: the context kinds its events ask for, and its reasons."""
    annotator = Annotator(load_catalog())
    found: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for event in events:
        if not event.group_id:
            continue
        kinds, reasons = found.setdefault(event.group_id, ({}, {}))
        kinds.update(dict.fromkeys(annotator.match(event.reason, event.message).context))
        reasons[event.reason] = None
    return found


def gather(
    client: Client,
    ids: Sequence[str],
    events: Sequence[Event],
    specs: Sequence[api.GroupSpec],
    selection: Selection | None,
    *,
    logs: bool = False,
    vpc_endpoint: tuple[str, str] | None = None,
    described: Described | None = None,
) -> Context:
    """The context of groups ``ids``; ``specs`` and ``described`` are what was learnt of
    them already (``described``: a DescribeContainerGroups of every id, made early)."""
    asked = needs(events)
    unavailable: list[Unavailable] = []
    known = {s.group_id: s for s in specs}
    missing = [i for i in ids if i not in known]
    if missing:
        found, failures = described.result() if described else api.describe_groups(client, missing)
        known.update({s.group_id: s for s in found})
        unavailable += [_unavailable("groups", error) for _, error in failures]
    answers = _ask(client, [known[i] for i in ids if i in known], asked, logs, vpc_endpoint)
    unavailable += answers.unavailable
    pods = {p.group_id: p for p in selection.pods} if selection else {}
    groups = []
    for group_id in ids:
        spec = known.get(group_id)
        if spec is None:
            continue
        kinds, reasons = asked.get(group_id, ({}, {}))
        fix = None
        if "stock" in kinds and _sized(spec):
            fix = capacity(
                spec,
                answers.stock.get((spec.instance_type, spec.spot_strategy), []),
                answers.sizes.get((spec.cpu or 0.0, spec.memory or 0.0, spec.spot_strategy), []),
                answers.vswitches.get(spec.vpc),
                answers.recommended,
            )
        group_logs = {name: text for (gid, name), text in answers.logs.items() if gid == group_id}
        groups.append(
            group_context(spec, kinds, reasons, pods.get(group_id), fix, group_logs, answers.usage)
        )
    return Context(
        region=client.settings.region,
        groups=tuple(groups),
        usage=answers.usage,
        unavailable=tuple(unavailable),
        not_found=tuple(
            i for i in ids if i not in known and not any(u.part == "groups" for u in unavailable)
        ),
        maybe_denied=bool(ids) and not known and not unavailable,
    )


def _sized(spec: api.GroupSpec) -> bool:
    """Stock can be asked for: the group names an instance type, or vCPU and memory."""
    return bool(spec.instance_type or (spec.cpu and spec.memory))


def _unavailable(part: str, error: str) -> Unavailable:
    return Unavailable(part, ram_action(PARTS[part]), error)


def _ask(
    client: Client,
    specs: Sequence[api.GroupSpec],
    asked: dict[str, tuple[dict[str, None], dict[str, None]]],
    logs: bool,
    vpc_endpoint: tuple[str, str] | None,
) -> _Answers:
    """Every distinct question the groups raise, asked once and all at the same time."""
    questions: dict[tuple[Any, ...], Callable[[], Any]] = {}
    stocked = [s for s in specs if "stock" in asked.get(s.group_id, ({}, {}))[0] and _sized(s)]
    for spec in stocked:
        spot = spec.spot_strategy
        if spec.instance_type:
            questions[("stock", spec.instance_type, spot)] = partial(
                api.available, client, instance_type=spec.instance_type, spot=spot
            )
        if spec.cpu and spec.memory:
            questions[("sizes", spec.cpu, spec.memory, spot)] = partial(
                api.available, client, cores=spec.cpu, memory=spec.memory, spot=spot
            )
        if vpc_endpoint and spec.vpc:
            questions[("vswitches", spec.vpc)] = partial(
                api.vswitches, client, spec.vpc, vpc_endpoint[0]
            )
    if stocked:
        questions[("zones",)] = partial(api.recommended_zones, client)
    if any("usage" in kinds for kinds, _ in asked.values()):
        questions[("usage",)] = partial(api.usage, client)
    for spec in specs if logs else ():
        if "containers" in asked.get(spec.group_id, ({}, {}))[0]:
            for c in spec.containers:
                if c.restart_count or c.previous is not None:
                    questions[("logs", spec.group_id, c.name)] = partial(
                        api.previous_log, client, spec.group_id, c.name
                    )
    if vpc_endpoint and any(key[0] == "vswitches" for key in questions):
        client.add_endpoint(*vpc_endpoint)
    answers = _Answers()
    keys = list(questions)
    for index, outcome in run_parallel(list(questions.values()), client.settings.concurrency):
        kind, *rest = keys[index]
        if isinstance(outcome, EciEventsError):
            note = _unavailable("stock" if kind == "sizes" else kind, outcome.message)
            if note not in answers.unavailable:
                answers.unavailable.append(note)
        elif kind == "stock":
            answers.stock[(rest[0], rest[1])] = outcome
        elif kind == "sizes":
            answers.sizes[(rest[0], rest[1], rest[2])] = outcome
        elif kind == "vswitches":
            answers.vswitches[rest[0]] = outcome
        elif kind == "logs":
            answers.logs[(rest[0], rest[1])] = outcome
        elif kind == "zones":
            answers.recommended = outcome
        else:
            answers.usage = outcome
    return answers
