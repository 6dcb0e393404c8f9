"""What every command that calls the API shares: which groups (ids, '-' for stdin, --name,
filters), how to connect (region, credentials, endpoint, retries, --demo, --debug), and the
escaped lines it writes to stderr."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from eci_events.commands.options import FiniteFloat
from eci_events.sources import client as defaults

if TYPE_CHECKING:
    from eci_events.sources.client import Client
    from eci_events.sources.events_api import Query
    from eci_events.sources.pods import Selection

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Connection:
    """The connection options as given on the command line."""

    region: str | None
    profile: str | None
    endpoint: str | None
    vpc: bool
    max_attempts: int
    connect_timeout: float
    read_timeout: float
    concurrency: int
    demo: bool
    debug: bool

    def check_demo(self, *others: tuple[str, object]) -> None:
        """--demo brings its own endpoint and region: refuse options that name another."""
        given: list[tuple[str, object]] = [
            ("--endpoint", self.endpoint),
            ("--profile", self.profile),
            ("--vpc", self.vpc),
            ("--region", self.region),
            *others,
        ]
        named = [name for name, value in given if value]
        if self.demo and named:
            raise click.UsageError(f"--demo serves its own samples; drop {', '.join(named)}")

    def flags(self) -> tuple[str, ...]:
        """The options that say where the groups live, to repeat in a suggested command."""
        if self.demo:
            return ("--demo",)
        named = (("--region", self.region), ("--profile", self.profile))
        found = [part for flag, value in named if value for part in (flag, value)]
        if self.endpoint:
            found += ["--endpoint", self.endpoint]
        return (*found, *(("--vpc",) if self.vpc else ()))

    @contextmanager
    def open(self, now: datetime) -> Iterator[Client]:
        """The API client (for --demo, the bundled endpoint's, built around ``now``)."""
        from eci_events import library

        with library.open_client(
            demo=self.demo,
            region=self.region,
            profile=self.profile,
            endpoint=self.endpoint,
            vpc=self.vpc,
            debug=debug_log if self.debug else None,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            max_attempts=self.max_attempts,
            concurrency=self.concurrency,
            now=now,
        ) as client:
            yield client


_CONNECTION_FIELDS = tuple(f.name for f in fields(Connection))


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


@dataclass(frozen=True)
class Chosen:
    """The groups a command was asked about: ids ('-' reads stdin) and --name, or filters."""

    ids: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    zone: str | None
    vswitch: str | None
    resource_group: str | None
    name: str | None

    def check(self) -> None:
        """Ids (or a name) or filters, as kubectl refuses names with a selector: the API's
        reading of both at once is undocumented, and a group the filter left out would be
        reported as not found."""
        filters = [
            flag
            for flag, value in (
                ("--tag", self.tags),
                ("--zone", self.zone),
                ("--vswitch", self.vswitch),
                ("--resource-group", self.resource_group),
            )
            if value
        ]
        given = "container group ids" if self.ids else "--name" if self.name else None
        if filters and given:
            raise click.UsageError(
                f"give {given} or {', '.join(filters)}, not both: "
                "filters select groups instead of ids"
            )

    def query(self, ids: Sequence[str], since: int | None, source: str | None = None) -> Query:
        """The events query for ``ids`` (the ids once stdin and --name are resolved)."""
        from eci_events.sources.events_api import Query

        return Query(
            tuple(ids), self.tags, self.zone, self.vswitch, self.resource_group, since, source
        )


_CHOSEN_FIELDS = tuple(f.name for f in fields(Chosen))


def selection_options(func: F) -> F:
    """The group selection ``list`` and ``diagnose`` share, given to the command as one
    ``chosen`` argument (a ``Chosen``)."""

    @functools.wraps(func)
    def packed(*args: Any, **kwargs: Any) -> Any:
        found = {name: kwargs.pop(name) for name in _CHOSEN_FIELDS}
        return func(*args, chosen=Chosen(**found), **kwargs)

    wrapped: Any = packed
    for option in reversed(
        [
            click.argument("ids", nargs=-1, metavar="[GROUP_ID]..."),
            click.option(
                "--tag",
                "tags",
                multiple=True,
                callback=_tags,
                metavar="KEY=VALUE",
                help="Instead of ids: groups with this tag (repeatable, all must match).",
            ),
            click.option("--zone", metavar="ZONE_ID", help="Instead of ids: groups in this zone."),
            click.option(
                "--vswitch", metavar="VSW_ID", help="Instead of ids: groups in this vSwitch."
            ),
            click.option(
                "--resource-group",
                metavar="RG_ID",
                help="Instead of ids: groups in this resource group.",
            ),
            click.option(
                "--name",
                metavar="NAME",
                help="Also the groups of this name (DescribeContainerGroups' ContainerGroupName).",
            ),
        ]
    ):
        wrapped = option(wrapped)
    return wrapped


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
    """Region, credentials, endpoint and tuning: every command that calls the API. The
    command receives them as one ``connection`` argument (a ``Connection``)."""

    @functools.wraps(func)
    def packed(*args: Any, **kwargs: Any) -> Any:
        fields = {name: kwargs.pop(name) for name in _CONNECTION_FIELDS}
        return func(*args, connection=Connection(**fields), **kwargs)

    wrapped: Any = packed
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
        wrapped = option(wrapped)
    return wrapped


def note(text: str) -> None:
    """A line for stderr, escaped: it may carry a server's message or a group's name."""
    from eci_events.render.safe import escape
    from eci_events.render.terminal import note_text

    click.echo(note_text(escape(text)), err=True)


def debug_log(text: str) -> None:
    from eci_events.render.safe import escape

    click.echo(f"debug: {escape(text)}", err=True)
