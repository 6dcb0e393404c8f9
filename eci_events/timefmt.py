"""Timestamps in, kubectl-style ages and RFC 3339 out."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_GO_ZERO_YEAR = 1  # Go's zero time, 0001-01-01T00:00:00Z, means "unset"
_FRACTION = re.compile(r"\.(\d+)")
_SINCE = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_time(value: object) -> datetime | None:
    """Parse an event timestamp into an aware UTC datetime, or None when unknown.

    Accepts RFC 3339 with Z or any offset, fractions of any length, epoch seconds or
    milliseconds; returns None for null, empty, Go's zero time and masked values
    such as ``2025-**-**T07:51:06Z``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value <= 0:
            return None
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or "*" in text:
        return None
    if text.isdigit():
        return parse_time(int(text))
    text = text.replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # fromisoformat before 3.11 takes at most 6 fractional digits.
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.year <= _GO_ZERO_YEAR:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def rfc3339(moment: datetime | None) -> str | None:
    """UTC RFC 3339 with a Z, second precision; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def human_duration(delta: timedelta) -> str:
    """kubectl's HumanDuration: 45s, 5m, 3h12m, 2d, 3y."""
    seconds = int(delta.total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    years = days // 365
    if hours < 24 * 365 * 8:
        rest = days % 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{years}y"


def age(moment: datetime | None, now: datetime) -> str:
    """How long ago, kubectl style; ``<unknown>`` without a timestamp."""
    if moment is None:
        return "<unknown>"
    return human_duration(now - moment)


def repeat_age(first: datetime | None, last: datetime | None, count: int, now: datetime) -> str:
    """kubectl's LAST SEEN cell: ``5m`` or ``5m (x3 over 10m)`` for repeats."""
    shown = age(last or first, now)
    if count > 1 and first is not None:
        return f"{shown} (x{count} over {age(first, now)})"
    return shown


def parse_since(text: str) -> int:
    """``10m``, ``2h``, ``1d`` or ``90s`` to seconds; ValueError otherwise."""
    match = _SINCE.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration like 30s, 10m, 2h or 1d")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
