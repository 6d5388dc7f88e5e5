"""Handlers of live groups (group_open_avchatroom_http_svc).

Documented: AVChatRoom only (10007 otherwise); get_members pages with Timestamp 0 first and
NextTimestamp 0 at the end, lists only the newest 1000 online joiners, Mark filters by mark,
members marked 600 are hidden unless asked for by that mark; modify_user_info (CommandType 1
set, 2 remove; <= 500 members) takes marks >= 1000 plus the App admin's 500 and 600, at most
10 distinct marks per group, answers only members that are online, and fails when none is;
modify_admin appoints (1) or removes (2) live admins, at most 5 a group, who need not be in
the group and stay admins across leave and re-join; get_admin_list answers Admin_List;
check_members answers the subset of Member_Account that is in the group.
Inferred: a page holds 250 members (the newer page; the 2023 page said 500); NextTimestamp is
the position of the next page; the failure codes the pages do not name (every target offline,
a sixth admin, an eleventh mark) are 10004; one mark on at most 1000 users is not enforced.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.groups.common import target
from timctl.emulator.services.live import queries
from timctl.emulator.services.profile import queries as profiles

PAGE = 250
LISTED = 1000  # only the newest 1000 online joiners are listed
MAX_ADMINS = 5
MAX_MARKS = 10
MAX_TARGETS = 500
SPECIAL_MARKS = (500, 600)  # 500: kept online; 600: hidden from the online list
HIDDEN = 600
MIN_MARK = 1000


def _live_group(ctx: Context, body: dict[str, Any]) -> str:
    return target(ctx, body, only=("AVChatRoom",),
                  what="live-group APIs (AVChatRoom only)").group_id


def _command(ctx: Context, body: dict[str, Any]) -> int:
    command = body.get("CommandType")
    if command not in (1, 2) or not is_int(command):
        raise ctx.bad_param("CommandType must be 1 (set) or 2 (remove)")
    return int(command)


def _user_ids(ctx: Context, body: dict[str, Any], field: str) -> list[str]:
    users = body.get(field)
    if not isinstance(users, list) or not users or not all(is_user_id(u) for u in users):
        raise ctx.bad_param(f"{field} is required: a non-empty array of UserIDs")
    return list(dict.fromkeys(users))


def _card(ctx: Context, user_id: str) -> dict[str, Any]:
    values = profiles.get_values(ctx.db, ctx.sdkappid, user_id,
                                 ("Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"))
    return {"NickName": values.get("Tag_Profile_IM_Nick", ""),
            "Avatar": values.get("Tag_Profile_IM_Image", "")}


@handler("group_open_avchatroom_http_svc/get_members")
def get_members(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    start, mark = body.get("Timestamp"), body.get("Mark")
    if not is_int(start) or start < 0:
        raise ctx.bad_param("Timestamp is required: 0 first, then the NextTimestamp answered")
    if mark is not None and not is_int(mark):
        raise ctx.bad_param("Mark must be an integer")
    group_id = _live_group(ctx, body)
    marked = queries.marks(ctx.db, ctx.sdkappid, group_id)
    members = [(u, t) for u, t in queries.online(ctx.db, ctx.sdkappid, group_id)[:LISTED]
               if (mark in marked.get(u, ()) if mark is not None
                   else HIDDEN not in marked.get(u, ()))]
    page = members[start:start + PAGE]
    rows = [{"Member_Account": u, "JoinTime": int(t), **_card(ctx, u)} for u, t in page]
    more = start + PAGE < len(members)
    return {"MemberList": rows, "NextTimestamp": start + PAGE if more else 0}


def _marks(ctx: Context, item: Any) -> tuple[str, list[int]]:
    user = item.get("Member_Account") if isinstance(item, dict) else None
    marks = item.get("Marks") if isinstance(item, dict) else None
    if not is_user_id(user) or not isinstance(marks, list) or not marks:
        raise ctx.bad_param("every MemberList item needs Member_Account and a non-empty Marks")
    for mark in marks:
        if not is_int(mark) or (mark < MIN_MARK and mark not in SPECIAL_MARKS):
            raise ctx.bad_param(f"mark {mark!r}: marks are integers >= {MIN_MARK} (or the"
                                " App admin's 500 and 600)")
    return user, list(dict.fromkeys(marks))


@handler("group_open_avchatroom_http_svc/modify_user_info")
def modify_user_info(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    command = _command(ctx, body)
    items = body.get("MemberList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MemberList is required: [{Member_Account, Marks}]")
    if len(items) > MAX_TARGETS:
        raise ctx.bad_param(f"MemberList holds at most {MAX_TARGETS} members")
    targets = [_marks(ctx, item) for item in items]
    group_id = _live_group(ctx, body)
    here = queries.online_among(ctx.db, ctx.sdkappid, group_id, (u for u, _ in targets))
    done = [(u, m) for u, m in targets if u in here]
    if not done:
        raise ApiFail(10004, "none of the members is online in the group")
    for user, marks in done:
        if command == 1:
            queries.add_marks(ctx.db, ctx.sdkappid, group_id, user, marks)
        else:
            queries.remove_marks(ctx.db, ctx.sdkappid, group_id, user, marks)
    distinct = {m for ms in queries.marks(ctx.db, ctx.sdkappid, group_id).values() for m in ms
                if m not in SPECIAL_MARKS}
    if len(distinct) > MAX_MARKS:
        raise ApiFail(10004, f"a live group has at most {MAX_MARKS} distinct marks")
    return {"CommandType": command,
            "MemberList": [{"Member_Account": u, "Marks": m} for u, m in done]}


@handler("group_open_avchatroom_http_svc/modify_admin")
def modify_admin(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    command = _command(ctx, body)
    users = _user_ids(ctx, body, "Admin_Account")
    group_id = _live_group(ctx, body)
    for user in users:
        if command == 1:
            queries.add_admin(ctx.db, ctx.sdkappid, group_id, user, ctx.now)
        else:
            queries.remove_admin(ctx.db, ctx.sdkappid, group_id, user)
    if len(queries.admins(ctx.db, ctx.sdkappid, group_id)) > MAX_ADMINS:
        raise ApiFail(10004, f"a live group has at most {MAX_ADMINS} admins")
    return {}


@handler("group_open_avchatroom_http_svc/get_admin_list")
def get_admin_list(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group_id = _live_group(ctx, body)
    return {"Admin_List": [{"Admin_Account": u, **_card(ctx, u)}
                           for u in queries.admins(ctx.db, ctx.sdkappid, group_id)]}


@handler("group_open_avchatroom_http_svc/check_members")
def check_members(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = _user_ids(ctx, body, "Member_Account")
    group_id = _live_group(ctx, body)
    here = queries.online_among(ctx.db, ctx.sdkappid, group_id, users)
    return {"Member_Account": [u for u in users if u in here]}
