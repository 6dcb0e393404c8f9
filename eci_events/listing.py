"""What ``list`` keeps between the API and the renderers: filters, the all-failed rule, watch state.

No printing here: the command writes what these functions return.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from eci_events.api import Fetcher, Query, Result
from eci_events.errors import ApiError, ConfigError, EciEventsError, ExitCode
from eci_events.render.events_table import Row, explain

if TYPE_CHECKING:
    from eci_events.catalog import Catalog, Severity
    from eci_events.events import Event

# Upper bound of SinceSecond for polls after the first: time since the last poll plus this.
WATCH_SLACK = 60


@dataclass(frozen=True)
class Filters:
    """``--type``, ``--reason`` and ``--min-severity``: what is fetched but not shown."""

    type: str | None = None
    reason: re.Pattern[str] | None = None
    min_severity: Severity | None = None

    @property
    def active(self) -> bool:
        return self.type is not None or self.reason is not None or self.min_severity is not None

    def rows(self, events: Iterable[Event], catalog: Catalog, lang: str) -> list[Row]:
        """The events that pass, joined to the catalog (severity needs the match)."""
        chosen = [
            e
            for e in events
            if (self.type is None or e.type == self.type)
            and (self.reason is None or self.reason.search(e.reason))
        ]
        rows = explain(chosen, catalog, lang)
        if self.min_severity is not None:
            rows = [r for r in rows if r.severity >= self.min_severity]
        return rows


def fetch_all(fetcher: Fetcher, query: Query) -> Result:
    """The result, or the error when nothing at all succeeded (never "no events")."""
    result = fetcher.fetch(query)
    if result.failed and not result.groups and not result.missing:
        first = result.failed[0]
        if len(result.failed) > 1 and any(f.error != first.error for f in result.failed):
            raise ApiError(f"every call failed; first: {first.error}")
        cls = ConfigError if first.exit_code == ExitCode.CONFIG else ApiError
        raise cls(first.error)
    return result


def exit_code(result: Result) -> int:
    """4 when some groups failed (what did succeed is still shown), else 0."""
    return int(ExitCode.API) if result.failed else 0


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
        fetcher: Fetcher,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Iterator[Poll]:
        """Poll until the caller stops; sleeps between polls. A ConfigError ends the watch."""
        while True:
            started = clock()
            try:
                result = fetch_all(fetcher, self.next_query(started))
            except ConfigError:
                raise
            except EciEventsError as problem:
                yield Poll(error=problem.message)
                sleep(self.interval)
                continue
            self.last_start = started
            yield Poll(result, self.fresh(result.events))
            sleep(max(0.0, self.interval - (clock() - started)))
