"""timctl export-history: write users, groups, members and messages as import-history JSONL."""

from __future__ import annotations

import click


@click.command(name="export-history")
def export_history() -> None:
    """Export history in the JSONL format import-history reads."""
    raise click.UsageError("export-history is not built yet")
