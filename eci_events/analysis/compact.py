"""A hash table of 64-bit keys in flat arrays: 8 or 16 bytes a slot, no object per entry.

Triage keeps one entry per distinct container group, event and (finding, group) pair; a
million of each would cost over 100 bytes apiece as Python dicts, sets and ints. Keys are
non-zero 64-bit integers (fingerprints); zero marks an empty slot. A table made with
``values=False`` is a set: it keeps keys only.

A key's home slot comes from the top bits of the key times 2**64 / golden ratio
(Fibonacci hashing), not from its low bits: keys built from small numbers, such as the
(finding, group) pairs of triage whose low 32 bits are the group's index, would otherwise
pile up in long runs of neighbouring slots and make linear probing quadratic.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / golden ratio, odd


def fingerprint(value: object) -> int:
    """A non-zero 64-bit key for a hashable value (strings, tuples of them, numbers).

    Python's hash is 64 bits wide: two of a million distinct values collide with a
    probability of about 3e-8 per run.
    """
    return (hash(value) & _MASK64) or 1


class Table:
    """Open addressing with linear probing; grows at half load."""

    __slots__ = ("_keys", "_mask", "_shift", "_values", "used")

    def __init__(self, capacity: int = 1024, values: bool = True) -> None:
        size = 1
        while size < capacity * 2:
            size *= 2
        self._values: array[int] | None = array("q") if values else None
        self._resize(size)
        self.used = 0

    def _resize(self, size: int) -> None:
        self._keys = array("Q", [0]) * size  # no temporary buffer of the same size
        if self._values is not None:
            self._values = array("q", [0]) * size
        self._mask = size - 1
        self._shift = 64 - (size.bit_length() - 1)

    def _slot(self, key: int) -> int:
        keys, mask = self._keys, self._mask
        index = (key * _GOLDEN >> self._shift) & mask
        while True:
            found = keys[index]
            if found == key or found == 0:
                return index
            index = (index + 1) & mask

    def _inserted(self) -> None:
        self.used += 1
        if self.used * 2 > len(self._keys):
            self._grow()

    def get(self, key: int, default: int = -1) -> int:
        index = self._slot(key)
        assert self._values is not None
        return self._values[index] if self._keys[index] else default

    def put(self, key: int, value: int) -> None:
        index = self._slot(key)
        assert self._values is not None
        self._values[index] = value
        if not self._keys[index]:
            self._keys[index] = key
            self._inserted()

    def setdefault(self, key: int, value: int) -> int:
        """The value of ``key``; when it has none yet, ``value``, which it keeps."""
        index = self._slot(key)
        values = self._values
        assert values is not None
        if self._keys[index]:
            return values[index]
        self._keys[index] = key
        values[index] = value
        self._inserted()
        return value

    def add(self, key: int) -> bool:
        """Insert ``key``; True when it was not there before."""
        index = self._slot(key)
        if self._keys[index]:
            return False
        self._keys[index] = key
        self._inserted()
        return True

    def _grow(self) -> None:
        keys, values = self._keys, self._values
        self._resize(len(keys) * 2)
        new_keys, new_values = self._keys, self._values
        slot = self._slot
        for index, key in enumerate(keys):
            if key:
                at = slot(key)
                new_keys[at] = key
                if new_values is not None and values is not None:
                    new_values[at] = values[index]

    def __iter__(self) -> Iterator[int]:
        """The keys, in no particular order."""
        return (key for key in self._keys if key)

    def items(self) -> Iterator[tuple[int, int]]:
        assert self._values is not None
        return ((k, v) for k, v in zip(self._keys, self._values, strict=True) if k)
