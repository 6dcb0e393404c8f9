"""Message templates matched in linear time: literal pieces found in order, no regex.

A template is the English message with ``%s`` slots. Matching ignores an ``[eci.x]``
prefix, treats any run of white space as one space, and lets the message keep or drop
its final period. Slots are filled lazily (the leftmost next piece wins), which is what
the templates' regular expressions did, without their backtracking: every step is a
``str.find``/``startswith``/``endswith``, so a 100 KB message of spaces or dots costs
microseconds, not minutes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

# Live messages may start with "[eci.containergroup]" or "[eci.imagecache]".
_PREFIX = re.compile(r"\[eci\.[A-Za-z]{1,40}\]")
_TAIL = ". \t"


def strip_prefix(message: str) -> str:
    found = _PREFIX.match(message.lstrip())
    return message.lstrip()[found.end() :] if found else message


def normalise(message: str) -> str:
    """The message as templates see it: no prefix, single spaces, no final period."""
    return " ".join(strip_prefix(message).split()).rstrip(_TAIL)


def _piece(literal: str, first: bool) -> str:
    core = " ".join(literal.split())
    lead = " " if literal[:1].isspace() and not first else ""
    trail = " " if literal[-1:].isspace() else ""
    if not core:
        return " " if (lead or trail) else ""
    return lead + core + trail


class Template:
    """One ``%s`` template, prepared for ``match``. ``tokens[i]``: slot i holds no spaces."""

    __slots__ = ("pieces", "short", "tokens")

    def __init__(self, pieces: Sequence[str], tokens: Sequence[bool]) -> None:
        self.pieces = tuple(pieces)
        self.tokens = tuple(tokens) + (False,) * (len(pieces) - 1 - len(tokens))
        # "...stock. %s" also matches "...stock." with nothing after it: the short form.
        self.short: Template | None = None
        if len(pieces) > 1 and not pieces[-1] and pieces[-2].endswith(" "):
            self.short = Template((*pieces[:-2], pieces[-2].rstrip(_TAIL)), self.tokens[:-1])

    @classmethod
    def parse(cls, template: str, tokens: Sequence[bool]) -> Template:
        raw = template.strip().split("%s")
        pieces = [_piece(p, i == 0) for i, p in enumerate(raw)]
        pieces[-1] = pieces[-1].rstrip(_TAIL)
        return cls(pieces, tokens)

    def match(self, text: str) -> list[str] | None:
        """The slot values when ``text`` (already ``normalise``d) has this form."""
        pieces = self.pieces
        if len(pieces) == 1:
            return [] if text == pieces[0] else None
        if self.short is not None:
            values = self.short.match(text)
            if values is not None:
                return [*values, ""]
        if not text.startswith(pieces[0]):
            return None
        at = len(pieces[0])
        values = []
        for piece in pieces[1:-1]:
            found = text.find(piece, at) if piece else at
            if found < 0:
                return None
            values.append(text[at:found])
            at = found + len(piece)
        last = pieces[-1]
        if len(text) - at < len(last) or not text.endswith(last):
            return None
        values.append(text[at : len(text) - len(last)])
        return self._checked(values)

    def _checked(self, values: list[str]) -> list[str] | None:
        stripped = [value.strip() for value in values]
        for value, token in zip(stripped, self.tokens, strict=False):
            if token and (not value or " " in value):
                return None
        return stripped


def json_params(message: str, keys: Mapping[str, str]) -> dict[str, str] | None:
    """Parameters of a message that is a JSON object (keys in any order), or None."""
    body = strip_prefix(message).strip()
    if not body.startswith("{"):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not any(key in data for key in keys):
        return None
    return {
        name: value if isinstance(value, str) else json.dumps(value)
        for key, name in keys.items()
        if (value := data.get(key)) is not None
    }
