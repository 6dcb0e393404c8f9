"""The bundled event catalog: loading, lookup by reason, and message matching.

The data lives in ``catalog/*.json`` (see ``catalog/README.md`` for the format and the
severity rule). Loading is cheap and cached; regular expressions are compiled only when
a message is first matched, so ``explain REASON`` never pays for them.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any

SECTIONS = (
    "instance",
    "image-cache",
    "data-cache",
    "virtual-node",
    "resource",
    "system-om",
    "kubernetes",
)
LANGS = ("en", "ja")

# Live messages may start with "[eci.containergroup]" or "[eci.imagecache]".
_PREFIX = r"(?:\[eci\.[A-Za-z]+\]\s*)?"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Pod conditions spell a reason "ContainerGroup.NoStock" under fail-fast.
_CONDITION_PREFIX = "containergroup."

Localized = Mapping[str, str]


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


def localized(text: Localized, lang: str) -> str:
    """The text in ``lang``, falling back to English."""
    return text.get(lang) or text["en"]


@dataclass(frozen=True)
class Variant:
    template: str | None
    params: tuple[str, ...]
    verified: bool
    sources: tuple[str, ...]
    ja: str | None = None
    meaning: Localized | None = None
    remedies: tuple[Localized, ...] | None = None
    legacy: bool = False

    @property
    def is_catch_all(self) -> bool:
        return self.template is not None and self.template.strip() == "%s"

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """The template as an anchored regex whose groups are the named slots."""
        if self.template is None:
            return None
        pieces = self.template.strip().split("%s")
        last = pieces[-1].rstrip(". ")
        pieces[-1] = last
        regex = [_PREFIX]
        for index, literal in enumerate(pieces):
            regex.append(r"\s+".join(re.escape(word) for word in literal.split()))
            if index < len(pieces) - 1:
                greedy = index == len(pieces) - 2 and not last
                regex.append(r"\s*(.*)\s*" if greedy else r"\s*(.*?)\s*")
        regex.append(r"[.\s]*")
        return re.compile("".join(regex), re.DOTALL)

    def match(self, message: str) -> dict[str, str] | None:
        """The named parameters when ``message`` has this variant's form, else None."""
        pattern = self.pattern
        if pattern is None:
            return None
        found = pattern.fullmatch(message.strip())
        if found is None:
            return None
        values: dict[str, str] = {}
        for index, value in enumerate(found.groups()):
            name = self.params[index] if index < len(self.params) else f"param{index + 1}"
            if name in values:
                name = f"{name}_{index + 1}"
            values[name] = value.strip()
        return values


@dataclass(frozen=True)
class Entry:
    reason: str
    section: str
    module: str | None
    type: str | None
    severity: Severity
    summary: Localized
    explanation: Localized
    variants: tuple[Variant, ...]
    remedies: tuple[Localized, ...]
    related: tuple[str, ...]
    links: tuple[Mapping[str, str], ...]
    sources: tuple[str, ...]

    def remedies_for(self, variant: Variant | None) -> tuple[Localized, ...]:
        if variant is not None and variant.remedies:
            return variant.remedies
        return self.remedies


@dataclass(frozen=True)
class Match:
    """An event's reason and message joined to the catalog.

    ``entry`` is None for a reason the catalog does not know; ``variant`` is None
    when the message fits none of the entry's templates and the reason has several.
    """

    reason: str
    entry: Entry | None
    variant: Variant | None = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.entry is not None

    def severity(self, event_type: str = "") -> Severity:
        """The entry's severity; for unknown reasons, Warning events rate a warning."""
        if self.entry is not None:
            return self.entry.severity
        return Severity.WARNING if event_type == "Warning" else Severity.INFO

    @property
    def variant_index(self) -> int | None:
        if self.entry is None or self.variant is None:
            return None
        return self.entry.variants.index(self.variant)


@dataclass(frozen=True)
class Section:
    name: str
    title: Localized


class Catalog:
    def __init__(
        self,
        sections: Iterable[Section],
        entries: Iterable[Entry],
        placeholders: Mapping[str, Localized],
    ) -> None:
        self.sections = {section.name: section for section in sections}
        self.entries: dict[str, Entry] = {}
        for entry in entries:
            key = entry.reason.lower()
            if key in self.entries:
                raise ValueError(f"catalog: reason {entry.reason} is defined twice")
            self.entries[key] = entry
        self.placeholders = placeholders

    def __iter__(self) -> Any:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, reason: str) -> Entry | None:
        """Case-insensitive lookup; accepts the pod-condition form ``ContainerGroup.X``."""
        key = reason.strip().lower()
        entry = self.entries.get(key)
        if entry is None and key.startswith(_CONDITION_PREFIX):
            entry = self.entries.get(key[len(_CONDITION_PREFIX) :])
        return entry

    def close_matches(self, reason: str, limit: int = 3) -> list[str]:
        key = reason.strip().lower()
        found = difflib.get_close_matches(key, list(self.entries), n=limit, cutoff=0.6)
        return [self.entries[name].reason for name in found]

    def match(self, reason: str, message: str = "") -> Match:
        """Join one event to its entry and message variant."""
        entry = self.get(reason)
        if entry is None:
            return Match(reason=reason, entry=None)
        for variant in _by_specificity(entry.variants):
            params = variant.match(message)
            if params is not None:
                return Match(reason=entry.reason, entry=entry, variant=variant, params=params)
        only = entry.variants[0] if len(entry.variants) == 1 else None
        if only is not None and only.template is not None:
            only = None  # a known template that did not match: a wording we have not seen
        return Match(reason=entry.reason, entry=entry, variant=only)

    def identify(self, message: str) -> list[Match]:
        """Every entry whose message templates fit ``message`` (catch-alls excluded)."""
        found = []
        for entry in self.entries.values():
            for variant in _by_specificity(entry.variants):
                if variant.is_catch_all:
                    continue
                params = variant.match(message)
                if params is not None:
                    found.append(
                        Match(reason=entry.reason, entry=entry, variant=variant, params=params)
                    )
                    break
        return found

    def fill(self, text: str, params: Mapping[str, str], lang: str) -> str:
        """Replace ``{param}`` placeholders with the event's values or generic words."""

        def replace(found: re.Match[str]) -> str:
            name = found.group(1)
            if params.get(name):
                return params[name]
            generic = self.placeholders.get(name)
            return localized(generic, lang) if generic else found.group()

        return _PLACEHOLDER.sub(replace, text)

    def remedies(self, match: Match, lang: str) -> list[str]:
        """The match's remedies in order, parameters filled in."""
        if match.entry is None:
            return []
        return [
            self.fill(localized(remedy, lang), match.params, lang)
            for remedy in match.entry.remedies_for(match.variant)
        ]


def _by_specificity(variants: Iterable[Variant]) -> list[Variant]:
    """Longer literal text first, so a catch-all ``%s`` is tried last."""
    return sorted(
        (v for v in variants if v.template is not None),
        key=lambda v: -len((v.template or "").replace("%s", "")),
    )


def catalog_dir() -> Path:
    """``eci_events/catalog`` in an installed wheel, ``catalog/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    bundled = here / "catalog"
    return bundled if bundled.is_dir() else here.parent / "catalog"


def _localized(raw: Mapping[str, str]) -> Localized:
    return {lang: raw[lang] for lang in LANGS if raw.get(lang)}


def _variant(raw: Mapping[str, Any]) -> Variant:
    remedies = raw.get("remedies")
    meaning = raw.get("meaning")
    return Variant(
        template=raw.get("template"),
        params=tuple(raw.get("params", ())),
        verified=bool(raw.get("verified")),
        sources=tuple(raw.get("sources", ())),
        ja=raw.get("ja"),
        meaning=_localized(meaning) if meaning else None,
        remedies=tuple(_localized(r) for r in remedies) if remedies else None,
        legacy=bool(raw.get("legacy", False)),
    )


def _entry(section: str, raw: Mapping[str, Any]) -> Entry:
    return Entry(
        reason=raw["reason"],
        section=section,
        module=raw.get("module"),
        type=raw.get("type"),
        severity=Severity.parse(raw["severity"]),
        summary=_localized(raw["summary"]),
        explanation=_localized(raw["explanation"]),
        variants=tuple(_variant(v) for v in raw["variants"]),
        remedies=tuple(_localized(r) for r in raw.get("remedies", ())),
        related=tuple(raw.get("related", ())),
        links=tuple(raw.get("links", ())),
        sources=tuple(raw.get("sources", ())),
    )


def read_section(path: Path) -> tuple[Section, list[Entry]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    name = raw["section"]
    return Section(name, _localized(raw["title"])), [_entry(name, e) for e in raw["entries"]]


@cache
def load_catalog(directory: Path | None = None) -> Catalog:
    """The catalog, read once per process."""
    root = directory or catalog_dir()
    sections: list[Section] = []
    entries: list[Entry] = []
    for name in SECTIONS:
        path = root / f"{name}.json"
        if not path.exists():
            continue
        section, section_entries = read_section(path)
        sections.append(section)
        entries.extend(section_entries)
    placeholders = json.loads((root / "params.json").read_text(encoding="utf-8"))
    return Catalog(sections, entries, placeholders)
