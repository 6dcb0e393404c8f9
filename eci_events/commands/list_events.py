"""``eci-events list``: live events of ECI container groups through the SDK, explained.

Options in, one library call, one renderer, exit code out.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import click

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
from eci_events.sources import client as defaults

if TYPE_CHECKING:
    from eci_events.analysis.listing import Filters
    from eci_events.annotate import Annotated, Annotator
    from eci_events.sources.client import Client
    from eci_events.sources.events_api import Query
    from eci_events.sources.pods import Selection

F = TypeVar("F", bound=Callable[..., Any])
OUTPUTS = ("table", "wide", "json", "ndjson", "yaml")
TABLES = ("table", "wide")


def _tags(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    found = []
    for value in values:
        key, sep, tag_value = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not key=value")
        found.append((key.strip(), tag_value))
    return tuple(found)


def _regex(ctx: click.Context, param: click.Parameter, value: str | None) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as problem:
        raise click.BadParameter(f"{value!r} is not a regular expression: {problem}") from None


def selection_options(func: F) -> F:
    """The group selection ``list`` and ``diagnose`` share: ids, or filters."""
    for option in reversed(
        [
            click.argument("group_ids", nargs=-1, metavar="[GROUP_ID]..."),
            click.option(
                "--tag",
                "tags",
                multiple=True,
                callback=_tags,
                metavar="KEY=VALUE",
                help="Without ids: groups with this tag (repeatable, all must match).",
            ),
            click.option("--zone", metavar="ZONE_ID", help="Without ids: groups in this zone."),
            click.option(
                "--vswitch", metavar="VSW_ID", help="Without ids: groups in this vSwitch."
            ),
            click.option(
                "--resource-group",
                metavar="RG_ID",
                help="Without ids: groups in this resource group.",
            ),
        ]
    ):
        func = option(func)
    return func


def name_option(func: F) -> F:
    return click.option(
        "--name",
        metavar="NAME",
        help="Also the groups of this name (DescribeContainerGroups' ContainerGroupName).",
    )(func)


def read_stdin_ids(group_ids: Sequence[str], lang: str) -> tuple[list[str], Selection | None]:
    """The ids given, with GROUP_ID '-' replaced by those read from stdin: plain ids, or
    the ECI instances of 'kubectl get pods -o json|yaml'. Pods not on ECI are noted."""
    from eci_events.errors import InputError
    from eci_events.render.notes import ids_text
    from eci_events.render.terminal import is_terminal
    from eci_events.render.words import word

    ids = [i.strip() for i in group_ids]
    if any(not i for i in ids):
        raise click.BadParameter("a group id is empty", param_hint="GROUP_ID")
    if "-" not in ids:
        return ids, None
    if is_terminal(sys.stdin):
        raise InputError(
            "GROUP_ID '-' reads stdin, which is a terminal; pipe ids or pods in, e.g. "
            "'kubectl get pods -o json | eci-events diagnose -'"
        )
    from eci_events.sources.pods import read_selection

    selection = read_selection(sys.stdin.buffer)
    if selection.not_on_eci:
        pods = ids_text(selection.not_on_eci, lang)
        if not selection.ids and ids == ["-"]:
            raise InputError(word(lang, "no_eci_pods", pods=pods))
        note(word(lang, "not_on_eci", pods=pods))
    given = [i for i in ids if i != "-"]
    return list(dict.fromkeys([*given, *selection.ids])), selection


def connection_options(func: F) -> F:
    """Region, credentials, endpoint and tuning: every command that calls the API."""
    for option in reversed(
        [
            click.option(
                "--region",
                metavar="REGION_ID",
                help="Region; else ALIBABA_CLOUD_REGION_ID, else the CLI profile's region_id.",
            ),
            click.option(
                "--profile",
                metavar="NAME",
                help="aliyun CLI profile (~/.aliyun/config.json) for credentials and region.",
            ),
            click.option(
                "--endpoint",
                metavar="URL",
                help="API endpoint; default eci.<region>.aliyuncs.com (http://127.0.0.1:PORT: plain HTTP).",
            ),
            click.option(
                "--vpc", is_flag=True, help="Use the VPC endpoint eci-vpc.<region>.aliyuncs.com."
            ),
            click.option(
                "--max-attempts",
                type=click.IntRange(1, 10),
                default=defaults.DEFAULT_MAX_ATTEMPTS,
                show_default=True,
                help="Attempts per call for throttling, 5xx, timeouts and dropped connections.",
            ),
            click.option(
                "--connect-timeout",
                type=FiniteFloat(0.1, 300),
                default=defaults.DEFAULT_CONNECT_TIMEOUT,
                show_default=True,
                metavar="SECONDS",
                help="Connect timeout per attempt.",
            ),
            click.option(
                "--read-timeout",
                type=FiniteFloat(0.1, 600),
                default=defaults.DEFAULT_READ_TIMEOUT,
                show_default=True,
                metavar="SECONDS",
                help="Read timeout per attempt (an attempt ends after connect + read timeout in all).",
            ),
            click.option(
                "--concurrency",
                type=click.IntRange(1, 64),
                default=defaults.DEFAULT_CONCURRENCY,
                show_default=True,
                help="Calls in flight at once (each covers up to 20 group ids).",
            ),
            click.option(
                "--demo",
                is_flag=True,
                help="Serve bundled sample data locally; no account or network.",
            ),
            click.option(
                "--debug",
                is_flag=True,
                help="Log requests, retries and timings to stderr (never secrets).",
            ),
        ]
    ):
        func = option(func)
    return func


@click.command(name="list")
@selection_options
@name_option
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
    group_ids: tuple[str, ...],
    tags: tuple[tuple[str, str], ...],
    zone: str | None,
    vswitch: str | None,
    resource_group: str | None,
    name: str | None,
    since: int | None,
    source: str | None,
    type_: str | None,
    reason: re.Pattern[str] | None,
    min_severity: str | None,
    region: str | None,
    profile: str | None,
    endpoint: str | None,
    vpc: bool,
    max_attempts: int,
    connect_timeout: float,
    read_timeout: float,
    concurrency: int,
    demo: bool,
    debug: bool,
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
    from eci_events.model import Severity
    from eci_events.sources.events_api import Query

    given, _ = read_stdin_ids(group_ids, lang)
    if demo and (endpoint or profile or vpc or region):
        raise click.UsageError(
            "--demo serves its own samples; drop --endpoint, --profile, --vpc and --region"
        )
    if watch and output in ("json", "yaml"):
        raise click.UsageError(
            f"-o {output} is one document; with --watch use -o ndjson, table or wide"
        )
    filters = Filters(type_, reason, Severity.parse(min_severity) if min_severity else None)
    annotator = library.annotator()
    now = datetime.now(timezone.utc)  # ages are counted from the start of the command
    with library.open_client(
        demo=demo,
        region=region,
        profile=profile,
        endpoint=endpoint,
        vpc=vpc,
        debug=debug_log if debug else None,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_attempts=max_attempts,
        concurrency=concurrency,
        now=now,
    ) as client:
        ids, _ = library.resolve_groups(client, given, name)
        query = Query(tuple(ids), tags, zone, vswitch, resource_group, since, source)
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
        datetime.now(timezone.utc),
        wide=wide,
        headers=headers,
        width=fitted,
        lang=lang,
    )
    if colored:
        make_console(True, fitted).print(rich_text(lines), end="", soft_wrap=True, crop=False)
    else:
        click.echo(plain(lines), nl=False)


def note(text: str) -> None:
    """A line for stderr, escaped: it may carry a server's message or a group's name."""
    from eci_events.render.safe import escape
    from eci_events.render.terminal import note_text

    click.echo(note_text(escape(text)), err=True)


def debug_log(text: str) -> None:
    from eci_events.render.safe import escape

    click.echo(f"debug: {escape(text)}", err=True)
