"""``eci-events list``: live events of ECI container groups through the SDK, explained.

Options in, one library call, one renderer, exit code out.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import click

from eci_events.commands.connection import (
    Chosen,
    Connection,
    connection_options,
    note,
    read_stdin_ids,
    selection_options,
)
from eci_events.commands.options import (
    FiniteFloat,
    color_option,
    lang_option,
    output_option,
    severity_choice,
    since_option,
    width_option,
)
from eci_events.errors import ExitCode

if TYPE_CHECKING:
    from eci_events.analysis.listing import Filters
    from eci_events.annotate import Annotated, Annotator
    from eci_events.sources.client import Client
    from eci_events.sources.events_api import Query

OUTPUTS = ("table", "wide", "json", "ndjson", "yaml")
TABLES = ("table", "wide")


def _regex(ctx: click.Context, param: click.Parameter, value: str | None) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as problem:
        raise click.BadParameter(f"{value!r} is not a regular expression: {problem}") from None


@click.command(name="list")
@selection_options
@since_option("Only events seen in the last 30s, 10m, 2h, 1d or 1h30m (SinceSecond).")
@click.option(
    "--source",
    type=click.Choice(["EciService", "K8sAgent"]),
    help="Only events from the ECI service or from the Kubernetes agent.",
)
@click.option(
    "--type", "type_", type=click.Choice(["Normal", "Warning"]), help="Only this event type."
)
@click.option(
    "--reason",
    callback=_regex,
    metavar="REGEX",
    help="Only reasons matching this regular expression (case-insensitive).",
)
@click.option(
    "--min-severity", type=severity_choice(), help="Only events at or above this severity."
)
@connection_options
@output_option(OUTPUTS, "table")
@click.option("--no-headers", is_flag=True, help="Table and wide: no header line.")
@click.option("-w", "--watch", is_flag=True, help="Keep polling; print only new or changed events.")
@click.option(
    "--interval",
    type=FiniteFloat(0.1, 3600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="With --watch: seconds between polls.",
)
@width_option
@color_option
@lang_option
@click.pass_context
def list_events(
    ctx: click.Context,
    chosen: Chosen,
    since: int | None,
    source: str | None,
    type_: str | None,
    reason: re.Pattern[str] | None,
    min_severity: str | None,
    connection: Connection,
    output: str,
    no_headers: bool,
    watch: bool,
    interval: float,
    width: int | None,
    color: str,
    lang: str,
) -> None:
    """List the events of ECI container groups, explained from the catalog.

    Give container group ids (any number; sent 20 per call; '-' reads ids or
    'kubectl get pods -o json|yaml' from stdin), a name with --name, or none and
    select groups with --tag/--zone/--vswitch/--resource-group. Credentials come from the
    standard Alibaba Cloud chain: environment variables, OIDC (RRSA), the aliyun CLI
    profile in ~/.aliyun/config.json (--profile), ~/.alibabacloud/credentials.ini,
    the ECS RAM role, ALIBABA_CLOUD_CREDENTIALS_URI; never from the command line.

    \b
    Exit codes: 0 ok (also when nothing was found), 2 usage, 3 credentials or
    configuration, 4 API or network failure (also when only some groups failed),
    130 interrupted.

    \b
    Examples:
      eci-events list --demo
      eci-events list eci-bp1xxxx eci-bp1yyyy --region cn-hangzhou
      eci-events list --tag app=web --since 1h --type Warning
      eci-events list eci-bp1xxxx -o json | eci-events triage
      eci-events list --tag app=web -w --interval 30
    """
    from eci_events import library
    from eci_events.analysis.listing import Filters
    from eci_events.severity import Severity

    chosen.check()
    given, _ = read_stdin_ids(chosen.ids, lang)
    connection.check_demo()
    if watch and output in ("json", "yaml"):
        raise click.UsageError(
            f"-o {output} is one document; with --watch use -o ndjson, table or wide"
        )
    filters = Filters(type_, reason, Severity.parse(min_severity) if min_severity else None)
    annotator = library.annotator()
    now = datetime.now(timezone.utc)  # ages are counted from the start of the command
    with connection.open(now) as client:
        ids, _ = library.resolve_groups(client, given, chosen.name)
        query = chosen.query(ids, since, source)
        if watch:
            _watch(
                client,
                query,
                interval,
                filters,
                annotator,
                output,
                not no_headers,
                width,
                color,
                lang,
            )
            return
        result = library.list_events(client, query)
        rows = filters.apply(annotator.annotate_all(result.events))
        region_id = client.settings.region
    from eci_events.render import notes

    if output in TABLES:
        if rows:
            _table(rows, now, output == "wide", not no_headers, width, color, lang)
    else:
        from eci_events.render.records import document_text

        click.echo(document_text(output, rows, result, lang), nl=False)
    for line in notes.notes(result, query, region_id, rows, filters.active, output in TABLES, lang):
        note(line)
    if result.failed:
        ctx.exit(ExitCode.API)


def _watch(
    client: Client,
    query: Query,
    interval: float,
    filters: Filters,
    annotator: Annotator,
    output: str,
    headers: bool,
    width: int | None,
    color: str,
    lang: str,
) -> None:
    """Poll until interrupted; print only events that are new or changed since last time."""
    from eci_events import library
    from eci_events.analysis.listing import Watch
    from eci_events.render import notes
    from eci_events.render.records import event_records, ndjson_text

    announced = False
    for poll in Watch(query, interval).polls(lambda q: library.list_events(client, q)):
        if poll.result is None:
            note(notes.poll_failed(poll.error or "", interval, lang))
            continue
        for line in notes.poll_failures(poll.result, lang):
            note(line)
        rows = filters.apply(annotator.annotate_all(poll.fresh))
        if rows:
            if output == "ndjson":
                click.echo(ndjson_text(event_records(rows, lang)), nl=False)
            else:
                _table(
                    rows, datetime.now(timezone.utc), output == "wide", headers, width, color, lang
                )
                headers = False
            sys.stdout.flush()
        if not announced:
            note(notes.watching(query, interval, lang))
            announced = True


def _table(
    rows: Sequence[Annotated],
    now: datetime,
    wide: bool,
    headers: bool,
    width: int | None,
    color: str,
    lang: str,
) -> None:
    from eci_events.analysis.listing import collapse
    from eci_events.render.events_table import table_lines
    from eci_events.render.layout import plain, rich_text
    from eci_events.render.terminal import color_enabled, fit_width, make_console

    stdout = sys.stdout
    colored = color_enabled(color, stdout)
    fitted = fit_width(width, stdout)
    lines = table_lines(
        collapse(rows),
        now,
        wide=wide,
        headers=headers,
        width=fitted,
        lang=lang,
    )
    if colored:
        make_console(True, fitted).print(rich_text(lines), end="", soft_wrap=True, crop=False)
    else:
        click.echo(plain(lines), nl=False)
