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

from timctl.cli.lazy import LazyCommands

L, M, D, T, V, P, A = (f"timctl.cli.groups_{m}" for m in
                       ("lifecycle", "members", "data", "topics", "live", "perm", "apply"))
# name -> (module registering it, its one-line help): `groups --help` imports none of them
COMMANDS = {
    "create": (L, "Create a group and print its ID."),
    "list": (L, "List every group of the app (paged through), with type, name and size."),
    "info": (L, "Show groups' profiles (50 per call)."),
    "update": (L, "Change a group's profile; only the fields given change."),
    "destroy": (L, "Dismiss groups with their members and history."),
    "transfer": (L, "Make a member the group's owner (the old owner stays, as a Member)."),
    "joined": (L, "List the groups a user is in, with the user's role."),
    "online-count": (L, "How many members of a live group (AVChatRoom) are online now."),
    "members": (M, "List, add, remove and change the members of a group."),
    "mute": (M, "Mute members of a group (500 per call) for a time."),
    "unmute": (M, "Lift members' mute in a group (500 per call)."),
    "muted": (M, "List a group's muted members and when each mute ends."),
    "ban": (M, "Ban users from a live group (AVChatRoom; 20 per call)."),
    "unban": (M, "Lift bans in a live group (AVChatRoom; 20 per call)."),
    "banned": (M, "List the users banned from a live group and when each ban ends."),
    "attrs": (D, "Group attributes: up to 16 key/value pairs per group."),
    "counters": (D, "Group counters: up to 20 signed 64-bit values per group."),
    "topics": (T, "Topics of a community (a Community group created with topics)."),
    "live": (V, "Live groups (AVChatRoom): online members, their marks, live admins."),
    "perm-groups": (P, "Permission groups of a community and their members."),
    "apply": (A, "Make groups, their members, roles and attributes match a file."),
    "export": (A, "Write groups in the file format of `groups apply`."),
}


@click.group(cls=LazyCommands, lazy=COMMANDS)
def groups() -> None:
    """Create, inspect and provision groups, their members and data."""
