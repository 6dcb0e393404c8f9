"""Options several commands share, written once; choices come from their definitions."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from eci_events.render.terminal import default_lang
from eci_events.severity import Severity

F = TypeVar("F", bound=Callable[..., Any])
COLORS = ("auto", "always", "never")
LANGS = ("en", "ja")


def color_option(func: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(COLORS),
        default="auto",
        show_default=True,
        help="Colour output; auto honours NO_COLOR, TERM=dumb and pipes.",
    )(func)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=default_lang,
        show_default="from LANG",
        help="Language of catalog text and of the interface.",
    )(func)


def width_option(func: F) -> F:
    return click.option(
        "--width",
        type=click.IntRange(40, 10_000),
        metavar="N",
        help="Fit tables to N columns (default: the terminal's; piped output keeps whole cells).",
    )(func)


def severity_choice(levels: tuple[str, ...] | None = None) -> click.Choice[str]:
    return click.Choice(list(levels or Severity.labels()), case_sensitive=False)


class FiniteFloat(click.FloatRange):
    """A float within a range that refuses NaN and infinity (which pass range checks)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def _seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    from eci_events.timefmt import parse_duration

    try:
        return parse_duration(value)
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from None


def since_option(help: str) -> Callable[[F], F]:
    """``--since 30s|10m|2h|1d|1h30m`` (at most ten years), given to the command as seconds."""
    return click.option("--since", callback=_seconds, metavar="DURATION", help=help)


def output_option(
    formats: tuple[str, ...], default: str, help: str | None = None
) -> Callable[[F], F]:
    return click.option(
        "-o", "--output", type=click.Choice(formats), default=default, show_default=True, help=help
    )


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    from eci_events.timefmt import parse_time

    moment = parse_time(value)
    if moment is None:
        raise click.BadParameter(f"{value!r} is not an RFC 3339 time like 2025-06-01T08:00:00Z")
    return moment


def now_option(func: F) -> F:
    """Hidden ``--now``: pretend it is this time, so that tests can pin ages and windows."""
    return click.option("--now", callback=_moment, hidden=True, help="Pretend it is this time.")(
        func
    )


def diagnosis_options(func: F) -> F:
    """How a diagnosis is grouped, filtered and gated: ``triage`` and ``diagnose``."""
    for option in reversed(
        [
            click.option(
                "--by",
                type=click.Choice(["reason", "group"]),
                default="reason",
                show_default=True,
                help="One finding per reason across groups, or per reason within each group.",
            ),
            click.option(
                "--min-severity",
                type=severity_choice(),
                default=Severity.INFO.label,
                show_default=True,
                help="Show findings and conclusions at or above this severity (every output).",
            ),
            click.option(
                "--fail-on",
                type=severity_choice(Severity.labels()[1:]),
                help="Exit 1 when any finding is at or above this severity (for CI).",
            ),
        ]
    ):
        func = option(func)
    return func
