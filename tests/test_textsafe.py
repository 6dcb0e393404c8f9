"""Untrusted text cannot drive the terminal."""

from __future__ import annotations

import pytest

from eci_events.textsafe import escape


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text", "plain text"),
        ("\x1b[31mred\x1b[0m", "^[[31mred^[[0m"),
        ("progress\rspoof", "progress^Mspoof"),
        ("bell\x07", "bell^G"),
        (
            "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
            "^[]8;;https://evil.example^[\\click^[]8;;^[\\",
        ),
        ("line1\nline2\tcol", "line1 line2 col"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("del\x7f", "del^?"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("[bold]markup[/bold]", "[bold]markup[/bold]"),
        ("日本語", "日本語"),
    ],
)
def test_escape(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_escaped_text_has_no_control_characters() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0))
    assert all(ch.isprintable() for ch in escape(every))
