"""Triage: Events in, a frozen Diagnosis out. Analysis only; nothing here prints.

One pass over the events (they may come from a stream of any length) keeps aggregates
per finding (reason and message variant, optionally per container group) and per
container group; the cross-event rules run on those aggregates at the end. Work that
depends only on an event's reason and message (catalog match, composite parts, zones,
deadlines) is done once per distinct message and cached.

Memory stays flat in the number of events and grows with what is distinct: group
statistics live in flat arrays (about a hundred bytes a group), and the distinct groups,
events and (finding, group) pairs are 64-bit fingerprints in compact tables (16 to 32
bytes each); a million pods with one event each peak near 235 MiB in all. Lists of
groups are capped; every count stays exact.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from eci_events.analysis import messages, rules
from eci_events.analysis.compact import Table, fingerprint
from eci_events.analysis.diagnosis import (
    Diagnosis,
    Finding,
    GroupRef,
    GroupSummary,
    NextStep,
    Noise,
    Part,
)
from eci_events.analysis.timeline import Histogram
from eci_events.annotate import Annotator
from eci_events.catalog import Match, Rule, reason_key
from eci_events.model import GROUP_KINDS, Event
from eci_events.severity import Severity
from eci_events.sources.shapes import SourceSummary

GROUPS_LISTED = 100  # container groups and objects in Diagnosis.groups, worst first
FINDING_GROUPS = 10  # group refs a finding or conclusion keeps (counts stay exact)
_SAMPLES = 3  # distinct messages kept per finding
_PARAM_VALUES = 5  # distinct values kept per parameter
_NEXT_IDS = 5  # ECI ids in a suggested `eci-events list`
_INFO_CACHE_LIMIT = 20_000
_LEARN = 256  # distinct messages a finding learns from before it stops looking
_UTC = timezone.utc
_SEP = "\x1f"  # between the fields of a group's stored reference


# --------------------------------------------------------------------------------------------
# Per-message facts, computed once per distinct (reason, message)


class _Info:
    __slots__ = (
        "deadline",
        "deadline_hours",
        "finding",
        "ident",
        "instance_types",
        "key",
        "match",
        "message",
        "parts",
        "rule_key",
        "severity",
        "zones",
    )

    def __init__(
        self, ident: int, match: Match, message: str, zone_reasons: frozenset[str]
    ) -> None:
        self.ident = ident
        self.match = match
        self.message = message
        self.severity = match.entry.severity if match.entry is not None else None
        self.key: tuple[str, int | None] = (match.reason, match.variant_index)
        self.rule_key = reason_key(match.reason)
        self.finding: _Finding | None = None  # with --by reason, set at its first event
        self.parts = messages.composite_parts(message)
        self.zones: tuple[str, ...] = ()
        self.instance_types: tuple[str, ...] = ()
        if self.rule_key in zone_reasons:
            self.zones = messages.zones(message, dict(match.params))
            self.instance_types = messages.instance_types(message)
        self.deadline = messages.plan_exec_time(message) if "planExecTime" in message else None
        self.deadline_hours = (
            messages.within_hours(message) if self.rule_key == "systemreboot" else None
        )


# --------------------------------------------------------------------------------------------
# Aggregates


class _Finding:
    __slots__ = (
        "count",
        "deadline",
        "events",
        "fid",
        "first",
        "group",
        "group_count",
        "infos",
        "instance_types",
        "last",
        "learning",
        "listed",
        "match",
        "messages",
        "object_count",
        "params",
        "parts",
        "severity",
        "types",
        "zones",
    )

    def __init__(self, fid: int, match: Match, group: int | None) -> None:
        self.fid = fid
        self.match = match
        self.group = group  # the group's index with --by group
        self.count = 0
        self.events = 0
        self.group_count = 0
        self.object_count = 0
        self.listed: list[int] = []  # the first FINDING_GROUPS group indices
        self.first: datetime | None = None
        self.last: datetime | None = None
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
        for part in info.parts:
            if part.count > self.parts.get(part.text, -1):
                self.parts[part.text] = part.count
        self.zones.update(dict.fromkeys(info.zones))
        self.instance_types.update(dict.fromkeys(info.instance_types))
        if info.deadline is not None:
            self.note_deadline(info.deadline)

    def note_deadline(self, moment: datetime) -> None:
        if self.deadline is None or moment < self.deadline:
            self.deadline = moment

    def absorb(self, other: _Finding) -> None:
        """Take in a finding of the same reason and variant (groups merged --by group)."""
        self.count += other.count
        self.events += other.events
        self.first = _earliest(self.first, other.first)
        self.last = _latest(self.last, other.last)
        self.severity = max(self.severity, other.severity)
        self.types |= other.types
        for message in other.messages:
            if len(self.messages) < _SAMPLES and message not in self.messages:
                self.messages.append(message)
        for name, values in other.params.items():
            mine = self.params.setdefault(name, [])
            mine += [v for v in values if v not in mine][: _PARAM_VALUES - len(mine)]
        for text, count in other.parts.items():
            self.parts[text] = max(count, self.parts.get(text, -1))
        self.zones.update(other.zones)
        self.instance_types.update(other.instance_types)
        if other.deadline is not None:
            self.note_deadline(other.deadline)


def pair(fid: int, number: int) -> int:
    """A (finding, group) pair as one non-zero 64-bit key."""
    return ((fid + 1) << 32) | number


def unpair(key: int) -> tuple[int, int]:
    return (key >> 32) - 1, key & 0xFFFFFFFF


def group_key(event: Event) -> tuple[str, str]:
    """(key, kind) of what an event is about: the ECI id, else namespace/pod for container
    groups, else namespace/kind/name for other objects (kind '' for container groups)."""
    if event.group_id:
        return event.group_id, ""
    namespace = event.namespace
    if event.object_kind.lower() in GROUP_KINDS:
        name = event.group_name or event.object_name
        if namespace and name:
            return f"{namespace}/{name}", ""
        return name or namespace or "-", ""
    kind = event.object_kind
    path = f"{kind.lower()}/{event.object_name}"
    return (f"{namespace}/{path}" if namespace else path), kind


class _Groups:
    """Every container group and object seen, in flat arrays indexed by first appearance."""

    def __init__(self, counted: Iterable[str], timeline: bool, most: int = 1) -> None:
        self.index = Table(values="I")  # group numbers: fewer than 2**32
        # key, id, name, namespace, kind of each, UTF-8, _SEP apart; the key is left out
        # (empty) when it is the id, as it is for every group an ECI id names.
        self.refs = bytearray()
        self.offsets = array("I", [0])  # "Q" once refs pass 4 GiB
        self.events = array("q")
        self.counts = array("q")
        self.worst = bytearray()
        self.first = array("d")
        self.last = array("d")
        self.undated = array("q")
        self.objects = bytearray()  # 1 where it is not a container group
        # Occurrences of the reasons the per-group rules count (reason key -> per group).
        # The rules only ask whether a count reaches a small threshold (``most`` at the
        # highest), so counts stop at ``cap``: a byte a group when the thresholds allow.
        self.cap = 255 if most < 255 else 1 << 62
        self.reasons: dict[str, bytearray | array[int]] = {
            key: bytearray() if self.cap == 255 else array("q") for key in counted
        }
        self.histograms: dict[int, Histogram] | None = {} if timeline else None
        self.named_ids = False  # a group known by ECI id that also has a pod name
        self.pod_keys = False  # a group known only by namespace/pod name

    def __len__(self) -> int:
        return len(self.events)

    def add(self, event: Event) -> int:
        key, kind = group_key(event)
        number = len(self.events)
        found = self.index.setdefault(fingerprint(key), number)
        if found != number:
            return found
        group_id = event.group_id
        name = event.group_name or (event.object_name if not kind else "")
        if not kind:
            self.named_ids |= bool(group_id and name)
            self.pod_keys |= not group_id and bool(name)
        fields = (
            "" if key == group_id else key,
            group_id,
            name or event.object_name,
            event.namespace,
            kind,
        )
        self.refs += _SEP.join(fields).encode("utf-8", "surrogatepass")
        if len(self.refs) > 0xFFFFFFFF and self.offsets.typecode == "I":
            self.offsets = array("Q", self.offsets)
        self.offsets.append(len(self.refs))
        self.events.append(0)
        self.counts.append(0)
        self.worst.append(0)
        self.first.append(math.inf)
        self.last.append(-math.inf)
        self.undated.append(0)
        self.objects.append(1 if kind else 0)
        for counts in self.reasons.values():
            counts.append(0)
        return number

    def ref(self, number: int) -> GroupRef:
        raw = self.refs[self.offsets[number] : self.offsets[number + 1]]
        key, group_id, name, namespace, kind = raw.decode("utf-8", "surrogatepass").split(_SEP)
        return GroupRef(key or group_id, group_id, name if not kind else "", namespace, kind)

    def absorb(self, into: int, other: int) -> None:
        """Fold group ``other`` into ``into`` (the same pod, known by two names)."""
        self.events[into] += self.events[other]
        self.counts[into] += self.counts[other]
        self.undated[into] += self.undated[other]
        self.worst[into] = max(self.worst[into], self.worst[other])
        self.first[into] = min(self.first[into], self.first[other])
        self.last[into] = max(self.last[into], self.last[other])
        for counts in self.reasons.values():
            counts[into] = min(self.cap, counts[into] + counts[other])
        if self.histograms is not None and other in self.histograms:
            self.histograms.setdefault(into, Histogram()).absorb(self.histograms.pop(other))
        # Emptied: no longer listed or counted.
        self.events[other] = self.counts[other] = self.undated[other] = 0

    def moment(self, number: int, first: bool) -> datetime | None:
        value = (self.first if first else self.last)[number]
        return datetime.fromtimestamp(value, _UTC) if math.isfinite(value) else None


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


# --------------------------------------------------------------------------------------------
# The analysis


@dataclass
class Options:
    now: datetime
    by: str = "reason"
    min_severity: Severity = Severity.INFO
    since_seconds: int | None = None
    # Keep a per-group histogram for the timeline. Only the terminal table draws it, and
    # marking it costs about a third of a microsecond per event, so it is opt-in.
    timeline: bool = False


class Triage:
    """Feed events with ``add_all``, then ``finish`` into a Diagnosis."""

    def __init__(self, annotator: Annotator, options: Options) -> None:
        self.annotator = annotator
        self.options = options
        self.rules = annotator.catalog.rules
        memory = next((r for r in self.rules if r.rule == "memory"), None)
        self._memory_rule = memory
        counted: set[str] = set()
        most = 1
        if memory is not None:
            members, signs, repeats = rules.restart_signs(memory)
            counted = set(members) | set(signs)
            most = max([repeats, *signs.values()])
        zone_rules = [r for r in self.rules if r.rule in ("capacity", "spot")]
        self._zone_reasons = frozenset(reason_key(m) for r in zone_rules for m in r.members)
        self._groups = _Groups(counted, options.timeline, most)
        self._infos: dict[tuple[str, str], _Info] = {}
        self._findings: dict[Any, _Finding] = {}
        self._pairs = Table(values=None)  # (finding, group) pairs seen: exact group counts
        self._seen = Table()  # event fingerprint -> the count last seen (drops copies)
        self.duplicates = 0
        self._skipped_old = 0
        self._skipped_undated = 0
        self._newest_skipped: datetime | None = None
        self._next_info = 0
        self._aliases: dict[int, int] = {}
        self._by_reason = options.by == "reason"
        seconds = options.since_seconds
        self._cutoff = None if seconds is None else options.now - timedelta(seconds=seconds)

    def _info(self, reason: str, message: str) -> _Info:
        if len(self._infos) >= _INFO_CACHE_LIMIT:
            self._infos.clear()
        self._next_info += 1
        info = self._infos[(reason, message)] = _Info(
            self._next_info, self.annotator.match(reason, message), message, self._zone_reasons
        )
        return info

    def _finding(self, info: _Info, group: int | None) -> _Finding:
        key = info.key if group is None else (group, info.key)
        finding = self._findings.get(key)
        if finding is None:
            finding = self._findings[key] = _Finding(len(self._findings), info.match, group)
            if group is not None:
                finding.listed = [group]
                if self._groups.objects[group]:
                    finding.object_count = 1
                else:
                    finding.group_count = 1
        if group is None:
            info.finding = finding
        return finding

    def add_all(self, events: Iterable[Event]) -> None:
        """Fold events into the per-group and per-finding aggregates.

        This loop runs once per event of inputs of any size, so it is written flat, with
        locals instead of attribute lookups; everything an event's (reason, message)
        decides comes from the cached _Info, and the group of the previous event is
        reused while events keep naming it (an API answer lists a group's events together).
        """
        infos = self._infos
        groups = self._groups
        g_events, g_counts, g_worst = groups.events, groups.counts, groups.worst
        g_first, g_last, g_undated = groups.first, groups.last, groups.undated
        g_reasons, g_objects = groups.reasons, groups.objects
        cap = groups.cap
        histograms = groups.histograms
        add_pair, raise_seen = self._pairs.add, self._seen.raise_to
        cutoff = self._cutoff
        by_reason = self._by_reason
        warning, info_level = Severity.WARNING, Severity.INFO
        last_group: tuple[str, str, str, str, str] | None = None
        number = 0
        paired: set[int] = set()  # findings already paired with the group of this run
        for event in events:
            first = event.first_seen
            when = event.last_seen or event.event_time or first
            if cutoff is not None and (when is None or when < cutoff):
                if when is None:
                    self._skipped_undated += 1
                else:
                    self._skipped_old += 1
                    self._newest_skipped = _latest(self._newest_skipped, when)
                continue
            count = event.count
            new_event = 1
            if event.uid or event.name:
                # The event object's identity: its uid, else namespace/name and first time;
                # the reason too, so that inputs reusing one uid for all events stay apart.
                ident = fingerprint(
                    (event.uid, event.name, event.reason)
                    if event.uid
                    else (event.namespace or event.group_id, event.name, event.reason, first)
                )
                before = raise_seen(ident, count)  # and keeps the larger count
                if before >= 0:
                    if count <= before:
                        self.duplicates += 1
                        continue
                    count, new_event = count - before, 0  # a newer copy: count what is new
            info = infos.get((event.reason, event.message))
            if info is None:
                info = self._info(event.reason, event.message)
            severity = info.severity
            if severity is None:  # not in the catalog: the event's own type decides
                severity = warning if event.type == "Warning" else info_level
            names = (
                event.group_id,
                event.namespace,
                event.group_name,
                event.object_kind,
                event.object_name,
            )
            if names != last_group:
                number = groups.add(event)
                last_group = names
                paired = set()
            if by_reason:
                finding = info.finding or self._finding(info, None)
                fid = finding.fid
                if fid not in paired:
                    paired.add(fid)
                    if add_pair(pair(fid, number)):  # a group new to this finding
                        if g_objects[number]:
                            finding.object_count += 1
                        else:
                            finding.group_count += 1
                        if len(finding.listed) < FINDING_GROUPS:
                            finding.listed.append(number)
            else:
                finding = self._findings.get((number, info.key)) or self._finding(info, number)
            if finding.learning and info.ident not in finding.infos:
                finding.learn(info)
            g_events[number] += new_event
            g_counts[number] += count
            finding.events += new_event
            finding.count += count
            if severity + 1 > g_worst[number]:
                g_worst[number] = severity + 1
            if severity > finding.severity:
                finding.severity = severity
            counted = g_reasons.get(info.rule_key)
            if counted is not None:
                total = counted[number] + count
                counted[number] = total if total < cap else cap
            finding.types.add(event.type)
            if when is None:
                g_undated[number] += new_event
                continue
            if first is None:
                first = when
            stamp = when.timestamp()
            if stamp > g_last[number]:
                g_last[number] = stamp
            start = first.timestamp()
            if start < g_first[number]:
                g_first[number] = start
            if finding.last is None or when > finding.last:
                finding.last = when
            if finding.first is None or first < finding.first:
                finding.first = first
            if histograms is not None:
                histogram = histograms.get(number)
                if histogram is None:
                    histogram = histograms[number] = Histogram()
                histogram.mark(int(stamp), severity)
            if info.deadline_hours is not None:
                finding.note_deadline(first + timedelta(hours=info.deadline_hours))

    # ----------------------------------------------------------------------------------------

    def finish(self, sources: Iterable[SourceSummary]) -> Diagnosis:
        aliases = self._aliases = self._merge_aliases()
        groups = self._groups
        options = self.options
        findings: list[tuple[_Finding, Finding]] = []
        noise_events = noise_count = 0
        noise_reasons: dict[str, int] = {}
        worst: Severity | None = None
        for agg in self._findings.values():
            worst = max(worst, agg.severity) if worst is not None else agg.severity
            if _is_noise(agg):
                noise_events += agg.events
                noise_count += agg.count
                noise_reasons[agg.match.reason] = noise_reasons.get(agg.match.reason, 0) + agg.count
            findings.append((agg, self._frozen(agg, aliases)))
        ranked = sorted((f for agg, f in findings if not _is_noise(agg)), key=_rank)
        shown = tuple(f for f in ranked if f.severity >= options.min_severity)
        members = [self._member(agg, finding) for agg, finding in findings]
        conclusions = [
            c
            for c in rules.conclusions(self.rules, members, self._groups_of, self._restarted)
            if c.severity >= options.min_severity
        ]
        # Groups folded into another (aliases) were emptied; the rest are live. Counted
        # and ranked without a list of them: there may be millions.
        g_events, g_undated, g_counts, g_objects = (
            groups.events,
            groups.undated,
            groups.counts,
            groups.objects,
        )

        def live() -> Iterator[int]:
            for n in range(len(groups)):
                if g_events[n] or g_undated[n] or g_counts[n]:
                    yield n

        live_count = objects = 0
        for n in live():
            live_count += 1
            objects += g_objects[n]
        top = heapq.nsmallest(GROUPS_LISTED, live(), key=self._group_rank)
        earliest = min(groups.first, default=math.inf)
        latest = max(groups.last, default=-math.inf)
        return Diagnosis(
            now=options.now,
            by=options.by,
            min_severity=options.min_severity,
            since_seconds=options.since_seconds,
            sources=tuple(sources),
            groups=tuple(self._summary(n) for n in top),
            group_count=live_count - objects,
            object_count=objects,
            events=sum(groups.events),
            occurrences=sum(groups.counts),
            first_seen=datetime.fromtimestamp(earliest, _UTC) if earliest != math.inf else None,
            last_seen=datetime.fromtimestamp(latest, _UTC) if latest != -math.inf else None,
            undated=sum(groups.undated),
            skipped_old=self._skipped_old,
            skipped_undated=self._skipped_undated,
            newest_skipped=self._newest_skipped,
            duplicates=self.duplicates,
            findings=shown,
            hidden=len(ranked) - len(shown),
            conclusions=tuple(conclusions),
            noise=Noise(
                events=noise_events,
                count=noise_count,
                reasons=tuple(sorted(noise_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            ),
            worst=worst,
        )

    def _merge_aliases(self) -> dict[int, int]:
        """Fold namespace/pod groups into the ECI id of the same pod when another source
        knows it; returns {folded group: the group it went into}."""
        groups = self._groups
        if not (groups.named_ids and groups.pod_keys):
            return {}
        by_name: dict[tuple[str, str], int] = {}
        pods: list[tuple[int, GroupRef]] = []
        for number in range(len(groups)):
            ref = groups.ref(number)
            if ref.kind:
                continue
            if ref.group_id and ref.group_name:
                by_name.setdefault((ref.namespace, ref.group_name), number)
            elif not ref.group_id:
                pods.append((number, ref))
        aliases: dict[int, int] = {}
        for number, ref in pods:
            target = by_name.get((ref.namespace, ref.group_name))
            if target is not None:
                groups.absorb(target, number)
                aliases[number] = target
        if not aliases:
            return aliases
        if self._by_reason:  # recount each finding's distinct groups through the aliases
            distinct = Table(values=None)
            for key in self._pairs:
                fid, number = unpair(key)
                distinct.add(pair(fid, aliases.get(number, number)))
            by_fid = {f.fid: f for f in self._findings.values()}
            for finding in by_fid.values():
                finding.group_count = finding.object_count = 0
            for key in distinct:
                fid, number = unpair(key)
                if groups.objects[number]:
                    by_fid[fid].object_count += 1
                else:
                    by_fid[fid].group_count += 1
            return aliases
        merged: dict[Any, _Finding] = {}
        for (number, key), finding in self._findings.items():
            target = aliases.get(number, number)
            into = merged.get((target, key))
            if into is None:
                finding.group = target
                merged[(target, key)] = finding
            else:
                into.absorb(finding)
        self._findings = merged
        return aliases

    def _group_rank(self, number: int) -> tuple[Any, ...]:
        groups = self._groups
        return (-groups.worst[number], -groups.last[number], -groups.counts[number], number)

    def _summary(self, number: int) -> GroupSummary:
        groups = self._groups
        histogram = (groups.histograms or {}).get(number)
        worst = groups.worst[number]
        return GroupSummary(
            ref=groups.ref(number),
            events=groups.events[number],
            count=groups.counts[number],
            worst=Severity(worst - 1) if worst else Severity.INFO,
            first_seen=groups.moment(number, first=True),
            last_seen=groups.moment(number, first=False),
            timeline=histogram.buckets() if histogram is not None else (),
        )

    def _frozen(self, agg: _Finding, aliases: Mapping[int, int]) -> Finding:
        match = agg.match
        entry = match.entry
        listed = list(dict.fromkeys(aliases.get(n, n) for n in agg.listed))
        refs = tuple(self._groups.ref(n) for n in listed)
        variant = match.variant
        return Finding(
            reason=match.reason,
            variant=match.variant_index,
            known=entry is not None,
            generic=variant is not None and (variant.generic or variant.is_catch_all),
            section=entry.section if entry is not None else None,
            severity=agg.severity,
            types=tuple(sorted(t for t in agg.types if t)),
            params={name: tuple(values) for name, values in agg.params.items() if values},
            groups=refs,
            group_count=agg.group_count,
            object_count=agg.object_count,
            events=agg.events,
            count=agg.count,
            first_seen=agg.first,
            last_seen=agg.last,
            messages=tuple(agg.messages),
            parts=tuple(
                Part(text=text, count=count)
                for text, count in sorted(agg.parts.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            next_steps=self._next_steps(match, refs, agg.first),
            group=self._groups.ref(aliases.get(agg.group, agg.group))
            if agg.group is not None
            else None,
            variants=len(entry.variants) if entry is not None else 0,
        )

    def _member(self, agg: _Finding, finding: Finding) -> rules.Member:
        return rules.Member(
            reason=finding.reason,
            severity=finding.severity,
            fid=agg.fid,
            zones=tuple(agg.zones),
            instance_types=tuple(agg.instance_types),
            deadline=agg.deadline,
            minutes=(finding.params.get("minutes") or (None,))[0],
        )

    def _groups_of(self, members: Sequence[rules.Member]) -> rules.Covered:
        """What several findings cover together: the first few refs, and exactly how many
        container groups and other objects."""
        wanted = {m.fid for m in members}
        aggs = [f for f in self._findings.values() if f.fid in wanted]
        objects = self._groups.objects
        if not self._by_reason:
            numbers = sorted({f.group for f in aggs if f.group is not None})
            found = sum(objects[n] for n in numbers)
            refs = tuple(self._groups.ref(n) for n in numbers[:FINDING_GROUPS])
            return refs, len(numbers) - found, found
        alias = self._aliases
        listed: dict[int, None] = {}
        for agg in aggs:
            listed.update(dict.fromkeys(alias.get(n, n) for n in agg.listed))
        if len(aggs) == 1:
            groups, found = aggs[0].group_count, aggs[0].object_count
        else:
            union = Table(values=None)
            groups = found = 0
            for key in self._pairs:
                fid, number = unpair(key)
                number = alias.get(number, number)
                if fid in wanted and union.add(number + 1):
                    if objects[number]:
                        found += 1
                    else:
                        groups += 1
        numbers = sorted(listed, key=lambda n: self._groups.ref(n).key)[:FINDING_GROUPS]
        return tuple(self._groups.ref(n) for n in numbers), groups, found

    def _restarted(self, rule: Rule) -> rules.Covered:
        """Groups with a member reason and signs of restarts (the memory rule)."""
        members, signs, repeats = rules.restart_signs(rule)
        groups = self._groups
        kills = [groups.reasons[m] for m in members if m in groups.reasons]
        hit = []
        for number in range(len(groups)):
            killed = sum(counts[number] for counts in kills)
            if not killed:
                continue
            if killed >= repeats or any(
                groups.reasons[sign][number] >= times
                for sign, times in signs.items()
                if sign in groups.reasons
            ):
                hit.append(number)
        refs = heapq.nsmallest(FINDING_GROUPS, (groups.ref(n) for n in hit), key=lambda r: r.key)
        return tuple(refs), len(hit), 0

    def _next_steps(
        self, match: Match, groups: tuple[GroupRef, ...], first: datetime | None
    ) -> tuple[NextStep, ...]:
        steps = []
        if match.entry is not None:
            steps.append(NextStep(("eci-events", "explain", match.reason)))
        ids = [g.group_id for g in groups if g.group_id.startswith("eci-")][:_NEXT_IDS]
        if ids:
            since = _since_hint(first, self.options.now)
            steps.append(
                NextStep(("eci-events", "list", *ids, *(("--since", since) if since else ())))
            )
        else:
            # Namespaced objects need their namespace; nodes and other cluster objects have none.
            named = next((g for g in groups if g.group_name or g.kind), None)
            if named is not None:
                kind = (named.kind or "pod").lower()
                name = named.group_name or named.key.rsplit("/", 1)[-1]
                where = ("-n", named.namespace) if named.namespace else ()
                steps.append(NextStep(("kubectl", "describe", f"{kind}/{name}", *where)))
        return tuple(steps)


def _is_noise(agg: _Finding) -> bool:
    """Known reasons of severity info, seen only as Normal (or untyped) events."""
    return (
        agg.match.entry is not None
        and agg.severity == Severity.INFO
        and agg.types <= {"Normal", ""}
    )


def _neg_time(moment: datetime | None) -> float:
    return -moment.timestamp() if moment is not None else math.inf


def _rank(finding: Finding) -> tuple[Any, ...]:
    """Severity, then specific before generic variants, then recency, then count; the
    reason and group keep ties stable."""
    return (
        -finding.severity,
        finding.generic,
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
    return datetime.now(_UTC)
