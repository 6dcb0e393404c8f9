"""Timestamps from real-world data, and kubectl-style ages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import msgspec
import pytest

from eci_events.timefmt import (
    human_duration,
    parse_duration,
    parse_time,
    repeat_age,
    rfc3339,
    utc_time,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-10-04T09:08:04Z", datetime(2021, 10, 4, 9, 8, 4, tzinfo=UTC)),
        ("2021-10-04T17:08:04+08:00", datetime(2021, 10, 4, 9, 8, 4, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456Z", datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456789Z", datetime(2024, 5, 1, 10, 0, 0, 123457, tzinfo=UTC)),
        ("2024-05-01T10:00:00.1234564Z", datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-01T10:00:00.9999995Z", datetime(2024, 5, 1, 10, 0, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59.9999995Z", None),
        ("2019-03-12T09:00:00.000+08:00", datetime(2019, 3, 12, 1, 0, tzinfo=UTC)),
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (1700000000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),
        ("2025-**-**T07:51:06Z", None),
        ("", None),
        (None, None),
        (0, None),
        (True, None),
        ("yesterday", None),
        ({"a": 1}, None),
    ],
)
def test_parse_time(value: object, expected: datetime | None) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (119, "119s"),
        (300, "5m"),
        (330, "5m30s"),
        (600, "10m"),
        (3 * 3600 + 12 * 60, "3h12m"),
        (10 * 3600, "10h"),
        (2 * 86400, "2d"),
        (3 * 86400 + 5 * 3600, "3d5h"),
        (30 * 86400, "30d"),
        (3 * 365 * 86400, "3y"),
        (-5, "<invalid>"),
    ],
)
def test_human_duration_is_kubectl_style(seconds: int, text: str) -> None:
    assert human_duration(timedelta(seconds=seconds)) == text


def test_repeats_read_like_kubectl() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    first, last = now - timedelta(minutes=10), now - timedelta(minutes=5)
    assert repeat_age(first, last, 3, now) == "5m (x3 over 10m)"
    assert repeat_age(first, last, 1, now) == "5m"
    assert repeat_age(None, None, 2, now) == "<unknown>"


def test_rfc3339_is_utc_with_z() -> None:
    moment = datetime(2026, 1, 1, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    assert rfc3339(moment) == "2026-01-01T12:00:00Z"
    assert rfc3339(None) is None


def test_rfc3339_pads_early_years() -> None:
    assert rfc3339(datetime(5, 3, 4, 1, 2, 3, tzinfo=UTC)) == "0005-03-04T01:02:03Z"
    assert rfc3339(datetime(999, 12, 31, tzinfo=UTC)) == "0999-12-31T00:00:00Z"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("1d2h3m4s", 93784)],
)
def test_parse_duration_takes_kubectl_compounds(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "10", "-1m", "0m", "1w", "ten minutes", "1h 30m", "h1", "1h30"]
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["99999999d", "3651d", "999999999h"])
def test_parse_duration_is_bounded(text: str) -> None:
    with pytest.raises(ValueError, match="longer than ten years"):
        parse_duration(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20T08:01:00Z",
        "2026-11-20t08:01:00.5z",
        "2026-11-20 08:01:00.1234565+05:30",
        "2026-11-20T08:01:00.1234564999Z",
        "2026-11-20T08:01:00.9999995Z",
        "2026-11-20T08:01:00",
        "2026-11-20T08:01:00+0800",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:00-05:00",
    ],
)
def test_the_api_fast_path_reads_time_as_parse_time_does(text: str) -> None:
    """typed.py lets msgspec decode the API's timestamps; the answer must not depend on
    which path read them (JSON and YAML readings of a document are equal)."""
    decoded = msgspec.json.decode(msgspec.json.encode(text), type=datetime)
    assert utc_time(decoded) == parse_time(text)
