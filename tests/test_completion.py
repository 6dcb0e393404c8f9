"""Shipped completion scripts match the click definition; REASON completes from the catalog."""

from __future__ import annotations

import pytest
from click.shell_completion import BashComplete

from eci_events.cli import cli
from eci_events.commands.completion import COMPLETE_VAR, SHELLS, completion_script
from tests.conftest import REPO, run

FILES = {"bash": "eci-events.bash", "zsh": "_eci-events", "fish": "eci-events.fish"}


@pytest.mark.parametrize("shell", SHELLS)
def test_shipped_script_is_current(shell: str) -> None:
    shipped = (REPO / "completions" / FILES[shell]).read_text(encoding="utf-8")
    assert shipped == completion_script(shell), (
        f"completions/{FILES[shell]} is stale; regenerate it: "
        f"eci-events completion {shell} > completions/{FILES[shell]}"
    )


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_command_prints_the_script(shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert result.stdout == completion_script(shell)


def complete(args: list[str], incomplete: str) -> list[tuple[str, str | None]]:
    completer = BashComplete(cli, {}, "eci-events", COMPLETE_VAR)
    return [(item.value, item.help) for item in completer.get_completions(args, incomplete)]


def test_reason_completes_with_summary_as_help() -> None:
    items = dict(complete(["explain"], "OOMK"))
    assert "OOMKilled" in items
    assert items["OOMKilled"]


def test_reason_completion_ignores_case() -> None:
    assert "NoStock" in dict(complete(["explain"], "nost"))


def test_commands_complete() -> None:
    assert [value for value, _ in complete([], "")] == ["explain", "list", "triage", "completion"]
