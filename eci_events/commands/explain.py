"""``eci-events explain``: one reason, a message, or a cross-event rule, explained offline."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from eci_events.catalog import CONDITION_PREFIX, SECTIONS, Link, load_catalog
from eci_events.commands.options import (
    color_option,
    lang_option,
    output_option,
    severity_choice,
    width_option,
)
from eci_events.errors import InputError
from eci_events.severity import Severity


def complete_reason(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Reasons and rules from the catalog, each with its summary as help; the pod-condition
    form ``ContainerGroup.X`` completes too."""
    from click.shell_completion import CompletionItem

    lang = ctx.params.get("lang") or "en"
    prefix = incomplete.lower()
    head = ""
    if prefix.startswith(CONDITION_PREFIX):
        head, prefix = incomplete[: len(CONDITION_PREFIX)], prefix[len(CONDITION_PREFIX) :]
    catalog = load_catalog()
    found = [
        CompletionItem(head + entry.reason, help=entry.summary.get(lang) or entry.summary["en"])
        for entry in catalog
        if entry.reason.lower().startswith(prefix)
    ]
    if not head:
        found += [
            CompletionItem(rule.rule, help=rule.summary.get(lang) or rule.summary["en"])
            for rule in catalog.rules
            if rule.rule.startswith(prefix)
        ]
    return found


def complete_section(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(name) for name in SECTIONS if name.startswith(incomplete)]


@click.command()
@click.argument("reason", required=False, shell_complete=complete_reason)
@click.option("-m", "--message", help="Identify the reason and variant from a message text.")
@click.option("--all", "show_all", is_flag=True, help="List every catalog entry.")
@click.option(
    "--section",
    shell_complete=complete_section,
    help="With --all: only this section (instance, image-cache, ...).",
)
@click.option(
    "--type", "type_", type=click.Choice(["Normal", "Warning"]), help="With --all: only this type."
)
@click.option("--severity", type=severity_choice(), help="With --all: only this severity.")
@click.option("--no-headers", is_flag=True, help="With --all: omit the header row.")
@output_option(("text", "json", "markdown"), "text", "markdown: a table, with --all only.")
@width_option
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
    width: int | None,
    lang: str,
    color: str,
) -> None:
    """Explain an ECI event reason (or a cross-event rule): meaning, message variants,
    what to do, links.

    \b
    Examples:
      eci-events explain NoStock
      eci-events explain containergroup.nostock --lang ja
      eci-events explain --message '[eci.containergroup]Spot ECI will be released in 3 minutes'
      eci-events explain capacity                 # a cross-event rule of triage
      eci-events explain --all --section image-cache --severity error
    """
    if show_all:
        if reason is not None or message is not None:
            raise click.UsageError("--all lists every entry; give it without REASON or --message")
        _list_entries(section, type_, severity, no_headers, output, width, lang, color)
        return
    if reason is None and message is None:
        raise click.UsageError("give a REASON, --message TEXT or --all")
    if output == "markdown":
        raise click.UsageError("-o markdown lists entries; use it with --all")
    from eci_events import library
    from eci_events.render import explain as render

    rule = library.explain_rule(reason) if reason is not None and message is None else None
    if rule is not None:
        if output == "json":
            _echo_json(render.rule_data(rule, lang))
            return
        title = f"{rule.rule}  {_word(lang, 'rule')} · "
        _show(
            f"# {rule.rule} ({_word(lang, 'rule')}, {rule.severity.label})",
            [(title, "bold"), (rule.severity.label, _style(rule.severity))],
            render.rule_paragraphs(rule, lang),
            rule.links,
            rule.severity,
            lang,
            width,
            color,
        )
        return
    if reason is None:
        assert message is not None
        found = library.identify(message)
        if not found:
            raise InputError(
                "no catalog message template fits this message; "
                "if you know the event's reason, run: eci-events explain REASON"
            )
        match = found[0]
    else:
        match = library.explain(reason, message or "")
    entry = match.entry
    assert entry is not None
    if output == "json":
        _echo_json(render.explain_data(match, lang, message))
        return
    kind = entry.type or _word(lang, "unstated")
    _show(
        f"# {entry.reason} ({kind}, {entry.severity.label})",
        render.heading(entry.reason, kind, entry.severity),
        render.entry_paragraphs(load_catalog(), match, lang, message),
        entry.links,
        entry.severity,
        lang,
        width,
        color,
    )


def _word(lang: str, key: str) -> str:
    from eci_events.render.words import word

    return word(lang, key)


def _style(severity: Severity) -> str:
    from eci_events.render.terminal import SEVERITY_STYLES

    return SEVERITY_STYLES[severity]


def _echo_json(data: object) -> None:
    from eci_events.render.jsonout import json_text

    click.echo(json_text(data, small=True))


def _show(
    title: str,
    head: list[tuple[str, str | None]],
    paragraphs: list[tuple[str, int, str, str | None]],
    links: Sequence[Link],
    severity: Severity,
    lang: str,
    width: int | None,
    color: str,
) -> None:
    """Boxed and coloured on a terminal (or with --color always / --width), plain when piped."""
    from eci_events.render import explain as render
    from eci_events.render import layout
    from eci_events.render.terminal import (
        color_enabled,
        fit_width,
        hyperlinks,
        is_terminal,
        make_console,
    )

    stdout = sys.stdout
    colored = color_enabled(color, stdout)
    if not (is_terminal(stdout) or colored or width):
        click.echo(layout.plain(render.plain_lines(title, paragraphs, links, lang)), nl=False)
        return
    fitted = fit_width(width, stdout) or 100
    lines = render.boxed_lines(
        head,
        paragraphs,
        links,
        lang,
        fitted,
        _style(severity),
        hyperlinks(stdout),
    )
    if not colored:
        click.echo(layout.plain(lines), nl=False)
        return
    make_console(True, fitted).print(layout.rich_text(lines), end="", soft_wrap=True, crop=False)


def _list_entries(
    section: str | None,
    type_: str | None,
    severity: str | None,
    no_headers: bool,
    output: str,
    width: int | None,
    lang: str,
    color: str,
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
        _echo_json(render.catalog_data(entries, catalog.rules, lang))
        return
    if output == "markdown":
        click.echo(render.catalog_markdown(entries, lang), nl=False)
        return
    from eci_events.render import layout
    from eci_events.render.terminal import color_enabled, fit_width, make_console

    colored = color_enabled(color, sys.stdout)
    fitted = fit_width(width, sys.stdout)
    lines = render.catalog_table(entries, lang, fitted, not no_headers, colored)
    if colored:
        make_console(True, fitted).print(
            layout.rich_text(lines), end="", soft_wrap=True, crop=False
        )
    else:
        click.echo(layout.plain(lines), nl=False)
