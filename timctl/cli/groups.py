"""timctl groups (also `timctl group`): the group command group.

Commands live in modules by topic and register on `groups`:
  groups_lifecycle  create, list, info, update, destroy, transfer, joined, online-count
  groups_members    members list|add|remove|set|role, mute, unmute, muted, ban, unban, banned
  groups_data       attrs, counters, topics, live (AVChatRoom), permission groups
  groups_apply      apply -f FILE, export
"""

from __future__ import annotations

import click


@click.group()
def groups() -> None:
    """Create, inspect and provision groups, their members and data."""


# The modules below register their commands on the group above.
from timctl.cli import (  # noqa: E402, F401
    groups_apply,
    groups_data,
    groups_lifecycle,
    groups_members,
)
