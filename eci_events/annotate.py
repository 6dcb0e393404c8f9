"""The one place an event meets the catalog: its entry, message variant, parameters and
severity, cached per reason and message (many events and groups repeat the same text).

``list`` (and its ``--watch``), ``triage``, ``diagnose`` and the record writer all
annotate through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from eci_events.catalog import Catalog, Match
from eci_events.model import Event
from eci_events.severity import Severity

_CACHE_LIMIT = 20_000  # distinct (reason, message) pairs kept; a stream of unique texts recycles it


class Annotated(NamedTuple):
    """One event joined to its catalog entry."""

    event: Event
    match: Match
    severity: Severity


class Annotator:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._matches: dict[tuple[str, str], Match] = {}

    def match(self, reason: str, message: str) -> Match:
        key = (reason, message)
        found = self._matches.get(key)
        if found is None:
            if len(self._matches) >= _CACHE_LIMIT:
                self._matches.clear()
            found = self._matches[key] = self.catalog.match(reason, message)
        return found

    def annotate(self, event: Event) -> Annotated:
        match = self.match(event.reason, event.message)
        return Annotated(event, match, match.severity(event.type))

    def annotate_all(self, events: Iterable[Event]) -> list[Annotated]:
        return [self.annotate(event) for event in events]
