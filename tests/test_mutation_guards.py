"""Tests that kill mutants benchmarks/mutation.py found surviving: each pins one detail of
escaping, retry timing or group ranking that no other test looked at."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from eci_events import library
from eci_events.model import Event, Severity
from eci_events.render.safe import code_block, escape, markdown
from eci_events.sources.client import backoff

# -- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("char", list("\\`*_{}[]<>#!|~&"))
def test_markdown_escapes_every_character_markdown_or_html_acts_on(char: str) -> None:
    assert markdown(f"a{char}b") == f"a\\{char}b"


@pytest.mark.parametrize(
    "char",
    [
        "\u061c",  # Arabic letter mark
        "\u180e",  # Mongolian vowel separator
        "\u200b",
        "\u200f",
        "\u2060",
        "\u206f",
        "\ufff9",  # interlinear annotation anchors
        "\ufffa",
        "\ufffb",
    ],
)
def test_escape_shows_every_invisible_format_character(char: str) -> None:
    assert escape(f"a{char}b") == f"a\\u{ord(char):04x}b"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("\x1f", "^_"), ("\x80", "\\x80"), ("\x9f", "\\x9f"), ("\u00a0", "\u00a0")],
)
def test_escape_at_the_edges_of_the_control_ranges(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_code_block_escapes_its_lines_and_outfences_any_backtick_run() -> None:
    assert code_block(["plain"]) == ["```", "plain", "```"]
    assert code_block(["a\x1b[31mb"], "  ") == ["  ```", "  a^[[31mb", "  ```"]
    assert code_block(["x ``` y"]) == ["````", "x ``` y", "````"]
    assert code_block(["x ````` y"]) == ["``````", "x ````` y", "``````"]


# -- retry timing -----------------------------------------------------------------------------


def test_backoff_starts_near_a_fifth_of_a_second_and_stays_within_its_caps() -> None:
    assert 0.1 <= backoff(1, None, rng=lambda: 0.0) <= backoff(1, None, rng=lambda: 0.99) <= 0.2
    assert backoff(60, None, rng=lambda: 0.99) <= 20.0
    assert backoff(1, 7200.0) == 60.0  # a server's x-acs-retry-after, honoured up to a minute


# -- ranking of groups ------------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def _event(group: str, reason: str, minutes_ago: int, count: int = 1) -> Event:
    when = NOW - timedelta(minutes=minutes_ago)
    return Event(
        reason=reason,
        message="",
        type="Warning",
        count=count,
        first_seen=when,
        last_seen=when,
        group_id=group,
        name=f"{group}.{reason}",
    )


def test_groups_rank_by_worst_severity_then_recency_then_count() -> None:
    events = [
        _event("eci-quiet", "Pulled", 1),  # info, most recent
        _event("eci-old-oom", "OOMKilled", 50),  # critical, old
        _event("eci-new-oom", "OOMKilled", 5),  # critical, recent
        _event("eci-late-few", "BackOff", 30, count=2),  # warning, older, fewer, seen first
        _event("eci-late-many", "BackOff", 30, count=9),  # warning, as old, more
        _event("eci-recent-few", "BackOff", 10, count=2),  # warning, recent, fewer
    ]
    diagnosis = library.diagnose(events, now=NOW)
    assert [g.ref.key for g in diagnosis.groups] == [
        "eci-new-oom",
        "eci-old-oom",
        "eci-recent-few",
        "eci-late-many",
        "eci-late-few",
        "eci-quiet",
    ]


def test_findings_of_a_severity_rank_by_recency_then_count_then_reason() -> None:
    events = [
        _event("eci-a", "Zulu", 30, count=5),  # not in the catalog: Warning by its type
        _event("eci-a", "Alpha", 30, count=1),
        _event("eci-a", "Mike", 20, count=1),
        _event("eci-b", "OOMKilled", 60),
    ]
    diagnosis = library.diagnose(events, now=NOW)
    assert [f.reason for f in diagnosis.findings] == ["OOMKilled", "Mike", "Zulu", "Alpha"]


def test_min_severity_keeps_findings_at_that_severity() -> None:
    events = [_event("eci-a", "Zulu", 5), _event("eci-a", "Pulled", 5)]
    diagnosis = library.diagnose(events, now=NOW, min_severity=Severity.WARNING)
    assert [f.reason for f in diagnosis.findings] == ["Zulu"]


def test_objects_are_counted_apart_from_container_groups() -> None:
    deployment = Event(
        reason="ScalingReplicaSet",
        type="Normal",
        namespace="default",
        object_kind="Deployment",
        object_name="web",
        last_seen=NOW,
    )
    diagnosis = library.diagnose([deployment, _event("eci-a", "BackOff", 5)], now=NOW)
    assert (diagnosis.group_count, diagnosis.object_count) == (1, 1)
