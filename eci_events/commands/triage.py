"""``eci-events triage``: a ranked diagnosis from event JSON/YAML on stdin or in files."""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Any

import click

from eci_events.commands.options import color_option, lang_option, severity_choice, since_option
from eci_events.errors import ExitCode, InputError

if TYPE_CHECKING:
    from eci_events.triage import SourceSummary, Triage


def _now(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
    if value is None:
        return None
    from eci_events.timefmt import parse_time

    moment = parse_time(value)
    if moment is None:
        raise click.BadParameter(f"{value!r} is not an RFC 3339 time like 2025-06-01T08:00:00Z")
    return moment


@click.command()
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.option(
    "--input-format",
    type=click.Choice(["auto", "json", "ndjson", "yaml"]),
    default="auto",
    show_default=True,
    help="Force the input format instead of detecting it.",
)
@click.option(
    "--by",
    type=click.Choice(["reason", "group"]),
    default="reason",
    show_default=True,
    help="One finding per reason across groups, or per reason within each container group.",
)
@click.option(
    "--min-severity",
    type=severity_choice(),
    default="info",
    show_default=True,
    help="Show findings and conclusions at or above this severity (every output format).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["warning", "error", "critical"], case_sensitive=False),
    help="Exit 1 when any finding is at or above this severity (for CI).",
)
@since_option("Only events last seen within this long before now: 30s, 10m, 2h, 1d.")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option("--now", "now", callback=_now, hidden=True, help="Pretend it is this time (tests).")
@lang_option
@color_option
@click.pass_context
def triage(
    ctx: click.Context,
    files: tuple[str, ...],
    input_format: str,
    by: str,
    min_severity: str,
    fail_on: str | None,
    since: int | None,
    output: str,
    now: object,
    lang: str,
    color: str,
) -> None:
    """Diagnose ECI events from stdin or files: what is wrong, how bad, what to do first.

    Reads the DescribeContainerGroupEvents response (aliyun CLI, SDK, camelCase docs),
    kubectl get events -o json|yaml (core/v1 and events.k8s.io/v1), JSON arrays, NDJSON,
    and eci-events list -o json|ndjson. FILE '-' is stdin.

    \b
    Examples:
      aliyun eci DescribeContainerGroupEvents --RegionId cn-hangzhou | eci-events triage
      kubectl get events -A -o json | eci-events triage --min-severity warning
      eci-events triage saved.json --by group -o markdown
      eci-events list -o ndjson eci-bp1xxxx | eci-events triage --fail-on error

    \b
    Exit codes: 0 ok; 1 a finding at or above --fail-on; 2 usage error or unreadable input.
    """
    from datetime import datetime

    from eci_events.catalog import Severity, load_catalog
    from eci_events.inputs import STDIN
    from eci_events.terminal import is_terminal
    from eci_events.triage import Options, Triage, utc_now

    stdin = _binary(sys.stdin)
    paths = list(files) or [STDIN]
    if paths.count(STDIN) > 1:
        raise InputError("stdin ('-') can be read only once")
    if not files and is_terminal(sys.stdin):
        from eci_events.inputs import PIPE_HINT

        raise InputError(PIPE_HINT)
    moment = now if isinstance(now, datetime) else utc_now()
    # The timeline is drawn only in the table on a terminal; other outputs skip its upkeep.
    timeline = output == "table" and is_terminal(sys.stdout)
    options = Options(
        now=moment,
        lang=lang,
        by=by,
        min_severity=Severity.parse(min_severity),
        since_seconds=since,
        timeline=timeline,
    )
    analysis = Triage(load_catalog(), options)
    summaries: list[SourceSummary] = []
    import gc

    # Many small acyclic objects: the cycle collector would only rescan them, again and again.
    gc.disable()
    try:
        _read_all(paths, stdin, input_format, analysis, summaries)
        diagnosis = analysis.finish(summaries)
        _print(diagnosis, output, color, timeline)
    finally:
        gc.enable()
    threshold = Severity.parse(fail_on) if fail_on else None
    if diagnosis.fails(threshold):
        ctx.exit(ExitCode.FINDINGS)


def _read_all(
    paths: list[str],
    stdin: IO[bytes],
    input_format: str,
    analysis: Triage,
    summaries: list[SourceSummary],
) -> None:
    from eci_events.inputs import STDIN, Source, open_source, read_batches, source_name
    from eci_events.triage import SourceSummary

    for path in paths:
        source = Source(source_name(path))
        stream = open_source(path, stdin)
        try:
            for batch in read_batches(stream, source, input_format):
                analysis.add_all(batch)
        finally:
            if path != STDIN:
                stream.close()
        tally = source.tally
        summaries.append(
            SourceSummary(
                name=source.name,
                format=source.format,
                shapes=tuple(tally.shapes),
                documents=tally.documents,
                events=tally.events,
                ignored=tally.ignored,
                truncated_groups=tally.truncated_groups,
                failed_groups=tally.failed_groups,
            )
        )


def _print(diagnosis: object, output: str, color: str, timeline: bool) -> None:
    from eci_events.render import triage as render
    from eci_events.terminal import color_enabled
    from eci_events.triage import Diagnosis

    assert isinstance(diagnosis, Diagnosis)
    stdout = sys.stdout
    if output == "json":
        out = _binary(sys.stdout)
        out.write(_json_bytes(render.diagnosis_data(diagnosis)))
        out.flush()
        return
    if output == "markdown":
        click.echo(_safe(render.markdown(diagnosis)), nl=False)
        return
    from eci_events.terminal import make_console

    colored = color_enabled(color, stdout)
    console = make_console(colored)
    lines = render.table_lines(diagnosis, console.width, timeline=timeline)
    if not colored:
        click.echo(_safe(render.plain(lines)), nl=False)
        return
    console.print(render.rich_text(lines), end="", soft_wrap=True, crop=False)


def _json_bytes(data: object) -> bytes:
    """Indented UTF-8 JSON and a newline; lone surrogates (from YAML escapes) as \\uXXXX."""
    import msgspec

    try:
        compact = msgspec.json.encode(data)
    except (UnicodeEncodeError, msgspec.EncodeError):
        import json

        return json.dumps(data, ensure_ascii=True, indent=2).encode("ascii") + b"\n"
    del data
    return msgspec.json.format(compact, indent=2) + b"\n"


def _binary(stream: Any) -> IO[bytes]:
    """The byte stream under a text stream (stdin/stdout as the CLI or CliRunner set them)."""
    buffer: IO[bytes] = getattr(stream, "buffer", stream)
    return buffer


def _safe(text: str) -> str:
    """Text that any UTF-8 stream can take (lone surrogates become U+FFFD)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text
