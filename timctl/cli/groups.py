"""timctl groups (also `timctl group`): the group command group.

Commands live in modules by topic and register on `groups`:
  groups_lifecycle  create, list, info, update, destroy, transfer, joined, online-count
  groups_members    members list|add|remove|set|role, mute, unmute, muted, ban, unban, banned
  groups_data       attrs get|set|modify|delete|clear, counters get|set|incr|decr|delete
  groups_topics     topics create|list|update|destroy (communities)
  groups_live       live members|admins|admin|mark|check (AVChatRoom)
  groups_perm       perm-groups create|list|update|destroy, members, topics (communities)
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
    groups_live,
    groups_members,
    groups_perm,
    groups_topics,
)
