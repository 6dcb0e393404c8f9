"""``eci-events diagnose``: events of live container groups, diagnosed, with the concrete fix
from what the API says of each group now (zones with stock, containers' ends, quota)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

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
    color_option,
    diagnosis_options,
    lang_option,
    now_option,
    output_option,
    since_option,
    width_option,
)
from eci_events.errors import ExitCode
from eci_events.severity import Severity

OUTPUTS = ("table", "json", "markdown")
KIND = "EciEventsDiagnosis"


@click.command()
@selection_options
@since_option("Only events seen in the last 30s, 10m, 2h, 1d or 1h30m (SinceSecond).")
@diagnosis_options
@click.option(
    "--no-context", is_flag=True, help="Events only: skip the calls that read the live context."
)
@click.option(
    "--logs",
    is_flag=True,
    help="Also read the last lines of each restarted container's previous run "
    "(DescribeContainerLog, 500 calls/min).",
)
@click.option(
    "--vpc-api-endpoint",
    metavar="URL",
    help="VPC API endpoint for the VPC's vSwitches; default vpc.<region>.aliyuncs.com, "
    "or the --endpoint given when that is not the region's ECI endpoint.",
)
@connection_options
@output_option(OUTPUTS, "table")
@now_option
@width_option
@color_option
@lang_option
@click.pass_context
def diagnose(
    ctx: click.Context,
    chosen: Chosen,
    since: int | None,
    by: str,
    min_severity: str,
    fail_on: str | None,
    no_context: bool,
    logs: bool,
    vpc_api_endpoint: str | None,
    connection: Connection,
    output: str,
    now: datetime | None,
    width: int | None,
    color: str,
    lang: str,
) -> None:
    """Diagnose live container groups: their events ranked, and the concrete fix.

    Selects groups like list (ids, --name, or --tag/--zone/--vswitch/--resource-group;
    '-' reads ids or 'kubectl get pods -o json|yaml' from stdin), reads their events,
    then what the API says of each group now, each question asked once: zones with stock
    for its specification and the VPC's vSwitches there (NoStock and kin), how each
    container ended (OOMKilled, BackOff), the account's vCPU and cache usage (quota
    events), spot settings and status. A part that cannot be read (a missing RAM
    permission, say) is named on stderr with its RAM action; the rest is printed.

    \b
    Exit codes: 0 ok (also when a part of the context could not be read); 1 a finding
    at or above --fail-on; 2 usage or unreadable stdin; 3 credentials or configuration;
    4 the events of some or all groups could not be read; 130 interrupted.

    \b
    Examples:
      eci-events diagnose --demo
      eci-events diagnose eci-bp1xxxx eci-bp1yyyy --region cn-hangzhou
      eci-events diagnose --name web-0 --logs
      kubectl get pods -o json | eci-events diagnose - --region cn-hangzhou
      eci-events diagnose --tag app=web -o markdown > ticket.md
    """
    from eci_events import library
    from eci_events.render.terminal import is_terminal

    chosen.check()
    if no_context and logs:
        raise click.UsageError("--logs reads the live context, which --no-context skips; drop one")
    ids, selection = read_stdin_ids(chosen.ids, lang)
    connection.check_demo(("--vpc-api-endpoint", vpc_api_endpoint))
    moment = now or datetime.now(timezone.utc)
    timeline = output == "table" and is_terminal(sys.stdout)
    with connection.open(moment) as client:
        ids, specs = library.resolve_groups(client, ids, chosen.name)
        query = chosen.query(ids, since)
        diagnosis, result = library.diagnose_groups(
            client,
            query,
            specs=specs,
            selection=selection,
            context=not no_context,
            logs=logs,
            vpc_endpoint=library.vpc_api_endpoint(client, vpc_api_endpoint),
            now=moment,
            by=by,
            min_severity=Severity.parse(min_severity),
            timeline=timeline,
        )
        region_id = client.settings.region
    from eci_events.commands.report import print_diagnosis
    from eci_events.render import notes
    from eci_events.render.context import notes as context_notes

    diagnosis = diagnosis.with_list_flags(connection.flags())
    print_diagnosis(diagnosis, output, lang, color, width, timeline, "diagnose", KIND)
    for line in notes.problems(result, region_id, lang):
        note(line)
    if diagnosis.context is not None:
        for line in context_notes(diagnosis.context, lang):
            note(line)
    if result.failed:
        ctx.exit(ExitCode.API)
    threshold = Severity.parse(fail_on) if fail_on else None
    if diagnosis.fails(threshold):
        ctx.exit(ExitCode.FINDINGS)
