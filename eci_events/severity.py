"""The Severity scale, apart from the Event: ``explain`` needs it without msgspec."""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    """How urgently a person must act (catalog/README.md states the rule)."""

    INFO = 0
    WARNING = 1
    ERROR = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        return tuple(member.label for member in cls)
