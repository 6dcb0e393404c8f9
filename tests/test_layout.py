"""Unit checks of the table aligner in ``render.layout``."""

from __future__ import annotations

from eci_events.render.layout import Column, fit, plain, table, wrap


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


def test_a_wrapped_cell_never_splits_a_word() -> None:
    """A word wider than its column is cut short with an ellipsis on one line; prose
    (not a table) still breaks such a word across lines."""
    text = 'Pulling image "registry.example.com/team/api-gateway:1.8.0" now'
    columns = [Column("REASON"), Column("MESSAGE", shrink=0, floor=12, wrap=True)]
    out = plain(table(columns, [[("Pulling", None), (text, None)]], width=23))
    assert out.splitlines() == [
        "REASON   MESSAGE",
        "Pulling  Pulling image",
        '         "registry.exa…',
        "         now",
    ]
    assert wrap("a registry.example.com/x", 10) == ["a", "registry.e", "xample.com", "/x"]
