"""Unit checks of the table aligner in ``render.layout``."""

from __future__ import annotations

from eci_events.render.layout import Column, fit


def test_a_dropped_column_gives_the_shrunk_ones_their_width_back() -> None:
    """The findings table at 80 columns: REASON shrank toward its floor before FIRST SEEN
    was dropped; once it is dropped there is room, and the reason is shown whole."""
    columns = [
        Column("#", right=True),
        Column("SEVERITY"),
        Column("REASON", shrink=1, floor=20),
        Column("GROUPS", right=True, drop=1),
        Column("COUNT", right=True),
        Column("FIRST SEEN", drop=0),
        Column("LAST SEEN"),
    ]
    natural = [1, 8, 21, 6, 5, 20, 20]
    assert fit(columns, natural, 78) == [1, 8, 21, 6, 5, 0, 20]
    assert fit(columns, natural, 200) == natural
    assert fit(columns, natural, 60) == [1, 8, 18, 0, 5, 0, 20]  # then squeezed
