"""The command line: the group, lazy commands, and errors translated into exit codes.

Every expected failure leaves as one line on stderr, escaped (a server's message or a
pod's name cannot drive the terminal), with the documented exit code; never a traceback.
"""

from __future__ import annotations

import errno
import importlib
import sys
from typing import Any, NoReturn

import click

from eci_events import __version__
from eci_events.errors import EciEventsError, ExitCode

_COMMANDS = {
    "explain": "eci_events.commands.explain:explain",
    "list": "eci_events.commands.list_events:list_events",
    "triage": "eci_events.commands.triage:triage",
    "diagnose": "eci_events.commands.diagnose:diagnose",
    "completion": "eci_events.commands.completion:completion",
}


class CliError(click.ClickException):
    """A domain error as the user sees it: ``Error: <message>`` and its exit code."""

    def __init__(self, problem: EciEventsError) -> None:
        super().__init__(problem.message)
        self.exit_code = int(problem.exit_code)  # type: ignore[misc]  # ClassVar in click

    def show(self, file: Any = None) -> None:
        from eci_events.render.safe import escape

        click.echo(f"Error: {escape(self.message)}", err=True)


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or --help lists it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EciEventsError as problem:
            raise CliError(problem) from problem
        except BrokenPipeError:
            _quiet_broken_pipe()
        except OSError as problem:
            if problem.errno == errno.EPIPE:
                _quiet_broken_pipe()
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in _COMMANDS:
            import difflib

            close = difflib.get_close_matches(name, list(_COMMANDS), n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise click.UsageError(f"No such command {name!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="eci-events")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Explain, list, triage and diagnose Alibaba Cloud ECI events.

    \b
    Examples:
      eci-events list --demo                      # sample events, no account needed
      eci-events list eci-bp1xxxx --region cn-hangzhou
      eci-events explain NoStock
      kubectl get events -o json | eci-events triage
      eci-events diagnose --demo                  # live context: stock, containers, quota
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


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


def _quiet_broken_pipe() -> NoReturn:
    """``| head`` closed our stdout: leave without a traceback, exit 0 (the Python docs'
    recipe), whatever click would have made of it."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.OK)
