"""Handlers of permission groups (group_open_http_svc).

Documented (trtc.io/document/61232-61235, 61240-61242; 269/103966-103976): Communities only;
custom IDs "@PMG#_" + a custom part, generated ones "@PMG#_@PMG#" + random; PermissionGroupName
<= 150 bytes (required on create), Permission an integer bitmask (required on create),
CustomString <= 3000 bytes; destroy answers per ID in PermissionGroupResultList (at most 20);
get_permission_group lists all (Limit <= 20, Next "" first) or PermissionGroupIdList in
PermissionGroupInfoList; members are added and removed 100 at a time, removing a user not in
the permission group still succeeds; the member list pages with Next, Limit <= 50.
Inferred: other group types answer 10007; a taken ID 10021; an unknown permission group 10010
(per item in destroy); a custom part is printable ASCII and must not start with "@PMG#"; add
answers Result 1 added, 2 already in it, 0 not a community member; MemberList items are
{"Member_Account"} objects (plain UserIDs are accepted too); Next is the position after
which the next page starts; members who left the community are not listed.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id, utf8_len
from timctl.emulator.services.groups import queries as groups
from timctl.emulator.services.permission_groups import queries
from timctl.emulator.services.permission_groups.lookup import community, permission_group

PREFIX = "@PMG#_"
GENERATED = "@PMG#_@PMG#"
NAME_BYTES, CUSTOM_BYTES = 150, 3000
MAX_DESTROY, MAX_MEMBERS = 20, 100
PAGE_GROUPS, PAGE_MEMBERS = 20, 50
ID_CHARS = string.ascii_uppercase + string.digits


def _values(ctx: Context, body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = body.get("PermissionGroupName")
    if name is not None or creating:
        if not isinstance(name, str) or not name or utf8_len(name) > NAME_BYTES:
            raise ctx.bad_param(f"PermissionGroupName is a string of 1-{NAME_BYTES} bytes")
        values["PermissionGroupName"] = name
    permission = body.get("Permission")
    if permission is not None or creating:
        if not is_int(permission) or not 0 <= permission < 2**64:
            raise ctx.bad_param("Permission is an unsigned integer bitmask")
        values["Permission"] = permission
    custom = body.get("CustomString")
    if custom is not None:
        if not isinstance(custom, str) or utf8_len(custom) > CUSTOM_BYTES:
            raise ctx.bad_param(f"CustomString is a string of at most {CUSTOM_BYTES} bytes")
        values["CustomString"] = custom
    return values


def _cursor(ctx: Context, body: dict[str, Any], page_max: int) -> tuple[int, int]:
    limit, next_ = body.get("Limit", page_max), body.get("Next", "")
    if not is_int(limit) or not 1 <= limit <= page_max:
        raise ctx.bad_param(f"Limit is 1..{page_max}")
    if not isinstance(next_, str) or (next_ and not next_.isdigit()):
        raise ctx.bad_param('Next is "" first, then the Next answered')
    return int(next_ or 0), limit


@handler("group_open_http_svc/create_permission_group")
def create_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    values = _values(ctx, body, creating=True)
    custom = body.get("PermissionGroupId")
    if custom is not None:
        part = custom[len(PREFIX):] if isinstance(custom, str) else ""
        if (not isinstance(custom, str) or not custom.startswith(PREFIX) or not part
                or part.startswith("@PMG#") or any(not " " <= c <= "~" for c in part)):
            raise ctx.bad_param(f"a custom PermissionGroupId is {PREFIX!r} + a printable"
                                " ASCII part (not starting with '@PMG#')")
    group_id = community(ctx, body)
    if custom is not None:
        if queries.find(ctx.db, ctx.sdkappid, group_id, custom) is not None:
            raise ApiFail(10021, f"permission group ID {custom!r} is already taken")
        pmg_id = custom
    else:
        while True:
            pmg_id = GENERATED + "".join(secrets.choice(ID_CHARS) for _ in range(10))
            if queries.find(ctx.db, ctx.sdkappid, group_id, pmg_id) is None:
                break
    queries.create(ctx.db, ctx.sdkappid, group_id, pmg_id, values)
    return {"PermissionGroupId": pmg_id}


@handler("group_open_http_svc/modify_permission_group")
def modify_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    values = _values(ctx, body, creating=False)
    group_id = community(ctx, body)
    pmg_id = permission_group(ctx, body, group_id)
    queries.update(ctx.db, ctx.sdkappid, group_id, pmg_id, values)
    return {}


@handler("group_open_http_svc/destroy_permission_group")
def destroy_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    ids = body.get("PermissionGroupIdList")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ctx.bad_param("PermissionGroupIdList is required: permission group IDs")
    if len(ids) > MAX_DESTROY:
        raise ApiFail(10005, f"at most {MAX_DESTROY} permission groups per call")
    group_id = community(ctx, body)
    results = []
    for pmg_id in dict.fromkeys(ids):
        gone = queries.delete(ctx.db, ctx.sdkappid, group_id, pmg_id)
        results.append({"PermissionGroupId": pmg_id, "ErrorCode": 0 if gone else 10010,
                        "ErrorInfo": "" if gone else "permission group does not exist"})
    return {"PermissionGroupResultList": results}


@handler("group_open_http_svc/get_permission_group")
def get_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    wanted = body.get("PermissionGroupIdList")
    if wanted is not None and (not isinstance(wanted, list)
                               or not all(isinstance(i, str) for i in wanted)):
        raise ctx.bad_param("PermissionGroupIdList must be an array of IDs")
    after, limit = _cursor(ctx, body, PAGE_GROUPS)
    group_id = community(ctx, body)
    if wanted:
        found = [queries.find(ctx.db, ctx.sdkappid, group_id, i) for i in dict.fromkeys(wanted)]
        return {"PermissionGroupInfoList": [f for f in found if f is not None]}
    rows = queries.page(ctx.db, ctx.sdkappid, group_id, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"PermissionGroupInfoList": [info for _, info in rows],
            "Next": str(rows[-1][0]) if more else ""}


def _member_ids(ctx: Context, body: dict[str, Any]) -> list[str]:
    items = body.get("MemberList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MemberList is required: [{Member_Account}]")
    if len(items) > MAX_MEMBERS:
        raise ApiFail(10005, f"at most {MAX_MEMBERS} members per call")
    users: list[str] = []
    for item in items:
        user = item.get("Member_Account") if isinstance(item, dict) else item
        if not is_user_id(user):
            raise ctx.bad_param("every MemberList item needs a Member_Account UserID")
        users.append(user)
    return list(dict.fromkeys(users))


@handler("group_open_http_svc/add_permission_group_member")
def add_permission_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = _member_ids(ctx, body)
    group_id = community(ctx, body)
    pmg_id = permission_group(ctx, body, group_id)
    results = []
    for user in users:
        if groups.member_role(ctx.db, ctx.sdkappid, group_id, user) is None:
            result = 0
        else:
            result = 1 if queries.add_member(ctx.db, ctx.sdkappid, group_id, pmg_id, user) else 2
        results.append({"Member_Account": user, "Result": result})
    return {"MemberList": results}


@handler("group_open_http_svc/delete_permission_group_member")
def delete_permission_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = _member_ids(ctx, body)
    group_id = community(ctx, body)
    pmg_id = permission_group(ctx, body, group_id)
    for user in users:
        queries.remove_member(ctx.db, ctx.sdkappid, group_id, pmg_id, user)
    return {}


@handler("group_open_http_svc/get_permission_group_member_list")
def get_permission_group_member_list(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    after, limit = _cursor(ctx, body, PAGE_MEMBERS)
    group_id = community(ctx, body)
    pmg_id = permission_group(ctx, body, group_id)
    rows = queries.members(ctx.db, ctx.sdkappid, group_id, pmg_id, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    listed = []
    for _, user in rows:
        role = groups.member_role(ctx.db, ctx.sdkappid, group_id, user)
        if role is not None:  # left the community since: no longer listed
            listed.append({"Member_Account": user, "Role": role})
    return {"MemberList": listed, "Next": str(rows[-1][0]) if more else ""}


# The topic-permission handlers register when this module is loaded.
from timctl.emulator.services.permission_groups import topic_permissions  # noqa: E402, F401
