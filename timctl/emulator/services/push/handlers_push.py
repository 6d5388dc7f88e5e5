"""all_member_push/im_push (1047/37166, 269/45934) and timpush/push (trtc.io 60561,
269/45933): push to everyone, by tags or by attributes, answering a TaskId.

Documented codes: MsgRandom missing or not an integer 90005; MsgBody not an array 90007,
not a valid message 90002; MsgLifeTime over 7 days 90026 (im_push); the timpush request
body over 10 KB 90056; the condition codes (conditions.py); 90024, 90047 and the MsgRandom
dedup (pushing.py). Inferred: timpush push needs MsgBody or OfflinePushInfo (the pages show
notification-only pushes), else 90002; other malformed fields are 90001.
"""

from __future__ import annotations

import json
from typing import Any

from timctl import msgbody
from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.push import pushing
from timctl.emulator.services.push.conditions import Condition, parse
from timctl.emulator.services.push.sched import due_first

MSG_LIFETIME_MAX = 604800
MAX_BODY_BYTES = 10 * 1024  # timpush push (269/117847: 90056)


def msg_random(body: dict[str, Any]) -> int:
    value = body.get("MsgRandom")
    if not is_int(value) or not 0 <= value <= 0xFFFFFFFF:
        raise ApiFail(90005, "MsgRandom is required: a 32-bit unsigned integer")
    return int(value)


def check_msg_body(body: dict[str, Any], required: bool) -> None:
    value = body.get("MsgBody")
    if value is None and not required:
        return
    if not isinstance(value, list):
        raise ApiFail(90007, "MsgBody must be an array of {MsgType, MsgContent} elements")
    problems = msgbody.problems(value)
    if problems:
        raise ApiFail(90002, "MsgBody is not a valid message: " + problems[0])


def _offline_push_info(body: dict[str, Any], required: bool = False) -> None:
    info = body.get("OfflinePushInfo")
    if (info is None and required) or (info is not None and not isinstance(info, dict)):
        raise ApiFail(90001, "OfflinePushInfo must be an object"
                             + (" and is required" if required else ""))


def _from_account(body: dict[str, Any], required: bool) -> str | None:
    sender = body.get("From_Account")
    if sender is None and not required:
        return None
    if not is_user_id(sender):
        raise ApiFail(90001, "From_Account must be a UserID string")
    return str(sender)


def _repeat(ctx: Context, api: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The answer of a repeat: the same MsgRandom within 7 days is the same push task, even
    if what it refers to changed since (a renamed attribute, the day's quota used up)."""
    same = pushing.repeat(ctx, api, msg_random(body))
    return None if same is None else {"TaskId": same}


def push_task(ctx: Context, api: str, body: dict[str, Any], cond: Condition,
              sender: str | None) -> dict[str, Any]:
    """Rate and quota, then the task: the shared tail of both push APIs."""
    pushing.check_rate(ctx, api)
    return {"TaskId": pushing.create(ctx, api, body, msg_random=msg_random(body), cond=cond,
                                     from_account=sender)}


@handler("all_member_push/im_push")
@due_first
def im_push(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    api = "all_member_push/im_push"
    same = _repeat(ctx, api, body)
    if same is not None:  # a retry after a lost answer
        return same
    check_msg_body(body, required=True)
    life = body.get("MsgLifeTime", 0)
    if not is_int(life) or not 0 <= life <= MSG_LIFETIME_MAX:
        raise ApiFail(90026, f"MsgLifeTime must be 0-{MSG_LIFETIME_MAX} seconds (7 days)")
    sender = _from_account(body, required=False)
    _offline_push_info(body)
    cond = parse(ctx, body.get("Condition"))
    return push_task(ctx, api, body, cond, sender)


def check_timpush(ctx: Context, body: dict[str, Any]) -> tuple[Condition, str | None]:
    """The checks of a timpush push body (also a scheduled task's Content)."""
    size = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_BODY_BYTES:
        raise ApiFail(90056, f"the push request body is {size} bytes; at most 10 K")
    sender = _from_account(body, required=True)
    flag = body.get("OnlineOnlyFlag", 0)
    if flag not in (0, 1) or not is_int(flag):
        raise ApiFail(90001, "OnlineOnlyFlag must be 0 or 1")
    if body.get("MsgBody") is None and body.get("OfflinePushInfo") is None:
        raise ApiFail(90002, "a push needs MsgBody or OfflinePushInfo")
    check_msg_body(body, required=False)
    _offline_push_info(body)
    return parse(ctx, body.get("Condition")), sender


@handler("timpush/push")
@due_first
def timpush_push(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    api = "timpush/push"
    same = _repeat(ctx, api, body)
    if same is not None:
        return same
    cond, sender = check_timpush(ctx, body)
    return push_task(ctx, api, body, cond, sender)
