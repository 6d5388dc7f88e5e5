"""timctl push: all-member, tag and attribute pushes, audiences, the timpush service.

The shared rules and flags are in push_common.py; the commands in push_send.py (send),
push_audience.py (attr-names, attrs, tags), push_timpush.py (batch, revoke, report) and
push_schedule.py (schedule).
"""

from __future__ import annotations

import click


@click.group()
def push() -> None:
    """Push to all users or by tag/attribute; manage audiences and scheduled pushes.

    \b
    timctl push send --text "v2.0 is out" --tags-and beta --idempotency-key release-2.0
    timctl push tags add -f beta-users.csv --tag beta
    timctl push attr-names set 0=city 1=level
    timctl push attrs set alice bob --attr city=Shenzhen
    """


# The commands register on the group above.
from timctl.cli import push_audience, push_schedule, push_send, push_timpush  # noqa: E402, F401
