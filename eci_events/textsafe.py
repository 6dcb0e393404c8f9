"""Make untrusted text (event messages from a remote service) safe for a terminal.

Human output passes every field through ``escape``; JSON output keeps the raw text.
Rich renderers must also build ``Text`` objects rather than markup strings, so that
``[bold]`` in a message is shown, not interpreted.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidirectional overrides that can reorder text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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
    """Replace control and bidi characters with visible stand-ins."""
    return _UNSAFE.sub(_visible, text)
