"""The command line: options in, calls out, exit codes back. Commands load lazily."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from eci_events import __version__
from eci_events.errors import EciEventsError, ExitCode

_COMMANDS = {
    "explain": "eci_events.commands.explain:explain",
    "list": "eci_events.commands.list_events:list_events",
    "triage": "eci_events.commands.triage:triage",
    "completion": "eci_events.commands.completion:completion",
}


class CliError(click.ClickException):
    """A domain error as click shows it: ``Error: <message>`` and its exit code."""

    def __init__(self, problem: EciEventsError) -> None:
        super().__init__(problem.message)
        self.exit_code = int(problem.exit_code)  # type: ignore[misc]  # ClassVar in click


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or --help lists it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EciEventsError as problem:
            raise CliError(problem) from problem

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="eci-events")
def cli() -> None:
    """Explain, list and triage Alibaba Cloud ECI events.

    \b
    Examples:
      eci-events list --demo                      # sample events, no account needed
      eci-events list eci-bp1xxxx --region cn-hangzhou
      eci-events explain NoStock
      kubectl get events -o json | eci-events triage
    """


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: expected failures become one line and an exit code."""
    try:
        return cli.main(args=argv, prog_name="eci-events", standalone_mode=False)
    except click.exceptions.Exit as stop:
        sys.exit(stop.exit_code)
    except click.ClickException as problem:
        problem.show()
        sys.exit(problem.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _quiet_broken_pipe()


def _quiet_broken_pipe() -> None:
    """``| head`` closed our stdout: leave without a traceback (Python docs' recipe)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.OK)
