"""A hash table of 64-bit keys in flat arrays: 8 or 16 bytes a slot, no object per entry.

Triage keeps one entry per distinct container group, event and (finding, group) pair; a
million of each would cost over 100 bytes apiece as Python dicts, sets and ints. Keys are
non-zero 64-bit integers (fingerprints); zero marks an empty slot. A table made with
``values=None`` is a set: it keeps keys only; ``values="I"`` keeps values of 32 bits.

A table starts as a plain dict, which C makes several times faster per operation, and
moves into the arrays once it holds ``SPILL`` keys: small inputs keep the speed, large
ones the memory.

A key's home slot comes from the top bits of the key times 2**64 / golden ratio
(Fibonacci hashing), not from its low bits: keys built from small numbers, such as the
(finding, group) pairs of triage whose low 32 bits are the group's index, would otherwise
pile up in long runs of neighbouring slots and make linear probing quadratic.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import compress

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / golden ratio, odd
SPILL = 1 << 16  # keys kept in a dict (about 100 bytes each) before the arrays take over


def fingerprint(value: object) -> int:
    """A non-zero 64-bit key for a hashable value (strings, tuples of them, numbers).

    Python's hash is 64 bits wide: two of a million distinct values collide with a
    probability of about 3e-8 per run.
    """
    return (hash(value) & _MASK64) or 1


class Table:
    """Open addressing with linear probing; grows at half load."""

    __slots__ = ("_dict", "_keys", "_mask", "_shift", "_values", "used")

    def __init__(self, capacity: int = 1024, values: str | None = "q") -> None:
        self._dict: dict[int, int] | None = {}
        size = 1
        while size < capacity * 2:
            size *= 2
        self._values: array[int] | None = array(values) if values else None
        self._resize(size)
        self.used = 0

    def _spill(self) -> None:
        """Move the dict's keys into the arrays, for good."""
        found, self._dict = self._dict, None
        assert found is not None
        size = len(self._keys)
        while size < len(found) * 4:
            size *= 2
        self._resize(size)
        for key, value in found.items():
            index = self._slot(key)
            self._keys[index] = key
            if self._values is not None:
                self._values[index] = value
        self.used = len(found)

    def _resize(self, size: int) -> None:
        self._keys = array("Q", [0]) * size  # no temporary buffer of the same size
        if self._values is not None:
            self._values = array(self._values.typecode, [0]) * size
        self._mask = size - 1
        self._shift = 64 - (size.bit_length() - 1)

    def _slot(self, key: int) -> int:
        """Where ``key`` is, or the empty slot where it would go."""
        keys, mask = self._keys, self._mask
        index = (key * _GOLDEN >> self._shift) & mask
        while True:
            found = keys[index]
            if found == key or found == 0:
                return index
            index = (index + 1) & mask

    def _insert(self, index: int, key: int, value: int) -> None:
        self._keys[index] = key
        if self._values is not None:
            self._values[index] = value
        self.used += 1
        if self.used * 2 > len(self._keys):
            self._grow()

    def get(self, key: int, default: int = -1) -> int:
        if self._dict is not None:
            return self._dict.get(key, default)
        index = self._slot(key)
        assert self._values is not None
        return self._values[index] if self._keys[index] else default

    def put(self, key: int, value: int) -> None:
        small = self._dict
        if small is not None:
            small[key] = value
            if len(small) > SPILL:
                self._spill()
            return
        index = self._slot(key)
        assert self._values is not None
        if self._keys[index]:
            self._values[index] = value
        else:
            self._insert(index, key, value)

    def setdefault(self, key: int, value: int) -> int:
        """The value of ``key``; when it has none yet, ``value``, which it keeps."""
        small = self._dict
        if small is not None:
            kept = small.setdefault(key, value)
            if len(small) > SPILL:
                self._spill()
            return kept
        index = self._slot(key)
        assert self._values is not None
        if self._keys[index]:
            return self._values[index]
        self._insert(index, key, value)
        return value

    def raise_to(self, key: int, value: int) -> int:
        """Keep the larger of ``key``'s value and ``value``; returns the value it had
        before, -1 when it had none (values are not negative)."""
        small = self._dict
        if small is not None:
            before = small.get(key, -1)
            if value > before:
                small[key] = value
                if before < 0 and len(small) > SPILL:
                    self._spill()
            return before
        index = self._slot(key)
        values = self._values
        assert values is not None
        if not self._keys[index]:
            self._insert(index, key, value)
            return -1
        before = values[index]
        if value > before:
            values[index] = value
        return before

    def add(self, key: int) -> bool:
        """Insert ``key``; True when it was not there before."""
        small = self._dict
        if small is not None:
            if key in small:
                return False
            small[key] = 0
            if len(small) > SPILL:
                self._spill()
            return True
        index = self._slot(key)
        if self._keys[index]:
            return False
        self._insert(index, key, 0)
        return True

    def _grow(self) -> None:
        keys, values = self._keys, self._values
        self._resize(len(keys) * 2)
        new_keys, new_values, mask, shift = self._keys, self._values, self._mask, self._shift
        for at in compress(range(len(keys)), keys):  # the slots in use
            key = keys[at]
            index = (key * _GOLDEN >> shift) & mask
            while new_keys[index]:
                index = (index + 1) & mask
            new_keys[index] = key
            if new_values is not None and values is not None:
                new_values[index] = values[at]

    def __iter__(self) -> Iterator[int]:
        """The keys, in no particular order."""
        if self._dict is not None:
            return iter(list(self._dict))
        return (key for key in self._keys if key)

    def items(self) -> Iterator[tuple[int, int]]:
        assert self._values is not None
        if self._dict is not None:
            return iter(list(self._dict.items()))
        return ((k, v) for k, v in zip(self._keys, self._values, strict=True) if k)
