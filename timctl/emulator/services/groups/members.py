"""get_group_member_info (1047/34948), add_group_member (34921), delete_group_member
(34949), modify_group_member_info (34900), get_role_in_group (34963).

Documented: AVChatRoom members are not kept by REST (add 10007, member info 10007, roles
10007, removal 10004); Communities page members with a string Next ("" first and last, Limit
at most 100, no Offset), other types with Offset/Limit (Limit: settings); add answers a
Result per member (1 added, 2 already a member; 0 failed, 3 pending are documented too),
10014 when the group would overflow, Silence=1 leaves no tip; removing a non-member
succeeds; the owner's role cannot change (change_group_owner does that), Role only
Admin/Member and only where a type has admins; MuteTime (legacy ShutUpTime) 0 unmutes, not in
Work groups (10007); get_role_in_group answers NotMember for others.
Inferred: a user that does not exist gets Result 0 (10019 when no user in the call exists);
the App admin adds directly, so Result 3 does not arise; removing the owner 10004; a target
that is not a member 10004.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.groups import common, queries, render, settings
from timctl.emulator.services.groups.common import MEMBER_DATA, NO_PERMISSION
from timctl.emulator.services.groups.queries import FOREVER

ROLES = ("Owner", "Admin", "Member")
MSG_FLAGS = ("AcceptAndNotify", "AcceptNotNotify", "Discard")
COMMUNITY_PAGE = 100


def _filters(ctx: Context, body: dict[str, Any]) -> tuple[list[str] | None, list[str],
                                                         list[str] | None]:
    out: list[list[str] | None] = []
    for name in ("MemberInfoFilter", "MemberRoleFilter", "AppDefinedDataFilter_GroupMember"):
        value = body.get(name)
        if value is not None and render.string_list(value) is None:
            raise ctx.bad_param(f"{name} must be an array of strings")
        out.append(value)
    roles = out[1] or []
    if any(r not in ROLES for r in roles):
        raise ctx.bad_param(f"MemberRoleFilter values are {', '.join(ROLES)}")
    return out[0], roles, out[2]


@handler("group_open_http_svc/get_group_member_info")
def get_group_member_info(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body, refuse=("AVChatRoom",), what="member lists (members"
                                                                   " join from the SDK)")
    fields, roles, data_keys = _filters(ctx, body)
    community = group.type == "Community"
    most = COMMUNITY_PAGE if community else settings.call_limit(ctx.db, ctx.sdkappid,
                                                                 "MemberPageLimit")
    limit = body.get("Limit")
    if limit is not None and (not is_int(limit) or not 1 <= limit <= most):
        raise ctx.bad_param(f"Limit must be an integer 1..{most}")
    offset = body.get("Offset", 0)
    if not is_int(offset) or offset < 0:
        raise ctx.bad_param("Offset must be an integer 0 or more")
    after = 0
    if community:
        if offset:
            raise ctx.bad_param("Communities page with Next, not Offset")
        cursor = body.get("Next", "")
        if not isinstance(cursor, str) or (cursor and not cursor.isdigit()):
            raise ctx.bad_param("Next must be \"\" or the Next of the previous page")
        after, offset = int(cursor or 0), 0
        limit = limit or most
    page = queries.members(ctx.db, ctx.sdkappid, group.group_id, roles, after=after,
                           offset=offset, limit=None if limit is None else limit + 1)
    more = limit is not None and len(page) > limit
    page = page[:limit] if limit is not None else page
    mutes = queries.mute_until(ctx.db, ctx.sdkappid, group.group_id, ctx.now)
    out: dict[str, Any] = {
        "MemberNum": queries.member_count(ctx.db, ctx.sdkappid, group.group_id),
        "MemberList": [render.member(m, mutes.get(m.user_id, 0), fields, data_keys)
                       for m in page]}
    if community:
        out["Next"] = str(page[-1].row_id) if more else ""
    return out


@handler("group_open_http_svc/add_group_member")
def add_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body, refuse=("AVChatRoom",),
                          what="adding members (members join from the SDK)")
    items = body.get("MemberList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MemberList is required: [{\"Member_Account\": ...}, ...]")
    most = settings.call_limit(ctx.db, ctx.sdkappid, "AddMembersPerCall")
    if len(items) > most:
        raise ApiFail(common.TOO_MANY, f"MemberList has {len(items)} members; at most {most}")
    silence = common.flag(ctx, body, "Silence")
    users = []
    for item in items:
        if not isinstance(item, dict):
            raise ctx.bad_param("MemberList items are {\"Member_Account\": ...} objects")
        users.append(common.user_field(ctx, item, "Member_Account"))
    users = list(dict.fromkeys(users))
    known = accounts.existing(ctx.db, ctx.sdkappid, users)
    if not known:
        raise ApiFail(common.NO_ACCOUNT, "none of the accounts exists (not imported)")
    present = queries.find_members(ctx.db, ctx.sdkappid, group.group_id, users)
    new = [u for u in users if u in known and u not in present]
    count = queries.member_count(ctx.db, ctx.sdkappid, group.group_id)
    if group.max_members and count + len(new) > group.max_members:
        raise ApiFail(common.GROUP_FULL, f"the group is full: {count} of {group.max_members}"
                                         f" members, {len(new)} to add")
    for user in new:
        queries.add_member(ctx.db, ctx.sdkappid, group.group_id, user, "Member", ctx.now)
    if new and not silence:
        common.tip(ctx.db, ctx.sdkappid, group, "join", ctx.identifier, new, ctx.now)
    result = {u: 1 for u in new} | {u: 2 for u in present}
    return {"MemberList": [{"Member_Account": u, "Result": result.get(u, 0)} for u in users]}


@handler("group_open_http_svc/delete_group_member")
def delete_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = common.user_list(ctx, body, "MemberToDel_Account", 100)
    group = common.target(ctx, body)
    if group.type == "AVChatRoom":  # documented: 10004 here, not 10007
        raise ctx.bad_param("AVChatRoom members cannot be removed: mute or ban them")
    silence = common.flag(ctx, body, "Silence")
    reason = body.get("Reason", "")
    if not isinstance(reason, str):
        raise ctx.bad_param("Reason must be a string")
    if group.owner and group.owner in users:
        raise ctx.bad_param("the owner cannot be removed: transfer ownership first")
    gone = [u for u in users if queries.remove_member(ctx.db, ctx.sdkappid, group.group_id, u)]
    if gone and not silence:
        common.tip(ctx.db, ctx.sdkappid, group, "kick", ctx.identifier, gone, ctx.now,
                   {"Reason": reason} if reason else None)
    return {}


@handler("group_open_http_svc/modify_group_member_info")
def modify_group_member_info(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user = common.user_field(ctx, body, "Member_Account")
    group = common.target(ctx, body, refuse=("AVChatRoom",),
                          what="member profiles (live groups keep none)")
    member = queries.find_members(ctx.db, ctx.sdkappid, group.group_id, [user]).get(user)
    if member is None:
        raise ctx.bad_param(f"{user!r} is not a member of the group")
    changes: dict[str, Any] = {}
    if "Role" in body:
        role = body["Role"]
        if role not in ("Admin", "Member"):
            raise ctx.bad_param("Role must be \"Admin\" or \"Member\"")
        if member.role == "Owner":
            raise ctx.bad_param("the owner's role cannot change: use change_group_owner")
        if role == "Admin" and group.type not in common.WITH_ADMINS:
            raise ApiFail(NO_PERMISSION, f"{group.type} groups have no admins")
        changes["role"] = role
    if "MsgFlag" in body:
        if body["MsgFlag"] not in MSG_FLAGS:
            raise ctx.bad_param(f"MsgFlag must be one of {', '.join(MSG_FLAGS)}")
        changes["msg_flag"] = body["MsgFlag"]
    if "NameCard" in body:
        card = body["NameCard"]
        if not isinstance(card, str) or len(card.encode("utf-8")) > 50:
            raise ctx.bad_param("NameCard must be a string of at most 50 bytes")
        changes["name_card"] = card
    if "AppMemberDefinedData" in body:
        changes["app_data"] = common.custom_data(ctx, body["AppMemberDefinedData"],
                                                 "AppMemberDefinedData", MEMBER_DATA,
                                                 member.app_data)
    mute = mute_time(ctx, body, required=False)
    if mute is not None and group.type == "Private":
        raise ApiFail(NO_PERMISSION, "Work (Private) groups do not support muting members")
    queries.update_member(ctx.db, ctx.sdkappid, group.group_id, user, changes)
    if changes.get("role", member.role) != member.role:
        kind = "set_admin" if changes["role"] == "Admin" else "cancel_admin"
        common.tip(ctx.db, ctx.sdkappid, group, kind, ctx.identifier, [user], ctx.now)
    if mute is not None:
        queries.set_mute(ctx.db, ctx.sdkappid, group.group_id, user, mute, ctx.now)
        common.tip(ctx.db, ctx.sdkappid, group, "member_info", ctx.identifier, [user],
                   ctx.now, {"MuteTime": mute})
    return {}


def mute_time(ctx: Context, body: dict[str, Any], *, required: bool) -> int | None:
    """MuteTime, or its legacy name ShutUpTime: seconds 0..4294967295."""
    field = "MuteTime" if "MuteTime" in body else "ShutUpTime"
    if field not in body:
        if required:
            raise ctx.bad_param("MuteTime is required: seconds (0 unmutes)")
        return None
    value = body[field]
    if not is_int(value) or not 0 <= value <= FOREVER:
        raise ctx.bad_param(f"{field} must be an integer 0..{FOREVER} (seconds)")
    return int(value)


@handler("group_open_http_svc/get_role_in_group")
def get_role_in_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = common.user_list(ctx, body, "User_Account", 500)
    group = common.target(ctx, body, refuse=("AVChatRoom",), what="member roles")
    found = queries.find_members(ctx.db, ctx.sdkappid, group.group_id, users)
    return {"UserIdList": [{"Member_Account": u,
                            "Role": found[u].role if u in found else "NotMember"}
                           for u in users]}


@handler("group_open_http_svc/get_specified_group_member_info")
def get_specified_group_member_info(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    """Profiles of given members (1047/64897): at most 50 (10005); non-members are left out
    (inferred); the same filters as get_group_member_info."""
    users = common.user_list(ctx, body, "Member_List_Account", 50)
    group = common.target(ctx, body, refuse=("AVChatRoom",),
                          what="member profiles (live groups keep none)")
    fields, roles, data_keys = _filters(ctx, body)
    found = queries.find_members(ctx.db, ctx.sdkappid, group.group_id, users)
    mutes = queries.mute_until(ctx.db, ctx.sdkappid, group.group_id, ctx.now)
    return {"GroupId": group.group_id,
            "MemberList": [render.member(found[u], mutes.get(u, 0), fields, data_keys)
                           for u in users
                           if u in found and (not roles or found[u].role in roles)]}
