"""The compact table behaves as a dict does, before and after it moves into its arrays."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eci_events.analysis import compact
from eci_events.analysis.compact import Table

KEYS = st.integers(min_value=1, max_value=(1 << 64) - 1) | st.integers(min_value=1, max_value=40)
OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "put", "setdefault", "raise_to", "get"]),
        KEYS,
        st.integers(min_value=0, max_value=1000),
    ),
    max_size=200,
)


@pytest.mark.parametrize("spill", [8, compact.SPILL])
@given(ops=OPS)
def test_a_table_answers_as_a_dict_does(spill: int, ops: list[tuple[str, int, int]]) -> None:
    saved, compact.SPILL = compact.SPILL, spill
    try:
        table, model = Table(capacity=4), {}
        for op, key, value in ops:
            if op == "put":
                table.put(key, value)
                model[key] = value
            elif op == "setdefault":
                assert table.setdefault(key, value) == model.setdefault(key, value)
            elif op == "raise_to":
                assert table.raise_to(key, value) == model.get(key, -1)
                model[key] = max(model.get(key, -1), value)
            elif op == "add":
                assert table.add(key) == (key not in model)
                model.setdefault(key, 0)
            else:
                assert table.get(key) == model.get(key, -1)
        assert dict(table.items()) == model
        assert sorted(table) == sorted(model)
    finally:
        compact.SPILL = saved
