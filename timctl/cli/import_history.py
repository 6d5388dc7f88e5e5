"""timctl import-history: validate and import users, groups, members and messages (JSONL)."""

from __future__ import annotations

import click


@click.group(name="import-history")
def import_history() -> None:
    """Migrate users, groups, memberships and chat history into an app from JSONL."""
