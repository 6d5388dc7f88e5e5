"""Groups and members as the API shows them, with the documented filters.

Base fields (group_model.base_info_fields) in the order of the docs' samples; member fields
Member_Account, Role, JoinTime, MsgSeq, MsgFlag, LastSendMsgTime, MuteUntil, NameCard,
AppMemberDefinedData. Times are whole Unix seconds.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from timctl.emulator.services.groups import queries
from timctl.emulator.services.groups.common import data_items
from timctl.emulator.services.groups.queries import Group, Member

BASE_FIELDS = ("Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account",
               "CreateTime", "InfoSeq", "LastInfoTime", "LastMsgTime", "NextMsgSeq",
               "MemberNum", "MaxMemberNum", "ApplyJoinOption", "InviteJoinOption",
               "MuteAllMember")
MEMBER_FIELDS = ("Role", "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "MuteUntil",
                 "NameCard")


def base(db: sqlite3.Connection, sdkappid: int, group: Group,
         fields: list[str] | None = None) -> dict[str, Any]:
    """The base fields named (every one when `fields` is None). AVChatRoom counts no
    members (documented: get_group_info gives live groups' base info only)."""
    wanted = BASE_FIELDS if fields is None else [f for f in BASE_FIELDS if f in fields]
    out: dict[str, Any] = {}
    for name in wanted:
        if name == "MemberNum" and group.type == "AVChatRoom":
            continue
        out[name] = _base_value(db, sdkappid, group, name)
    return out


def _base_value(db: sqlite3.Connection, sdkappid: int, group: Group, name: str) -> Any:
    values: dict[str, Any] = {
        "Type": group.type, "Name": group.name, "Introduction": group.introduction,
        "Notification": group.notification, "FaceUrl": group.face_url,
        "Owner_Account": group.owner, "CreateTime": int(group.created_at),
        "InfoSeq": group.info_seq, "LastInfoTime": int(group.last_info_time),
        "LastMsgTime": int(group.last_msg_time), "NextMsgSeq": group.next_msg_seq,
        "MaxMemberNum": group.max_members, "ApplyJoinOption": group.apply_join,
        "InviteJoinOption": group.invite_join,
        "MuteAllMember": "On" if group.mute_all else "Off",
    }
    if name == "MemberNum":
        return queries.member_count(db, sdkappid, group.group_id)
    return values[name]


def member(m: Member, mute_until: int, fields: list[str] | None = None,
           data_keys: list[str] | None = None) -> dict[str, Any]:
    """One member; `fields` None = every field; `data_keys` None = every custom key."""
    values: dict[str, Any] = {
        "Role": m.role, "JoinTime": int(m.join_time), "MsgSeq": m.msg_seq,
        "MsgFlag": m.msg_flag, "LastSendMsgTime": int(m.last_send_time),
        "MuteUntil": mute_until, "NameCard": m.name_card,
    }
    out: dict[str, Any] = {"Member_Account": m.user_id}
    for name in MEMBER_FIELDS:
        if fields is None or name in fields:
            out[name] = values[name]
    if data_keys is not None or fields is None:
        out["AppMemberDefinedData"] = data_items(m.app_data, data_keys)
    return out


def string_list(value: Any) -> list[str] | None:
    """A filter array of strings, or None when it is not one."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None
