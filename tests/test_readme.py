"""The README documents every JSON field the commands print, and nothing they do not."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import DATA, REPO, run

README = (REPO / "README.md").read_text(encoding="utf-8")
MACHINE = README.split("## Machine output", 1)[1].split("\n## ", 1)[0]
DOCUMENTED = {
    word for span in re.findall(r"`([^`]+)`", MACHINE) for word in re.findall(r"[a-z_]+", span)
}


def keys(value: Any) -> set[str]:
    """Every key of every object inside ``value``."""
    if isinstance(value, dict):
        found = set(value)
        for item in value.values():
            found |= keys(item)
        return found
    if isinstance(value, list):
        return set().union(*(keys(item) for item in value)) if value else set()
    return set()


def test_list_json_fields_are_documented() -> None:
    result = run("list", "--demo", "-o", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    # catalog params are data (slot names), not schema
    for event in data["events"]:
        event["catalog"]["params"] = {}
    assert keys(data) - DOCUMENTED == set()


@pytest.mark.parametrize("fixture", ["aliyun-cli.json", "kubectl-list.json", "list-output.json"])
def test_triage_json_fields_are_documented(fixture: str) -> None:
    result = run("triage", str(DATA / "triage" / fixture), "-o", "json")
    assert result.exit_code == (4 if fixture == "list-output.json" else 0)  # it carries a failure
    data = json.loads(result.stdout)
    for finding in data["findings"]:
        finding["params"] = {}
    assert keys(data) - DOCUMENTED == set()


def test_explain_json_fields_are_documented() -> None:
    data = json.loads(run("explain", "NoStock", "--message", "x", "-o", "json").stdout)
    data["match"]["params"] = {}
    assert keys(data) - DOCUMENTED == set()


def console_blocks() -> dict[str, list[str]]:
    """The README's console samples: the command after '$ ' and the lines it shows."""
    found = {}
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        first, *rest = block.splitlines()
        found[first.removeprefix("$ ").split("  #")[0].strip()] = rest
    return found


def test_the_list_sample_is_what_the_program_prints() -> None:
    shown = console_blocks()["eci-events list --demo --type Warning --width 160"]
    result = run("list", "--demo", "--type", "Warning", "--width", "160")
    assert shown == (result.stdout + result.stderr).splitlines()


def test_the_diagnose_sample_is_a_part_of_what_the_program_prints() -> None:
    shown = console_blocks()["eci-events diagnose --demo --width 100"]
    assert shown[0] == shown[-1] == "..."
    printed = run("diagnose", "--demo", "--width", "100").stdout
    assert "\n".join(shown[1:-1]) + "\n" in printed


def test_the_context_table_names_the_catalogs_reasons() -> None:
    from eci_events.catalog import load_catalog

    wanted: dict[str, set[str]] = {}
    for entry in load_catalog():
        kinds = set(entry.context)
        for variant in entry.variants:
            kinds |= set(variant.context or ())
        for kind in kinds:
            wanted.setdefault(kind, set()).add(entry.reason)
    table = README.split("| events | calls | what you get |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("  | ") and "---" not in line]
    documented = [
        {name.split(" (")[0].strip() for name in row.split("|")[1].split(",")} for row in rows
    ]
    assert documented == [wanted[k] for k in ("stock", "containers", "usage", "spot", "status")]


def test_diagnose_json_fields_are_documented() -> None:
    result = run("diagnose", "--demo", "--logs", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for finding in data["findings"]:
        finding["params"] = {}
    data["context"]["usage"] = {}  # the API's attribute names, documented as such
    assert keys(data) - DOCUMENTED == set()
