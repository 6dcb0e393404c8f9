"""``eci-events completion SHELL``: print the shell completion script.

The same scripts are shipped in ``completions/``; a test regenerates them to catch drift.
"""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_ECI_EVENTS_COMPLETE"


def completion_script(shell: str, root: click.Command) -> str:
    """The script click generates for ``shell`` from the root command, as ``completions/``
    ships it."""
    from click.shell_completion import get_completion_class

    completer_class = get_completion_class(shell)
    assert completer_class is not None
    completer = completer_class(root, {}, "eci-events", COMPLETE_VAR)
    return completer.source()


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    Examples:
      eci-events completion bash > ~/.local/share/bash-completion/completions/eci-events
      eci-events completion zsh > "${fpath[1]}/_eci-events"
      eci-events completion fish > ~/.config/fish/completions/eci-events.fish
    """
    click.echo(completion_script(shell, ctx.find_root().command), nl=False)
