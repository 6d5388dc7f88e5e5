"""timctl push send: one push to every user, or to a tag or attribute audience.

Facts: im_push (1047/37166, 269/45934) and timpush/push (1047/60561, 269/100634): Condition
holds TagsAnd/TagsOr (at most 10 tags each, 90032; a tag at most 50 bytes, 90020; not empty,
90040; one tag in both lists, 90022) or AttrsAnd/AttrsOr (attribute NAME -> value), never
tags and attributes together (90039); no Condition = every user. MsgRandom is the task's
identity for 7 days: the same value is the same task, so a retry with it pushes once. Pushes
must be more than 1 s apart (90024), 100 a day by default (90047). im_push: MsgLifeTime
0..604800, default 0 = online users only. timpush/push: From_Account required, MsgBody
optional (a notification-only push), OnlineOnlyFlag 1 = no roaming, conversation or unread.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.messages_body import (
    CUSTOM_FLAGS,
    ELEMENT_FLAGS,
    body_options,
    message_fields,
    message_options,
)
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.cli.push import push
from timctl.cli.push_common import (
    AMP,
    TIMPUSH,
    audience_from,
    audience_options,
    endpoint,
    service_option,
)
from timctl.errors import UsageError

MAX_LIFETIME = 604800  # 7 days (90026)
UINT32 = 2**32
SEND_COLUMNS = ["TaskId", "Service", "MsgRandom"]
# message_options flags that are not fields of a push: hidden on push commands, refused.
NOT_PUSH_FLAGS = {"cloud_data": "--cloud-data", "no_unread": "--no-unread",
                  "no_last_msg": "--no-last-msg"}


def hide_not_push(cmd: click.Command) -> click.Command:
    """Hide message_options' non-push flags from a push command's help."""
    for param in cmd.params:
        if param.name in NOT_PUSH_FLAGS and isinstance(param, click.Option):
            param.hidden = True
    return cmd


def push_fields(flags: dict[str, Any], *, body_optional: bool) -> dict[str, Any]:
    """MsgBody and OfflinePushInfo from the shared body flags (checked by msgbody rules).
    With body_optional (timpush), no element flag and no --body means a notification-only
    push, which then needs a push title or text."""
    for name, flag in NOT_PUSH_FLAGS.items():
        if flags.get(name):
            raise UsageError(f"{flag} is not a field of a push")
        flags.pop(name, None)
    given = flags.get("body_source") is not None or any(
        flags.get(n) not in (None, ()) for n in (*ELEMENT_FLAGS, *CUSTOM_FLAGS))
    if given or not body_optional:
        return message_fields(flags)
    for name in (*ELEMENT_FLAGS, *CUSTOM_FLAGS, "body_source"):
        flags.pop(name, None)
    info = {k: v for k, v in (("Title", flags.pop("push_title", None)),
                              ("Desc", flags.pop("push_desc", None)),
                              ("Ext", flags.pop("push_ext", None))) if v is not None}
    if flags.pop("no_push", False):
        raise UsageError("--no-push with no message body leaves nothing to push")
    if not info.get("Title") and not info.get("Desc"):
        raise UsageError("no message body: give --text (or another element flag), --body, or "
                         "(timpush) a notification: --push-title/--push-desc")
    return {"OfflinePushInfo": info}


def idempotent_random(service: str, key: str) -> int:
    """MsgRandom derived from the key: the same key makes the same push task for the 7-day
    dedup window, so a cron retry (or a rerun after a lost answer) pushes once. 0 is never
    used (it reads as unset)."""
    digest = hashlib.sha256(f"timctl-push\0{service}\0{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % (UINT32 - 1) + 1


@hide_not_push
@push.command("send")
@service_option
@audience_options
@click.option("--from", "sender", metavar="USERID",
              help="Shown to receivers as the sender (default: the admin).")
@body_options
@message_options
@click.option("--lifetime", type=click.IntRange(0, MAX_LIFETIME), metavar="SECONDS",
              help="all_member_push: offline storage, at most 604800 (7 days); the API's "
                   "default 0 reaches online users only.")
@click.option("--online-only", is_flag=True,
              help="Online users only: MsgLifeTime 0 (all_member_push), or OnlineOnlyFlag 1 "
                   "(timpush: no conversation, roaming or unread count).")
@click.option("--idempotency-key", "idem_key", metavar="KEY",
              help="Derive MsgRandom from KEY: the same command run again within 7 days "
                   "(a cron retry) returns the same task and pushes nothing twice. Put the "
                   "date in the key for pushes that repeat (release-2026-11-23).")
@output_options(known=SEND_COLUMNS)
@dry_run_option
@pass_app
def send(app: AppContext, service: str, sender: str | None, lifetime: int | None,
         online_only: bool, idem_key: str | None, **flags: Any) -> None:
    """Push one message to every user (--all, the default), or to users with tags
    (--tags-and/--tags-or) or attributes (--attr/--attr-or); prints the push task ID.

    The audience and the body are checked against the documented rules first (at most 10
    tags, no tags with attributes, ...): exit 2, nothing sent. MsgRandom is fixed before
    the first attempt, so a retry after a lost answer is the same task (one push); with
    --idempotency-key it is derived from the key, so a rerun of the same cron job is too.

    \b
    timctl push send --text "Maintenance tonight" --lifetime 86400
    timctl push send --tags-and beta --text "v2.0 is out" --idempotency-key v2.0-beta
    timctl push send --attr city=Shenzhen --attr level=gold --push-title Hi --text "..."
    timctl push send --service timpush --tags-or ios --push-title News --push-desc "Read it"
    """
    from timctl.cli.inputs import check_user_id

    if idem_key is not None and not idem_key.strip():
        raise UsageError("--idempotency-key: give a non-empty key")
    cond = audience_from(flags)
    fields = push_fields(flags, body_optional=service == TIMPUSH)
    body: dict[str, Any] = {}
    if sender is not None:
        body["From_Account"] = check_user_id(sender, "--from")
    elif service == TIMPUSH:  # required there; the admin is what im_push defaults to
        body["From_Account"] = app.settings().admin
    if service == AMP:
        if online_only and lifetime not in (None, 0):
            raise UsageError("--online-only and --lifetime N > 0 contradict each other")
        if lifetime is not None or online_only:
            body["MsgLifeTime"] = 0 if online_only else lifetime
    else:
        if lifetime is not None:
            raise UsageError("--lifetime is an all_member_push field; timpush stores pushes "
                             "as messages (--online-only to not store them)")
        if online_only:
            body["OnlineOnlyFlag"] = 1
    # Fixed here, before the first attempt (the client would do it too), so it can be shown
    body["MsgRandom"] = (idempotent_random(service, idem_key) if idem_key is not None
                         else secrets.randbelow(UINT32 - 1) + 1)
    body.update(fields)
    if cond is not None:
        body["Condition"] = cond
    answer = app.call(endpoint(service, "push"), body)
    if answer is None:
        return  # --dry-run printed the request
    app.emit({"TaskId": answer.get("TaskId"), "Service": service,
              "MsgRandom": body.get("MsgRandom")}, columns=SEND_COLUMNS)
