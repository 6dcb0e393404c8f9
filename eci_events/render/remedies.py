"""Remedies in words: a language chosen and the event's parameters filled in, each value
made safe for the output format by the ``quote`` the caller passes (``safe.escape`` for
a terminal, ``safe.markdown`` for Markdown, nothing for JSON)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from eci_events.catalog import Remedy, localized

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
Params = Mapping[str, str] | Mapping[str, tuple[str, ...]]


def value(params: Params, name: str) -> str:
    """A parameter as text; several distinct values seen are listed with commas."""
    found: str | Sequence[str] | None = params.get(name)
    if isinstance(found, str) or found is None:
        return found or ""
    return ", ".join(found)


def fill(remedy: Remedy, params: Params, lang: str, quote: Callable[[str], str]) -> str:
    """The remedy with every ``{param}`` filled, or its ``without`` sentence when any of
    them has no value."""
    text = localized(remedy.text, lang)
    names = PLACEHOLDER.findall(text)
    if not names:
        return text
    if remedy.without is not None and not all(value(params, n) for n in names):
        return localized(remedy.without, lang)
    return PLACEHOLDER.sub(lambda m: quote(value(params, m.group(1))), text)


def fill_all(
    remedies: Sequence[Remedy], params: Params, lang: str, quote: Callable[[str], str]
) -> list[str]:
    return [fill(remedy, params, lang, quote) for remedy in remedies]


def raw(text: str) -> str:
    """The quote for JSON: values stay as the service sent them."""
    return text
