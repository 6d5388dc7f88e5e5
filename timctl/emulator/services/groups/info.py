"""get_group_info (1047/34961), modify_group_base_info (34962), get_joined_group_list (34925).

Documented: at most 50 groups a call, each answered with its own ErrorCode (10010 for a group
that is gone); with a ResponseFilter only what it lists comes back (GroupBaseInfoFilter,
MemberInfoFilter, AppDefinedDataFilter_Group, AppDefinedDataFilter_GroupMember); live groups
give base info only. modify_group_base_info changes only what is given, bumps InfoSeq and
LastInfoTime, takes MuteAllMember (legacy ShutUpAllMember), removes a custom key whose Value
is ""; Name/Introduction/Notification/FaceUrl changes leave a tip, mute-all and join options
are silent. From_Account acts as that user: Work members may change the four texts, Public,
Meeting and Community owners and admins, AVChatRoom owners (10007 otherwise). Fixed join
policies (Work, Meeting, AVChatRoom, Community) and AVChatRoom's invite policy cannot change
(10007, inferred). get_joined_group_list hides AVChatRooms unless WithHugeGroups=1 and Work
groups without a message yet from their non-owners unless WithNoActiveGroups=1.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.groups import common, queries, render
from timctl.emulator.services.groups.common import GROUP_DATA, NO_PERMISSION
from timctl.emulator.services.groups.create import APPLY, FIXED_APPLY, INVITE
from timctl.emulator.services.groups.queries import Group

MAX_GROUPS = 50
_TEXTS = {"Name": "name", "Introduction": "introduction", "Notification": "notification",
          "FaceUrl": "face_url"}


def _filter(ctx: Context, spec: dict[str, Any], name: str) -> list[str] | None:
    if name not in spec:
        return None
    value = render.string_list(spec[name])
    if value is None:
        raise ctx.bad_param(f"ResponseFilter.{name} must be an array of strings")
    return value


@handler("group_open_http_svc/get_group_info")
def get_group_info(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    ids = body.get("GroupIdList")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ctx.bad_param("GroupIdList is required: a non-empty array of group IDs")
    if len(ids) > MAX_GROUPS:
        raise ApiFail(common.TOO_MANY, f"GroupIdList has {len(ids)} groups; at most"
                                       f" {MAX_GROUPS}")
    spec = body.get("ResponseFilter")
    if spec is not None and not isinstance(spec, dict):
        raise ctx.bad_param("ResponseFilter must be an object")
    filtered = spec is not None
    spec = spec or {}
    base_f = _filter(ctx, spec, "GroupBaseInfoFilter")
    member_f = _filter(ctx, spec, "MemberInfoFilter")
    data_f = _filter(ctx, spec, "AppDefinedDataFilter_Group")
    mdata_f = _filter(ctx, spec, "AppDefinedDataFilter_GroupMember")
    out = []
    for group_id in ids:
        group = queries.find_group(ctx.db, ctx.sdkappid, group_id)
        if group is None:
            out.append({"GroupId": group_id, "ErrorCode": common.GONE,
                        "ErrorInfo": "group does not exist or has been dismissed"})
            continue
        item: dict[str, Any] = {"GroupId": group_id, "ErrorCode": 0, "ErrorInfo": ""}
        if not filtered or base_f is not None:
            item.update(render.base(ctx.db, ctx.sdkappid, group, base_f))
        if not filtered:  # the documented sample gives Appid after Name
            item = _after(item, "Name", "Appid", ctx.sdkappid)
        if not filtered or data_f is not None:
            item["AppDefinedData"] = common.data_items(group.app_data, data_f)
        if group.type != "AVChatRoom" and (not filtered or member_f is not None
                                           or mdata_f is not None):
            mutes = queries.mute_until(ctx.db, ctx.sdkappid, group_id, ctx.now)
            item["MemberList"] = [
                render.member(m, mutes.get(m.user_id, 0), member_f if filtered else None,
                              mdata_f if filtered else None)
                for m in queries.members(ctx.db, ctx.sdkappid, group_id)]
        out.append(item)
    return {"GroupInfo": out}


def _after(item: dict[str, Any], key: str, new: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in item.items():
        out[k] = v
        if k == key:
            out[new] = value
    return out


def _may_edit(ctx: Context, group: Group, actor: str, fields: set[str]) -> None:
    """Whether From_Account `actor` may change `fields` (see the module docstring)."""
    role = queries.member_role(ctx.db, ctx.sdkappid, group.group_id, actor)
    if group.type == "Private":
        allowed = role is not None and (role == "Owner" or fields <= set(_TEXTS))
    elif group.type == "AVChatRoom":
        allowed = actor == group.owner
    else:
        allowed = role in ("Owner", "Admin")
    if not allowed:
        raise ApiFail(NO_PERMISSION, f"{actor!r} may not change these fields of this"
                                     f" {group.type} group")


@handler("group_open_http_svc/modify_group_base_info")
def modify_group_base_info(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body)
    changes: dict[str, Any] = {}
    for field, column in _TEXTS.items():
        value = common.text_field(ctx, body, field)
        if value is not None:
            if field == "Name" and not value:
                raise ctx.bad_param("Name must not be empty")
            changes[column] = value
    if "MaxMemberNum" in body and group.type != "AVChatRoom":  # documented: ignored there
        ceiling = common.member_ceiling(ctx.app.edition, group.type)
        value = body["MaxMemberNum"]
        count = queries.member_count(ctx.db, ctx.sdkappid, group.group_id)
        if not is_int(value) or not max(count, 1) <= value <= ceiling:
            raise ctx.bad_param(f"MaxMemberNum must be {max(count, 1)}..{ceiling} (the"
                                " members it has .. the edition's ceiling)")
        changes["max_members"] = value
    if "ApplyJoinOption" in body:
        if body["ApplyJoinOption"] not in APPLY:
            raise ctx.bad_param(f"ApplyJoinOption must be one of {APPLY}")
        if group.type in FIXED_APPLY:
            raise ApiFail(NO_PERMISSION, f"{group.type} groups have a fixed join policy")
        changes["apply_join"] = body["ApplyJoinOption"]
    if "InviteJoinOption" in body:
        if body["InviteJoinOption"] not in INVITE:
            raise ctx.bad_param(f"InviteJoinOption must be one of {INVITE}")
        if group.type == "AVChatRoom":
            raise ApiFail(NO_PERMISSION, "AVChatRoom groups take no InviteJoinOption")
        changes["invite_join"] = body["InviteJoinOption"]
    mute_all = common.on_off(ctx, body, "MuteAllMember", "ShutUpAllMember")
    if mute_all is not None:
        changes["mute_all"] = mute_all
    app_data = None
    if "AppDefinedData" in body:
        app_data = common.custom_data(ctx, body["AppDefinedData"], "AppDefinedData",
                                      GROUP_DATA, group.app_data)
    actor = ctx.identifier
    if "From_Account" in body:
        actor = common.user_field(ctx, body, "From_Account")
        common.must_exist(ctx, [actor])
        fields = {f for f in body if f not in ("GroupId", "From_Account")}
        _may_edit(ctx, group, actor, fields)
    if not changes and app_data is None:
        return {}
    queries.update_group(ctx.db, ctx.sdkappid, group.group_id, ctx.now, changes, app_data)
    shown = {f: changes[c] for f, c in _TEXTS.items()
             if c in changes and changes[c] != getattr(group, c)}
    if shown:
        common.tip(ctx.db, ctx.sdkappid, group, "group_info", actor, [], ctx.now, shown)
    return {}


def _activated(ctx: Context, group: Group) -> bool:
    """A Work group is active once it has a message: a MsgSeq taken by other than a tip."""
    return group.next_msg_seq - 1 > queries.tip_count(ctx.db, ctx.sdkappid, group.group_id)


@handler("group_open_http_svc/get_joined_group_list")
def get_joined_group_list(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user = common.user_field(ctx, body, "Member_Account")
    limit = body.get("Limit")
    offset = body.get("Offset", 0)
    if limit is not None and (not is_int(limit) or not 1 <= limit <= 5000):
        raise ctx.bad_param("Limit must be an integer 1..5000")
    if not is_int(offset) or offset < 0:
        raise ctx.bad_param("Offset must be an integer 0 or more")
    group_type = body.get("GroupType")
    if group_type is not None and group_type not in common.TYPES:
        raise ctx.bad_param(f"GroupType must be one of {', '.join(common.TYPES)}")
    huge = common.flag(ctx, body, "WithHugeGroups")
    inactive = common.flag(ctx, body, "WithNoActiveGroups")
    topics = common.flag(ctx, body, "SupportTopic")
    if topics and group_type != "Community":
        raise ctx.bad_param("SupportTopic=1 needs GroupType \"Community\"")
    spec = body.get("ResponseFilter", {})
    if not isinstance(spec, dict):
        raise ctx.bad_param("ResponseFilter must be an object")
    base_f = _filter(ctx, spec, "GroupBaseInfoFilter")
    self_f = _filter(ctx, spec, "SelfInfoFilter")
    rows = []
    for group, member in queries.joined_groups(ctx.db, ctx.sdkappid, user):
        if group_type and group.type != group_type:
            continue
        if group.type == "AVChatRoom" and not huge and group_type != "AVChatRoom":
            continue
        if (group.type == "Private" and not inactive and member.role != "Owner"
                and not _activated(ctx, group)):
            continue
        if topics and not group.support_topic:
            continue
        rows.append((group, member))
    page = rows[offset:] if limit is None else rows[offset:offset + limit]
    items = []
    for group, member in page:
        item: dict[str, Any] = {"GroupId": group.group_id}
        if base_f is not None:
            item.update(render.base(ctx.db, ctx.sdkappid, group, base_f))
        if self_f is not None:
            mute = queries.mute_until(ctx.db, ctx.sdkappid, group.group_id, ctx.now)
            mine = render.member(member, mute.get(user, 0), self_f, [])
            mine.pop("Member_Account")
            mine.pop("AppMemberDefinedData", None)
            if "UnreadMsgNum" in self_f:
                mine["UnreadMsgNum"] = 0  # the emulator keeps no unread counts here
            item["SelfInfo"] = mine
        items.append(item)
    return {"TotalCount": len(rows), "GroupIdList": items}
