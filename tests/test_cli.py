"""The command group itself: help, version, exit codes, pipes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from eci_events import __version__
from eci_events.cli import cli
from eci_events.errors import ExitCode
from tests.conftest import REPO, run

COMMANDS = ["explain", "list", "triage", "diagnose", "completion"]


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"eci-events, version {__version__}\n"


def test_the_version_is_the_packages() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M)[1] == __version__  # type: ignore[index]


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_group_help_lists_every_command(flag: str) -> None:
    result = run(flag)
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+) ", result.stdout.split("Commands:")[1], re.M)
    assert listed == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_an_example(command: str) -> None:
    result = run(command, "-h")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: eci-events {command} ")
    assert "Examples:" in result.stdout
    assert f"eci-events {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_unknown_command_is_a_usage_error() -> None:
    result = run("explian")
    assert result.exit_code == 2
    assert "No such command 'explian'" in result.stderr


def test_a_misspelt_command_gets_a_suggestion() -> None:
    result = run("lst")
    assert result.exit_code == 2
    assert "Did you mean 'list'?" in result.stderr


def test_no_arguments_prints_help_and_exits_0() -> None:
    result = run()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: eci-events ")
    assert "Commands:" in result.stdout


def test_readme_exit_codes_match_the_enum() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)]
    assert documented == [int(code) for code in ExitCode]


def test_broken_pipe_ends_quietly() -> None:
    command = f"{sys.executable} -m eci_events explain --all | head -n 1"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.stdout.startswith("REASON")
    assert result.stderr == ""


@pytest.mark.parametrize(
    "command", ["list --demo", "explain --all", "diagnose --demo", "list --demo -o ndjson"]
)
def test_a_reader_that_stops_early_is_not_an_error(command: str) -> None:
    """`eci-events list --demo | true`: the pipe closes first; exit 0, nothing on stderr."""
    script = f"{sys.executable} -m eci_events {command} | true; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "eci_events", "explain", "Pulled", "-o", "json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert '"reason": "Pulled"' in result.stdout


def test_cli_group_is_importable_without_commands() -> None:
    assert sorted(cli.list_commands(None)) == sorted(COMMANDS)  # type: ignore[arg-type]


@pytest.mark.parametrize("columns", ["²", "-3", "x", "9" * 5000])
@pytest.mark.parametrize(
    "args", [["explain", "NoStock"], ["list", "--demo"], ["triage", "-"], ["diagnose", "--demo"]]
)
def test_a_nonsense_columns_variable_is_ignored(columns: str, args: list[str]) -> None:
    # colour forced: rich builds its console, which reads COLUMNS too
    result = run(*args, "--color", "always", input=b"[]", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
