"""Tests that kill mutants benchmarks/mutation.py found surviving: each pins one detail of
escaping, retry timing or group ranking that no other test looked at."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from eci_events import library
from eci_events.model import Event
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
        _event("eci-busy", "BackOff", 30, count=9),  # warning, many
        _event("eci-calm", "BackOff", 30, count=2),  # warning, as recent, fewer
    ]
    diagnosis = library.diagnose(events, now=NOW)
    assert [g.ref.key for g in diagnosis.groups] == [
        "eci-new-oom",
        "eci-old-oom",
        "eci-busy",
        "eci-calm",
        "eci-quiet",
    ]
