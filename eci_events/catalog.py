"""The bundled event catalog: entries by reason, cross-event rules, message matching.

The data lives in ``catalog/`` (see ``catalog/README.md`` for the format and the severity
rule): one file per reason, one file per rule. Loading is cheap and lazy; ``explain
REASON`` reads one entry file. Text here is data: filling parameters into it, choosing a
language's words and escaping them for a format is the renderers' job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

from eci_events.matching import Template, json_params, normalise
from eci_events.severity import Severity

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
RULES_FOLDER = "rules"
# Pod conditions spell a reason "ContainerGroup.NoStock" under fail-fast.
CONDITION_PREFIX = "containergroup."
# The live context ``diagnose`` can gather for an entry (its ``context`` list): stock per
# zone for the group's specification, its containers' states, the account's usage, its
# spot settings, its status.
CONTEXTS = ("stock", "containers", "usage", "spot", "status")
# Parameters that are ids or numbers never hold spaces, which keeps neighbouring variants apart.
_TOKEN_PARAMS = frozenset({"minutes", "pid", "score"})

Localized = Mapping[str, str]


def localized(text: Localized, lang: str) -> str:
    """The text in ``lang``, falling back to English."""
    return text.get(lang) or text["en"]


def reason_key(reason: str) -> str:
    """How reasons compare: case-insensitive, without the ``ContainerGroup.`` prefix."""
    key = reason.strip().lower()
    return key[len(CONDITION_PREFIX) :] if key.startswith(CONDITION_PREFIX) else key


class Remedy(NamedTuple):
    """What to do, in order of the entry's list. ``text`` may hold ``{param}`` slots;
    ``without`` is the whole sentence for when any of them has no value."""

    text: Localized
    without: Localized | None = None


class Link(NamedTuple):
    title: Localized
    url: Localized  # "en" always; "ja" where a Japanese page exists


@cache
def _prepared(template: str, params: tuple[str, ...]) -> Template:
    """A variant's template, parsed once (slots named ``*_id`` and a few others hold one
    word, never a space)."""
    tokens = tuple(name.endswith("_id") or name in _TOKEN_PARAMS for name in params)
    return Template.parse(template, tokens)


class Variant(NamedTuple):
    template: str | None
    params: tuple[str, ...]
    verified: bool
    sources: tuple[str, ...]
    ja: str | None = None
    meaning: Localized | None = None
    remedies: tuple[Remedy, ...] | None = None
    legacy: bool = False
    json_keys: Mapping[str, str] | None = None  # a JSON-object message: key -> param name
    generic: bool = False  # restates what another event says more precisely ("Error: %s")
    context: tuple[str, ...] | None = None  # replaces the entry's context for this variant

    @property
    def is_catch_all(self) -> bool:
        return self.template is not None and self.template.strip() == "%s"

    @property
    def matchable(self) -> bool:
        return self.template is not None or self.json_keys is not None

    def match(self, message: str, normalised: str | None = None) -> dict[str, str] | None:
        """The named parameters when ``message`` has this variant's form, else None."""
        if self.json_keys is not None:
            return json_params(message, self.json_keys)
        if self.template is None:
            return None
        values = _prepared(self.template, self.params).match(
            normalise(message) if normalised is None else normalised
        )
        if values is None:
            return None
        found: dict[str, str] = {}
        for index, value in enumerate(values):
            name = self.params[index] if index < len(self.params) else f"param{index + 1}"
            found[name if name not in found else f"{name}_{index + 1}"] = value
        return found


class Entry(NamedTuple):
    reason: str
    section: str
    module: str | None
    type: str | None
    severity: Severity
    summary: Localized
    explanation: Localized
    variants: tuple[Variant, ...]
    remedies: tuple[Remedy, ...]
    related: tuple[str, ...]
    links: tuple[Link, ...]
    sources: tuple[str, ...]
    matching_order: tuple[Variant, ...] = ()  # the matchable variants, most specific first
    context: tuple[str, ...] = ()  # the live context diagnose gathers for it (CONTEXTS)

    def remedies_for(self, variant: Variant | None) -> tuple[Remedy, ...]:
        if variant is not None and variant.remedies:
            return variant.remedies
        return self.remedies


class Match(NamedTuple):
    """An event's reason and message joined to the catalog.

    ``entry`` is None for a reason the catalog does not know; ``variant`` is None when
    the message fits none of the entry's templates and the reason has several.
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

    @property
    def remedies(self) -> tuple[Remedy, ...]:
        return self.entry.remedies_for(self.variant) if self.entry is not None else ()

    @property
    def context(self) -> tuple[str, ...]:
        """What ``diagnose`` looks up for this event: the variant's, else the entry's."""
        if self.variant is not None and self.variant.context is not None:
            return self.variant.context
        return self.entry.context if self.entry is not None else ()


class Rule(NamedTuple):
    """A cross-event rule: which reasons it looks at and what it says when it fires.

    ``title`` and ``advice`` hold ``{slots}`` the analysis supplies (``reasons``,
    ``groups``, ...); ``phrases`` are pieces the renderer puts into those slots;
    ``settings`` are the rule's own numbers and reason lists (see catalog/README.md).
    """

    rule: str
    order: int
    severity: Severity
    members: tuple[str, ...]
    summary: Localized
    explanation: Localized
    title: Localized
    advice: Localized
    phrases: Mapping[str, Localized]
    settings: Mapping[str, Any]
    links: tuple[Link, ...]
    sources: tuple[str, ...]

    def has(self, reason: str) -> bool:
        return reason_key(reason) in {reason_key(m) for m in self.members}

    def reasons(self, setting: str) -> frozenset[str]:
        """A reason list among the settings, as ``reason_key``s."""
        return frozenset(reason_key(r) for r in self.settings.get(setting, ()))


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
    def shared_remedies(self) -> Mapping[str, Remedy]:
        """Remedies that several entries share, by id (remedies.json)."""
        raw = _read_json(os.path.join(self.root, "remedies.json"))
        return {name: _remedy(value) for name, value in raw.items()}

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """The cross-event rules (catalog/rules/*.json), in their order."""
        folder = os.path.join(self.root, RULES_FOLDER)
        found = [_rule(_read_json(os.path.join(folder, name))) for name in os.listdir(folder)]
        return tuple(sorted(found, key=lambda r: r.order))

    def rule(self, name: str) -> Rule | None:
        key = name.strip().lower()
        return next((r for r in self.rules if r.rule == key), None)

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

    @property
    def reasons(self) -> list[str]:
        """Every reason as spelled in the catalog, without reading the entries."""
        return [reason for reason, _, _ in self._files.values()]

    def get(self, reason: str) -> Entry | None:
        """Case-insensitive lookup; accepts the pod-condition form ``ContainerGroup.X``."""
        key = reason.strip().lower()
        entry = self._entry(key)
        if entry is None and key.startswith(CONDITION_PREFIX):
            entry = self._entry(key[len(CONDITION_PREFIX) :])
        return entry

    def close_matches(self, reason: str, limit: int = 3) -> list[str]:
        import difflib

        key = reason.strip().lower()
        names = list(self._files) + [r.rule for r in self.rules]
        found = difflib.get_close_matches(key, names, n=limit, cutoff=0.6)
        return [self._files[name][0] if name in self._files else name for name in found]

    def match(self, reason: str, message: str = "") -> Match:
        """Join one event to its entry and message variant."""
        entry = self.get(reason)
        if entry is None:
            return Match(reason=reason, entry=None)
        text = normalise(message)
        for variant in entry.matching_order:
            params = variant.match(message, text)
            if params is not None:
                return Match(reason=entry.reason, entry=entry, variant=variant, params=params)
        only = entry.variants[0] if len(entry.variants) == 1 else None
        if only is not None and only.matchable:
            only = None  # a known template that did not match: a wording we have not seen
        return Match(reason=entry.reason, entry=entry, variant=only)

    def identify(self, message: str) -> list[Match]:
        """Every entry whose message templates fit ``message`` (catch-alls excluded)."""
        found = []
        text = normalise(message)
        for entry in self:
            for variant in entry.matching_order:
                if variant.is_catch_all:
                    continue
                params = variant.match(message, text)
                if params is not None:
                    found.append(
                        Match(reason=entry.reason, entry=entry, variant=variant, params=params)
                    )
                    break
        return found


def _by_specificity(variants: Iterable[Variant]) -> tuple[Variant, ...]:
    """Matchable variants: JSON forms first, then longer literal text first, so a
    catch-all ``%s`` is last."""
    return tuple(
        sorted(
            (v for v in variants if v.matchable),
            key=lambda v: (v.json_keys is None, -len((v.template or "").replace("%s", ""))),
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


def _remedy(raw: Mapping[str, Any]) -> Remedy:
    without = raw.get("without")
    return Remedy(_localized(raw), _localized(without) if without else None)


def _remedies(raw: list[Any], shared: Mapping[str, Remedy]) -> tuple[Remedy, ...]:
    """Inline remedies, or the id of one in ``remedies.json`` that several entries share."""
    return tuple(shared[item] if isinstance(item, str) else _remedy(item) for item in raw)


def _link(raw: Mapping[str, Any]) -> Link:
    return Link(_localized(raw["title"]), _localized(raw["url"]))


def _variant(raw: Mapping[str, Any], shared: Mapping[str, Remedy]) -> Variant:
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
        json_keys=MappingProxyType(dict(raw["json"])) if raw.get("json") else None,
        generic=bool(raw.get("generic", False)),
        context=tuple(raw["context"]) if "context" in raw else None,
    )


def _entry(section: str, raw: Mapping[str, Any], shared: Mapping[str, Remedy]) -> Entry:
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
        links=tuple(_link(link) for link in raw.get("links", ())),
        sources=tuple(raw.get("sources", ())),
        matching_order=_by_specificity(variants),
        context=tuple(raw.get("context", ())),
    )


def _rule(raw: Mapping[str, Any]) -> Rule:
    return Rule(
        rule=raw["rule"],
        order=int(raw["order"]),
        severity=Severity.parse(raw["severity"]),
        members=tuple(raw["members"]),
        summary=_localized(raw["summary"]),
        explanation=_localized(raw["explanation"]),
        title=_localized(raw["title"]),
        advice=_localized(raw["advice"]),
        phrases={name: _localized(text) for name, text in raw.get("phrases", {}).items()},
        settings=MappingProxyType(dict(raw.get("settings", {}))),
        links=tuple(_link(link) for link in raw.get("links", ())),
        sources=tuple(raw.get("sources", ())),
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
