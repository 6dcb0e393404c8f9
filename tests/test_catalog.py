"""Invariants over every catalog entry and rule, the severity rule's mechanical checks, and
the catalog against its source documents."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from eci_events.catalog import LANGS, SECTIONS, Entry, Remedy, Variant, catalog_dir, load_catalog
from eci_events.render import remedies
from eci_events.severity import Severity
from tests.conftest import DATA, REPO

CATALOG = load_catalog()
ENTRIES = list(CATALOG)
RULES = list(CATALOG.rules)
REFERENCE = REPO.parent / "shared" / "reference"
ROWS = DATA / "reference-rows.tsv"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
SNAPSHOTS = DATA / "snapshots"

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason="the full source documents in ../shared/reference are not beside the repo",
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


def reference_rows() -> list[dict[str, str]]:
    with ROWS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def all_remedies(entry: Entry) -> list[Remedy]:
    found = list(entry.remedies)
    for variant in entry.variants:
        found += variant.remedies or ()
    return found


def test_file_names_are_reasons() -> None:
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
        for remedy in all_remedies(entry):
            assert remedy.text.get(lang), f"remedy[{lang}]"
        for variant in entry.variants:
            if variant.meaning:
                assert variant.meaning.get(lang)
        for link in entry.links:
            assert link.title.get(lang), f"link title[{lang}]"
    assert entry.variants
    assert entry.sources
    assert entry.type in ("Normal", "Warning", None)
    assert (entry.module is not None) == (entry.section == "resource")


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_links_are_in_the_language_they_are_shown_in(entry: Entry) -> None:
    other_locale = re.compile(r"/(?:help/)?(?:zh|tc|es|ja|ko|fr|de|id|th|vi|ms|pt|ru)(?:/|-)")
    for link in entry.links:
        english, japanese = link.url["en"], link.url.get("ja")
        assert english.startswith("https://"), english
        assert not other_locale.search(english), f"not an English page: {english}"
        if japanese is not None:
            assert japanese.startswith("https://") and re.search(r"/(help/)?ja/", japanese), (
                japanese
            )
    for reason in entry.related:
        assert CATALOG.get(reason) is not None, f"related reason {reason} is not in the catalog"
        assert reason != entry.reason


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_sources_are_public(entry: Entry) -> None:
    cited = list(entry.sources) + [s for v in entry.variants for s in v.sources]
    for source in cited:
        assert source.startswith("https://"), f"not a public page or source: {source!r}"


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_remedy_placeholders_are_parameters_and_have_a_without_form(entry: Entry) -> None:
    params = {name for variant in entry.variants for name in variant.params}
    for remedy in all_remedies(entry):
        for lang in LANGS:
            names = PLACEHOLDER.findall(remedy.text[lang])
            assert set(names) <= params, f"{names} are not parameters of {entry.reason}"
            if names:
                assert remedy.without is not None and remedy.without.get(lang), "needs 'without'"
                assert not PLACEHOLDER.search(remedy.without[lang])


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_templates_name_every_slot(entry: Entry) -> None:
    for variant in entry.variants:
        if variant.template is not None:
            assert len(variant.params) == variant.template.count("%s")
            assert not variant.template.startswith("[eci."), "the matcher strips the prefix"
        elif variant.json_keys is not None:
            assert list(variant.json_keys.values()) == list(variant.params)
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
        match = CATALOG.match(entry.reason, message)
        assert match.variant is variant, f"{message!r} is read as {match.variant}"


# -- the severity rule (catalog/README.md, "Mechanical checks") ---------------------------------

_CHECKS = (
    (REPO / "catalog" / "README.md").read_text(encoding="utf-8").split("### Mechanical checks")[1]
)
_ITEMS = {
    int(number): " ".join(text.split())
    for number, text in re.findall(
        r"^(\d+)\. (.+?)(?=^\d+\. |\Z)", _CHECKS.split("\n## ")[0], re.M | re.S
    )
}


def named(item: int) -> set[str]:
    """The catalog reasons a mechanical check names (the README is the one source)."""
    text = re.sub(r"`[^`]*`", "", _ITEMS[item])  # `Failed` there is a pattern, not a reason
    words = re.findall(r"[A-Za-z][A-Za-z_.]*[A-Za-z]", text)
    return {w for w in words if CATALOG.get(w) is not None and CATALOG.get(w).reason == w}  # type: ignore[union-attr]


def test_the_readme_states_the_mechanical_checks() -> None:
    assert sorted(_ITEMS) == list(range(1, 10))


def test_critical_is_exactly_the_listed_reasons() -> None:
    critical = {e.reason for e in ENTRIES if e.severity == Severity.CRITICAL}
    assert critical == named(2)
    assert named(3) <= critical  # the deadline reasons


def test_restart_notices_are_warnings() -> None:
    assert named(4) and all(CATALOG.get(r).severity == Severity.WARNING for r in named(4))  # type: ignore[union-attr]


def test_normal_is_info_and_warning_is_not_but_for_the_listed_exceptions() -> None:
    normal = {e.reason for e in ENTRIES if e.type == "Normal" and e.severity != Severity.INFO}
    assert normal == named(5)
    warning_info = {
        e.reason for e in ENTRIES if e.type == "Warning" and e.severity == Severity.INFO
    }
    assert warning_info == named(6)


def test_failures_are_errors_but_for_the_listed_fallbacks() -> None:
    failing = re.compile(r"^Failed|Failed$|failure$", re.I)
    milder = {e.reason for e in ENTRIES if failing.search(e.reason) and e.severity < Severity.ERROR}
    assert milder == named(7)
    assert all(CATALOG.get(r).severity == Severity.WARNING for r in named(7))  # type: ignore[union-attr]


def test_successes_are_info() -> None:
    success = re.compile(r"^Success|(Succeeded|Success|Finished)$")
    assert all(e.severity == Severity.INFO for e in ENTRIES if success.search(e.reason))


# -- remedies read as sentences with and without their parameters ------------------------------

_ASCII_WORD = re.compile(r"\b([A-Za-z]+) \1\b", re.I)
_ARTICLES = re.compile(r"\b(a|an|the) (a|an|the)\b", re.I)
_JA = "\u3040-\u30ff\u3400-\u9fff\uff00-\uffef"
_JA_SPACE = re.compile(f"[{_JA}] [{_JA}]|[{_JA}] [、。」』）]")


def rendered(lang: str) -> str:
    """Every remedy of every entry, without its parameters and with all of them."""
    out = []
    for entry in ENTRIES:
        params = {name: f"<{name}>" for v in entry.variants for name in v.params}
        for number, remedy in enumerate(all_remedies(entry), 1):
            bare = remedies.fill(remedy, {}, lang, remedies.raw)
            full = remedies.fill(remedy, params, lang, remedies.raw)
            out.append(f"{entry.reason} {number} -: {bare}")
            if full != bare:
                out.append(f"{entry.reason} {number} +: {full}")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("lang", LANGS)
def test_every_remedy_reads_with_and_without_parameters(lang: str) -> None:
    text = rendered(lang)
    for line in text.splitlines():
        assert not PLACEHOLDER.search(line), f"unfilled slot: {line}"
        assert not _ARTICLES.search(line), f"article after article: {line}"
        doubled = [m for m in _ASCII_WORD.findall(line) if m.lower() not in ("that", "had")]
        assert not doubled, f"doubled word {doubled}: {line}"
        if lang == "ja":
            assert not _JA_SPACE.search(line), f"a space inside Japanese text: {line}"
    snapshot = SNAPSHOTS / f"remedies-{lang}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8"), "reviewed snapshot out of date"


def test_shared_remedies_are_complete_and_shared() -> None:
    uses = {name: 0 for name in CATALOG.shared_remedies}
    for path in Path(catalog_dir()).glob("*/*.json"):
        text = path.read_text(encoding="utf-8")
        for name in uses:
            uses[name] += text.count(f'"{name}"')
    for name, remedy in CATALOG.shared_remedies.items():
        assert set(remedy.text) == set(LANGS), name
        assert uses[name] >= 2, f"shared remedy {name} is used {uses[name]} time(s); inline it"


@pytest.mark.parametrize("entry", ENTRIES, ids=ids(ENTRIES))
def test_context_names_only_what_diagnose_can_read(entry: Entry) -> None:
    from eci_events.catalog import CONTEXTS

    assert set(entry.context) <= set(CONTEXTS)
    assert len(set(entry.context)) == len(entry.context)
    for variant in entry.variants:
        assert set(variant.context or ()) <= set(CONTEXTS)


def test_generic_variants_restate_a_specific_one_of_their_entry() -> None:
    generic = [e for e in ENTRIES if any(v.generic for v in e.variants)]
    assert generic, "Failed's 'Error: %s' is generic"
    for entry in generic:
        assert any(not v.generic and v.template for v in entry.variants), entry.reason


# -- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=[r.rule for r in RULES])
def test_rules_name_real_reasons_and_are_as_severe_as_their_worst_member(rule: object) -> None:
    from eci_events.catalog import Rule

    assert isinstance(rule, Rule)
    members = [CATALOG.get(m) for m in rule.members]
    assert all(m is not None for m in members), rule.members
    assert rule.severity == max(m.severity for m in members if m is not None)
    for key in ("planned",):
        assert all(CATALOG.get(r) is not None for r in rule.settings.get(key, ()))
    for reason in rule.settings.get("restart_signs", {}):
        assert CATALOG.get(reason) is not None
    for lang in LANGS:
        for text in (
            rule.summary,
            rule.explanation,
            rule.title,
            rule.advice,
            *rule.phrases.values(),
        ):
            assert text.get(lang), f"{rule.rule}: missing {lang}"
        assert set(PLACEHOLDER.findall(rule.title[lang])) <= {"reasons", "groups", "zones"}
    assert CATALOG.get(rule.rule) is None, "a rule's name must not be a reason"


# -- the catalog against its sources ---------------------------------------------------------------


@pytest.mark.parametrize("row", reference_rows(), ids=lambda r: r["reason"])
def test_every_row_of_the_source_page_is_a_variant(row: dict[str, str]) -> None:
    entry = CATALOG.get(row["reason"])
    assert entry is not None and entry.reason == row["reason"], f"{row['reason']} is missing"
    if row["type"]:
        assert entry.type == row["type"]
    assert row["message_ja"] in [v.ja for v in entry.variants], "no variant for the page's cell"
    if row["template_en"]:
        assert row["template_en"] in [v.template for v in entry.variants]


@needs_reference
def test_the_row_list_is_the_source_page() -> None:
    """The copy in tests/data matches the page it was taken from (when that is at hand)."""
    text = (REFERENCE / "eci-events-ja.txt").read_text(encoding="utf-8")
    rows = reference_rows()
    assert len(rows) == 94
    for row in rows:
        assert row["reason"] in text and row["message_ja"].split(" %s")[0] in text, row["reason"]


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
    "Scheduled",
    "SandboxChanged",
    "FailedPreStopHook",
    "FailedPostStartHook",
    "FailedKillPod",
    "Preempting",
    "NodeNotReady",
    "ScalingReplicaSet",
    "SuccessfulCreate",
    "SuccessfulDelete",
    "FailedCreate",
    "SuccessfulRescale",
    "Completed",
    "SawCompletedJob",
    "BackoffLimitExceeded",
]


@pytest.mark.parametrize("reason", KUBERNETES_REASONS)
def test_everyday_kubernetes_reasons_are_known(reason: str) -> None:
    entry = CATALOG.get(reason)
    assert entry is not None and entry.reason == reason
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
            "ScheduledMaintenance",
            '{"planExecTime":"2019-03-12T09:00:00.000+08:00","originReason":"Redeploy"}',
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
        (
            "Pulled",
            'Container image "nginx:1.27" already present on machine and can be accessed by the pod',
        ),
        ("Created", "Container created"),
        ("Started", "Container started"),
        (
            "FailedScheduling",
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
            "3 No preemption victims found for incoming pod.",
        ),
    ],
)
def test_real_world_messages_match_a_variant(reason: str, message: str) -> None:
    match = CATALOG.match(reason, message)
    assert match.variant is not None, f"{message!r} matched no variant of {reason}"


def test_scheduled_maintenance_reads_its_json_in_any_key_order() -> None:
    message = '{"planExecTime":"2019-03-12T09:00:00.000+08:00","originReason":"Redeploy","originMessage":"x"}'
    params = CATALOG.match("ScheduledMaintenance", message).params
    assert params == {
        "origin_reason": "Redeploy",
        "origin_message": "x",
        "plan_exec_time": "2019-03-12T09:00:00.000+08:00",
    }


def test_preemption_tail_is_its_own_part() -> None:
    match = CATALOG.match(
        "FailedScheduling",
        "0/216 nodes are available: 3 Insufficient cpu. preemption: 0/216 nodes are available: "
        "216 Preemption is not helpful for scheduling.",
    )
    assert match.params["detail"] == "3 Insufficient cpu"
    assert match.params["preemption"].startswith("0/216 nodes are available: 216 Preemption")
    assert match.variant is not None and not match.variant.verified  # derived from source


def test_spot_minutes_are_captured() -> None:
    match = CATALOG.match("SpotToBeReleased", "Spot ECI will be released in 3 minutes")
    assert match.variant is not None
    assert list(match.params.values()) == ["3"]


def test_pod_condition_form_and_case_are_accepted() -> None:
    entry = CATALOG.get("containergroup.nostock")
    assert entry is not None and entry.reason == "NoStock"


def test_catalog_dir_is_the_source_tree_in_a_checkout() -> None:
    assert catalog_dir() == str(REPO / "catalog")
