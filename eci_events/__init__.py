"""eci-events: explain, list, triage and diagnose Alibaba Cloud ECI events.

The library's calls (``explain``, ``diagnose``, ``triage``, ``list_events``,
``diagnose_groups``, ...) live in
``eci_events.library`` and are reachable from here; importing this package stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

_LIBRARY = (
    "annotate",
    "diagnose",
    "diagnose_groups",
    "explain",
    "explain_rule",
    "identify",
    "list_events",
    "open_client",
    "read",
    "resolve_groups",
    "triage",
)


def __getattr__(name: str) -> Any:
    if name in _LIBRARY:
        from eci_events import library

        return getattr(library, name)
    if name == "Query":
        from eci_events.sources.events_api import Query

        return Query
    raise AttributeError(f"module 'eci_events' has no attribute {name!r}")
