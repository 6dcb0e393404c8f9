"""``list``'s lines for stderr: failures, missing ids, the empty result, the footer, watch.

Plain text in the chosen language, unescaped: the command escapes each line it writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from eci_events.annotate import Annotated
from eci_events.limits import EVENTS_PER_GROUP
from eci_events.render.words import count, word
from eci_events.sources.events_api import Failure, Query, Result
from eci_events.timefmt import duration_text

SHOWN_IDS = 5  # ids named in one line


def ids_text(ids: Sequence[str], lang: str) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    if len(ids) > SHOWN_IDS:
        shown += " " + word(lang, "and_more", n=f"{len(ids) - SHOWN_IDS:,}")
    return shown


def describe(query: Query, lang: str) -> str:
    """What was searched, in words."""
    filters = query.filters
    if query.ids:
        key = "query_groups" if len(query.ids) > 1 else "query_group"
        text = word(lang, key, ids=ids_text(query.ids, lang))
    else:
        text = word(lang, "query_filtered" if filters else "query_all")
    if filters:
        text += (" " if lang == "en" else "") + word(
            lang, "query_with", filters=", ".join(f"{what} {value}" for what, value in filters)
        )
    return text


def window(since: int | None, lang: str) -> str:
    if since is None:
        return word(lang, "window_latest", limit=EVENTS_PER_GROUP)
    return word(lang, "window_since", since=duration_text(since))


def failure(failed: Failure, lang: str) -> str:
    if not failed.group_ids:
        return word(lang, "query_failed", error=failed.error)
    return word(
        lang,
        "failed_ids",
        groups=count(lang, len(failed.group_ids), "group"),
        ids=ids_text(failed.group_ids, lang),
        error=failed.error,
    )


def problems(result: Result, region: str, lang: str) -> list[str]:
    """Failures, odd answers and missing ids."""
    lines = [failure(f, lang) for f in result.failed]
    if result.without_id:
        lines.append(word(lang, "no_id", n=result.without_id))
    for group, events in result.overfull:
        lines.append(
            word(lang, "overfull", group=group or "-", events=f"{events:,}", limit=EVENTS_PER_GROUP)
        )
    if result.missing:
        lines.append(word(lang, "not_found", region=region, ids=ids_text(result.missing, lang)))
    return lines


def notes(
    result: Result,
    query: Query,
    region: str,
    rows: Sequence[Annotated],
    filtering: bool,
    footer: bool,
    lang: str,
) -> list[str]:
    """Failures, odd answers, missing ids, then the empty-result line or (tables) the footer."""
    lines = problems(result, region, lang)
    span = window(query.since, lang)
    if not rows and not result.failed:
        if result.events and filtering:
            lines.append(
                word(
                    lang,
                    "no_match",
                    n=len(result.events),
                    query=describe(query, lang),
                    region=region,
                    window=span,
                )
            )
        else:
            lines.append(
                word(
                    lang, "no_events_found", query=describe(query, lang), region=region, window=span
                )
            )
        return lines
    if not footer or not rows:
        return lines
    warnings = sum(1 for r in rows if r.event.type == "Warning")
    hidden = len(result.events) - len(rows)
    text = word(
        lang,
        "footer",
        events=count(lang, len(rows), "event"),
        warnings=count(lang, warnings, "warning"),
        groups=count(lang, len(result.groups), "group"),
        region=region,
        window=span,
    )
    if hidden:
        text += word(lang, "hidden_by_filters", n=hidden)
    lines.append(text + ("." if lang == "en" else "。"))
    cut = [g.group_id for g in result.groups if g.truncated]
    if cut:
        lines.append(word(lang, "cut_off", ids=ids_text(cut, lang), limit=EVENTS_PER_GROUP))
    return lines


def poll_failed(error: str, interval: float, lang: str) -> str:
    return word(lang, "poll_failed", error=error, interval=f"{interval:g}")


def poll_failures(result: Result, lang: str) -> list[str]:
    return [
        word(lang, "poll_partial", groups=count(lang, len(f.group_ids), "group"), error=f.error)
        for f in result.failed
    ]


def watching(query: Query, interval: float, lang: str) -> str:
    return word(lang, "watching", query=describe(query, lang), interval=f"{interval:g}")
