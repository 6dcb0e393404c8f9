"""DescribeContainerGroupEvents: batches of ids in parallel, every page, every answer checked.

An answer is read by the same functions triage uses for the API shape (shapes.py), so
PascalCase and camelCase answers mean the same here as there. An answer that is not a
list of groups is an API failure, never "no events"; groups without an id are kept;
a group repeated on a page or across pages is merged; a group with more events than
the API ever returns keeps its latest ``EVENTS_PER_GROUP``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eci_events import coerce
from eci_events.errors import ApiError, ConfigError, EciEventsError, ExitCode
from eci_events.limits import EVENTS_PER_GROUP, IDS_PER_CALL, PAGES_PER_QUERY
from eci_events.model import Event, sort_key
from eci_events.sources.client import Client, run_parallel
from eci_events.sources.shapes import api_groups, group_events

ACTION = "DescribeContainerGroupEvents"


@dataclass(frozen=True)
class Query:
    ids: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    zone: str | None = None
    vswitch: str | None = None
    resource_group: str | None = None
    since: int | None = None
    source: str | None = None

    @property
    def filters(self) -> list[tuple[str, str]]:
        """The group filters and event source, as (what, value) pairs."""
        found = [("tag", f"{k}={v}") for k, v in self.tags]
        found += [
            (name, value)
            for name, value in (
                ("zone", self.zone),
                ("vSwitch", self.vswitch),
                ("resource group", self.resource_group),
                ("source", self.source),
            )
            if value
        ]
        return found


@dataclass
class GroupInfo:
    group_id: str
    group_name: str
    namespace: str
    events: int
    truncated: bool  # the API's per-group maximum was reached: older events may be missing


@dataclass
class Failure:
    group_ids: list[str]
    error: str
    exit_code: int = int(ExitCode.API)


@dataclass
class Result:
    events: list[Event] = field(default_factory=list)
    groups: list[GroupInfo] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # requested ids the API did not return
    without_id: int = 0  # answer entries that named no ContainerGroupId (kept)
    overfull: list[tuple[str, int]] = field(default_factory=list)  # (group, events sent)
    requests: int = 0  # answer pages read (another thread's calls on the client not counted)


def answer_groups(body: Mapping[str, Any], action: str = ACTION) -> list[Any]:
    """The ``Data`` list of an answer; an ApiError when the answer has none (an error body
    sent with HTTP 200, ``Data`` missing, null or not a list)."""
    found = api_groups(body)
    if found is not None and found[0] == "api":
        return found[1]
    code = coerce.text(coerce.first(body, "Code", "code"))
    message = coerce.text(coerce.first(body, "Message", "message"))
    request_id = coerce.text(coerce.first(body, "RequestId", "requestId"))
    said = f": {code}" + (f" {message}" if message else "") if code or message else ""
    rid = f" (request id {request_id})" if request_id else ""
    raise ApiError(f"{action} answered without a list of groups (Data){said}{rid}")


class _Merged:
    """The groups of one batch, merged across pages by id; entries without an id apart."""

    def __init__(self) -> None:
        self.by_id: dict[str, tuple[Mapping[str, Any], dict[tuple[Any, ...], Event]]] = {}
        self.anonymous: list[tuple[Mapping[str, Any], dict[tuple[Any, ...], Event]]] = []

    def add(self, entry: Mapping[str, Any]) -> None:
        gid = coerce.text(coerce.first(entry, "ContainerGroupId", "containerGroupId"))
        events = {_identity(e): e for e in group_events(entry)}
        if not gid:
            self.anonymous.append((entry, events))
        elif gid in self.by_id:
            self.by_id[gid][1].update(events)
        else:
            self.by_id[gid] = (entry, events)


def _identity(event: Event) -> tuple[Any, ...]:
    """What makes an event the same event when a group comes twice."""
    if event.name:
        return (event.name, event.count, event.last_seen)
    return (event.reason, event.message, event.count, event.first_seen, event.last_seen)


def _pages(client: Client, query: Query, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every page of one batch (or of the filter query when ``ids`` is empty)."""
    from alibabacloud_eci20180808 import models as eci_models

    request = eci_models.DescribeContainerGroupEventsRequest(
        region_id=client.settings.region,
        container_group_ids=json.dumps(list(ids)) if ids else None,
        zone_id=query.zone,
        v_switch_id=query.vswitch,
        resource_group_id=query.resource_group,
        since_second=query.since,
        event_source=query.source,
        tag=[
            eci_models.DescribeContainerGroupEventsRequestTag(key=k, value=v) for k, v in query.tags
        ]
        or None,
    )
    base = request.to_map()
    # An id batch fits on one page; allow one page per id before calling the paging endless.
    most = len(ids) + 1 if ids else PAGES_PER_QUERY
    bodies: list[dict[str, Any]] = []
    token: str | None = None
    seen: set[str] = set()
    while True:
        page = dict(base)
        if token:  # never send an empty NextToken
            page["NextToken"] = token
        body = client.call(ACTION, page)
        answer_groups(body)
        bodies.append(body)
        token = coerce.text(coerce.first(body, "NextToken", "nextToken")) or None
        if not token:
            return bodies
        if token in seen or len(bodies) >= most:
            raise _Endless(bodies)
        seen.add(token)


class _Endless(ApiError):
    """The service kept handing out NextToken; the pages read so far are kept."""

    def __init__(self, bodies: list[dict[str, Any]]) -> None:
        super().__init__(
            f"{ACTION} kept returning NextToken after {len(bodies)} pages; stopped there "
            "(what those pages held is shown)"
        )
        self.bodies = bodies


def fetch_events(client: Client, query: Query) -> Result:
    """All events of the query: batches of 20 ids in parallel, results in input order."""
    ids = list(dict.fromkeys(query.ids))
    step = IDS_PER_CALL
    batches: list[list[str]] = [ids[i : i + step] for i in range(0, len(ids), step)] or [[]]
    outcomes: list[Any] = [None] * len(batches)
    jobs = [functools.partial(_pages, client, query, batch) for batch in batches]
    for index, outcome in run_parallel(jobs, client.settings.concurrency):
        outcomes[index] = outcome
    result = Result()
    returned: set[str] = set()
    for batch, outcome in zip(batches, outcomes, strict=True):
        if isinstance(outcome, EciEventsError):
            result.failed.append(Failure(batch, outcome.message, int(outcome.exit_code)))
            if not isinstance(outcome, _Endless):
                continue
            outcome = outcome.bodies
        result.requests += len(outcome)
        merged = _Merged()
        for body in outcome:
            for entry in answer_groups(body):
                if isinstance(entry, Mapping):
                    merged.add(entry)
        order = {gid: n for n, gid in enumerate(batch)}
        for gid in sorted(merged.by_id, key=lambda g: order.get(g, len(order))):
            entry, events = merged.by_id[gid]
            _keep(result, gid, entry, list(events.values()))
            returned.add(gid)
        for entry, events in merged.anonymous:
            result.without_id += 1
            _keep(result, "", entry, list(events.values()))
    failed_ids = {i for f in result.failed for i in f.group_ids}
    result.missing = [i for i in ids if i not in returned and i not in failed_ids]
    return result


def fetch_all(client: Client, query: Query) -> Result:
    """``fetch_events``, or its error when nothing at all succeeded (never "no events")."""
    result = fetch_events(client, query)
    if result.failed and not result.groups and not result.missing:
        first = result.failed[0]
        if len(result.failed) > 1 and any(f.error != first.error for f in result.failed):
            raise ApiError(f"every call failed; first: {first.error}")
        if first.exit_code == ExitCode.CONFIG:
            raise ConfigError(first.error)
        raise ApiError(first.error)
    return result


def _keep(result: Result, gid: str, entry: Mapping[str, Any], events: list[Event]) -> None:
    if len(events) > EVENTS_PER_GROUP:
        result.overfull.append((gid, len(events)))
        events = sorted(events, key=sort_key)[-EVENTS_PER_GROUP:]
    text = coerce.text
    result.groups.append(
        GroupInfo(
            gid,
            text(coerce.first(entry, "Name", "name")),
            text(coerce.first(entry, "Namespace", "namespace")),
            len(events),
            len(events) >= EVENTS_PER_GROUP,
        )
    )
    result.events.extend(events)
