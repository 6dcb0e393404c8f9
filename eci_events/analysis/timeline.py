"""The timeline of a container group in 64 bytes: the worst severity per time bucket."""

from __future__ import annotations

from eci_events.severity import Severity

CELLS = 64


class Histogram:
    """Bucket i starts at base + i * resolution and holds 0 (no event) or severity + 1.

    Buckets start at a minute and grow fourfold whenever an event falls outside the 64,
    so a group costs about 120 bytes however many events it has.
    """

    __slots__ = ("base", "cells", "resolution")

    def __init__(self) -> None:
        self.base: int | None = None
        self.resolution = 60
        self.cells = bytearray(CELLS)

    def mark(self, epoch: int, severity: int) -> None:
        if self.base is None:
            self.base = epoch - epoch % self.resolution
        base: int = self.base
        while epoch < base:
            self._rebase(epoch)
            base = self.base
        index = (epoch - base) // self.resolution
        while index >= CELLS:
            self._coarsen()
            index = (epoch - self.base) // self.resolution
        if severity + 1 > self.cells[index]:
            self.cells[index] = severity + 1

    def _rebase(self, epoch: int) -> None:
        """Move the start back to take an event earlier than every one so far."""
        assert self.base is not None
        new_base = epoch - epoch % self.resolution
        shift = (self.base - new_base) // self.resolution
        used = max((i for i, v in enumerate(self.cells) if v), default=-1) + 1
        if shift + used > CELLS:
            self._coarsen()
            return
        self.cells = bytearray(shift) + self.cells[: CELLS - shift]
        self.base = new_base

    def _coarsen(self) -> None:
        old_base, old_resolution, old = self.base, self.resolution, self.cells
        assert old_base is not None
        self.resolution *= 4
        self.base = old_base - old_base % self.resolution
        self.cells = bytearray(CELLS)
        for index, value in enumerate(old):
            if value:
                at = (old_base + index * old_resolution - self.base) // self.resolution
                if value > self.cells[at]:
                    self.cells[at] = value

    def buckets(self) -> tuple[tuple[int, Severity], ...]:
        """(bucket start as epoch seconds, worst severity) for every bucket with events."""
        if self.base is None:
            return ()
        return tuple(
            (self.base + index * self.resolution, Severity(value - 1))
            for index, value in enumerate(self.cells)
            if value
        )

    def absorb(self, other: Histogram) -> None:
        for epoch, severity in other.buckets():
            self.mark(epoch, severity)
