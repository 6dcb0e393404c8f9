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
