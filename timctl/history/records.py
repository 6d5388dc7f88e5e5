"""History records: the import-history JSONL format, one record a line (docs/history.md,
schema.json next to this module).

Pure: no Click, no I/O beyond the line given. `parse_line()` turns one line into a normalized
record (a dict in this module's field names, "type" included) or a reason it is unusable;
the checks here are the ones a single line allows (required fields, types, IDs, times not in
the future, bodies by msgbody.problems()). Checks across records (a member's group exists, a
group message after its group's creation and its sender's join, per-group ordering) are
order.py's, over the on-disk index.

Each record may also be written in the API's own item shape (the request fields of
account_import, import_group, import_group_member + GroupId, importmsg, import_group_msg's
MsgList item + GroupId), with or without "type"; API names are mapped to the names below.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from timctl import msgbody

KINDS = ("user", "group", "member", "c2c", "group_msg")
U32_MAX = 4294967295
MAX_USER_ID_BYTES = 32  # a UserID is 1-32 bytes (1047/34953)
MAX_GROUP_ID_BYTES = 48  # a custom GroupId: printable ASCII, at most 48 bytes (1047/34895)
RESERVED_PREFIX = "@TGS#"
COMMUNITY_PREFIX = "@TGS#_"
# import_group takes these types; AVChatRoom keeps no history and refuses imports (1047/34967)
GROUP_TYPES = ("Public", "Private", "ChatRoom", "Community")
ROLES = ("Member", "Admin", "Owner")
APPLY_JOIN = ("FreeAccess", "NeedPermission", "DisableApply")
# import_group_msg imports only these element types (1047/34968, MsgType row)
GROUP_MSG_TYPES = ("TIMTextElem", "TIMFaceElem", "TIMLocationElem", "TIMCustomElem")
TEXT_LIMITS = {"nick": 500, "face_url": 500, "name": 100, "introduction": 400,
               "notification": 400}

# Per type: field -> (kind, required). Kinds: uid, gid, str, time, u32, int, bool, role,
# gtype, apply, body, list.
FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "user": {"id": ("uid", True), "nick": ("str", False), "face_url": ("str", False)},
    "group": {"id": ("gid", True), "group_type": ("gtype", True), "name": ("str", True),
              "owner": ("uid", False), "created": ("time", True),
              "introduction": ("str", False), "notification": ("str", False),
              "face_url": ("str", False), "max_members": ("int", False),
              "apply_join": ("apply", False), "app_data": ("list", False)},
    "member": {"group": ("gid", True), "user": ("uid", True), "role": ("role", False),
               "joined": ("time", True), "unread": ("int", False)},
    "c2c": {"from": ("uid", True), "to": ("uid", True), "time": ("time", True),
            "text": ("str", False), "body": ("body", False), "seq": ("u32", False),
            "random": ("u32", False), "unread": ("bool", False),
            "cloud_custom_data": ("str", False)},
    "group_msg": {"group": ("gid", True), "from": ("uid", True), "time": ("time", True),
                  "text": ("str", False), "body": ("body", False), "seq": ("u32", False),
                  "random": ("u32", False)},
}

# The API's own field names, per type -> this format's names.
API_NAMES: dict[str, dict[str, str]] = {
    "user": {"UserID": "id", "Nick": "nick", "FaceUrl": "face_url"},
    "group": {"GroupId": "id", "Type": "group_type", "Name": "name",
              "Owner_Account": "owner", "CreateTime": "created",
              "Introduction": "introduction", "Notification": "notification",
              "FaceUrl": "face_url", "MaxMemberCount": "max_members",
              "ApplyJoinOption": "apply_join", "AppDefinedData": "app_data"},
    "member": {"GroupId": "group", "Member_Account": "user", "Role": "role",
               "JoinTime": "joined", "UnreadMsgNum": "unread"},
    "c2c": {"From_Account": "from", "To_Account": "to", "MsgTimeStamp": "time",
            "MsgSeq": "seq", "MsgRandom": "random", "MsgBody": "body",
            "CloudCustomData": "cloud_custom_data"},
    "group_msg": {"GroupId": "group", "From_Account": "from", "SendTime": "time",
                  "Random": "random", "MsgBody": "body", "MsgSeq": "seq"},
}


class Bad(ValueError):
    """A record that cannot be imported; str() is the reason."""


def parse_line(text: str, now: int) -> dict[str, Any]:
    """The normalized record of one JSONL line; raises Bad with the reason."""
    try:
        obj = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        raise Bad(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise Bad("a record is a JSON object")
    return normalize(obj, now)


def normalize(obj: dict[str, Any], now: int) -> dict[str, Any]:
    kind = obj.get("type")
    if kind is None:
        kind = _detect(obj)
    if kind not in FIELDS:
        raise Bad(f"unknown type {kind!r}: one of {', '.join(KINDS)}")
    rec: dict[str, Any] = {"type": kind}
    api = API_NAMES[kind]
    extra = dict(obj)
    extra.pop("type", None)
    if kind == "c2c" and "SyncFromOldSystem" in extra:  # importmsg: 5 counts unread
        mode = extra.pop("SyncFromOldSystem")
        if mode not in (2, 5) or isinstance(mode, bool):
            raise Bad("SyncFromOldSystem must be 2 (history) or 5 (unread)")
        extra.setdefault("unread", mode == 5)
    for key, value in extra.items():
        name = api.get(key, key)
        if name not in FIELDS[kind]:
            raise Bad(f"unknown field {key!r} in a {kind} record")
        if name in rec:
            raise Bad(f"{name!r} given twice (as {key!r} and another name)")
        rec[name] = value
    for name, (what, required) in FIELDS[kind].items():
        if name not in rec or rec[name] is None:
            rec.pop(name, None)
            if required:
                raise Bad(f"{kind} record without {name!r}")
            continue
        rec[name] = _check(name, what, rec[name], now)
    _check_record(kind, rec)
    return rec


def _detect(obj: dict[str, Any]) -> str:
    """The type of an API-shaped record without "type"."""
    if "MsgTimeStamp" in obj or "To_Account" in obj:
        return "c2c"
    if "SendTime" in obj:
        return "group_msg"
    if "Member_Account" in obj:
        return "member"
    if "Type" in obj and "GroupId" in obj:
        return "group"
    if "UserID" in obj:
        return "user"
    raise Bad("record without \"type\" (one of " + ", ".join(KINDS) + ")")


def _check(name: str, what: str, value: Any, now: int) -> Any:
    if what == "uid":
        return _user_id(name, value)
    if what == "gid":
        return _group_id(name, value)
    if what == "str":
        if not isinstance(value, str):
            raise Bad(f"{name!r} must be a string")
        limit = TEXT_LIMITS.get(name)
        if limit and len(value.encode("utf-8")) > limit:
            raise Bad(f"{name!r} is longer than {limit} bytes")
        return value
    if what in ("time", "u32", "int"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise Bad(f"{name!r} must be an integer"
                      + (" (UNIX seconds)" if what == "time" else ""))
        if what == "time":
            if value <= 0:
                raise Bad(f"{name!r} {value} is not a UNIX time in seconds")
            if value > now:
                raise Bad(f"{name!r} {value} is in the future (now {now})")
            if value > 10**11:
                raise Bad(f"{name!r} {value} looks like milliseconds: times are UNIX seconds")
        elif what == "u32" and not 0 <= value <= U32_MAX:
            raise Bad(f"{name!r} must be a uint32 (0..{U32_MAX})")
        elif value < 0:
            raise Bad(f"{name!r} must be 0 or more")
        return value
    if what == "bool":
        if not isinstance(value, bool):
            raise Bad(f"{name!r} must be true or false")
        return value
    if what == "body":  # checked with the record (text or body, element types)
        return value
    if what == "list":
        if not isinstance(value, list) or not all(
                isinstance(v, dict) and set(v) == {"Key", "Value"} for v in value):
            raise Bad(f"{name!r} must be a list of {{\"Key\", \"Value\"}} objects")
        return value
    choices = {"role": ROLES, "gtype": GROUP_TYPES, "apply": APPLY_JOIN}[what]
    if value not in choices:
        extra = " (AVChatRoom keeps no history: it cannot be imported)" \
            if value == "AVChatRoom" else ""
        raise Bad(f"{name!r} must be one of {', '.join(choices)}{extra}")
    return value


def _user_id(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Bad(f"{name!r} must be a non-empty UserID string")
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_USER_ID_BYTES:
        raise Bad(f"{name!r}: UserID is {size} bytes (at most {MAX_USER_ID_BYTES})")
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs"):
            raise Bad(f"{name!r}: UserID contains a control character (U+{ord(ch):04X})")
    return value


def _group_id(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Bad(f"{name!r} must be a non-empty group ID string")
    if any(not 0x20 <= ord(ch) <= 0x7E for ch in value):
        raise Bad(f"{name!r}: a group ID is printable ASCII only")
    if len(value) > MAX_GROUP_ID_BYTES:
        raise Bad(f"{name!r}: a group ID is at most {MAX_GROUP_ID_BYTES} bytes")
    return value


def _check_record(kind: str, rec: dict[str, Any]) -> None:
    if kind == "group":
        gid, gtype = rec["id"], rec["group_type"]
        if gtype == "Community":
            if not gid.startswith(COMMUNITY_PREFIX) or gid == COMMUNITY_PREFIX:
                raise Bad(f"a Community's group ID must start with {COMMUNITY_PREFIX}")
        elif gid.startswith(RESERVED_PREFIX):
            raise Bad(f"the group ID prefix {RESERVED_PREFIX} is reserved for IDs the "
                      "server assigns")
        if "max_members" in rec and rec["max_members"] < 1:
            raise Bad("'max_members' must be 1 or more")
    if kind in ("c2c", "group_msg"):
        if ("text" in rec) == ("body" in rec):
            raise Bad(f"a {kind} record carries exactly one of 'text' and 'body'")
        body = message_body(rec)
        if kind == "group_msg" and isinstance(body, list):
            for elem in body:
                kind_of = elem.get("MsgType") if isinstance(elem, dict) else None
                if kind_of in msgbody.FIELDS and kind_of not in GROUP_MSG_TYPES:
                    raise Bad(f"body: import_group_msg takes only {', '.join(GROUP_MSG_TYPES)}"
                              f" elements, not {kind_of}")
        problems = msgbody.problems(body)
        if problems:
            raise Bad(f"body: {problems[0]}")
    for name in ("random",) if kind == "group_msg" else ("seq", "random"):
        if rec.get(name) == 0 and kind in ("c2c", "group_msg"):
            # 0 asks the server to draw a number per attempt: a re-run would not match
            raise Bad(f"{name!r} must be 1..{U32_MAX} (0 means none: leave it out)")
    if kind == "c2c" and rec["from"] == rec["to"]:
        raise Bad("a c2c message from a user to the same user")


def message_body(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The MsgBody of a message record (`text` is one TIMTextElem)."""
    if "body" in rec:
        body: list[dict[str, Any]] = rec["body"]
        return body
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": rec["text"]}}]


def conversation(rec: dict[str, Any]) -> str:
    """The key of a c2c message's conversation: the two UserIDs, in either direction."""
    a, b = sorted((rec["from"], rec["to"]))
    return f"{a}\x00{b}"


def derived_u32(*parts: Any) -> int:
    """A stable uint32 from the parts (MsgRandom/Random when a record gives none): the same
    record gets the same number on every run, so the server's duplicate rules hold."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # 1..2^32-1: 0 would ask the server to draw a value of its own
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") \
        % U32_MAX + 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
