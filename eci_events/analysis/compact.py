"""A hash table of 64-bit keys in two flat arrays: 16 bytes a slot, no object per entry.

Triage keeps one entry per distinct container group, event and (finding, group) pair; a
million of each would cost over 100 bytes apiece as Python dicts, sets and ints. Keys are
non-zero 64-bit integers (fingerprints); zero marks an empty slot.

A key's home slot comes from the top bits of the key times 2**64 / golden ratio
(Fibonacci hashing), not from its low bits: keys built from small numbers, such as the
(finding, group) pairs of triage whose low 32 bits are the group's index, would otherwise
pile up in long runs of neighbouring slots and make linear probing quadratic.
"""

from __future__ import annotations

from array import array

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

    def __init__(self, capacity: int = 1024) -> None:
        size = 1
        while size < capacity * 2:
            size *= 2
        self._resize(size)
        self.used = 0

    def _resize(self, size: int) -> None:
        self._keys = array("Q", bytes(8 * size))
        self._values = array("q", bytes(8 * size))
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

    def get(self, key: int, default: int = -1) -> int:
        index = self._slot(key)
        return self._values[index] if self._keys[index] else default

    def put(self, key: int, value: int) -> None:
        index = self._slot(key)
        if not self._keys[index]:
            self._keys[index] = key
            self.used += 1
            if self.used * 2 > len(self._keys):
                self._values[index] = value
                self._grow()
                return
        self._values[index] = value

    def add(self, key: int) -> bool:
        """Insert ``key``; True when it was not there before."""
        index = self._slot(key)
        if self._keys[index]:
            return False
        self._keys[index] = key
        self.used += 1
        if self.used * 2 > len(self._keys):
            self._grow()
        return True

    def _grow(self) -> None:
        keys, values = self._keys, self._values
        self._resize(len(keys) * 2)
        for key, value in zip(keys, values, strict=True):
            if key:
                index = self._slot(key)
                self._keys[index] = key
                self._values[index] = value

    def items(self) -> list[tuple[int, int]]:
        return [(k, v) for k, v in zip(self._keys, self._values, strict=True) if k]
