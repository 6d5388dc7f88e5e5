"""destroy_group (1047/34896), change_group_owner (34966), get_appid_group_list (34960),
get_online_member_num (38521).

Documented: a dismissed group answers 10010 afterwards (its ID may then be used again -
inferred from 10025's text); the App admin may dismiss any group, Work groups included;
AVChatRoom has no transfer (10007); the new owner must already be a member (the code is not
documented: 10004 inferred) and the previous owner becomes an ordinary Member (inferred from
the SDKs); get_appid_group_list pages with an opaque uint64 Next (0 first and when done),
Limit at most 10000, TotalCount the count of the type filtered for; the online headcount is
for AVChatRoom only (10007 otherwise).
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import Context, handler, is_int
from timctl.emulator.services.groups import common, queries
from timctl.emulator.services.live import queries as live

LIST_TYPES = (*common.TYPES, "BChatRoom")  # BChatRoom: a legacy filter value, never created


@handler("group_open_http_svc/destroy_group")
def destroy_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body)
    queries.delete_group(ctx.db, ctx.sdkappid, group.group_id)
    return {}


@handler("group_open_http_svc/change_group_owner")
def change_group_owner(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    new_owner = common.user_field(ctx, body, "NewOwner_Account")
    group = common.target(ctx, body, refuse=("AVChatRoom",), what="transferring ownership")
    if queries.member_role(ctx.db, ctx.sdkappid, group.group_id, new_owner) is None:
        raise ctx.bad_param(f"the new owner {new_owner!r} must be a member of the group")
    if new_owner == group.owner:
        return {}
    if group.owner:
        queries.update_member(ctx.db, ctx.sdkappid, group.group_id, group.owner,
                              {"role": "Member"})
    queries.update_member(ctx.db, ctx.sdkappid, group.group_id, new_owner, {"role": "Owner"})
    queries.update_group(ctx.db, ctx.sdkappid, group.group_id, ctx.now, {"owner": new_owner})
    common.tip(ctx.db, ctx.sdkappid, group, "group_info", ctx.identifier, [new_owner], ctx.now,
               {"Owner_Account": new_owner})
    return {}


@handler("group_open_http_svc/get_appid_group_list")
def get_appid_group_list(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    limit = body.get("Limit", 10000)
    if not is_int(limit) or not 1 <= limit <= 10000:
        raise ctx.bad_param("Limit must be an integer 1..10000")
    cursor = body.get("Next", 0)
    if not is_int(cursor) or cursor < 0:
        raise ctx.bad_param("Next must be 0 or the Next of the previous page")
    group_type = body.get("GroupType", "")
    if group_type != "" and group_type not in LIST_TYPES:  # "": no filter (older clients)
        raise ctx.bad_param(f"GroupType must be one of {', '.join(LIST_TYPES)}")
    rows = queries.list_groups(ctx.db, ctx.sdkappid, cursor, limit + 1, group_type or None)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"TotalCount": queries.count_groups(ctx.db, ctx.sdkappid, group_type or None),
            "GroupIdList": [{"GroupId": gid} for _, gid in rows],
            "Next": rows[-1][0] if more else 0}


@handler("group_open_http_svc/get_online_member_num")
def get_online_member_num(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body, refuse=tuple(t for t in common.TYPES
                                                  if t != "AVChatRoom"),
                          what="the online headcount (AVChatRoom only)")
    return {"OnlineMemberNum": live.online_count(ctx.db, ctx.sdkappid, group.group_id)}
