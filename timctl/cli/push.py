"""timctl push: all-member, tag and attribute pushes, audiences, the timpush service.

The shared rules and flags are in push_common.py; the commands in push_send.py (send),
push_audience.py (attr-names, attrs, tags), push_timpush.py (batch, revoke, report) and
push_schedule.py (schedule).
"""

from __future__ import annotations

import click

from timctl.cli.lazy import LazyCommands

AUD, SEND, TP, SCHED = (f"timctl.cli.push_{m}" for m in
                        ("audience", "send", "timpush", "schedule"))
# name -> (module registering it, its one-line help): `push --help` imports none of them
COMMANDS = {
    "send": (SEND, "Push one message to every user, or to users with tags or attributes."),
    "tags": (AUD, "Users' tags (targets of --tags-and/--tags-or)."),
    "attrs": (AUD, "Users' attribute values (targets of --attr/--attr-or)."),
    "attr-names": (AUD, "The app's attribute slots (0-9) and their names."),
    "batch": (TP, "Push a notification to listed users (timpush), 500 a call."),
    "revoke": (TP, "Recall a push task (timpush, at most 24 h old)."),
    "report": (TP, "Delivery reports of push tasks (timpush; the last 7 days)."),
    "schedule": (SCHED, "Scheduled pushes (timpush): created now, pushed at a UTC time."),
}


@click.group(cls=LazyCommands, lazy=COMMANDS)
def push() -> None:
    """Push to all users or by tag/attribute; manage audiences and scheduled pushes.

    \b
    timctl push send --text "v2.0 is out" --tags-and beta --idempotency-key release-2.0
    timctl push tags add -f beta-users.csv --tag beta
    timctl push attr-names set 0=city 1=level
    timctl push attrs set alice bob --attr city=Shenzhen
    """
