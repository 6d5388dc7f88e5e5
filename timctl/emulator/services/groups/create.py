"""create_group (1047/34895): types, custom and generated IDs, owner, initial members.

Documented: Type one of the REST names (Private = Work, ChatRoom = Meeting: the SDK names are
not REST values, so they answer 10004 - inferred from the enum); custom IDs printable ASCII,
at most 48 bytes, not starting "@TGS#", except a Community's which must start "@TGS#_";
taken IDs 10021 (another owner) / 10025 (same owner); server IDs "@TGS#..." and
"@TGS#_@TGS#..." for Communities; the owner is a member from creation (not in AVChatRoom,
where everyone joins from the SDK); MemberList at most 100 (10005), Role only "Admin";
MemberList on AVChatRoom 10007; ApplyJoinOption ignored where a type has a fixed policy.
"""

from __future__ import annotations

import secrets
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.groups import common, queries
from timctl.emulator.services.groups.common import GROUP_DATA, MEMBER_DATA, NO_PERMISSION
from timctl.emulator.services.groups.queries import Group

TAKEN_BY_OTHER = 10021
TAKEN_BY_SAME = 10025
MAX_INITIAL = 100
IMPORT_DEFAULT_MAX = 2000
TRIAL_GROUPS = 100
LIVE_QUOTA = {"trial": 10, "pro": 50}
_TYPE_CHAR = {"Private": "1", "Public": "2", "ChatRoom": "3", "AVChatRoom": "a"}
_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
APPLY = ("FreeAccess", "NeedPermission", "DisableApply")
INVITE = ("FreeAccess", "NeedPermission", "DisableInvite")
# Types whose join policy is fixed (documented: Work no applying, Meeting/AVChatRoom free
# join, Community no ApplyJoinOption).
FIXED_APPLY = {"Private": "DisableApply", "ChatRoom": "FreeAccess", "AVChatRoom": "FreeAccess",
               "Community": "FreeAccess"}


def default_invite(group_type: str) -> str:
    """Work: members invite freely; other types forbid inviting by default (client docs)."""
    return "FreeAccess" if group_type == "Private" else "DisableInvite"


def check_custom_id(ctx: Context, group_id: Any, group_type: str) -> str:
    if not isinstance(group_id, str) or not group_id:
        raise ctx.bad_param("GroupId must be a non-empty string")
    if len(group_id.encode("utf-8")) > 48 or not all(0x20 <= ord(c) <= 0x7E for c in group_id):
        raise ctx.bad_param("GroupId: at most 48 printable ASCII characters")
    if group_type == "Community":
        if not group_id.startswith("@TGS#_"):
            raise ctx.bad_param("a Community's custom GroupId must start with \"@TGS#_\"")
    elif group_id.startswith("@TGS#"):
        raise ctx.bad_param("a custom GroupId must not start with \"@TGS#\" (reserved)")
    return group_id


def new_id(ctx: Context, group_type: str) -> str:
    while True:
        tail = "".join(secrets.choice(_ID_CHARS) for _ in range(8))
        if group_type == "Community":
            group_id = f"@TGS#_@TGS#c{tail}"
        else:
            group_id = f"@TGS#{_TYPE_CHAR[group_type]}{tail}"
        if not queries.group_exists(ctx.db, ctx.sdkappid, group_id):
            return group_id


def _members(ctx: Context, body: dict[str, Any], group_type: str,
             owner: str) -> list[tuple[str, str, dict[str, str]]]:
    """(user, role, custom data) of MemberList, the owner left out."""
    if "MemberList" not in body:
        return []
    items = body["MemberList"]
    if not isinstance(items, list):
        raise ctx.bad_param("MemberList must be an array of {\"Member_Account\": ...} objects")
    if group_type == "AVChatRoom" and items:
        raise ApiFail(NO_PERMISSION, "AVChatRoom members join from the SDK: MemberList is not"
                                     " allowed")
    if len(items) > MAX_INITIAL:
        raise ApiFail(common.TOO_MANY, f"MemberList has {len(items)} members; at most"
                                       f" {MAX_INITIAL}")
    out: dict[str, tuple[str, str, dict[str, str]]] = {}
    for item in items:
        user, role = common.member_item(ctx, item, group_type)
        data = common.custom_data(ctx, item.get("AppMemberDefinedData", []),
                                  "AppMemberDefinedData", MEMBER_DATA)
        if user != owner:
            out[user] = (user, role, data)
    return list(out.values())


@handler("group_open_http_svc/create_group")
def create_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = make_group(ctx, body, imported=False)
    out: dict[str, Any] = {"GroupId": group.group_id}
    if group.type == "Community":  # the documented Community sample answers these too
        out.update({"Type": group.type, "HugeGroupFlag": 0})
    return out


def _max_members(ctx: Context, body: dict[str, Any], group_type: str, imported: bool) -> int:
    ceiling = common.member_ceiling(ctx.app.edition, group_type)
    if group_type == "AVChatRoom":
        return 0  # no member cap (documented): MaxMemberCount does not apply
    default = ceiling
    if imported and group_type != "Community":
        default = min(ceiling, IMPORT_DEFAULT_MAX)  # documented: import_group defaults 2000
    value = body.get("MaxMemberCount", default)
    if not is_int(value) or not 1 <= value <= ceiling:
        raise ctx.bad_param(f"MaxMemberCount must be 1..{ceiling} for {group_type} on the"
                            f" {ctx.app.edition} edition")
    return int(value)


def _created_at(ctx: Context, body: dict[str, Any], imported: bool) -> float:
    if not imported or "CreateTime" not in body:
        return ctx.now
    value = body["CreateTime"]
    if not is_int(value) or not 0 < value <= ctx.now:
        raise ctx.bad_param("CreateTime must be a Unix time in the past")
    return float(value)


def _check_quota(ctx: Context, group_type: str) -> None:
    """Documented edition quotas: the Trial edition holds 100 groups at once (10058); live
    groups at once: Trial 10, Pro 50 (10036). Dismissed groups do not count."""
    edition = ctx.app.edition
    if edition == "trial" and queries.count_groups(ctx.db, ctx.sdkappid, None) >= TRIAL_GROUPS:
        raise ApiFail(10058, f"the Trial edition holds at most {TRIAL_GROUPS} groups")
    most = LIVE_QUOTA.get(edition)
    if group_type == "AVChatRoom" and most is not None and \
            queries.count_groups(ctx.db, ctx.sdkappid, "AVChatRoom") >= most:
        raise ApiFail(10036, f"the {edition} edition holds at most {most} AVChatRoom groups")


def make_group(ctx: Context, body: dict[str, Any], *, imported: bool) -> Group:
    """Check and store a new group (create_group, or import_group: a back-dated CreateTime,
    no MemberList, no AVChatRoom)."""
    group_type = body.get("Type")
    if group_type not in common.TYPES:
        raise ctx.bad_param(f"Type must be one of {', '.join(common.TYPES)} (Work is"
                            " \"Private\", Meeting is \"ChatRoom\")")
    if imported and group_type == "AVChatRoom":
        raise ApiFail(NO_PERMISSION, "AVChatRoom groups cannot be imported")
    if "Name" not in body:
        raise ctx.bad_param("Name is required")
    _check_quota(ctx, group_type)
    texts = {f: common.text_field(ctx, body, f)
             for f in ("Name", "Introduction", "Notification", "FaceUrl")}
    owner = ""
    if "Owner_Account" in body:
        owner = common.user_field(ctx, body, "Owner_Account")
    max_members = _max_members(ctx, body, group_type, imported)
    created = _created_at(ctx, body, imported)
    apply = body.get("ApplyJoinOption", "NeedPermission")
    invite = body.get("InviteJoinOption", default_invite(group_type))
    if apply not in APPLY or invite not in INVITE:
        raise ctx.bad_param(f"ApplyJoinOption is one of {APPLY}, InviteJoinOption one of"
                            f" {INVITE}")
    apply = FIXED_APPLY.get(group_type, apply)
    if group_type == "AVChatRoom":
        invite = "DisableInvite"  # no inviting into live groups
    mute_all = common.on_off(ctx, body, "MuteAllMember", "ShutUpAllMember") or False
    support_topic = common.flag(ctx, body, "SupportTopic") and group_type == "Community"
    app_data = common.custom_data(ctx, body.get("AppDefinedData", []), "AppDefinedData",
                                  GROUP_DATA)
    members = [] if imported else _members(ctx, body, group_type, owner)
    common.must_exist(ctx, ([owner] if owner else []) + [m[0] for m in members])
    joining = len(members) + (1 if owner and group_type != "AVChatRoom" else 0)
    if max_members and joining > max_members:
        raise ApiFail(10038, f"{joining} members exceed the group's limit of {max_members}")
    if "GroupId" in body:
        group_id = check_custom_id(ctx, body["GroupId"], group_type)
        taken = queries.find_group(ctx.db, ctx.sdkappid, group_id)
        if taken is not None:
            if taken.owner == owner:
                raise ApiFail(TAKEN_BY_SAME, f"group ID {group_id!r} is already used by you:"
                                             " dismiss that group first or pick another ID")
            raise ApiFail(TAKEN_BY_OTHER, f"group ID {group_id!r} is used by someone else")
    else:
        group_id = new_id(ctx, group_type)
    group = Group(
        group_id=group_id, type=group_type, owner=owner, name=texts["Name"] or "",
        introduction=texts["Introduction"] or "", notification=texts["Notification"] or "",
        face_url=texts["FaceUrl"] or "", max_members=max_members, apply_join=apply,
        invite_join=invite, app_data=app_data, mute_all=mute_all, support_topic=support_topic,
        created_at=created, info_seq=1, last_info_time=created, last_msg_time=0,
        next_msg_seq=1, row_id=0)
    queries.insert_group(ctx.db, ctx.sdkappid, group)
    if owner and group_type != "AVChatRoom":
        queries.add_member(ctx.db, ctx.sdkappid, group_id, owner, "Owner", created)
    for user, role, data in members:
        queries.add_member(ctx.db, ctx.sdkappid, group_id, user, role, created)
        if data:
            queries.update_member(ctx.db, ctx.sdkappid, group_id, user, {"app_data": data})
    return group
