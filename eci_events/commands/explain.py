"""``eci-events explain``: one reason, or a message, explained offline from the catalog."""

from __future__ import annotations

import json
import sys

import click

from eci_events.catalog import Match, Severity, load_catalog
from eci_events.commands.options import color_option, lang_option, severity_choice
from eci_events.errors import InputError
from eci_events.terminal import color_enabled, is_terminal


def complete_reason(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Reasons from the catalog, each with its summary as help."""
    from click.shell_completion import CompletionItem

    lang = ctx.params.get("lang") or "en"
    prefix = incomplete.lower()
    return [
        CompletionItem(entry.reason, help=entry.summary.get(lang) or entry.summary["en"])
        for entry in load_catalog()
        if entry.reason.lower().startswith(prefix)
    ]


def _find(reason: str | None, message: str | None) -> Match:
    catalog = load_catalog()
    if reason is None:
        assert message is not None
        found = catalog.identify(message)
        if not found:
            raise InputError(
                "no catalog message template fits this message; "
                "if you know the event's reason, run: eci-events explain REASON"
            )
        return found[0]
    match = catalog.match(reason, message or "")
    if match.entry is None:
        close = catalog.close_matches(reason)
        hint = f"did you mean {' or '.join(close)}?" if close else "see: eci-events explain --all"
        raise InputError(f"unknown event reason {reason!r}; {hint}")
    return match


@click.command()
@click.argument("reason", required=False, shell_complete=complete_reason)
@click.option("-m", "--message", help="Identify the reason and variant from a message text.")
@click.option("--all", "show_all", is_flag=True, help="List every catalog entry.")
@click.option("--section", help="With --all: only this section (instance, image-cache, ...).")
@click.option(
    "--type", "type_", type=click.Choice(["Normal", "Warning"]), help="With --all: only this type."
)
@click.option("--severity", type=severity_choice(), help="With --all: only this severity.")
@click.option("--no-headers", is_flag=True, help="With --all: omit the header row.")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: a table, with --all only.",
)
@lang_option
@color_option
def explain(
    reason: str | None,
    message: str | None,
    show_all: bool,
    section: str | None,
    type_: str | None,
    severity: str | None,
    no_headers: bool,
    output: str,
    lang: str,
    color: str,
) -> None:
    """Explain an ECI event reason: meaning, message variants, what to do, links.

    \b
    Examples:
      eci-events explain NoStock
      eci-events explain containergroup.nostock --lang ja
      eci-events explain --message '[eci.containergroup]Spot ECI will be released in 3 minutes'
      eci-events explain --all --section image-cache --severity error
    """
    if show_all:
        _list_entries(section, type_, severity, no_headers, output, lang)
        return
    if reason is None and message is None:
        raise click.UsageError("give a REASON, --message TEXT or --all")
    if output == "markdown":
        raise click.UsageError("-o markdown lists entries; use it with --all")
    match = _find(reason, message)
    catalog = load_catalog()
    if output == "json":
        from eci_events.render.explain import explain_data

        data = explain_data(catalog, match, lang, message)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    stdout = sys.stdout
    if is_terminal(stdout) or color == "always":
        from eci_events.render.explain import explain_panel
        from eci_events.terminal import make_console

        make_console(color_enabled(color, stdout)).print(
            explain_panel(catalog, match, lang, message)
        )
        return
    from eci_events.render.explain import explain_lines

    click.echo("\n".join(explain_lines(catalog, match, lang, message)))


def _list_entries(
    section: str | None,
    type_: str | None,
    severity: str | None,
    no_headers: bool,
    output: str,
    lang: str,
) -> None:
    catalog = load_catalog()
    if section is not None and section not in catalog.sections:
        raise InputError(f"unknown section {section!r}; choose from {', '.join(catalog.sections)}")
    entries = [
        e
        for e in catalog
        if (section is None or e.section == section)
        and (type_ is None or e.type == type_)
        and (severity is None or e.severity == Severity.parse(severity))
    ]
    from eci_events.render import explain as render

    if output == "json":
        data = render.catalog_data(catalog, entries, lang)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if output == "markdown":
        click.echo(render.catalog_markdown(entries, lang), nl=False)
        return
    from eci_events.render.columns import columns

    headers = None if no_headers else render.CATALOG_HEADERS
    click.echo(columns(render.catalog_rows(entries, lang), headers), nl=False)
