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
