"""Triage: Events in, a frozen Diagnosis out. Analysis only; nothing here prints.

One pass over the events (they may come from a stream of any length) keeps aggregates
per finding (reason and message variant, optionally per container group) and per
container group; the cross-event rules run on those aggregates at the end. Work that
depends only on an event's reason and message (catalog match, parameters, composite
message parts, zones) is done once per distinct message and cached.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from eci_events.catalog import Catalog, Match, Severity, localized
from eci_events.events import Event
from eci_events.timefmt import parse_time

# Reasons the cross-event rules look for (compared lower-case, without "ContainerGroup.").
STOCK = frozenset({"nostock", "stockexhaust", "stockclose", "spotdegraded"})
OOM = frozenset({"oomkilled", "podoomkilled"})
RESTART = frozenset({"backoff", "crashloopbackoff"})
SPOT = frozenset({"spottobereleased", "spotdegraded", "bidfailed", "containerinstanceexpired"})
IMAGE_CACHE = frozenset(
    {
        "imagecachemissed",
        "imagecacheautocreated",
        "imagecacheautocreatefailed",
        "imagecachenotfound",
        "imagecachenotcomplete",
        "imagecachenotfullmatch",
        "imagecachenotsuited",
        "imagecachearchnotmatch",
        "imagecacheautoeliminated",
        "imagecacheeliminated",
        "imagecacheflashcreatedfailed",
        "imagecacheflashusedfailed",
        "imagecachecopyfailed",
        "imagecacheupdatefailed",
        "imagecacheunknownerror",
    }
)
ACCOUNT = frozenset(
    {
        "insufficientbalance",
        "quotaexceeded",
        "quotafull",
        "diskcapacityquotafull",
        "unauthorized",
        "eipbandwidthpackagequotaexceeded",
        "aliyunslsquotaexceed",
        "imagecachequotafull",
    }
)
PLATFORM = frozenset(
    {
        "sandboxnotready",
        "sandboxnotreadyunexpected",
        "runtimecrashed",
        "runtimeissuedetected",
        "gpulostcard",
        "systemreboot",
        "systemfailurereboot",
        "system_failure",
        "scheduledmaintenance",
        "systemfailure.reboot",
        "instancefailure.reboot",
        "systemfailure.redeploy",
    }
)
# The platform reasons that announce planned maintenance with a deadline, not a failure.
MAINTENANCE = frozenset({"scheduledmaintenance", "systemreboot"})
_GROUP_REASONS = OOM | RESTART | {"started"}
_RULE_REASONS = STOCK | OOM | SPOT | IMAGE_CACHE | ACCOUNT | PLATFORM
RULES = ("account", "platform", "capacity", "memory", "spot", "image-cache")

_ZONE = re.compile(r"\b(?:[a-z]{2}-[a-z]+(?:-\d+)?-[a-z]|[a-z]{2}-[a-z]+-\d[a-z])\b")
_INSTANCE_TYPE = re.compile(r"\becs\.[a-z0-9-]+\.[a-z0-9-]+\b")
_COMPOSITE = re.compile(r"(\d+)/(\d+) nodes are available:\s*(.*)", re.DOTALL)
_COMPOSITE_SPLIT = re.compile(r",\s*(?=\d+\s)")
_COMPOSITE_PART = re.compile(r"(\d+)\s+(.+)", re.DOTALL)
_WITHIN_HOURS = re.compile(r"within\s+(\d+)\s+hours?", re.IGNORECASE)
_CONDITION_PREFIX = "containergroup."
_SAMPLES = 3
_PARAM_VALUES = 5
_NEXT_IDS = 5
_INFO_CACHE_LIMIT = 20_000
_LEARN = 256


def rule_key(reason: str) -> str:
    key = reason.strip().lower()
    return key[len(_CONDITION_PREFIX) :] if key.startswith(_CONDITION_PREFIX) else key


# --------------------------------------------------------------------------------------------
# The frozen result


@dataclass(frozen=True)
class Part:
    """One cause of a composite message (``10 node(s) had untolerated taint ...``)."""

    text: str
    count: int


@dataclass(frozen=True)
class GroupRef:
    key: str
    group_id: str
    group_name: str
    namespace: str


@dataclass(frozen=True)
class Finding:
    reason: str
    variant: int | None
    known: bool
    section: str | None
    severity: Severity
    types: tuple[str, ...]
    summary: str | None
    remedies: tuple[str, ...]
    params: Mapping[str, str]
    groups: tuple[GroupRef, ...]
    events: int
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    messages: tuple[str, ...]
    parts: tuple[Part, ...]
    next_commands: tuple[str, ...]
    group: GroupRef | None = None  # set when grouped --by group
    variants: int = 0  # how many message variants the catalog entry has


@dataclass(frozen=True)
class Conclusion:
    """A cross-event rule that fired: what it means and what to do (rendered per language)."""

    rule: str
    severity: Severity
    reasons: tuple[str, ...]
    groups: tuple[GroupRef, ...]
    zones: tuple[str, ...] = ()
    instance_types: tuple[str, ...] = ()
    deadline: datetime | None = None
    minutes: str | None = None
    planned: tuple[str, ...] = ()  # platform: the reasons that are planned maintenance


@dataclass(frozen=True)
class GroupSummary:
    ref: GroupRef
    events: int
    count: int
    worst: Severity
    first_seen: datetime | None
    last_seen: datetime | None
    # The timeline, compactly: cell i (0 = no event, else severity + 1) covers the
    # `resolution` seconds from timeline_base + i * resolution (see Histogram).
    timeline_base: int | None
    resolution: int
    cells: bytes

    @property
    def timeline(self) -> tuple[tuple[int, Severity], ...]:
        """(bucket start as epoch seconds, worst severity) for every bucket with events."""
        return _buckets(self.timeline_base, self.resolution, self.cells)


@dataclass(frozen=True)
class SourceSummary:
    name: str
    format: str
    shapes: tuple[str, ...]
    documents: int
    events: int
    ignored: int = 0
    truncated_groups: int = 0
    failed_groups: int = 0


@dataclass(frozen=True)
class Noise:
    """Known, purely informational events folded into one line."""

    events: int
    count: int
    reasons: tuple[tuple[str, int], ...]  # (reason, occurrences), most first


@dataclass(frozen=True)
class Diagnosis:
    now: datetime
    lang: str
    by: str
    min_severity: Severity
    since_seconds: int | None
    sources: tuple[SourceSummary, ...]
    groups: tuple[GroupSummary, ...]  # worst first
    events: int  # event records after --since
    occurrences: int  # the sum of their counts
    first_seen: datetime | None
    last_seen: datetime | None
    undated: int
    skipped_old: int
    skipped_undated: int
    findings: tuple[Finding, ...]  # ranked, at or above min_severity
    hidden: int  # findings below min_severity
    conclusions: tuple[Conclusion, ...]
    noise: Noise
    worst: Severity | None  # over every finding and the noise, whatever min_severity hides

    def fails(self, threshold: Severity | None) -> bool:
        return threshold is not None and self.worst is not None and self.worst >= threshold


# --------------------------------------------------------------------------------------------
# Per-message facts, computed once per distinct (reason, message)


class _Info:
    __slots__ = (
        "deadline",
        "deadline_hours",
        "finding",
        "group_rule",
        "ident",
        "instance_types",
        "key",
        "known",
        "match",
        "message",
        "parts",
        "rule_key",
        "severity",
        "zones",
    )

    def __init__(self, ident: int, match: Match, message: str) -> None:
        self.ident = ident
        self.match = match
        self.message = message
        self.known = match.entry is not None
        self.severity = match.entry.severity if match.entry is not None else None
        self.key: tuple[str, int | None] = (match.reason, match.variant_index)
        self.rule_key = rule_key(match.reason)
        self.group_rule = self.rule_key in _GROUP_REASONS  # counted per group for the rules
        self.finding: _FindingAgg | None = None  # with --by reason, set at its first event
        self.parts = composite_parts(message)
        self.zones: tuple[str, ...] = ()
        self.instance_types: tuple[str, ...] = ()
        if self.rule_key in STOCK or self.rule_key in SPOT:
            found = list(_ZONE.findall(message))
            found += [v for k, v in match.params.items() if k in ("zone", "zones") and v]
            self.zones = tuple(dict.fromkeys(z for v in found for z in _ZONE.findall(v) or [v]))
            self.instance_types = tuple(dict.fromkeys(_INSTANCE_TYPE.findall(message)))
        self.deadline: datetime | None = None
        self.deadline_hours: int | None = None
        if self.rule_key == "scheduledmaintenance":
            self.deadline = plan_exec_time(message)
        elif self.rule_key == "systemreboot":
            found_hours = _WITHIN_HOURS.search(message)
            self.deadline_hours = int(found_hours.group(1)) if found_hours else None


def composite_parts(message: str) -> tuple[Part, ...]:
    """``0/216 nodes are available: 3 Insufficient cpu, 10 node(s) had ...`` split in parts."""
    found = _COMPOSITE.search(message) if "nodes are available" in message else None
    if found is None:
        return ()
    body = found.group(3)
    cut = body.find(" preemption:")
    if cut >= 0:
        body = body[:cut]
    parts = []
    for piece in _COMPOSITE_SPLIT.split(body):
        part = _COMPOSITE_PART.fullmatch(piece.strip().rstrip("."))
        if part is not None:
            parts.append(Part(text=part.group(2).strip(), count=int(part.group(1))))
    return tuple(sorted(parts, key=lambda p: (-p.count, p.text)))


def plan_exec_time(message: str) -> datetime | None:
    """The ``planExecTime`` of a ScheduledMaintenance message (a JSON object as text)."""
    start = message.find("{")
    if start < 0:
        return None
    try:
        data = json.loads(message[start : message.rfind("}") + 1])
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return parse_time(data.get("planExecTime"))
    except (OverflowError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# Aggregates


class _FindingAgg:
    __slots__ = (
        "count",
        "deadline",
        "events",
        "first",
        "group_key",
        "groups",
        "infos",
        "instance_types",
        "last",
        "learning",
        "match",
        "messages",
        "params",
        "parts",
        "severity",
        "types",
        "zones",
    )

    def __init__(self, match: Match, group_key: str | None) -> None:
        self.match = match
        self.group_key = group_key
        self.count = 0
        self.events = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.groups: set[str] = set()
        self.infos: set[int] = set()
        self.messages: list[str] = []
        self.params: dict[str, list[str]] = {}
        self.parts: dict[str, int] = {}
        self.severity = Severity.INFO
        self.types: set[str] = set()
        self.zones: dict[str, None] = {}
        self.instance_types: dict[str, None] = {}
        self.deadline: datetime | None = None
        self.learning = True

    def learn(self, info: _Info) -> None:
        """Merge what a newly seen message says (samples, parameters, parts, zones).

        Samples and parameter values are capped, so after _LEARN distinct messages there is
        nothing left to learn, unless messages carry parts, zones or deadlines (every one of
        those counts).
        """
        self.infos.add(info.ident)
        if len(self.infos) >= _LEARN and not (info.parts or info.zones or self.deadline):
            self.learning = False
            self.infos.clear()
        if len(self.messages) < _SAMPLES and info.message not in self.messages:
            self.messages.append(info.message)
        for name, value in info.match.params.items():
            values = self.params.setdefault(name, [])
            if value and value not in values and len(values) < _PARAM_VALUES:
                values.append(value)
        for part in info.parts or ():
            if part.count > self.parts.get(part.text, -1):
                self.parts[part.text] = part.count
        if info.zones:
            self.zones.update(dict.fromkeys(info.zones))
        if info.instance_types:
            self.instance_types.update(dict.fromkeys(info.instance_types))
        if info.deadline is not None:
            self.note_deadline(info.deadline)

    def note_deadline(self, moment: datetime) -> None:
        if self.deadline is None or moment < self.deadline:
            self.deadline = moment


_CELLS = 64


def _buckets(
    base: int | None, resolution: int, cells: bytes | bytearray
) -> tuple[tuple[int, Severity], ...]:
    """(bucket start, worst severity) of every marked cell of a Histogram's layout."""
    if base is None:
        return ()
    return tuple(
        (base + index * resolution, Severity(value - 1))
        for index, value in enumerate(cells)
        if value
    )


class Histogram:
    """The worst severity per time bucket in 64 bytes: bucket i starts at base + i * resolution.

    Buckets start at a minute and grow fourfold whenever an event falls outside the 64,
    so a group costs about 120 bytes however many events it has.
    """

    __slots__ = ("base", "cells", "resolution")

    def __init__(self) -> None:
        self.base: int | None = None
        self.resolution = 60
        self.cells = bytearray(_CELLS)

    def mark(self, epoch: int, severity: int) -> None:
        if self.base is None:
            self.base = epoch - epoch % self.resolution
        base: int = self.base
        while epoch < base:
            self._rebase(epoch)
            base = self.base
        index = (epoch - base) // self.resolution
        while index >= _CELLS:
            self._coarsen()
            index = (epoch - self.base) // self.resolution
        if severity + 1 > self.cells[index]:
            self.cells[index] = severity + 1

    def _rebase(self, epoch: int) -> None:
        """Move the start back to take an event earlier than every one so far."""
        assert self.base is not None
        new_base = epoch - epoch % self.resolution
        shift = (self.base - new_base) // self.resolution
        used = max((i for i, v in enumerate(self.cells) if v), default=-1) + 1
        if shift + used > _CELLS:
            self._coarsen()
            return
        self.cells = bytearray(shift) + self.cells[: _CELLS - shift]
        self.base = new_base

    def _coarsen(self) -> None:
        old_base, old_resolution, old = self.base, self.resolution, self.cells
        assert old_base is not None
        self.resolution *= 4
        self.base = old_base - old_base % self.resolution
        self.cells = bytearray(_CELLS)
        for index, value in enumerate(old):
            if value:
                at = (old_base + index * old_resolution - self.base) // self.resolution
                if value > self.cells[at]:
                    self.cells[at] = value

    def buckets(self) -> tuple[tuple[int, Severity], ...]:
        return _buckets(self.base, self.resolution, self.cells)

    def absorb(self, other: Histogram) -> None:
        for epoch, severity in other.buckets():
            self.mark(epoch, severity)


class _GroupAgg:
    __slots__ = (
        "count",
        "events",
        "first",
        "group_id",
        "group_name",
        "histogram",
        "last",
        "namespace",
        "reasons",
        "undated",
        "worst",
    )

    def __init__(self, event: Event, timeline: bool) -> None:
        self.group_id = event.group_id
        self.group_name = event.group_name or event.object_name
        self.namespace = event.namespace
        self.count = 0
        self.events = 0
        self.undated = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.worst = Severity.INFO
        self.reasons: dict[str, int] = {}
        # Only the terminal table draws the timeline; every other output skips its cost.
        self.histogram = Histogram() if timeline else None

    def absorb(self, other: _GroupAgg) -> None:
        self.count += other.count
        self.events += other.events
        self.undated += other.undated
        self.first = _earliest(self.first, other.first)
        self.last = _latest(self.last, other.last)
        self.worst = max(self.worst, other.worst)
        for reason, count in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count
        if self.histogram is not None and other.histogram is not None:
            self.histogram.absorb(other.histogram)
        self.group_name = self.group_name or other.group_name
        self.namespace = self.namespace or other.namespace


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a <= b else b


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a >= b else b


def group_key(event: Event) -> str:
    """The container group an event belongs to: its ECI id, else namespace/pod name."""
    if event.group_id:
        return event.group_id
    name = event.group_name or event.object_name
    if event.namespace and name:
        return f"{event.namespace}/{name}"
    return name or event.namespace or "-"


# --------------------------------------------------------------------------------------------
# The analysis


@dataclass
class Options:
    now: datetime
    lang: str = "en"
    by: str = "reason"
    min_severity: Severity = Severity.INFO
    since_seconds: int | None = None
    # Keep a per-group histogram for the timeline. Only the terminal table draws it, and
    # marking it costs about a third of a microsecond per event, so it is opt-in.
    timeline: bool = False


@dataclass
class Triage:
    """Feed events with ``add`` (or ``add_all``), then ``finish`` into a Diagnosis."""

    catalog: Catalog
    options: Options
    _infos: dict[tuple[str, str], _Info] = field(default_factory=dict)
    _findings: dict[Any, _FindingAgg] = field(default_factory=dict)
    _groups: dict[str, _GroupAgg] = field(default_factory=dict)
    _skipped_old: int = 0
    _skipped_undated: int = 0
    _next_info: int = 0

    def __post_init__(self) -> None:
        self._by_reason = self.options.by == "reason"
        seconds = self.options.since_seconds
        self._cutoff_at = None if seconds is None else self.options.now - timedelta(seconds=seconds)

    def _info(self, reason: str, message: str) -> _Info:
        if len(self._infos) >= _INFO_CACHE_LIMIT:
            self._infos.clear()
        self._next_info += 1
        info = self._infos[(reason, message)] = _Info(
            self._next_info, self.catalog.match(reason, message), message
        )
        return info

    def _reason_finding(self, info: _Info) -> _FindingAgg:
        """The --by reason finding of a new _Info, which learns its message once, here."""
        finding = self._findings.get(info.key)
        if finding is None:
            finding = self._findings[info.key] = _FindingAgg(info.match, None)
        if finding.learning and info.ident not in finding.infos:
            finding.learn(info)
        info.finding = finding
        return finding

    def add(self, event: Event) -> None:
        self.add_all((event,))

    def add_all(self, events: Iterable[Event]) -> None:
        """Fold events into the per-group and per-finding aggregates.

        This loop runs once per event of inputs of any size, so it is written flat, with
        locals instead of attribute lookups: everything an event's (reason, message)
        decides comes from the cached _Info, and the totals over all events (counts, the
        overall window) are summed from the groups in ``finish`` instead of kept here.
        """
        infos = self._infos
        groups = self._groups
        findings = self._findings
        cutoff = self._cutoff_at
        by_reason = self._by_reason
        timeline = self.options.timeline
        warning, info_level = Severity.WARNING, Severity.INFO
        for event in events:
            first = event.first_seen
            when = event.last_seen or event.event_time or first
            if cutoff is not None and (when is None or when < cutoff):
                if when is None:
                    self._skipped_undated += 1
                else:
                    self._skipped_old += 1
                continue
            info = infos.get((event.reason, event.message))
            if info is None:
                info = self._info(event.reason, event.message)
            severity = info.severity
            if severity is None:  # not in the catalog: the event's own type decides
                severity = warning if event.type == "Warning" else info_level
            count = event.count
            gkey = event.group_id or group_key(event)
            group = groups.get(gkey)
            if group is None:
                group = groups[gkey] = _GroupAgg(event, timeline)
            if by_reason:
                finding = info.finding or self._reason_finding(info)
            else:
                fkey = (gkey, info.key)
                finding = findings.get(fkey) or findings.setdefault(
                    fkey, _FindingAgg(info.match, gkey)
                )
                if finding.learning and info.ident not in finding.infos:
                    finding.learn(info)
            group.events += 1
            group.count += count
            finding.events += 1
            finding.count += count
            if severity > group.worst:
                group.worst = severity
            if severity > finding.severity:
                finding.severity = severity
            if info.group_rule:  # only what the per-group rules need, to stay small
                reasons = group.reasons
                reasons[info.rule_key] = reasons.get(info.rule_key, 0) + count
            finding.groups.add(gkey)
            finding.types.add(event.type)
            if when is None:
                group.undated += 1
                continue
            if first is None:
                first = when
            if group.last is None or when > group.last:
                group.last = when
            if group.first is None or first < group.first:
                group.first = first
            if finding.last is None or when > finding.last:
                finding.last = when
            if finding.first is None or first < finding.first:
                finding.first = first
            if timeline:
                group.histogram.mark(int(when.timestamp()), severity)  # type: ignore[union-attr]
            if info.deadline_hours is not None:
                finding.note_deadline(first + timedelta(hours=info.deadline_hours))

    # ----------------------------------------------------------------------------------------

    def finish(self, sources: Iterable[SourceSummary]) -> Diagnosis:
        aliases = self._merge_aliases()
        refs = {key: self._ref(key) for key in self._groups}
        options = self.options
        findings: list[Finding] = []
        noise_events = noise_count = 0
        noise_reasons: dict[str, int] = {}
        worst: Severity | None = None
        quiet: list[Finding] = []  # the noise, as findings the rules still look at
        for agg in self._findings.values():
            groups = sorted({aliases.get(k, k) for k in agg.groups})
            worst = max(worst, agg.severity) if worst is not None else agg.severity
            if _is_noise(agg):
                noise_events += agg.events
                noise_count += agg.count
                noise_reasons[agg.match.reason] = noise_reasons.get(agg.match.reason, 0) + agg.count
                if rule_key(agg.match.reason) in _RULE_REASONS:
                    quiet.append(self._finding(agg, [refs[k] for k in groups], refs))
                continue
            findings.append(self._finding(agg, [refs[k] for k in groups], refs))
        findings.sort(key=_rank)
        shown = tuple(f for f in findings if f.severity >= options.min_severity)
        group_aggs = self._groups.values()
        summaries = sorted(
            (self._group_summary(key, group, refs[key]) for key, group in self._groups.items()),
            key=lambda g: (-g.worst, _neg_time(g.last_seen), -g.count, g.ref.key),
        )
        conclusions = [
            c
            for c in self._conclusions([*findings, *quiet], refs, aliases)
            if c.severity >= options.min_severity
        ]
        return Diagnosis(
            now=options.now,
            lang=options.lang,
            by=options.by,
            min_severity=options.min_severity,
            since_seconds=options.since_seconds,
            sources=tuple(sources),
            groups=tuple(summaries),
            # Totals over every event, summed from the groups rather than kept per event.
            events=sum(g.events for g in group_aggs),
            occurrences=sum(g.count for g in group_aggs),
            first_seen=min((g.first for g in group_aggs if g.first is not None), default=None),
            last_seen=max((g.last for g in group_aggs if g.last is not None), default=None),
            undated=sum(g.undated for g in group_aggs),
            skipped_old=self._skipped_old,
            skipped_undated=self._skipped_undated,
            findings=shown,
            hidden=len(findings) - len(shown),
            conclusions=tuple(conclusions),
            noise=Noise(
                events=noise_events,
                count=noise_count,
                reasons=tuple(sorted(noise_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            ),
            worst=worst,
        )

    def _merge_aliases(self) -> dict[str, str]:
        """Fold namespace/pod groups into the ECI id of the same pod when another source knows it."""
        by_name: dict[tuple[str, str], str] = {}
        for key, agg in self._groups.items():
            if agg.group_id and agg.group_name:
                by_name.setdefault((agg.namespace, agg.group_name), key)
        aliases: dict[str, str] = {}
        if not by_name:
            return aliases
        for key, agg in list(self._groups.items()):
            if agg.group_id:
                continue
            target = by_name.get((agg.namespace, agg.group_name))
            if target is not None and target != key:
                self._groups[target].absorb(agg)
                del self._groups[key]
                aliases[key] = target
        if aliases and self.options.by == "group":
            merged: dict[Any, _FindingAgg] = {}
            for (gkey, ikey), finding in self._findings.items():
                target_key = (aliases.get(gkey, gkey), ikey)
                into = merged.get(target_key)
                if into is None:
                    finding.group_key = target_key[0]
                    merged[target_key] = finding
                else:
                    _merge_findings(into, finding)
            self._findings = merged
        return aliases

    def _ref(self, key: str) -> GroupRef:
        agg = self._groups[key]
        return GroupRef(
            key=key, group_id=agg.group_id, group_name=agg.group_name, namespace=agg.namespace
        )

    def _group_summary(self, key: str, agg: _GroupAgg, ref: GroupRef) -> GroupSummary:
        histogram = agg.histogram or Histogram()  # no timeline asked for: an empty one
        return GroupSummary(
            ref=ref,
            events=agg.events,
            count=agg.count,
            worst=agg.worst,
            first_seen=agg.first,
            last_seen=agg.last,
            timeline_base=histogram.base,
            resolution=histogram.resolution,
            cells=bytes(histogram.cells),
        )

    def _finding(
        self, agg: _FindingAgg, groups: list[GroupRef], refs: Mapping[str, GroupRef]
    ) -> Finding:
        lang = self.options.lang
        match = agg.match
        entry = match.entry
        params = {name: ", ".join(values) for name, values in agg.params.items() if values}
        filled = Match(reason=match.reason, entry=entry, variant=match.variant, params=params)
        remedies = tuple(self.catalog.remedies(filled, lang)) if entry is not None else ()
        parts = tuple(
            Part(text=text, count=count)
            for text, count in sorted(agg.parts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        return Finding(
            reason=match.reason,
            variant=match.variant_index,
            known=entry is not None,
            section=entry.section if entry is not None else None,
            severity=agg.severity,
            types=tuple(sorted(t for t in agg.types if t)),
            summary=localized(entry.summary, lang) if entry is not None else None,
            remedies=remedies,
            params=params,
            groups=tuple(groups),
            events=agg.events,
            count=agg.count,
            first_seen=agg.first,
            last_seen=agg.last,
            messages=tuple(agg.messages),
            parts=parts,
            next_commands=self._next_commands(match, groups, agg.first),
            group=refs[agg.group_key] if agg.group_key is not None else None,
            variants=len(entry.variants) if entry is not None else 0,
        )

    def _next_commands(
        self, match: Match, groups: list[GroupRef], first: datetime | None
    ) -> tuple[str, ...]:
        commands = []
        if match.entry is not None:
            commands.append(f"eci-events explain {match.reason}")
        ids = [g.group_id for g in groups if g.group_id.startswith("eci-")][:_NEXT_IDS]
        if ids:
            command = "eci-events list " + " ".join(ids)
            since = _since_hint(first, self.options.now)
            commands.append(f"{command} --since {since}" if since else command)
        else:
            pods = [g for g in groups if g.group_name and g.namespace]
            if pods:
                commands.append(f"kubectl describe pod {pods[0].group_name} -n {pods[0].namespace}")
        return tuple(commands)

    def _conclusions(
        self,
        findings: list[Finding],
        refs: Mapping[str, GroupRef],
        aliases: Mapping[str, str],
    ) -> list[Conclusion]:
        by_rule: dict[str, list[Finding]] = {rule: [] for rule in RULES}
        for finding in findings:
            key = rule_key(finding.reason)
            for rule, reasons in (
                ("account", ACCOUNT),
                ("platform", PLATFORM),
                ("capacity", STOCK),
                ("spot", SPOT),
                ("image-cache", IMAGE_CACHE),
            ):
                if key in reasons:
                    by_rule[rule].append(finding)
        out = []
        for rule in ("account", "platform", "capacity", "spot", "image-cache"):
            chosen = by_rule[rule]
            if not chosen:
                continue
            groups = _union_groups(chosen)
            zones: dict[str, None] = {}
            types: dict[str, None] = {}
            deadline: datetime | None = None
            minutes: str | None = None
            for finding in chosen:
                for agg in self._aggs_for(finding):
                    zones.update(agg.zones)
                    types.update(agg.instance_types)
                    if agg.deadline is not None:
                        deadline = _earliest(deadline, agg.deadline)
                minutes = minutes or finding.params.get("minutes")
            if rule == "capacity" and len(groups) < 2 and len(zones) < 2:
                continue
            names = tuple(dict.fromkeys(f.reason for f in chosen))
            out.append(
                Conclusion(
                    rule=rule,
                    severity=max(f.severity for f in chosen),
                    reasons=names,
                    groups=groups,
                    zones=tuple(sorted(zones)),
                    instance_types=tuple(sorted(types)),
                    deadline=deadline,
                    minutes=minutes,
                    planned=tuple(r for r in names if rule_key(r) in MAINTENANCE)
                    if rule == "platform"
                    else (),
                )
            )
        memory = self._memory(findings, refs)
        if memory is not None:
            out.append(memory)
        out.sort(key=lambda c: (-c.severity, RULES.index(c.rule)))
        return out

    def _aggs_for(self, finding: Finding) -> list[_FindingAgg]:
        key = (finding.reason, finding.variant)
        if self.options.by == "reason":
            agg = self._findings.get(key)
            return [agg] if agg is not None else []
        assert finding.group is not None
        agg = self._findings.get((finding.group.key, key))
        return [agg] if agg is not None else []

    def _memory(self, findings: list[Finding], refs: Mapping[str, GroupRef]) -> Conclusion | None:
        """OOM kills with back-off or restarts in the same group: the memory limit is too low."""
        hit = []
        for key, agg in self._groups.items():
            reasons = agg.reasons
            oom = sum(reasons.get(r, 0) for r in OOM)
            if not oom:
                continue
            restarted = (
                any(reasons.get(r) for r in RESTART) or oom > 1 or reasons.get("started", 0) > 1
            )
            if restarted:
                hit.append(refs[key])
        if not hit:
            return None
        severities = [f.severity for f in findings if rule_key(f.reason) in OOM]
        names = tuple(dict.fromkeys(f.reason for f in findings if rule_key(f.reason) in OOM))
        return Conclusion(
            rule="memory",
            severity=max(severities, default=Severity.ERROR),
            reasons=names,
            groups=tuple(sorted(hit, key=lambda r: r.key)),
        )


def _merge_findings(into: _FindingAgg, other: _FindingAgg) -> None:
    into.count += other.count
    into.events += other.events
    into.first = _earliest(into.first, other.first)
    into.last = _latest(into.last, other.last)
    into.groups |= other.groups
    into.severity = max(into.severity, other.severity)
    into.types |= other.types
    for message in other.messages:
        if len(into.messages) < _SAMPLES and message not in into.messages:
            into.messages.append(message)
    for name, values in other.params.items():
        mine = into.params.setdefault(name, [])
        mine += [v for v in values if v not in mine][: _PARAM_VALUES - len(mine)]
    for text, count in other.parts.items():
        into.parts[text] = max(count, into.parts.get(text, -1))
    into.zones.update(other.zones)
    into.instance_types.update(other.instance_types)
    if other.deadline is not None:
        into.note_deadline(other.deadline)


def _union_groups(findings: list[Finding]) -> tuple[GroupRef, ...]:
    seen: dict[str, GroupRef] = {}
    for finding in findings:
        for ref in finding.groups:
            seen.setdefault(ref.key, ref)
    return tuple(seen[k] for k in sorted(seen))


def _is_noise(agg: _FindingAgg) -> bool:
    """Known reasons of severity info, seen only as Normal (or untyped) events."""
    return (
        agg.match.entry is not None
        and agg.severity == Severity.INFO
        and agg.types <= {"Normal", ""}
    )


def _neg_time(moment: datetime | None) -> float:
    return -moment.timestamp() if moment is not None else math.inf


def _rank(finding: Finding) -> tuple[Any, ...]:
    """Severity, then recency, then count; the reason and group keep ties stable."""
    return (
        -finding.severity,
        _neg_time(finding.last_seen),
        -finding.count,
        finding.reason.lower(),
        finding.variant if finding.variant is not None else -1,
        finding.group.key if finding.group is not None else "",
    )


def _since_hint(first: datetime | None, now: datetime) -> str | None:
    """A --since for ``eci-events list`` that covers the finding, while ECI still keeps it."""
    if first is None:
        return "1h"
    hours = math.ceil((now - first).total_seconds() / 3600)
    if hours <= 1:
        return "1h"
    if hours <= 24:
        return f"{hours}h"
    return None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
