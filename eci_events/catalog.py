"""The bundled event catalog: loading, lookup by reason, and message matching.

The data lives in ``catalog/*.json`` (see ``catalog/README.md`` for the format and the
severity rule). Loading is cheap and cached; regular expressions are compiled only when
a message is first matched, so ``explain REASON`` never pays for them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from enum import IntEnum
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

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
SECTION_FILE = "_section.json"

# Live messages may start with "[eci.containergroup]" or "[eci.imagecache]".
_PREFIX = r"(?:\[eci\.[A-Za-z]+\]\s*)?"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Pod conditions spell a reason "ContainerGroup.NoStock" under fail-fast.
_CONDITION_PREFIX = "containergroup."
_TOKEN_PARAMS = frozenset({"minutes", "pid", "score"})

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


@cache
def _compile(template: str, params: tuple[str, ...]) -> re.Pattern[str]:
    pieces = template.strip().split("%s")
    pieces[-1] = pieces[-1].rstrip(". ")  # live messages drop or keep the final period
    regex = [_PREFIX]
    for index, literal in enumerate(pieces):
        # A space in the template must be a space in the message, so "container %s" and
        # "container: %s" stay apart.
        core = r"\s+".join(re.escape(word) for word in literal.split())
        lead = index > 0 and literal[:1].isspace()
        trail = index < len(pieces) - 1 and literal[-1:].isspace()
        optional_tail = trail and index == len(pieces) - 2 and not pieces[-1]
        if optional_tail:  # "...stock. %s" also matches "...stock." with nothing after
            trail = False
        if not core:  # only spaces between two slots (the optional tail brings its own)
            regex.append(r"\s+" if (lead or trail) and not optional_tail else "")
        else:
            regex.append((r"\s+" if lead else "") + core + (r"\s+" if trail else ""))
        if index < len(pieces) - 1:
            token = index < len(params) and _is_token(params[index])
            slot = r"(\S+?)" if token else r"(.*?)"
            regex.append(rf"(?:\s+{slot})?" if optional_tail else rf"{slot}\s*")
    regex.append(r"[.\s]*")
    return re.compile("".join(regex), re.DOTALL)


def _is_token(param: str) -> bool:
    """Ids and numbers never contain spaces, which keeps neighbouring variants apart."""
    return param.endswith("_id") or param in _TOKEN_PARAMS


class Variant(NamedTuple):
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

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The template as a regex (for fullmatch) whose groups are the named slots."""
        if self.template is None:
            return None
        return _compile(self.template, self.params)

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
            values[name] = (value or "").strip()
        return values


class Entry(NamedTuple):
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
    matching_order: tuple[Variant, ...] = ()  # the templated variants, most specific first

    def remedies_for(self, variant: Variant | None) -> tuple[Localized, ...]:
        if variant is not None and variant.remedies:
            return variant.remedies
        return self.remedies


class Match(NamedTuple):
    """An event's reason and message joined to the catalog.

    ``entry`` is None for a reason the catalog does not know; ``variant`` is None
    when the message fits none of the entry's templates and the reason has several.
    """

    reason: str
    entry: Entry | None
    variant: Variant | None = None
    params: Mapping[str, str] = MappingProxyType({})

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


class Section(NamedTuple):
    name: str
    title: Localized


class Catalog:
    """Entries by reason, each read from its own file on first use, so looking up one
    reason does not pay for reading the other hundred."""

    def __init__(
        self,
        sections: Iterable[Section],
        files: Iterable[tuple[str, str, str]],
        root: str,
    ) -> None:
        """``files`` holds (reason, section, path) for every entry under ``root``."""
        self.sections = {section.name: section for section in sections}
        self._files: dict[str, tuple[str, str, str]] = {}
        for reason, section, path in files:
            key = reason.lower()
            if key in self._files:
                raise ValueError(f"catalog: reason {reason} is defined twice")
            self._files[key] = (reason, section, path)
        self._built: dict[str, Entry] = {}
        self.root = root

    @cached_property
    def placeholders(self) -> Mapping[str, Localized]:
        """Generic words for each ``{param}`` (params.json)."""
        result: Mapping[str, Localized] = _read_json(os.path.join(self.root, "params.json"))
        return result

    @cached_property
    def shared_remedies(self) -> Mapping[str, Localized]:
        """Remedies that several entries share, by id (remedies.json)."""
        result: Mapping[str, Localized] = _read_json(os.path.join(self.root, "remedies.json"))
        return result

    def _entry(self, key: str) -> Entry | None:
        entry = self._built.get(key)
        if entry is None and key in self._files:
            _, section, path = self._files[key]
            entry = self._built[key] = _entry(section, _read_json(path), self.shared_remedies)
        return entry

    def __iter__(self) -> Iterator[Entry]:
        for key in self._files:
            entry = self._entry(key)
            assert entry is not None
            yield entry

    def __len__(self) -> int:
        return len(self._files)

    def get(self, reason: str) -> Entry | None:
        """Case-insensitive lookup; accepts the pod-condition form ``ContainerGroup.X``."""
        key = reason.strip().lower()
        entry = self._entry(key)
        if entry is None and key.startswith(_CONDITION_PREFIX):
            entry = self._entry(key[len(_CONDITION_PREFIX) :])
        return entry

    def close_matches(self, reason: str, limit: int = 3) -> list[str]:
        import difflib

        key = reason.strip().lower()
        found = difflib.get_close_matches(key, list(self._files), n=limit, cutoff=0.6)
        return [self._files[name][0] for name in found]

    def match(self, reason: str, message: str = "") -> Match:
        """Join one event to its entry and message variant."""
        entry = self.get(reason)
        if entry is None:
            return Match(reason=reason, entry=None)
        for variant in entry.matching_order:
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
        for entry in self:
            for variant in entry.matching_order:
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


def _by_specificity(variants: Iterable[Variant]) -> tuple[Variant, ...]:
    """Variants with a template, longer literal text first, so a catch-all ``%s`` is last."""
    return tuple(
        sorted(
            (v for v in variants if v.template is not None),
            key=lambda v: -len((v.template or "").replace("%s", "")),
        )
    )


def catalog_dir() -> str:
    """``eci_events/catalog`` in an installed wheel, ``catalog/`` in a source checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, "catalog")
    return bundled if os.path.isdir(bundled) else os.path.join(os.path.dirname(here), "catalog")


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _localized(raw: Mapping[str, str]) -> Localized:
    return {lang: raw[lang] for lang in LANGS if raw.get(lang)}


def _remedies(raw: list[Any], shared: Mapping[str, Localized]) -> tuple[Localized, ...]:
    """Inline remedies, or the id of one in ``remedies.json`` that several entries share."""
    return tuple(shared[item] if isinstance(item, str) else _localized(item) for item in raw)


def _variant(raw: Mapping[str, Any], shared: Mapping[str, Localized]) -> Variant:
    remedies = raw.get("remedies")
    meaning = raw.get("meaning")
    return Variant(
        template=raw.get("template"),
        params=tuple(raw.get("params", ())),
        verified=bool(raw.get("verified")),
        sources=tuple(raw.get("sources", ())),
        ja=raw.get("ja"),
        meaning=_localized(meaning) if meaning else None,
        remedies=_remedies(remedies, shared) if remedies else None,
        legacy=bool(raw.get("legacy", False)),
    )


def _entry(section: str, raw: Mapping[str, Any], shared: Mapping[str, Localized]) -> Entry:
    variants = tuple(_variant(v, shared) for v in raw["variants"])
    return Entry(
        reason=raw["reason"],
        section=section,
        module=raw.get("module"),
        type=raw.get("type"),
        severity=Severity.parse(raw["severity"]),
        summary=_localized(raw["summary"]),
        explanation=_localized(raw["explanation"]),
        variants=variants,
        remedies=_remedies(raw.get("remedies", []), shared),
        related=tuple(raw.get("related", ())),
        links=tuple(raw.get("links", ())),
        sources=tuple(raw.get("sources", ())),
        matching_order=_by_specificity(variants),
    )


@cache
def load_catalog(directory: str | None = None) -> Catalog:
    """The catalog's index (sections and entry files), read once per process."""
    root = directory or catalog_dir()
    sections: list[Section] = []
    files: list[tuple[str, str, str]] = []
    for name in SECTIONS:
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        raw = _read_json(os.path.join(folder, SECTION_FILE))
        sections.append(Section(raw["section"], _localized(raw["title"])))
        for file in sorted(os.listdir(folder)):
            if file.endswith(".json") and file != SECTION_FILE:
                files.append((file[: -len(".json")], name, os.path.join(folder, file)))
    return Catalog(sections, files, root)
