"""``eci-events list``: live events of ECI container groups through the SDK, explained.

Options in, calls, exit code out. Fetching and filtering live in eci_events.listing and
eci_events.api, the text in eci_events.render; this module only writes it out.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import click

from eci_events.commands.options import color_option, lang_option, severity_choice, since_option
from eci_events.textsafe import escape

if TYPE_CHECKING:
    from rich.console import Console

    from eci_events.api import Fetcher, Query
    from eci_events.catalog import Catalog
    from eci_events.listing import Filters
    from eci_events.render.events_table import Row

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


def _selector(name: str, metavar: str, what: str) -> Callable[[F], F]:
    """A group filter for when no ids are given."""
    return click.option(name, metavar=metavar, help=f"Without ids: groups in this {what}.")


def _tuning(
    name: str, kind: click.ParamType, default: float, help: str, metavar: str | None = None
) -> Callable[[F], F]:
    """A bounded number with a shown default."""
    return click.option(
        name, type=kind, default=default, show_default=True, metavar=metavar, help=help
    )


@click.command(name="list")
@click.argument("group_ids", nargs=-1, metavar="[GROUP_ID]...")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    callback=_tags,
    metavar="KEY=VALUE",
    help="Without ids: groups with this tag (repeatable, all must match).",
)
@_selector("--zone", "ZONE_ID", "zone")
@_selector("--vswitch", "VSW_ID", "vSwitch")
@_selector("--resource-group", "RG_ID", "resource group")
@since_option("Only events seen in the last 30s, 10m, 2h, 1d (SinceSecond).")
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
@click.option(
    "--region",
    metavar="REGION_ID",
    help="Region; else ALIBABA_CLOUD_REGION_ID, else the CLI profile's region_id.",
)
@click.option(
    "--profile",
    metavar="NAME",
    help="aliyun CLI profile (~/.aliyun/config.json) for credentials and region.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="API endpoint; default eci.<region>.aliyuncs.com (http://127.0.0.1:PORT: plain HTTP).",
)
@click.option("--vpc", is_flag=True, help="Use the VPC endpoint eci-vpc.<region>.aliyuncs.com.")
@_tuning(
    "--max-attempts",
    click.IntRange(1, 10),
    4,
    "Attempts per call for throttling, 5xx, timeouts and dropped connections.",
)
@_tuning(
    "--connect-timeout",
    click.FloatRange(0.1, 300),
    5.0,
    "Connect timeout per attempt.",
    "SECONDS",
)
@_tuning("--read-timeout", click.FloatRange(0.1, 600), 10.0, "Read timeout per attempt.", "SECONDS")
@_tuning(
    "--concurrency",
    click.IntRange(1, 64),
    10,
    "Calls in flight at once (each covers up to 20 group ids).",
)
@click.option("-o", "--output", type=click.Choice(OUTPUTS), default="table", show_default=True)
@click.option("--no-headers", is_flag=True, help="Table and wide: no header line.")
@click.option("-w", "--watch", is_flag=True, help="Keep polling; print only new or changed events.")
@_tuning(
    "--interval",
    click.FloatRange(0.1, 3600),
    10.0,
    "With --watch: seconds between polls.",
    "SECONDS",
)
@click.option(
    "--demo", is_flag=True, help="Serve bundled sample events locally; no account or network."
)
@click.option(
    "--debug", is_flag=True, help="Log requests, retries and timings to stderr (never secrets)."
)
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
    output: str,
    no_headers: bool,
    watch: bool,
    interval: float,
    demo: bool,
    debug: bool,
    color: str,
    lang: str,
) -> None:
    """List the events of ECI container groups, explained from the catalog.

    Give container group ids (any number; sent 20 per call), or none and select
    groups with --tag/--zone/--vswitch/--resource-group. Credentials come from the
    standard Alibaba Cloud chain (environment, ~/.aliyun/config.json, --profile,
    ~/.alibabacloud/credentials.ini, ECS RAM role, OIDC); never from the command line.

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
    from eci_events.api import Query, open_fetcher
    from eci_events.catalog import Severity, load_catalog
    from eci_events.listing import Filters, exit_code, fetch_all
    from eci_events.render.documents import document_text
    from eci_events.render.list_notes import notes

    ids = tuple(i.strip() for i in group_ids)
    if any(not i for i in ids):
        raise click.BadParameter("a group id is empty", param_hint="GROUP_ID")
    if demo and (endpoint or profile or vpc or region):
        raise click.UsageError(
            "--demo serves its own samples; drop --endpoint, --profile, --vpc and --region"
        )
    if watch and output in ("json", "yaml"):
        raise click.UsageError(
            f"-o {output} is one document; with --watch use -o ndjson, table or wide"
        )
    query = Query(ids, tags, zone, vswitch, resource_group, since, source)
    filters = Filters(type_, reason, Severity.parse(min_severity) if min_severity else None)
    catalog = load_catalog()
    console = _console(color) if output in TABLES else None
    with open_fetcher(
        demo=demo,
        region=region,
        profile=profile,
        endpoint=endpoint,
        vpc=vpc,
        log=_debug_log if debug else None,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_attempts=max_attempts,
        concurrency=concurrency,
    ) as fetcher:
        if watch:
            _watch(
                fetcher, query, interval, filters, catalog, lang, output, console, not no_headers
            )
            return
        result = fetch_all(fetcher, query)
        rows = filters.rows(result.events, catalog, lang)
        if console is None:
            _out(document_text(output, rows, result, catalog, lang))
        elif rows:
            _out(_table(console, rows, output == "wide", not no_headers), console)
        region_id = fetcher.settings.region
    for line in notes(result, query, region_id, rows, filters.active, console is not None):
        _note(line)
    code = exit_code(result)
    if code:
        ctx.exit(code)


def _watch(
    fetcher: Fetcher,
    query: Query,
    interval: float,
    filters: Filters,
    catalog: Catalog,
    lang: str,
    output: str,
    console: Console | None,
    headers: bool,
) -> None:
    """Poll until interrupted; print only events that are new or changed since last time."""
    from eci_events.listing import Watch
    from eci_events.render import list_notes
    from eci_events.render.documents import ndjson_text, records

    announced = False
    for poll in Watch(query, interval).polls(fetcher):
        if poll.result is None:
            _note(list_notes.poll_failed(poll.error or "", interval))
            continue
        for line in list_notes.poll_failures(poll.result):
            _note(line)
        rows = filters.rows(poll.fresh, catalog, lang)
        if rows:
            if console is None:  # -o ndjson
                _out(ndjson_text(records(rows, catalog, lang)))
            else:
                _out(_table(console, rows, output == "wide", headers), console)
                headers = False
            sys.stdout.flush()
        if not announced:
            _note(list_notes.watching(query, interval))
            announced = True


def _console(color: str) -> Console:
    from eci_events.terminal import color_enabled, make_console

    return make_console(color_enabled(color, sys.stdout))


def _table(console: Console, rows: Sequence[Row], wide: bool, headers: bool) -> str:
    from eci_events.render.events_table import table_text

    return table_text(console, rows, datetime.now(timezone.utc), wide, headers)


def _out(text: str, console: Console | None = None) -> None:
    """stdout. click strips colour codes from a pipe; --color always means keep them."""
    colored = console is not None and not console.no_color
    click.echo(text, nl=False, color=colored or None)


def _note(text: str) -> None:
    click.echo(escape(text), err=True)


def _debug_log(text: str) -> None:
    click.echo(f"debug: {escape(text)}", err=True)
