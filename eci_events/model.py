"""The normalised Event every layer shares (the Severity scale is in ``severity``).

Nothing here knows where an event came from (sources) or what it means (catalog).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

# Involved-object kinds that are an ECI container group (a pod on a virtual node, or the
# instance itself); lower-case. An event without a kind is taken to be about its group.
GROUP_KINDS = frozenset({"", "pod", "containergroup"})


class Event(msgspec.Struct, frozen=True, gc=False):
    """One event, whatever its source shape.

    ``group_id`` is the ECI container group id (``eci-...``) when known; for Kubernetes
    events it is the pod's ECI instance id if the event names one, else ''. ``uid`` is
    the event object's own uid where the source has one (kubectl), used to drop copies.
    """

    reason: str
    message: str = ""
    type: str = ""
    count: int = 1
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    event_time: datetime | None = None
    group_id: str = ""
    group_name: str = ""
    namespace: str = ""
    object_kind: str = ""
    object_name: str = ""
    source: str = ""
    name: str = ""
    uid: str = ""

    @property
    def when(self) -> datetime | None:
        """The time to sort on: last seen, else event time, else first seen."""
        return self.last_seen or self.event_time or self.first_seen

    @property
    def about_group(self) -> bool:
        """True when the event is about a container group (a pod), not a Deployment & co."""
        return self.object_kind.lower() in GROUP_KINDS

    @property
    def object(self) -> str:
        """kubectl's OBJECT column: ``pod/name``."""
        if not self.object_name:
            return ""
        kind = self.object_kind.lower() or "pod"
        return f"{kind}/{self.object_name}"


def sort_key(event: Event) -> tuple[bool, datetime | float, str, str]:
    """Oldest first on the real timestamp; undated events first; stable tie-break."""
    when = event.when
    return (when is not None, when or 0.0, event.group_id, event.reason)
