"""``eci-events triage``: a ranked diagnosis from event JSON (placeholder until issue 4 lands)."""

from __future__ import annotations

import click


@click.command()
def triage() -> None:
    """Diagnose events read from stdin or files."""
    raise click.UsageError("triage is not available yet")
