"""Options shared by several commands, written once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from eci_events.terminal import default_lang

F = TypeVar("F", bound=Callable[..., Any])


def color_option(func: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour output; auto honours NO_COLOR, TERM=dumb and pipes.",
    )(func)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "ja"]),
        default=default_lang,
        show_default="from LANG",
        help="Language of catalog text.",
    )(func)


def severity_choice() -> click.Choice[str]:
    return click.Choice(["info", "warning", "error", "critical"], case_sensitive=False)


def _seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    from eci_events.timefmt import parse_since

    try:
        return parse_since(value)
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from None


def since_option(help: str) -> Callable[[F], F]:
    """``--since 30s|10m|2h|1d``, given to the command as seconds."""
    return click.option("--since", callback=_seconds, metavar="DURATION", help=help)
