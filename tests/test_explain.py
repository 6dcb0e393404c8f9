"""``eci-events explain``: what a user sees for reasons, messages and the whole catalog."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from eci_events.catalog import load_catalog
from tests.conftest import DATA, REPO, run

SNAPSHOTS = DATA / "snapshots"
CATALOG = load_catalog()


def snapshot(name: str, text: str) -> None:
    """Compare with tests/data/snapshots/NAME; set UPDATE_SNAPSHOTS=1 to rewrite."""
    import os

    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_plain_text_when_piped() -> None:
    result = run("explain", "OOMKilled")
    assert result.exit_code == 0
    assert result.stderr == ""
    snapshot("explain-oomkilled.txt", result.stdout)


def test_japanese() -> None:
    result = run("explain", "SpotToBeReleased", "--lang", "ja")
    assert result.exit_code == 0
    entry = CATALOG.get("SpotToBeReleased")
    assert entry is not None
    lines = result.stdout.splitlines()
    assert lines[0] == "# SpotToBeReleased (Warning, critical)"
    assert lines[1] == "セクション: ECI インスタンス (ContainerGroup) イベント"
    assert lines[3] == entry.summary["ja"]
    assert "スポット ECI は %s 分で解放されます。" in result.stdout  # the Japanese page's text
    assert "対処方法:" in result.stdout


@pytest.mark.parametrize(
    ("value", "lang"), [("ja_JP.UTF-8", "ja"), ("en_US.UTF-8", "en"), ("C", "en")]
)
def test_language_defaults_from_lang(value: str, lang: str) -> None:
    result = run("explain", "NoStock", env={"LANG": value})
    entry = CATALOG.get("NoStock")
    assert entry is not None
    assert result.stdout.splitlines()[3] == entry.summary[lang]


@pytest.mark.parametrize(
    "spelling", ["nostock", "NOSTOCK", "ContainerGroup.NoStock", "containergroup.nostock"]
)
def test_reason_spellings(spelling: str) -> None:
    result = run("explain", spelling)
    assert result.exit_code == 0
    assert result.stdout.startswith("# NoStock (Warning, ")


def test_unknown_reason_suggests_close_matches() -> None:
    result = run("explain", "OOMKiled")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == "Error: unknown event reason 'OOMKiled'; did you mean OOMKilled or PodOOMKilled?\n"
    )


def test_unknown_reason_without_close_match() -> None:
    result = run("explain", "Xyzzy")
    assert result.exit_code == 2
    assert result.stderr == "Error: unknown event reason 'Xyzzy'; see: eci-events explain --all\n"


def test_nothing_to_explain_is_a_usage_error() -> None:
    result = run("explain")
    assert result.exit_code == 2
    assert "give a REASON, --message TEXT or --all" in result.stderr


def test_message_identifies_reason_variant_and_parameters() -> None:
    message = "[eci.containergroup]Spot ECI will be released in 3 minutes"
    result = run("explain", "--message", message)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# SpotToBeReleased (Warning, critical)"
    assert f"Message: {message}" in lines
    assert "  minutes = 3" in lines


def test_message_parameters_fill_the_remedies() -> None:
    message = "Create ECI failed because the specified instance is out of stock. cn-hangzhou-k"
    data = json.loads(run("explain", "--message", message, "-o", "json").stdout)
    assert data["reason"] == "NoStock"
    assert data["match"]["variant"] == 0
    assert data["match"]["params"] == {
        CATALOG.get("NoStock").variants[0].params[0]: "cn-hangzhou-k"
    }  # type: ignore[union-attr]
    assert not any("{" in remedy for remedy in data["match"]["remedies"])


def test_message_with_a_reason_picks_that_reasons_variant() -> None:
    data = json.loads(
        run(
            "explain", "FailedScheduling", "--message", "Unknown error occurred.", "-o", "json"
        ).stdout
    )
    assert data["reason"] == "FailedScheduling"
    assert data["variants"][data["match"]["variant"]]["template"] == "Unknown error occurred."


def test_message_that_fits_nothing() -> None:
    result = run("explain", "--message", "something nobody ever logged")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no catalog message template fits this message;")


def test_untrusted_message_is_escaped() -> None:
    message = "Spot ECI will be released in \x1b[2J[bold]3[/bold] minutes"
    result = run("explain", "SpotToBeReleased", "--message", message)
    assert "\x1b" not in result.stdout
    assert "^[[2J[bold]3[/bold]" in result.stdout


def test_json_is_the_entry_as_data() -> None:
    result = run("explain", "OOMKilled", "-o", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["lang"] == "en"
    assert data["reason"] == "OOMKilled"
    assert data["type"] == "Warning"
    assert data["severity"] == "critical"
    assert data["section"] == "system-om"
    assert set(data) == {
        "schema_version", "lang", "reason", "section", "module", "type", "severity", "summary",
        "explanation", "variants", "remedies", "related", "links", "sources",
    }  # fmt: skip
    assert {"template", "params", "verified", "legacy", "ja", "meaning", "sources"} == set(
        data["variants"][0]
    )
    assert "Out of memory" in [v["template"] for v in data["variants"]]


def test_panel_on_a_terminal_is_coloured_by_severity() -> None:
    result = run("explain", "OOMKilled", "--color", "always")
    assert result.exit_code == 0
    assert result.stdout.startswith("\x1b[")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert plain.startswith("╭─ OOMKilled  Warning · critical ")
    assert max(len(line) for line in plain.splitlines()) <= 100


def test_all_lists_every_entry() -> None:
    result = run("explain", "--all")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["REASON", "TYPE", "SEVERITY", "SECTION", "SUMMARY"]
    assert len(lines) == len(CATALOG) + 1


def test_all_filters() -> None:
    result = run(
        "explain", "--all", "--section", "image-cache", "--severity", "error", "--no-headers"
    )
    rows = [line.split()[:4] for line in result.stdout.splitlines()]
    expected = [
        e.reason for e in CATALOG if e.section == "image-cache" and e.severity.label == "error"
    ]
    assert [row[0] for row in rows] == expected
    assert {row[3] for row in rows} == {"image-cache"}


def test_all_filters_by_type() -> None:
    data = json.loads(run("explain", "--all", "--type", "Normal", "-o", "json").stdout)
    assert data["entries"]
    assert {e["type"] for e in data["entries"]} == {"Normal"}


def test_all_rejects_an_unknown_section() -> None:
    result = run("explain", "--all", "--section", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: unknown section 'nope'; choose from instance, image-cache,"
    )


def test_readme_catalog_table_is_current() -> None:
    table = run("explain", "--all", "-o", "markdown").stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- catalog-table:start -->\n") + len("<!-- catalog-table:start -->\n")
    end = readme.index("<!-- catalog-table:end -->")
    assert readme[start:end] == table, "README table is stale: eci-events explain --all -o markdown"


@pytest.mark.parametrize(
    ("args", "absent"),
    [
        (["explain", "OOMKilled"], ["alibabacloud_eci20180808", "rich", "yaml"]),
        (["explain", "OOMKilled", "-o", "json"], ["alibabacloud_eci20180808", "rich", "yaml"]),
        (["explain", "--all"], ["alibabacloud_eci20180808", "rich"]),
    ],
)
def test_explain_stays_light(args: list[str], absent: list[str]) -> None:
    code = (
        "import sys\n"
        "from eci_events.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = result.stderr
    for module in absent:
        assert f"'{module}'" not in loaded, f"{module} was imported by {' '.join(args)}"
