"""Untrusted text (event messages, names, server errors) made safe for each format.

- ``escape``: a terminal. Control characters (ESC, CR, BEL, the C1 range with its CSI and
  OSC introducers), bidirectional overrides and isolates, and invisible characters that
  make one text look like another (zero-width spaces and joiners, BOM, soft hyphen, line
  and paragraph separators) become visible stand-ins. Rich renderers also build ``Text``
  objects rather than markup strings, so ``[bold]`` in a message is shown, not obeyed.
- ``markdown``: Markdown text (escaped terminal-style first, then every character
  Markdown or HTML would act on).
- ``code_span``: a Markdown code span whose fence is longer than any backtick run inside.
- ``shell``: a command line with every argument quoted.

JSON output keeps the raw text; it is for programs.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb]"
)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#!|~&])")
# Bare URLs that GitHub-flavoured Markdown would turn into links by itself.
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.)")
_BACKTICKS = re.compile(r"`+")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\t\n":
        return " "
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation, as cat -v: ESC -> ^[, CR -> ^M
    if code == 0x7F:
        return "^?"
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape(text: str) -> str:
    """Replace control, bidi and invisible characters with visible stand-ins."""
    return _UNSAFE.sub(_visible, text)


def markdown(text: str) -> str:
    """Untrusted text safe in Markdown prose, a list item or a table cell: no links,
    images, HTML, emphasis, headings or cell breaks."""
    text = _MARKDOWN.sub(r"\\\1", escape(text))
    return _AUTOLINK.sub(lambda m: m.group().replace("/", "\\/").replace(".", "\\."), text)


def code_span(text: str) -> str:
    """Untrusted text as a Markdown code span that nothing inside can close."""
    text = escape(text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(lines: Sequence[str], indent: str = "") -> list[str]:
    """Untrusted lines as a fenced Markdown code block (indented under a list item) that
    no line inside can close: the fence is longer than any backtick run in them."""
    shown = [escape(line) for line in lines]
    longest = max((len(run) for line in shown for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{indent}{fence}", *(f"{indent}{line}" for line in shown), f"{indent}{fence}"]


def shell(argv: Sequence[str]) -> str:
    """A command line a user can paste: every argument quoted for a POSIX shell."""
    return shlex.join(argv)
