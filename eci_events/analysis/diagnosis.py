"""The Diagnosis: what triage and diagnose conclude, as frozen, language-neutral facts.

Reasons, variants, parameters, rule ids, object kinds and names, counts and times; no
translated or filled-in text and no shell lines. Renderers turn it into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from eci_events.analysis.context import Context
from eci_events.analysis.messages import Part
from eci_events.model import GROUP_KINDS
from eci_events.severity import Severity
from eci_events.sources.shapes import SourceSummary

__all__ = [
    "Conclusion",
    "Diagnosis",
    "Finding",
    "GroupRef",
    "GroupSummary",
    "NextStep",
    "Noise",
    "Part",
]


@dataclass(frozen=True)
class GroupRef:
    """A container group, or another object events were about (a Deployment, a Node...).

    ``key`` is unique: the ECI id, else ``namespace/pod``, else ``namespace/kind/name``.
    """

    key: str
    group_id: str
    group_name: str
    namespace: str
    kind: str = ""  # the involved object's kind for objects that are not container groups

    @property
    def is_group(self) -> bool:
        return self.kind.lower() in GROUP_KINDS


@dataclass(frozen=True)
class NextStep:
    """A command to run next, as an argument vector; renderers quote it for the shell."""

    argv: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    reason: str
    variant: int | None
    known: bool
    generic: bool  # a catch-all variant that restates another event (ranks after specific ones)
    section: str | None
    severity: Severity
    types: tuple[str, ...]
    params: Mapping[str, tuple[str, ...]]  # distinct values seen per parameter, a few each
    groups: tuple[GroupRef, ...]  # the first few groups and objects, in order of appearance
    group_count: int  # how many distinct container groups, exactly
    object_count: int  # how many distinct other objects (Deployments...), exactly
    events: int
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    messages: tuple[str, ...]
    parts: tuple[Part, ...]
    next_steps: tuple[NextStep, ...]
    group: GroupRef | None = None  # set when grouped --by group
    variants: int = 0  # how many message variants the catalog entry has


@dataclass(frozen=True)
class Conclusion:
    """A cross-event rule that fired (catalog/rules/), with the facts its text needs."""

    rule: str
    severity: Severity
    reasons: tuple[str, ...]
    groups: tuple[GroupRef, ...]
    group_count: int
    object_count: int
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
    # The timeline, compactly: (bucket start as epoch seconds, worst severity) for every
    # bucket with events; empty unless the timeline was asked for.
    timeline: tuple[tuple[int, Severity], ...] = ()


@dataclass(frozen=True)
class Noise:
    """Known, purely informational events folded into one line."""

    events: int
    count: int
    reasons: tuple[tuple[str, int], ...]  # (reason, occurrences), most first


@dataclass(frozen=True)
class Diagnosis:
    now: datetime
    by: str
    min_severity: Severity
    since_seconds: int | None
    sources: tuple[SourceSummary, ...]
    groups: tuple[GroupSummary, ...]  # worst first; the first GROUPS_LISTED
    group_count: int  # container groups, exactly
    object_count: int  # other objects (Deployments, Nodes...), exactly
    events: int  # event records after --since and de-duplication
    occurrences: int  # the sum of their counts
    first_seen: datetime | None
    last_seen: datetime | None
    undated: int
    skipped_old: int
    skipped_undated: int
    newest_skipped: datetime | None  # the newest event --since left out
    duplicates: int  # copies of an event already read (same uid), dropped
    findings: tuple[Finding, ...]  # ranked, at or above min_severity
    hidden: int  # findings below min_severity
    conclusions: tuple[Conclusion, ...]
    noise: Noise
    worst: Severity | None  # over every finding and the noise, whatever min_severity hides
    context: Context | None = None  # diagnose: what the API says of each group now

    def with_list_flags(self, flags: tuple[str, ...]) -> Diagnosis:
        """The same, with ``flags`` (--region, --endpoint, --demo...) added to every suggested
        ``eci-events list``, so that it reads the groups from where they were read."""
        if not flags:
            return self

        def step(s: NextStep) -> NextStep:
            return NextStep(s.argv + flags) if s.argv[:2] == ("eci-events", "list") else s

        findings = tuple(
            replace(f, next_steps=tuple(step(s) for s in f.next_steps)) for f in self.findings
        )
        return replace(self, findings=findings)

    def fails(self, threshold: Severity | None) -> bool:
        return threshold is not None and self.worst is not None and self.worst >= threshold

    @property
    def failed_groups(self) -> int:
        """Groups the input says could not be read (``list`` failures carried along)."""
        return sum(source.failed_groups for source in self.sources)
