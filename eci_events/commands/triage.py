"""``eci-events triage``: a ranked diagnosis from event JSON/YAML on stdin or in files."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from eci_events.commands.options import (
    color_option,
    diagnosis_options,
    lang_option,
    now_option,
    output_option,
    since_option,
    width_option,
)
from eci_events.errors import ExitCode, InputError
from eci_events.severity import Severity

OUTPUTS = ("table", "json", "markdown")
INPUT_FORMATS = ("auto", "json", "ndjson", "yaml")


@click.command()
@click.argument("files", nargs=-1, metavar="[FILE]...", type=click.Path())
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="Force the input format instead of detecting it.",
)
@diagnosis_options
@since_option("Only events last seen within this long before now: 30s, 10m, 2h, 1d, 1h30m.")
@output_option(OUTPUTS, "table")
@now_option
@width_option
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
    now: datetime | None,
    width: int | None,
    lang: str,
    color: str,
) -> None:
    """Diagnose ECI events from stdin or files: what is wrong, how bad, what to do first.

    Reads the DescribeContainerGroupEvents response (aliyun CLI, SDK, camelCase docs),
    DescribeContainerGroups/DescribeImageCaches output, kubectl get events -o json|yaml
    (core/v1, events.k8s.io/v1, -w watch events), eventrouter, OpenTelemetry and
    Metricbeat records, JSON arrays, NDJSON, and eci-events list -o json|ndjson. FILE '-'
    is stdin. Copies of the same event (same uid) are counted once.

    \b
    Examples:
      aliyun eci DescribeContainerGroupEvents --RegionId cn-hangzhou | eci-events triage
      kubectl get events -A -o json | eci-events triage --min-severity warning
      eci-events triage saved.json --by group -o markdown
      eci-events list -o ndjson eci-bp1xxxx | eci-events triage --fail-on error

    \b
    Exit codes: 0 ok; 1 a finding at or above --fail-on; 2 usage error or unreadable
    input; 4 the input says container groups could not be read (list failures carried
    in its -o json or -o ndjson output): the diagnosis is printed, but incomplete.
    """
    from eci_events import library
    from eci_events.render.terminal import is_terminal

    if not files and is_terminal(sys.stdin):
        from eci_events.sources.reader import PIPE_HINT

        raise InputError(PIPE_HINT)
    # The timeline is drawn only in the table on a terminal; other outputs skip its upkeep.
    timeline = output == "table" and is_terminal(sys.stdout)
    diagnosis = library.triage(
        list(files) or ["-"],
        sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None,
        input_format,
        now=now,
        by=by,
        min_severity=Severity.parse(min_severity),
        since_seconds=since,
        timeline=timeline,
    )
    from eci_events.commands.report import print_diagnosis

    print_diagnosis(diagnosis, output, lang, color, width, timeline)
    if diagnosis.failed_groups:
        from eci_events.render.words import count, word

        groups = count(lang, diagnosis.failed_groups, "group")
        click.echo(word(lang, "incomplete", groups=groups), err=True)
        ctx.exit(ExitCode.API)
    threshold = Severity.parse(fail_on) if fail_on else None
    if diagnosis.fails(threshold):
        ctx.exit(ExitCode.FINDINGS)
