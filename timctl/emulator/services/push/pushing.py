"""Creating a push task: MsgRandom dedup, the 1 s interval, the daily quota, the audience
resolved and recorded with who was online (the emulator's login state) at push time.

Documented (1047/37166, 269/45934, trtc.io 60561, 269/137903, 269/117847): all, attribute
and tag pushes share "at most 100 a day, more than 1 s apart" (90047, 90024); timpush push
allows free/trial editions 10 a day, standard and advanced 100; the same MsgRandom within 7
days is the same push task (269/45934), so a retry answers the first TaskId.
Inferred: the day is the Beijing calendar day (UTC+8); im_push and timpush push draw on one
interval and one daily count (one push service behind both), each against its own quota;
MsgRandom dedups per API; a repeat answers the task even inside the 1 s interval or over the
quota (it creates nothing). Delivery is online-only in the emulator: a push writes no
message history; who was logged in (`timctl emulator login`) is what reports count.
The 1 call/s of the endpoint rows is this rule: the rows set gateway_rate_limit=False, so
the gateway's generic 60007 (which clients retry) never answers before 90024
here. Pushing to 50,000 accounts takes about 0.9 s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from timctl.emulator.services import ApiFail, Context
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.push import tasks
from timctl.emulator.services.push.conditions import Condition, resolve

DEDUP_WINDOW = 7 * 86400
MIN_INTERVAL = 1.0  # seconds; a push must come more than this after the previous one
BEIJING = 8 * 3600
IM_PUSH_QUOTA = 100
FREE_EDITIONS = ("trial", "developer")
TIMPUSH_QUOTA = {"free": 10, "paid": 100}
COUNTED_APIS = ("all_member_push/im_push", "timpush/push")
PUSH_ONLINE_TTL = 7 * 86400  # a PushOnline login lapses after 7 days (as in accounts)


def day_start(now: float) -> float:
    """Start of the Beijing calendar day holding `now`."""
    return math.floor((now + BEIJING) / 86400) * 86400 - BEIJING


def quota(ctx: Context, api: str) -> int:
    if api == "timpush/push":
        return TIMPUSH_QUOTA["free" if ctx.app.edition in FREE_EDITIONS else "paid"]
    return IM_PUSH_QUOTA


def task_id(ctx: Context, api: str, msg_random: int | None) -> str:
    """A TaskId shaped like the documented sample 1400123456_144115212910570789_4155518400_
    15723514 (format undocumented); batch pushes start with batch_ as the sample does."""
    seq = tasks.next_seq(ctx.db)
    if api == "timpush/batch":
        return f"batch_{ctx.sdkappid}_{int(ctx.now)}_{seq}"
    return f"{ctx.sdkappid}_{144115212910000000 + seq}_{int(ctx.now)}_{msg_random or 0}"


def repeat(ctx: Context, api: str, msg_random: int) -> str | None:
    """The TaskId of the same MsgRandom within the dedup window, if any."""
    found = tasks.by_random(ctx.db, ctx.sdkappid, (api,), msg_random, ctx.now - DEDUP_WINDOW)
    return None if found is None else found.task_id


def check_rate(ctx: Context, api: str) -> None:
    last = tasks.last_counted(ctx.db, ctx.sdkappid)
    if last is not None and ctx.now - last <= MIN_INTERVAL:
        raise ApiFail(90024, "pushes too frequent: two pushes must be more than"
                             f" {MIN_INTERVAL:g} s apart")
    check_quota(ctx, api)


def check_quota(ctx: Context, api: str) -> None:
    limit = quota(ctx, api)
    if tasks.counted_since(ctx.db, ctx.sdkappid, day_start(ctx.now)) >= limit:
        raise ApiFail(90047, f"push count over today's limit ({limit} a day)")


def reach_now(ctx: Context, users: list[str]) -> dict[str, tasks.Reach]:
    """How each user is reachable now: an Online login gets the push online; PushOnline
    logins (the app in the background, kept 7 days) get it by offline push; else nothing."""
    logins = accounts.online_platforms(ctx.db, ctx.sdkappid, users)
    out: dict[str, tasks.Reach] = {}
    for user in users:
        devices = tuple((p, s) for p, s, at in logins.get(user, ())
                        if s == "Online" or ctx.now - at < PUSH_ONLINE_TTL)
        statuses = {s for _, s in devices}
        channel = "online" if "Online" in statuses else "push" if devices else ""
        out[user] = tasks.Reach(channel, devices)
    return out


def any_imported(ctx: Context, users: list[str]) -> bool:
    return bool(accounts.existing(ctx.db, ctx.sdkappid, users))


def create(ctx: Context, api: str, body: Mapping[str, Any], *, msg_random: int | None,
           cond: Condition | None, users: list[str] | None = None,
           from_account: str | None = None, sched_task: int | None = None) -> str:
    """Record a push task and its audience (the condition's, or `users` ∩ imported);
    returns its TaskId. The caller has checked the body, the dedup and the rate."""
    if users is None:
        recipients = resolve(ctx, cond or Condition())
        form = (cond or Condition()).form
    else:
        present = accounts.existing(ctx.db, ctx.sdkappid, users)
        recipients = [u for u in dict.fromkeys(users) if u in present]
        form = "users"
    new_id = task_id(ctx, api, msg_random)
    condition = body.get("Condition") if isinstance(body.get("Condition"), dict) else None
    tasks.add(ctx.db, ctx.sdkappid, new_id, api, counted=api in COUNTED_APIS,
              msg_random=msg_random, now=ctx.now, from_account=from_account or ctx.identifier,
              audience=form, condition=condition, request=dict(body),
              recipients=reach_now(ctx, recipients), sched_task=sched_task)
    return new_id
