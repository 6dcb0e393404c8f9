"""``eci-events list``: live events of ECI container groups through the SDK, explained."""

from __future__ import annotations

import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import click

from eci_events.commands.options import color_option, lang_option, severity_choice
from eci_events.errors import ApiError, ConfigError, EciEventsError, ExitCode
from eci_events.textsafe import escape
from eci_events.timefmt import parse_since

if TYPE_CHECKING:
    from eci_events.api import Fetcher, Query, Result
    from eci_events.catalog import Catalog
    from eci_events.events import Event
    from eci_events.render.events_table import Row

OUTPUTS = ("table", "wide", "json", "ndjson", "yaml")
# Upper bound of SinceSecond for polls after the first: time since the last poll plus this.
WATCH_SLACK = 60


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_since(value)
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from None


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
@click.option("--zone", metavar="ZONE_ID", help="Without ids: groups in this zone.")
@click.option("--vswitch", metavar="VSW_ID", help="Without ids: groups in this vSwitch.")
@click.option(
    "--resource-group", metavar="RG_ID", help="Without ids: groups in this resource group."
)
@click.option(
    "--since",
    callback=_since,
    metavar="DURATION",
    help="Only events seen in the last 30s, 10m, 2h, 1d (SinceSecond).",
)
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
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 10),
    default=4,
    show_default=True,
    help="Attempts per call for throttling, 5xx, timeouts and dropped connections.",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(0.1, 300),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="Connect timeout per attempt.",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(0.1, 600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Read timeout per attempt.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=10,
    show_default=True,
    help="Calls in flight at once (each covers up to 20 group ids).",
)
@click.option("-o", "--output", type=click.Choice(OUTPUTS), default="table", show_default=True)
@click.option("--no-headers", is_flag=True, help="Table and wide: no header line.")
@click.option("-w", "--watch", is_flag=True, help="Keep polling; print only new or changed events.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="With --watch: seconds between polls.",
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
    from eci_events.api import Query

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
    log = _debug_log if debug else None
    view = View(output, no_headers, color, lang, type_, reason, min_severity)
    with _fetcher(
        demo,
        region,
        profile,
        endpoint,
        vpc,
        max_attempts,
        connect_timeout,
        read_timeout,
        concurrency,
        log,
    ) as fetcher:
        if watch:
            _watch(fetcher, query, view, interval)
            return
        result = _fetch_all(fetcher, query)
        code = view.show(result, query, fetcher.settings.region)
    if code:
        ctx.exit(code)


def _debug_log(text: str) -> None:
    click.echo(f"debug: {escape(text)}", err=True)


@contextmanager
def _fetcher(
    demo: bool,
    region: str | None,
    profile: str | None,
    endpoint: str | None,
    vpc: bool,
    max_attempts: int,
    connect_timeout: float,
    read_timeout: float,
    concurrency: int,
    log: Callable[[str], None] | None,
) -> Iterator[Fetcher]:
    from eci_events.api import Fetcher, Settings, bypass_proxy, resolve_endpoint, resolve_region

    common: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        "max_attempts": max_attempts,
        "concurrency": concurrency,
    }
    if demo:
        from eci_events.emulator import demo_emulator

        key_id, secret = "LTAIdemo" + secrets.token_hex(8), secrets.token_urlsafe(30)
        with demo_emulator(key_id, secret) as emu:
            host = f"127.0.0.1:{emu.port}"
            bypass_proxy(host, "http")
            region_id = next(iter(emu.regions))
            settings = Settings(region_id, host, "http", demo_key=(key_id, secret), **common)
            yield Fetcher(settings, log)
        return
    region_id = resolve_region(region, profile)
    host, protocol = resolve_endpoint(endpoint, vpc, region_id)
    if bypass_proxy(host, protocol) and log:
        log(f"proxy variables ignored for {host} (loopback or NO_PROXY)")
    settings = Settings(region_id, host, protocol, profile=profile, **common)
    yield Fetcher(settings, log)


def _fetch_all(fetcher: Fetcher, query: Query) -> Result:
    """The result, or the error when nothing at all succeeded (never "no events")."""
    result = fetcher.fetch(query)
    if result.failed and not result.groups and not result.missing:
        first = result.failed[0]
        if len(result.failed) > 1 and any(f.error != first.error for f in result.failed):
            raise ApiError(f"every call failed; first: {first.error}")
        cls = ConfigError if first.exit_code == ExitCode.CONFIG else ApiError
        raise cls(first.error)
    return result


class View:
    """Filters and output format: turns results into text on stdout and notes on stderr."""

    def __init__(
        self,
        output: str,
        no_headers: bool,
        color: str,
        lang: str,
        type_: str | None,
        reason: re.Pattern[str] | None,
        min_severity: str | None,
    ) -> None:
        from eci_events.catalog import Severity, load_catalog

        self.output = output
        self.headers = not no_headers
        self.lang = lang
        self.type = type_
        self.reason = reason
        self.min_severity = Severity.parse(min_severity) if min_severity else None
        self.catalog: Catalog = load_catalog()
        self.color = color
        self._console: Any = None

    # -- filtering ---------------------------------------------------------------

    def rows(self, events: Iterable[Event]) -> list[Row]:
        from eci_events.render.events_table import explain

        chosen = [
            e
            for e in events
            if (self.type is None or e.type == self.type)
            and (self.reason is None or self.reason.search(e.reason))
        ]
        rows = explain(chosen, self.catalog, self.lang)
        if self.min_severity is not None:
            rows = [r for r in rows if r.severity >= self.min_severity]
        return rows

    @property
    def filtering(self) -> bool:
        return self.type is not None or self.reason is not None or self.min_severity is not None

    # -- printing ------------------------------------------------------------------

    def console(self) -> Any:
        if self._console is None:
            from eci_events.terminal import color_enabled, make_console

            self._console = make_console(color_enabled(self.color, sys.stdout))
        return self._console

    def table(self, rows: Sequence[Row], headers: bool) -> str:
        from eci_events.render.events_table import collapse, render

        now = datetime.now(timezone.utc)
        return render(self.console(), collapse(rows), now, self.output == "wide", headers)

    def echo_table(self, rows: Sequence[Row], headers: bool) -> None:
        # click would strip the colour codes from a pipe; --color always means keep them.
        colored = not self.console().no_color
        click.echo(self.table(rows, headers), nl=False, color=colored or None)

    def records(self, rows: Sequence[Row]) -> list[dict[str, Any]]:
        from eci_events.events import sort_key
        from eci_events.render.records import event_record

        ordered = sorted(rows, key=lambda r: sort_key(r.event))
        return [event_record(r.event, r.match, self.catalog, self.lang) for r in ordered]

    def show(self, result: Result, query: Query, region: str) -> int:
        """Print one result; returns the exit code (4 when some groups failed)."""
        from eci_events.render.records import SCHEMA_VERSION

        rows = self.rows(result.events)
        if self.output in ("table", "wide"):
            if rows:
                self.echo_table(rows, self.headers)
        elif self.output == "ndjson":
            for record in self.records(rows):
                click.echo(_json({"schema_version": SCHEMA_VERSION, **record}))
        else:
            document = {
                "schema_version": SCHEMA_VERSION,
                "kind": "EciEventList",
                "events": self.records(rows),
                "groups": [
                    {
                        "group_id": g.group_id,
                        "group_name": g.group_name,
                        "namespace": g.namespace,
                        "events": g.events,
                        "truncated": g.truncated,
                    }
                    for g in result.groups
                ],
                "failed": [{"group_ids": f.group_ids, "error": f.error} for f in result.failed],
            }
            if self.output == "json":
                click.echo(_json(document, indent=2))
            else:
                import yaml  # type: ignore[import-untyped,unused-ignore]

                click.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), nl=False)
        self.notes(result, query, region, rows)
        return int(ExitCode.API) if result.failed else 0

    def notes(self, result: Result, query: Query, region: str, rows: Sequence[Row]) -> None:
        """stderr: failures, missing ids, the empty-result line and the footer."""
        for failure in result.failed:
            shown = ", ".join(failure.group_ids[:5])
            more = f" and {len(failure.group_ids) - 5} more" if len(failure.group_ids) > 5 else ""
            what = (
                f"{len(failure.group_ids)} group(s) {shown}{more}"
                if failure.group_ids
                else "the query"
            )
            _note(f"error: {what} failed: {failure.error}")
        if result.missing:
            _note(
                f"note: not found in {region}: {', '.join(result.missing)} "
                "(another region? ECI keeps a deleted group's events for about an hour)"
            )
        window = _window(query.since)
        if not rows and not result.failed:
            if result.events and self.filtering:
                _note(
                    f"No events matched the filters ({len(result.events)} fetched for {query.describe()} in {region}, {window})."
                )
            else:
                _note(f"No events found for {query.describe()} in {region} ({window}).")
            return
        if self.output not in ("table", "wide") or not rows:
            return
        warnings = sum(1 for r in rows if r.event.type == "Warning")
        hidden = len(result.events) - len(rows)
        footer = (
            f"{len(rows)} event{'s' if len(rows) != 1 else ''} ({warnings} warning{'s' if warnings != 1 else ''})"
            f" from {len(result.groups)} group{'s' if len(result.groups) != 1 else ''} in {region}, {window}"
        )
        if hidden:
            footer += f"; {hidden} hidden by filters"
        _note(footer + ".")
        cut = [g.group_id for g in result.groups if g.truncated]
        if cut:
            _note(
                f"note: {', '.join(cut)} returned 50 events, the API's limit per group; "
                "older ones may be cut off (narrow with --since)."
            )


def _json(data: Any, indent: int = 0) -> str:
    """JSON text, UTF-8 kept as is; msgspec is many times faster than json for big lists."""
    import msgspec

    encoded = msgspec.json.encode(data)
    if indent:
        encoded = msgspec.json.format(encoded, indent=indent)
    return encoded.decode("utf-8")


def _window(since: int | None) -> str:
    if since is None:
        return "window: the latest 50 events per group"
    from datetime import timedelta

    from eci_events.timefmt import human_duration

    return f"window: last {human_duration(timedelta(seconds=since))}"


def _note(text: str) -> None:
    click.echo(escape(text), err=True)


def _event_key(event: Event) -> tuple[str, ...]:
    if event.name:
        return (event.group_id, event.name)
    return (event.group_id, event.type, event.reason, event.object, event.message)


def _watch(fetcher: Fetcher, query: Query, view: View, interval: float) -> None:
    """Poll until interrupted; print only events that are new or changed since last time."""
    seen: dict[tuple[str, ...], tuple[int, datetime | None]] = {}
    headers = view.headers
    poll = query
    last_start: float | None = None
    announced = False
    while True:
        started = time.monotonic()
        if last_start is not None:
            poll = replace(query, since=int(started - last_start) + int(interval) + WATCH_SLACK)
        try:
            result = _fetch_all(fetcher, poll)
        except ConfigError:
            raise
        except EciEventsError as problem:
            _note(f"watch: poll failed: {problem.message}; trying again in {interval:g}s")
            time.sleep(interval)
            continue
        last_start = started
        for failure in result.failed:
            _note(f"watch: {len(failure.group_ids)} group(s) failed this poll: {failure.error}")
        fresh = []
        for event in result.events:
            key = _event_key(event)
            state = (event.count, event.last_seen)
            if seen.get(key) != state:
                seen[key] = state
                fresh.append(event)
        rows = view.rows(fresh)
        if rows:
            if view.output == "ndjson":
                from eci_events.render.records import SCHEMA_VERSION

                for record in view.records(rows):
                    click.echo(_json({"schema_version": SCHEMA_VERSION, **record}))
            else:
                view.echo_table(rows, headers)
                headers = False
            sys.stdout.flush()
        if not announced:
            _note(f"watching {query.describe()} every {interval:g}s; Ctrl-C to stop")
            announced = True
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
