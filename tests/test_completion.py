"""Shell completion: the shipped scripts match the click definition, and a real bash,
sourcing the script, completes commands, options, reasons, sections and file names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import BashComplete

from eci_events.cli import cli
from eci_events.commands.completion import COMPLETE_VAR, SHELLS, completion_script
from tests.conftest import REPO, run

FILES = {"bash": "eci-events.bash", "zsh": "_eci-events", "fish": "eci-events.fish"}


@pytest.mark.parametrize("shell", SHELLS)
def test_shipped_script_is_current(shell: str) -> None:
    shipped = (REPO / "completions" / FILES[shell]).read_text(encoding="utf-8")
    assert shipped == completion_script(shell, cli), (
        f"completions/{FILES[shell]} is stale; regenerate it: "
        f"eci-events completion {shell} > completions/{FILES[shell]}"
    )


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_command_prints_the_script(shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert result.stdout == completion_script(shell, cli)


def complete(args: list[str], incomplete: str) -> list[tuple[str, str | None]]:
    completer = BashComplete(cli, {}, "eci-events", COMPLETE_VAR)
    return [(item.value, item.help) for item in completer.get_completions(args, incomplete)]


def test_reason_completes_with_summary_as_help() -> None:
    items = dict(complete(["explain"], "OOMK"))
    assert items.get("OOMKilled")


def test_reason_completion_ignores_case_and_takes_the_condition_form() -> None:
    assert "NoStock" in dict(complete(["explain"], "nost"))
    assert "ContainerGroup.NoStock" in dict(complete(["explain"], "ContainerGroup.No"))
    assert "capacity" in dict(complete(["explain"], "cap"))  # rules complete too


def test_commands_complete() -> None:
    assert [value for value, _ in complete([], "")] == [
        "explain",
        "list",
        "triage",
        "diagnose",
        "completion",
    ]


# -- through a real bash --------------------------------------------------------------------


def bash_complete(line: str, tmp_path: Path) -> tuple[list[str], str]:
    """Complete the last word of ``line`` as bash does on TAB: (COMPREPLY, compopt calls)."""
    if shutil.which("bash") is None:
        pytest.skip("no bash on this machine")
    script = tmp_path / "eci-events.bash"
    script.write_text(completion_script("bash", cli), encoding="utf-8")
    words = line.split(" ")
    program = tmp_path / "bin" / "eci-events"
    program.parent.mkdir(exist_ok=True)
    program.write_text(f'#!/bin/sh\nexec {sys.executable} -m eci_events "$@"\n')
    program.chmod(0o755)
    driver = (
        f"source {script}\n"
        # compopt only works inside a real completion; record what the script asks of it.
        'compopt() { local IFS=" "; echo "compopt $*" >> "$LOG"; }\n'
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_eci_events_completion eci-events\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    log = tmp_path / "compopt.log"
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", driver],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PATH": f"{program.parent}:{os.environ['PATH']}", "LOG": str(log)},
    )
    assert done.returncode == 0, done.stderr
    replies = [w for w in done.stdout.splitlines() if w]
    return replies, log.read_text() if log.exists() else ""


def test_bash_completes_a_command(tmp_path: Path) -> None:
    assert bash_complete("eci-events tri", tmp_path)[0] == ["triage"]


def test_bash_completes_an_option(tmp_path: Path) -> None:
    assert bash_complete("eci-events list --reg", tmp_path)[0] == ["--region"]


def test_bash_completes_a_reason(tmp_path: Path) -> None:
    assert bash_complete("eci-events explain ImageCacheMi", tmp_path)[0] == ["ImageCacheMissed"]


def test_bash_completes_a_section(tmp_path: Path) -> None:
    assert bash_complete("eci-events explain --section image", tmp_path)[0] == ["image-cache"]


def test_bash_completes_file_names_for_triage(tmp_path: Path) -> None:
    replies, compopt = bash_complete("eci-events triage ", tmp_path)
    assert replies == [] and "compopt -o default" in compopt  # bash's own file names
