"""The one JSON encoder of every machine output (-o json, ndjson; explain -o json)."""

from __future__ import annotations

from typing import Any


def json_bytes(data: Any, indent: int = 2) -> bytes:
    """UTF-8 JSON (indented unless ``indent`` is 0), no trailing newline.

    msgspec is many times faster than the json module for large lists; text with lone
    surrogates (YAML escapes can make them) falls back to ``\\uXXXX`` escapes.
    """
    import msgspec

    try:
        encoded = msgspec.json.encode(data)
    except (UnicodeEncodeError, msgspec.EncodeError):
        import json

        separators = (", ", ": ") if indent else (",", ":")
        return json.dumps(
            data, ensure_ascii=True, indent=indent or None, separators=separators
        ).encode()
    return msgspec.json.format(encoded, indent=indent) if indent else encoded


def json_text(data: Any, indent: int = 2) -> str:
    return json_bytes(data, indent).decode("utf-8")
