"""Values from untrusted documents into the types of Event's fields. Never raises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_MAX_DIGITS = 18  # beyond this a count is not a count (and int() of 4,300 digits raises)


def text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def count(value: Any) -> int:
    """An event count: at least 1; junk (booleans, NaN, '²', huge numbers) counts once."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return value if 0 < value < 10**_MAX_DIGITS else 1
    if isinstance(value, float):
        return int(value) if 1 <= value < 10**_MAX_DIGITS else 1  # NaN compares False
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS:
            return max(int(digits), 1)
    return 1


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def first(record: Mapping[str, Any], *names: str) -> Any:
    """The first present key among spellings (PascalCase, camelCase, snake_case...)."""
    for name in names:
        value = record.get(name)
        if value is not None:
            return value
    return None
