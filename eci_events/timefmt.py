"""Time in and out: the one timestamp parser, kubectl-style ages, RFC 3339, durations."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
_GO_ZERO_YEAR = 1  # Go's zero time, 0001-01-01T00:00:00Z, means "unset"
_FRACTION = re.compile(r"\.(\d+)")
_DURATION = re.compile(r"(\d{1,12})([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION = 3650 * 86400  # ten years: beyond any event ECI or Kubernetes keeps
_CACHE: dict[str, datetime | None] = {}
_CACHE_LIMIT = 8192  # event streams repeat the same few timestamps; a small cache pays


def parse_time(value: object) -> datetime | None:
    """An event timestamp as an aware UTC datetime, or None when unknown.

    Accepts RFC 3339 with Z or any offset and fractions of any length, datetimes (YAML
    loaders build them), epoch seconds or milliseconds as numbers or digit strings.
    None for null, empty, Go's zero time, bare dates, out-of-range values and masked
    documentation values such as ``2025-**-**T07:51:06Z``. Never raises.
    """
    if isinstance(value, str):
        found = _CACHE.get(value, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        parsed = _text_time(value)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[value] = parsed
        return parsed
    if isinstance(value, datetime):
        return utc_time(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # None, dates, containers, anything else
    if not value > 0 or value != value or value > 1e15:
        return None
    seconds = value / 1000 if value > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


_MISSING = object()


def utc_time(moment: datetime) -> datetime | None:
    """A datetime (naive: UTC) in UTC; None for Go's zero time or one beyond year 9999."""
    if moment.year <= _GO_ZERO_YEAR:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    if moment.tzinfo is UTC:
        return moment
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31T23:59-05:00 lies beyond year 9999 in UTC
        return None


def _text_time(text: str) -> datetime | None:
    text = text.strip()
    if not text or "*" in text or len(text) > 64:
        return None
    if text.isascii() and text.isdigit():
        return parse_time(int(text)) if len(text) <= 16 else None
    text = text.replace("z", "Z").replace("t", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # fromisoformat before 3.11 takes at most 6 fractional digits; a 7th of 5 or more
    # rounds up, as msgspec rounds (typed.py decodes the API's timestamps with it).
    fraction = _FRACTION.search(text)
    up = fraction is not None and fraction.group(1)[6:7] >= "5"
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if up:
        try:
            parsed += timedelta(microseconds=1)
        except OverflowError:
            return None
    return utc_time(parsed)


def rfc3339(moment: datetime | None) -> str | None:
    """UTC RFC 3339 with a Z, second precision, four-digit year; None stays None."""
    if moment is None:
        return None
    m = moment.astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


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


def parse_duration(text: str) -> int:
    """``90s``, ``10m``, ``2h``, ``1d`` or compounds like ``1h30m`` to seconds.

    ValueError unless it is a positive duration of at most ten years.
    """
    compact = text.strip()
    pieces = _DURATION.findall(compact)
    if not pieces or "".join(n + u for n, u in pieces) != compact:
        raise ValueError(f"{text!r} is not a duration like 30s, 10m, 2h, 1d or 1h30m")
    seconds = sum(int(number) * _UNIT_SECONDS[unit] for number, unit in pieces)
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a duration like 30s, 10m, 2h, 1d or 1h30m")
    if seconds > MAX_DURATION:
        raise ValueError(f"{text!r} is longer than ten years (3650d)")
    return seconds


def duration_text(seconds: int) -> str:
    """Seconds as the largest whole unit: ``1800`` -> ``30m``, ``90`` -> ``90s``."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
