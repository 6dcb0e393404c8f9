"""The one JSON encoder of every machine output (-o json, ndjson; explain -o json)."""

from __future__ import annotations

from typing import Any


def json_bytes(data: Any, indent: int = 2, small: bool = False) -> bytes:
    """UTF-8 JSON (indented unless ``indent`` is 0), no trailing newline.

    msgspec is many times faster than the json module for large lists. A ``small``
    document (explain's: text, lists and integers) takes the json module, which writes the
    same text for it without the cost of importing msgspec at start-up. Text with lone
    surrogates (YAML escapes and command lines can make them) gets ``\\uXXXX`` escapes.
    """
    if small:
        try:
            return _dumps(data, indent, ascii_only=False)
        except UnicodeEncodeError:
            return _dumps(data, indent, ascii_only=True)
    import msgspec

    try:
        encoded = msgspec.json.encode(data)
    except (UnicodeEncodeError, msgspec.EncodeError):
        return _dumps(data, indent, ascii_only=True)
    return msgspec.json.format(encoded, indent=indent) if indent else encoded


def _dumps(data: Any, indent: int, ascii_only: bool) -> bytes:
    """The json module's text, spaced as msgspec spaces it."""
    import json

    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent or None, separators=separators)
    return text.encode()


def json_text(data: Any, indent: int = 2, small: bool = False) -> str:
    return json_bytes(data, indent, small).decode("utf-8")
