"""Invariants over every catalog entry, and the catalog against its source documents."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from eci_events.catalog import LANGS, SECTIONS, Entry, Variant, load_catalog
from tests.conftest import REPO

CATALOG = load_catalog()
ENTRIES = list(CATALOG)
REFERENCE = REPO.parent / "shared" / "reference"
TYPES_JA = {"警告": "Warning", "標準": "Normal"}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason="the source documents in ../shared/reference are not beside the repo",
)


def ids(entries: list[Entry]) -> list[str]:
    return [e.reason for e in entries]


def sample(variant: Variant) -> str:
    """A message of the variant's form, each slot filled with a distinct token."""
    assert variant.template is not None
    pieces = variant.template.split("%s")
    text = pieces[0]
    for index, piece in enumerate(pieces[1:], 1):
        text += f"value{index}" + piece
    return text


def tsv_rows() -> list[dict[str, str]]:
    with (REFERENCE / "eci-events-en.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def ja_rows() -> list[tuple[str, str | None, str]]:
    """(reason, type, message) for every event row of the Japanese source page."""
    reasons = {row["reason"] for row in tsv_rows()}
    rows = []
    for line in (REFERENCE / "eci-events-ja.txt").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split(" | ")]
        found = [i for i, cell in enumerate(cells) if cell in reasons]
        if not found:
            continue
        at = found[0]
        if cells[at + 1] in TYPES_JA:
            rows.append((cells[at], TYPES_JA[cells[at + 1]], cells[at + 2]))
        else:
            rows.append((cells[at], None, cells[at + 1]))
    return rows


def test_file_names_are_reasons() -> None:
    from eci_events.catalog import catalog_dir

    root = Path(catalog_dir())
    for section in SECTIONS:
        for path in (root / section).glob("*.json"):
            if path.name != "_section.json":
                entry = CATALOG.get(path.stem)
                assert entry is not None and entry.reason == path.stem, path


def test_sections_all_present() -> None:
    assert list(CATALOG.sections) == list(SECTIONS)
    assert {e.section for e in ENTRIES} == set(SECTIONS)


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_entry_is_complete_in_every_language(entry: Entry) -> None:
    for lang in LANGS:
        assert entry.summary.get(lang), f"summary[{lang}]"
        assert "\n" not in entry.summary[lang], "a summary is one line"
        assert entry.explanation.get(lang), f"explanation[{lang}]"
        assert entry.remedies, "at least one remedy"
        for remedy in entry.remedies:
            assert remedy.get(lang), f"remedy[{lang}]"
        for variant in entry.variants:
            if variant.meaning:
                assert variant.meaning.get(lang)
            for remedy in variant.remedies or ():
                assert remedy.get(lang)
    assert entry.variants
    assert entry.sources
    assert entry.type in ("Normal", "Warning", None)
    assert (entry.module is not None) == (entry.section == "resource")


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_links_are_https_and_related_exist(entry: Entry) -> None:
    for link in entry.links:
        assert link["url"].startswith("https://"), link
        assert link["title"].strip()
    for reason in entry.related:
        assert CATALOG.get(reason) is not None, f"related reason {reason} is not in the catalog"
        assert reason != entry.reason


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_remedy_placeholders_are_known_parameters(entry: Entry) -> None:
    remedies = list(entry.remedies)
    for variant in entry.variants:
        remedies += variant.remedies or ()
    for remedy in remedies:
        for lang in LANGS:
            for name in PLACEHOLDER.findall(remedy[lang]):
                assert name in CATALOG.placeholders, (
                    f"{{{name}}} has no generic words in params.json"
                )


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_templates_compile_and_name_every_slot(entry: Entry) -> None:
    for variant in entry.variants:
        if variant.template is not None:
            assert variant.pattern is not None
            assert len(variant.params) == variant.template.count("%s")
            assert not variant.template.startswith("[eci."), "the matcher strips the prefix"
        else:
            assert not variant.verified, "a verified variant needs its template"
            if variant.ja:
                assert len(variant.params) == variant.ja.count("%s")
        if variant.verified:
            assert variant.sources, "a verified template cites where it was seen"


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_variants_are_not_ambiguous(entry: Entry) -> None:
    templated = [v for v in entry.variants if v.template is not None]
    catch_alls = [v for v in templated if v.is_catch_all]
    assert not catch_alls or len(entry.variants) == 1, "a bare %s must be the only variant"
    for variant in templated:
        message = sample(variant)
        assert variant.match(message) is not None, f"{variant.template!r} does not match itself"
        others = [o for o in templated if o is not variant and o.match(message) is not None]
        assert not others, f"{message!r} also fits {[o.template for o in others]}"
        match = CATALOG.match(entry.reason, message)
        assert match.variant is variant
        assert match.params == {
            name: f"value{i}" for i, name in enumerate(variant.params, 1)
        } or len(set(variant.params)) < len(variant.params)


@needs_reference
@pytest.mark.parametrize("row", tsv_rows() if REFERENCE.is_dir() else [], ids=lambda r: r["reason"])
def test_every_tsv_row_is_accounted_for(row: dict[str, str]) -> None:
    entry = CATALOG.get(row["reason"])
    assert entry is not None, f"{row['reason']} is missing"
    assert entry.reason == row["reason"]
    assert entry.section == row["section"]
    if row["resource_module"]:
        assert entry.module == row["resource_module"]
    expected_type = None if row["type"] == "unstated" else row["type"]
    assert entry.type == expected_type
    templates = [v.template for v in entry.variants]
    if row["confidence"] in ("exact", "partial"):
        text = row["message_template_en"]
        if "%s" in text or text in templates:
            assert text in templates
        else:  # an example message (ScheduledMaintenance's JSON): a template must fit it
            assert any(v.match(text) is not None for v in entry.variants), text
    else:
        assert any(v.template is None or v.verified for v in entry.variants)


@needs_reference
def test_every_row_of_the_japanese_page_has_its_variant() -> None:
    rows = ja_rows()
    assert len(rows) == len(tsv_rows()) == 94
    for reason, type_, message in rows:
        entry = CATALOG.get(reason)
        assert entry is not None, reason
        if type_ is not None:
            assert entry.type == type_, reason
        assert message in [v.ja for v in entry.variants], f"{reason}: no variant for {message!r}"


KUBERNETES_REASONS = [
    "BackOff",
    "Pulling",
    "Pulled",
    "Created",
    "Started",
    "Killing",
    "Failed",
    "FailedMount",
    "FailedAttachVolume",
    "Unhealthy",
    "Evicted",
    "FailedCreatePodSandBox",
    "ProbeWarning",
    "SystemFailure.Reboot",
    "InstanceFailure.Reboot",
    "SystemFailure.Redeploy",
]


@pytest.mark.parametrize("reason", KUBERNETES_REASONS)
def test_everyday_kubernetes_reasons_are_known(reason: str) -> None:
    entry = CATALOG.get(reason)
    assert entry is not None
    assert entry.section == "kubernetes"


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (
            "NoStock",
            "[eci.containergroup]Create ECI failed because the specified instance is out of stock. "
            "Please try other zones.",
        ),
        ("NoStock", "Create ECI failed because of the specified instance is out of stock."),
        ("OOMKilled", "Out of memory"),
        (
            "OOMKilled",
            "Memory cgroup out of memory: Kill process 15848 (xsim_traffic_fl) score 337 "
            "or sacrifice child",
        ),
        (
            "ScheduledMaintenance",
            '{"originReason":"Redeploy","originMessage":"Redeploy",'
            '"planExecTime":"2019-03-12T09:00:00.000+08:00"}',
        ),
        (
            "SuccessfulHitImageCache",
            "[eci.imagecache]Successfully hit image cache imc-2ze5tm5gehgtiiga5mda, "
            "eci will be scheduled with this image cache.",
        ),
        ("ImageCacheAutoCreated", "[eci.imagecache]Image cache imc-bp1 is auto created"),
        (
            "ImageCacheAutoCreateFailed",
            "Image cache auto create failed for failed to pull images.",
        ),
        ("DiskCapacityQuotaFull", "Your disk capacity quota is exceeded."),
        ("SpotToBeReleased", "Spot ECI will be released in 3 minutes"),
        (
            "UserInstanceTypeSpec",
            "[eci.containergroup]The user-specified instanceType for current eci instance is 2.0-4.0Gi",
        ),
    ],
)
def test_real_world_messages_match_a_variant(reason: str, message: str) -> None:
    match = CATALOG.match(reason, message)
    assert match.variant is not None, f"{message!r} matched no variant of {reason}"


def test_spot_minutes_are_captured() -> None:
    match = CATALOG.match("SpotToBeReleased", "Spot ECI will be released in 3 minutes")
    assert match.variant is not None
    assert list(match.params.values()) == ["3"]


def test_pod_condition_form_and_case_are_accepted() -> None:
    entry = CATALOG.get("containergroup.nostock")
    assert entry is not None and entry.reason == "NoStock"


def test_shared_remedies_are_complete_and_shared() -> None:
    from eci_events.catalog import catalog_dir

    uses = {name: 0 for name in CATALOG.shared_remedies}
    for path in Path(catalog_dir()).glob("*/*.json"):
        text = path.read_text(encoding="utf-8")
        for name in uses:
            uses[name] += text.count(f'"{name}"')
    for name, remedy in CATALOG.shared_remedies.items():
        assert set(remedy) == set(LANGS), name
        assert uses[name] >= 2, f"shared remedy {name} is used {uses[name]} time(s); inline it"


def test_params_file_has_both_languages() -> None:
    for name, words in CATALOG.placeholders.items():
        assert set(words) == set(LANGS), name


def test_catalog_dir_is_the_source_tree_in_a_checkout() -> None:
    from eci_events.catalog import catalog_dir

    assert catalog_dir() == str(REPO / "catalog")
