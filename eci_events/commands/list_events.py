"""``eci-events list``: live events through the ECI SDK (placeholder until issue 3 lands)."""

from __future__ import annotations

import click


@click.command(name="list")
def list_events() -> None:
    """List the events of ECI container groups, explained."""
    raise click.UsageError("list is not available yet")
