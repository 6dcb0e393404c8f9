"""The Python library: the calls the commands make, for anyone to make.

    import eci_events
    match = eci_events.explain("NoStock")                     # catalog entry and variant
    diagnosis = eci_events.diagnose(events)                   # Events -> frozen Diagnosis
    diagnosis = eci_events.triage(["saved.json"])             # files (or "-") -> Diagnosis
    with eci_events.open_client(region="cn-hangzhou") as client:
        result = eci_events.list_events(client, eci_events.Query(ids=("eci-...",)))

Nothing here prints; renderers (eci_events.render) turn the results into text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import IO, TYPE_CHECKING

# Only light modules at import time: `eci-events explain` starts fast; the rest is
# imported by the calls that need it.
from eci_events.catalog import Catalog, Match, Rule, load_catalog
from eci_events.errors import ApiError, InputError
from eci_events.severity import Severity

if TYPE_CHECKING:
    from eci_events.analysis.diagnosis import Diagnosis
    from eci_events.annotate import Annotated, Annotator
    from eci_events.model import Event
    from eci_events.sources.client import Client
    from eci_events.sources.context_api import GroupSpec
    from eci_events.sources.events_api import Query, Result
    from eci_events.sources.pods import Selection
    from eci_events.sources.shapes import SourceSummary

__all__ = [
    "annotate",
    "diagnose",
    "diagnose_groups",
    "explain",
    "explain_rule",
    "identify",
    "list_events",
    "open_client",
    "read",
    "resolve_groups",
    "triage",
    "vpc_api_endpoint",
]


def annotator() -> Annotator:
    from eci_events.annotate import Annotator

    return Annotator(load_catalog())


def explain(reason: str, message: str = "") -> Match:
    """The catalog entry (and message variant) of a reason; InputError when unknown."""
    catalog = load_catalog()
    found = catalog.match(reason, message)
    if found.entry is None:
        close = catalog.close_matches(reason)
        hint = f"did you mean {' or '.join(close)}?" if close else "see: eci-events explain --all"
        raise InputError(f"unknown event reason {reason!r}; {hint}")
    return found


def explain_rule(name: str) -> Rule | None:
    """A cross-event rule by its id (``capacity``, ``memory``, ...), or None."""
    return load_catalog().rule(name)


def identify(message: str) -> list[Match]:
    """Every catalog entry whose message templates fit ``message``."""
    return load_catalog().identify(message)


def annotate(events: Iterable[Event]) -> list[Annotated]:
    """Events joined to the catalog: entry, variant, parameters, severity."""
    return annotator().annotate_all(events)


def read(
    paths: Sequence[str], stdin: IO[bytes] | None = None, input_format: str = "auto"
) -> Iterator[tuple[SourceSummary, Iterator[list[Event]]]]:
    """For each input (``-`` is stdin): its summary, filled in as its Events are read."""
    from eci_events.sources.reader import STDIN, open_source, read_batches, source_name
    from eci_events.sources.shapes import SourceSummary

    if list(paths).count(STDIN) > 1:
        raise InputError("stdin ('-') can be read only once")
    for path in paths:
        summary = SourceSummary(source_name(path))
        stream = open_source(path, stdin or sys.stdin.buffer)
        try:
            yield summary, read_batches(stream, summary, input_format)
        finally:
            if path != STDIN:
                stream.close()


def diagnose(
    events: Iterable[Event] | Iterable[list[Event]],
    *,
    now: datetime | None = None,
    by: str = "reason",
    min_severity: Severity = Severity.INFO,
    since_seconds: int | None = None,
    timeline: bool = False,
    sources: Sequence[SourceSummary] = (),
) -> Diagnosis:
    """A ranked diagnosis of events (or of lists of events, the fast way for large inputs)."""
    from eci_events.analysis.triage import Options, Triage, utc_now

    options = Options(
        now=now or utc_now(),
        by=by,
        min_severity=min_severity,
        since_seconds=since_seconds,
        timeline=timeline,
    )
    analysis = Triage(annotator(), options)
    for item in events:
        analysis.add_all(item if isinstance(item, list) else (item,))
    return analysis.finish(sources)


def triage(
    paths: Sequence[str],
    stdin: IO[bytes] | None = None,
    input_format: str = "auto",
    *,
    now: datetime | None = None,
    by: str = "reason",
    min_severity: Severity = Severity.INFO,
    since_seconds: int | None = None,
    timeline: bool = False,
) -> Diagnosis:
    """Read event files (``-`` is stdin) and diagnose them in one pass."""
    import gc

    summaries: list[SourceSummary] = []

    def batches() -> Iterator[list[Event]]:
        for summary, found in read(paths, stdin, input_format):
            summaries.append(summary)
            yield from found

    # Many small acyclic objects: the cycle collector would only rescan them, again and again.
    gc.disable()
    try:
        return diagnose(
            batches(),
            now=now,
            by=by,
            min_severity=min_severity,
            since_seconds=since_seconds,
            timeline=timeline,
            sources=summaries,
        )
    finally:
        gc.enable()


@contextmanager
def open_client(
    *,
    demo: bool = False,
    region: str | None = None,
    profile: str | None = None,
    endpoint: str | None = None,
    vpc: bool = False,
    debug: Callable[[str], None] | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    max_attempts: int | None = None,
    concurrency: int | None = None,
    now: datetime | None = None,
) -> Iterator[Client]:
    """An API client for the resolved region and endpoint, or for the bundled demo.

    ``demo`` serves the sample data, timed relative to ``now``, from an in-process
    loopback endpoint with a one-off key pair, for as long as the context lasts. Tuning
    left as None takes the defaults.
    """
    from eci_events.sources import client as api

    def settings(
        region_id: str, host: str, protocol: str, demo_key: tuple[str, str] | None = None
    ) -> api.Settings:
        return api.Settings(
            region_id,
            host,
            protocol,
            profile=profile,
            connect_timeout=connect_timeout or api.DEFAULT_CONNECT_TIMEOUT,
            read_timeout=read_timeout or api.DEFAULT_READ_TIMEOUT,
            max_attempts=max_attempts or api.DEFAULT_MAX_ATTEMPTS,
            concurrency=concurrency or api.DEFAULT_CONCURRENCY,
            demo_key=demo_key,
        )

    if demo:
        import secrets

        from eci_events.emulator import demo_emulator

        key_id, secret = "LTAIdemo" + secrets.token_hex(8), secrets.token_urlsafe(30)
        with demo_emulator(key_id, secret, now) as emulator:
            host = f"127.0.0.1:{emulator.port}"
            api.bypass_proxy(host, "http")
            region_id = next(iter(emulator.regions))
            yield api.Client(settings(region_id, host, "http", demo_key=(key_id, secret)), debug)
        return
    region_id = api.resolve_region(region, profile)
    default = f"{'eci-vpc' if vpc else 'eci'}.{region_id}.aliyuncs.com"
    host, protocol = api.resolve_endpoint(endpoint, default)
    if api.bypass_proxy(host, protocol) and debug:
        debug(f"proxy variables ignored for {host} (loopback or NO_PROXY)")
    yield api.Client(settings(region_id, host, protocol), debug)


def list_events(client: Client, query: Query) -> Result:
    """Every event of the query's container groups; an error only when nothing succeeded."""
    from eci_events.sources.events_api import fetch_all

    return fetch_all(client, query)


def catalog() -> Catalog:
    return load_catalog()


def resolve_groups(
    client: Client, ids: Sequence[str], name: str | None = None
) -> tuple[list[str], list[GroupSpec]]:
    """``ids`` and the groups named ``name`` (DescribeContainerGroups' ContainerGroupName),
    once each, in order; with the specifications that the name lookup brought back."""
    from eci_events.sources.context_api import describe_groups

    specs: list[GroupSpec] = []
    if name:
        specs, failures = describe_groups(client, name=name)
        if failures:
            raise ApiError(failures[0][1])
        if not specs:
            raise InputError(
                f"no container group is named {name!r} in {client.settings.region}; "
                "check the name and --region"
            )
    return list(dict.fromkeys([*ids, *(s.group_id for s in specs)])), specs


def vpc_api_endpoint(client: Client, given: str | None = None) -> tuple[str, str]:
    """(host, protocol) of the VPC API: ``given``; else, beside the region's ECI endpoint,
    the region's VPC endpoint; beside any other (a test, demo or proxy endpoint), the same."""
    from eci_events.sources import client as api

    region = client.settings.region
    if given:
        host, protocol = api.resolve_endpoint(given, "", "--vpc-api-endpoint")
    elif client.settings.host in (f"eci.{region}.aliyuncs.com", f"eci-vpc.{region}.aliyuncs.com"):
        host, protocol = f"vpc.{region}.aliyuncs.com", "https"
    else:
        host, protocol = client.settings.host, client.settings.protocol
    api.bypass_proxy(host, protocol)
    return host, protocol


def diagnose_groups(
    client: Client,
    query: Query,
    *,
    specs: Sequence[GroupSpec] = (),
    selection: Selection | None = None,
    context: bool = True,
    logs: bool = False,
    vpc_endpoint: tuple[str, str] | None = None,
    now: datetime | None = None,
    by: str = "reason",
    min_severity: Severity = Severity.INFO,
    timeline: bool = False,
) -> tuple[Diagnosis, Result]:
    """Events of the query's groups, diagnosed, with each group's live context.

    ``specs`` are groups already described (by ``resolve_groups``), ``selection`` the pods
    they came from. Context calls are made once per distinct question, in parallel; one
    that fails (a missing RAM permission, say) leaves a note naming the action and the
    rest stands. Raises like ``list_events`` only when no events could be read at all.
    """
    from dataclasses import replace

    from eci_events.sources.events_api import fetch_all
    from eci_events.sources.shapes import SourceSummary

    given = {s.group_id for s in specs}
    todo = [i for i in query.ids if i not in given]
    described = None
    if context and todo:  # described while their events are read; --concurrency bounds both
        from eci_events.live import Described

        described = Described(client, todo)
    result = fetch_all(client, query)
    summary = SourceSummary(
        f"{client.settings.region} (DescribeContainerGroupEvents)",
        format="api",
        shapes={"api": 1},
        documents=result.requests,
        events=len(result.events),
        failed_groups=sum(len(f.group_ids) for f in result.failed),
    )
    diagnosis = diagnose(
        result.events,
        now=now,
        by=by,
        min_severity=min_severity,
        timeline=timeline,
        sources=[summary],
    )
    # The API applied --since (SinceSecond); recorded, not applied again by our clock.
    diagnosis = replace(diagnosis, since_seconds=query.since)
    if not context:
        return diagnosis, result
    from eci_events.live import gather

    # Ids the events API did not know are noted already; their context is not asked for.
    absent = set(result.missing)
    ids = [i for i in query.ids if i not in absent] or list(
        dict.fromkeys(g.group_id for g in result.groups if g.group_id)
    )
    vpc = vpc_endpoint or vpc_api_endpoint(client)
    live = gather(
        client,
        ids,
        result.events,
        specs,
        selection,
        logs=logs,
        vpc_endpoint=vpc,
        described=described,
    )
    return replace(diagnosis, context=live), result
