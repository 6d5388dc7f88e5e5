"""Checks and rules shared by the group handlers: the group a request names, text limits,
custom fields, member ceilings, type capabilities and which tips a type stores.

Documented (rest-api-groups.yaml group_model): 10004 bad parameter, 10007 no permission or a
type that does not allow the API, 10010 group gone, 10019 account does not exist; custom
fields: group 10 keys / 512-byte values, member 5 keys / 64-byte values, keys up to 16 bytes
of letters, digits and underscores; member ceilings per edition; member tips are stored for
Work, Public and Community, not for Meeting (off by default) nor AVChatRoom (no roaming);
profile tips for every type but AVChatRoom.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from timctl.emulator.services import ApiFail, Context, is_int, is_user_id, utf8_len
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.groups import queries, settings
from timctl.emulator.services.groups.queries import Group

BAD_PARAM = 10004
TOO_MANY = 10005
NO_PERMISSION = 10007
GONE = 10010
NO_ACCOUNT = 10019
GROUP_FULL = 10014

TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
WITH_ADMINS = ("Public", "ChatRoom", "Community")  # Work and AVChatRoom have Owner/Member only
MEMBER_TIPS = ("Private", "Public", "Community")  # types storing join/quit/kick/role/mute tips
NO_ROAMING = ("AVChatRoom",)

_KEY = re.compile(r"[A-Za-z0-9_]{1,16}\Z")
GROUP_DATA = (10, 512)  # documented: at most 10 group custom keys, values up to 512 bytes
MEMBER_DATA = (5, 64)  # documented: at most 5 member custom keys, values up to 64 bytes

# Member ceilings (documented, per edition); the free Developer edition is given Ultimate's
# (inferred). AVChatRoom has no cap: stored as 0.
_CEILING = {"trial": 20, "pro": 2000}
COMMUNITY_MAX = 100000


def member_ceiling(edition: str, group_type: str) -> int:
    if group_type == "AVChatRoom":
        return 0
    if group_type == "Community":
        return COMMUNITY_MAX
    return _CEILING.get(edition, 6000)


def group_id_of(ctx: Context, body: dict[str, Any]) -> str:
    group_id = body.get("GroupId")
    if not isinstance(group_id, str) or not group_id:
        raise ctx.bad_param("GroupId is required: a group ID string")
    return group_id


def target(ctx: Context, body: dict[str, Any], *, refuse: tuple[str, ...] = (),
           only: tuple[str, ...] = (), what: str = "this API",
           code: int = NO_PERMISSION) -> Group:
    """The group body["GroupId"] names: 10004 without one, 10010 when gone, `code` (10007
    unless the API documents another) when its type is in `refuse` or not in `only`. Every
    group service finds its request's group here."""
    group_id = group_id_of(ctx, body)
    group = queries.find_group(ctx.db, ctx.sdkappid, group_id)
    if group is None:
        raise ApiFail(GONE, f"group {group_id!r} does not exist or has been dismissed")
    if group.type in refuse or (only and group.type not in only):
        raise ApiFail(code, f"{group.type} groups do not support {what}")
    return group


def text_field(ctx: Context, body: dict[str, Any], field: str) -> str | None:
    """An optional profile text within the app's byte limit (settings.text_limits)."""
    if field not in body:
        return None
    value = body[field]
    limit = settings.text_limits(ctx.db, ctx.sdkappid)[field]
    if not isinstance(value, str):
        raise ctx.bad_param(f"{field} must be a string")
    if utf8_len(value) > limit:
        raise ctx.bad_param(f"{field} is longer than {limit} bytes (UTF-8)")
    return value


def user_list(ctx: Context, body: dict[str, Any], field: str, maximum: int) -> list[str]:
    """A required array of UserIDs, at most `maximum` (10005 beyond), duplicates dropped."""
    value = body.get(field)
    if not isinstance(value, list) or not value:
        raise ctx.bad_param(f"{field} is required: a non-empty array of UserIDs")
    if len(value) > maximum:
        raise ApiFail(TOO_MANY, f"{field} has {len(value)} accounts; at most {maximum}")
    for item in value:
        if not is_user_id(item):
            raise ctx.bad_param(f"{field}: {item!r} is not a UserID (string of 1-32 bytes)")
    return list(dict.fromkeys(value))


def user_field(ctx: Context, body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if not is_user_id(value):
        raise ctx.bad_param(f"{field} is required: a UserID string of 1-32 bytes")
    return value


def member_item(ctx: Context, item: Any, group_type: str) -> tuple[str, str]:
    """(UserID, Role) of one MemberList object (create_group, import_group_member): Role
    absent means Member; Admin only in groups that have admins."""
    if not isinstance(item, dict):
        raise ctx.bad_param("MemberList items are {\"Member_Account\": ...} objects")
    user = user_field(ctx, item, "Member_Account")
    role = item.get("Role", "Member")
    if role not in ("Admin", "Member"):
        raise ctx.bad_param("MemberList Role may only be \"Admin\" (absent: Member)")
    if role == "Admin" and group_type not in WITH_ADMINS:
        raise ctx.bad_param(f"{group_type} groups have no Admin role")
    return user, role


def must_exist(ctx: Context, user_ids: list[str]) -> None:
    missing = [u for u in user_ids if u not in accounts.existing(ctx.db, ctx.sdkappid, user_ids)]
    if missing:
        raise ApiFail(NO_ACCOUNT, f"account(s) do not exist (not imported): "
                                  f"{', '.join(missing[:10])}")


def custom_data(ctx: Context, value: Any, field: str, limits: tuple[int, int],
                current: dict[str, str] | None = None) -> dict[str, str]:
    """Apply [{"Key", "Value"}] items onto `current`: a Value '' removes the key (documented
    for AppDefinedData)."""
    max_keys, max_value = limits
    if not isinstance(value, list):
        raise ctx.bad_param(f"{field} must be an array of {{\"Key\", \"Value\"}} objects")
    out = dict(current or {})
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("Key"), str) or \
                not isinstance(item.get("Value"), str):
            raise ctx.bad_param(f"{field} items are {{\"Key\": string, \"Value\": string}}")
        key, val = item["Key"], item["Value"]
        if not _KEY.match(key):
            raise ctx.bad_param(f"{field} key {key!r}: 1-16 letters, digits or underscores")
        if utf8_len(val) > max_value:
            raise ctx.bad_param(f"{field} value of {key!r} is longer than {max_value} bytes")
        if val == "":
            out.pop(key, None)
        else:
            out[key] = val
    if len(out) > max_keys:
        raise ctx.bad_param(f"{field}: at most {max_keys} keys")
    return out


def data_items(data: dict[str, str], keys: list[str] | None = None) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in data.items() if keys is None or k in keys]


def flag(ctx: Context, body: dict[str, Any], field: str) -> bool:
    value = body.get(field, 0)
    if value not in (0, 1) or not is_int(value):
        raise ctx.bad_param(f"{field} must be 0 or 1")
    return value == 1


def on_off(ctx: Context, body: dict[str, Any], *fields: str) -> bool | None:
    """The first present of `fields` ("On"/"Off"): the current name first, then legacy."""
    for field in fields:
        if field in body:
            if body[field] not in ("On", "Off"):
                raise ctx.bad_param(f"{field} must be \"On\" or \"Off\"")
            return bool(body[field] == "On")
    return None


def tip(db: sqlite3.Connection, sdkappid: int, group: Group, kind: str, operator: str,
        users: list[str], now: float, data: dict[str, Any] | None = None) -> None:
    """Store a tip when the group's type keeps it in roaming (see the module docstring)."""
    member_kind = kind in ("join", "quit", "kick", "set_admin", "cancel_admin", "member_info")
    if group.type in NO_ROAMING or (member_kind and group.type not in MEMBER_TIPS):
        return
    queries.add_tip(db, sdkappid, group.group_id, kind, operator, users, now, data)
