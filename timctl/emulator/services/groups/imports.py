"""Migration APIs: import_group (1047/34967) and import_group_member (34969).

Documented: no callbacks and no notices (so no tips); AVChatRoom refuses both (10007);
import_group takes a past CreateTime and MaxMemberCount defaults to 2000 (a Community's to
its ceiling); import_group_member takes at most 300 members (10005), each with Role (only
"Admin"), JoinTime (after the group's CreateTime and before now, else that member fails:
Result 0) and UnreadMsgNum (above the group's message count it is that count); Result 0
failed, 1 imported, 2 already a member.
Inferred: a member whose account does not exist fails (Result 0); the unread count is kept as
the member's read MsgSeq, as set_unread_msg_num keeps it (unread = newest MsgSeq - read
MsgSeq).
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.groups import common, queries
from timctl.emulator.services.groups.create import make_group

MAX_IMPORT = 300


@handler("group_open_http_svc/import_group")
def import_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return {"GroupId": make_group(ctx, body, imported=True).group_id}


def _item(ctx: Context, item: Any, group_type: str) -> tuple[str, str, float | None, int]:
    user, role = common.member_item(ctx, item, group_type)
    joined = item.get("JoinTime")
    if joined is not None and not is_int(joined):
        raise ctx.bad_param("JoinTime must be a Unix time")
    unread = item.get("UnreadMsgNum", 0)
    if not is_int(unread) or unread < 0:
        raise ctx.bad_param("UnreadMsgNum must be an integer 0 or more")
    return user, role, None if joined is None else float(joined), int(unread)


@handler("group_open_http_svc/import_group_member")
def import_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body, refuse=("AVChatRoom",), what="importing members")
    items = body.get("MemberList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MemberList is required: [{\"Member_Account\": ...}, ...]")
    if len(items) > MAX_IMPORT:
        raise ApiFail(common.TOO_MANY, f"MemberList has {len(items)} members; at most"
                                       f" {MAX_IMPORT}")
    wanted = [_item(ctx, item, group.type) for item in items]
    users = [u for u, _, _, _ in wanted]
    known = accounts.existing(ctx.db, ctx.sdkappid, users)
    present = queries.find_members(ctx.db, ctx.sdkappid, group.group_id, users)
    count = queries.member_count(ctx.db, ctx.sdkappid, group.group_id)
    results: dict[str, int] = {}
    newest = group.next_msg_seq - 1
    for user, role, joined, unread in wanted:
        if user in results:
            continue
        if user in present:
            results[user] = 2
            continue
        when = ctx.now if joined is None else joined
        in_range = joined is None or group.created_at < joined < ctx.now
        room = not group.max_members or count < group.max_members
        if user not in known or not in_range or not room:
            results[user] = 0
            continue
        queries.add_member(ctx.db, ctx.sdkappid, group.group_id, user, role, when,
                           msg_seq=newest - min(unread, newest))
        count += 1
        results[user] = 1
    return {"MemberList": [{"Member_Account": u, "Result": r} for u, r in results.items()]}
