"""The cross-event rules of catalog/rules/, evaluated over triage's aggregates.

A rule's data says which reasons it looks at, its numbers and its words; what is special
to a rule (a capacity shortage needs several groups or zones, the memory rule needs
restarts in the same group, the platform rule tells planned maintenance from failures)
is written here once, keyed by the rule's id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from eci_events.analysis.diagnosis import Conclusion, GroupRef
from eci_events.catalog import Rule, reason_key
from eci_events.severity import Severity


@dataclass(frozen=True)
class Member:
    """What the rules need of one finding: its reason, severity, and what its messages said."""

    reason: str
    severity: Severity
    fid: int  # the finding's id, to ask which groups it covers
    zones: tuple[str, ...]
    instance_types: tuple[str, ...]
    deadline: datetime | None
    minutes: str | None


# What findings cover: (the first few refs, container groups, other objects), exactly.
Covered = tuple[tuple[GroupRef, ...], int, int]


def conclusions(
    rules: Iterable[Rule],
    members: Sequence[Member],
    groups_of: Callable[[Sequence[Member]], Covered],
    restarted: Callable[[Rule], Covered],
) -> list[Conclusion]:
    """Every rule that fires, worst first (ties in the rules' own order).

    ``restarted(rule)`` answers the memory rule: the groups with a member reason and
    signs of restarts, per the rule's settings.
    """
    found = []
    for rule in rules:
        chosen = [m for m in members if rule.has(m.reason)]
        if not chosen:
            continue
        covered = restarted(rule) if rule.rule == "memory" else groups_of(chosen)
        if not covered[1] + covered[2]:
            continue
        conclusion = _conclusion(rule, chosen, covered)
        if conclusion is not None:
            found.append(conclusion)
    order = {rule.rule: rule.order for rule in rules}
    return sorted(found, key=lambda c: (-c.severity, order[c.rule]))


def _conclusion(rule: Rule, chosen: Sequence[Member], covered: Covered) -> Conclusion | None:
    refs, groups, objects = covered
    zones = tuple(sorted({z for m in chosen for z in m.zones}))
    types = tuple(sorted({t for m in chosen for t in m.instance_types}))
    if rule.rule == "capacity":
        scope = int(rule.settings.get("min_scope", 2))
        if groups + objects < scope and len(zones) < scope:
            return None  # one group short in one zone is that group's own finding
    deadlines = [m.deadline for m in chosen if m.deadline is not None]
    reasons = tuple(dict.fromkeys(m.reason for m in chosen))
    planned = rule.reasons("planned")
    return Conclusion(
        rule=rule.rule,
        severity=max(m.severity for m in chosen),
        reasons=reasons,
        groups=refs,
        group_count=groups,
        object_count=objects,
        zones=zones,
        instance_types=types,
        deadline=min(deadlines) if deadlines else None,
        minutes=next((m.minutes for m in chosen if m.minutes), None),
        planned=tuple(r for r in reasons if reason_key(r) in planned),
    )


def restart_signs(rule: Rule) -> tuple[frozenset[str], Mapping[str, int], int]:
    """The memory rule's settings: (member reason keys, sign reason key -> how many times,
    how many kills alone count as restarts)."""
    signs = {reason_key(r): int(n) for r, n in dict(rule.settings.get("restart_signs", {})).items()}
    members = frozenset(reason_key(r) for r in rule.members)
    return members, signs, int(rule.settings.get("repeats", 2))
