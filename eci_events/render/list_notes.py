"""``list``'s lines for stderr: failures, missing ids, the empty result, the footer, watch notes.

Plain text, unescaped: the command escapes each line as it writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from eci_events.api import MAX_EVENTS
from eci_events.timefmt import human_duration

if TYPE_CHECKING:
    from eci_events.api import Failure, Query, Result
    from eci_events.render.events_table import Row

SHOWN_IDS = 5  # failed ids named in an error line


def window(since: int | None) -> str:
    if since is None:
        return f"window: the latest {MAX_EVENTS} events per group"
    return f"window: last {human_duration(timedelta(seconds=since))}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def failure(failed: Failure) -> str:
    ids = failed.group_ids
    if not ids:
        return f"error: the query failed: {failed.error}"
    more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
    shown = ", ".join(ids[:SHOWN_IDS])
    return f"error: {len(ids)} group(s) {shown}{more} failed: {failed.error}"


def notes(
    result: Result,
    query: Query,
    region: str,
    rows: Sequence[Row],
    filtering: bool,
    table: bool,
) -> list[str]:
    """Failures, missing ids, then the empty-result line or (tables only) the footer."""
    lines = [failure(f) for f in result.failed]
    if result.missing:
        lines.append(
            f"note: not found in {region}: {', '.join(result.missing)} "
            "(another region? ECI keeps a deleted group's events for about an hour)"
        )
    span = window(query.since)
    if not rows and not result.failed:
        if result.events and filtering:
            lines.append(
                f"No events matched the filters ({len(result.events)} fetched for "
                f"{query.describe()} in {region}, {span})."
            )
        else:
            lines.append(f"No events found for {query.describe()} in {region} ({span}).")
        return lines
    if not table or not rows:
        return lines
    warnings = sum(1 for r in rows if r.event.type == "Warning")
    hidden = len(result.events) - len(rows)
    footer = (
        f"{_plural(len(rows), 'event')} ({_plural(warnings, 'warning')})"
        f" from {_plural(len(result.groups), 'group')} in {region}, {span}"
    )
    if hidden:
        footer += f"; {hidden} hidden by filters"
    lines.append(footer + ".")
    cut = [g.group_id for g in result.groups if g.truncated]
    if cut:
        lines.append(
            f"note: {', '.join(cut)} returned {MAX_EVENTS} events, the API's limit per group; "
            "older ones may be cut off (narrow with --since)."
        )
    return lines


def poll_failed(error: str, interval: float) -> str:
    return f"watch: poll failed: {error}; trying again in {interval:g}s"


def poll_failures(result: Result) -> list[str]:
    return [
        f"watch: {len(f.group_ids)} group(s) failed this poll: {f.error}" for f in result.failed
    ]


def watching(query: Query, interval: float) -> str:
    return f"watching {query.describe()} every {interval:g}s; Ctrl-C to stop"
