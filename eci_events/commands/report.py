"""Writing a Diagnosis to stdout in the chosen output: shared by ``triage`` and ``diagnose``."""

from __future__ import annotations

import sys

import click

from eci_events.analysis.diagnosis import Diagnosis
from eci_events.catalog import load_catalog


def print_diagnosis(
    diagnosis: Diagnosis,
    output: str,
    lang: str,
    color: str,
    width: int | None,
    timeline: bool,
    command: str = "triage",
    kind: str | None = None,
) -> None:
    catalog = load_catalog()
    if output == "json":
        from eci_events.render.jsonout import json_bytes
        from eci_events.render.triage_data import KIND, diagnosis_data

        data = diagnosis_data(diagnosis, catalog, lang, kind or KIND)
        out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        encoded = json_bytes(data) + b"\n"
        if out is None:
            click.echo(encoded.decode(), nl=False)
        else:
            out.write(encoded)
            out.flush()
        return
    if output == "markdown":
        from eci_events.render.triage_markdown import report

        click.echo(_safe(report(diagnosis, catalog, lang, command)), nl=False)
        return
    from eci_events.render.layout import plain, rich_text
    from eci_events.render.terminal import color_enabled, make_console, prose_width
    from eci_events.render.triage_text import report_lines

    stdout = sys.stdout
    colored = color_enabled(color, stdout)
    fitted = prose_width(width, stdout)
    lines = report_lines(diagnosis, catalog, lang, fitted, timeline, command)
    if not colored:
        click.echo(_safe(plain(lines)), nl=False)
        return
    make_console(True, fitted).print(rich_text(lines), end="", soft_wrap=True, crop=False)


def _safe(text: str) -> str:
    """Text that any UTF-8 stream can take (lone surrogates become U+FFFD)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text
