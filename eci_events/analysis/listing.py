"""What ``list`` does between the API and the renderers: filters, repeats, watch state.

No printing here: the command writes what the renderers make of these.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

import msgspec

from eci_events.annotate import Annotated
from eci_events.errors import ConfigError, EciEventsError
from eci_events.model import Event, sort_key
from eci_events.severity import Severity
from eci_events.sources.events_api import Query, Result

# Upper bound of SinceSecond for polls after the first: time since the last poll plus this.
WATCH_SLACK = 60
_REASON_SCAN = 256  # characters of a reason --reason looks at


@dataclass(frozen=True)
class Filters:
    """``--type``, ``--reason`` and ``--min-severity``: what is fetched but not shown."""

    type: str | None = None
    reason: re.Pattern[str] | None = None
    min_severity: Severity | None = None

    @property
    def active(self) -> bool:
        return self.type is not None or self.reason is not None or self.min_severity is not None

    def keep(self, row: Annotated) -> bool:
        event = row.event
        return (
            (self.type is None or event.type == self.type)
            and (self.reason is None or self.reason.search(event.reason[:_REASON_SCAN]) is not None)
            and (self.min_severity is None or row.severity >= self.min_severity)
        )

    def apply(self, rows: Iterable[Annotated]) -> list[Annotated]:
        return [row for row in rows if self.keep(row)]


def collapse(rows: Iterable[Annotated]) -> list[Annotated]:
    """Merge rows of the same group, type, reason, object and message (kubectl's
    ``5m (x3 over 10m)``); oldest first on real timestamps."""
    merged: dict[tuple[str, str, str, str, str], Annotated] = {}
    for row in rows:
        e = row.event
        key = (e.group_id, e.type, e.reason, e.object, e.message)
        known = merged.get(key)
        if known is None:
            merged[key] = row
            continue
        k = known.event
        firsts = [t for t in (k.first_seen, e.first_seen) if t is not None]
        lasts = [t for t in (k.last_seen, e.last_seen) if t is not None]
        combined = msgspec.structs.replace(
            k,
            count=k.count + e.count,
            first_seen=min(firsts) if firsts else None,
            last_seen=max(lasts) if lasts else None,
        )
        merged[key] = known._replace(event=combined)
    return sorted(merged.values(), key=lambda r: sort_key(r.event))


def event_key(event: Event) -> tuple[str, ...]:
    """Identity of an event across polls: its name, else what it says about what."""
    if event.name:
        return (event.group_id, event.name)
    return (event.group_id, event.type, event.reason, event.object, event.message)


@dataclass
class Poll:
    """One watch poll: the result and its new or changed events, or why it failed."""

    result: Result | None = None
    fresh: list[Event] = field(default_factory=list)
    error: str | None = None


@dataclass
class Watch:
    """The state of ``--watch``: events seen so far and the window of the next poll."""

    query: Query
    interval: float
    seen: dict[tuple[str, ...], tuple[int, datetime | None]] = field(default_factory=dict)
    last_start: float | None = None

    def next_query(self, started: float) -> Query:
        """The first poll asks as the user did; later ones only since the last, plus slack."""
        if self.last_start is None:
            return self.query
        since = int(started - self.last_start) + int(self.interval) + WATCH_SLACK
        return replace(self.query, since=since)

    def fresh(self, events: Iterable[Event]) -> list[Event]:
        """Events not seen before, or whose count or last-seen time changed."""
        found = []
        for event in events:
            key = event_key(event)
            state = (event.count, event.last_seen)
            if self.seen.get(key) != state:
                self.seen[key] = state
                found.append(event)
        return found

    def polls(
        self,
        fetch: Callable[[Query], Result],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Iterator[Poll]:
        """Poll until the caller stops; sleeps between polls. A ConfigError ends the watch."""
        while True:
            started = clock()
            try:
                result = fetch(self.next_query(started))
            except ConfigError:
                raise
            except EciEventsError as problem:
                yield Poll(error=problem.message)
                sleep(self.interval)
                continue
            self.last_start = started
            yield Poll(result, self.fresh(result.events))
            sleep(max(0.0, self.interval - (clock() - started)))
