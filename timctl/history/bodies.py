"""What the import sends: endpoint names, options, per-phase tallies, the record on its way,
and the request body of each phase built from a normalized record (records.py names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from timctl.history.records import message_body

USERS, PORTRAIT = "im_open_login_svc/multiaccount_import", "profile/portrait_set"
GROUP, MEMBERS = "group_open_http_svc/import_group", "group_open_http_svc/import_group_member"
C2C, GROUP_MSGS = "openim/importmsg", "group_open_http_svc/import_group_msg"
UNREAD = "group_open_http_svc/set_unread_msg_num"
GROUP_MSG_MAX = 7  # import_group_msg MsgList (1047/34968)
# import_group: the GroupId is taken (10021 by another owner, 10025 by the same one,
# 1047/34895 codes): the group is already there, so a re-run goes on to its members
GROUP_TAKEN = (10021, 10025)
HISTORY = "group_open_http_svc/group_msg_get_simple"  # a group's newest messages
SYNC_HISTORY, SYNC_UNREAD = 2, 5  # importmsg SyncFromOldSystem (1047/35014)


@dataclass
class Options:
    concurrency: int | None = None  # calls in flight per phase (None: the runner decides)
    group_workers: int = 8  # groups whose messages are imported at the same time
    sync: int | None = None  # SyncFromOldSystem for every c2c message; None: per record
    recent_contact: bool = False  # import_group_msg RecentContactFlag 1
    portrait_set: bool = True  # also set nick/face_url with portrait_set


@dataclass
class Phase:
    phase: str
    endpoint: str
    records: int = 0
    done: int = 0
    failed: int = 0
    unknown: int = 0
    deferred: int = 0  # not sent: an earlier call of the same group has an unknown outcome
    resumed: int = 0  # done by an earlier run (checkpoint or the server's own state)
    existed: int = 0
    calls: int = 0
    seconds: float = 0.0
    codes: dict[int, int] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {"Phase": self.phase, "Endpoint": self.endpoint, "Records": self.records,
                "Done": self.done, "Existed": self.existed, "Resumed": self.resumed,
                "Failed": self.failed, "Unknown": self.unknown, "Deferred": self.deferred,
                "Calls": self.calls, "Seconds": round(self.seconds, 1)}

    def line(self) -> str:
        parts = [f"{self.done} done"]
        for name in ("existed", "resumed", "failed", "unknown", "deferred"):
            if getattr(self, name):
                parts.append(f"{getattr(self, name)} {name}")
        text = f"{self.phase} ({self.endpoint}): " + ", ".join(parts) + \
            f" in {self.seconds:.1f} s ({self.calls} calls)"
        if self.codes:
            text += "; failures by code: " + ", ".join(
                f"{c} x{n}" for c, n in sorted(self.codes.items(), key=lambda kv: -kv[1])[:3])
        return text


@dataclass(frozen=True)
class Item:
    """One record on its way: what BulkRunner needs (key, where) and the parsed record."""

    table: str
    line: int
    raw: str
    rec: dict[str, Any]
    source: str
    key: str
    extra: tuple[Any, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def users_body(chunk: list[Item]) -> dict[str, Any]:
    # AccountList items carry Nick/FaceUrl on the 2024+ page (1047/34954)
    accounts = []
    for item in chunk:
        entry = {"UserID": item.rec["id"]}
        if "nick" in item.rec:
            entry["Nick"] = item.rec["nick"]
        if "face_url" in item.rec:
            entry["FaceUrl"] = item.rec["face_url"]
        accounts.append(entry)
    return {"AccountList": accounts}

def c2c_body(chunk: list[Item], sync_mode: int | None) -> dict[str, Any]:
    item = chunk[0]
    rec, (seq, random) = item.rec, item.extra
    sync = sync_mode or (SYNC_UNREAD if rec.get("unread") else SYNC_HISTORY)
    body = {"SyncFromOldSystem": sync, "From_Account": rec["from"],
            "To_Account": rec["to"], "MsgSeq": seq, "MsgRandom": random,
            "MsgTimeStamp": rec["time"], "MsgBody": message_body(rec)}
    if "cloud_custom_data" in rec:
        body["CloudCustomData"] = rec["cloud_custom_data"]
    return body


def group_msgs_body(gid: str, chunk: list[Item], recent_contact: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"GroupId": gid, "MsgList": [
        {"From_Account": i.rec["from"], "SendTime": i.rec["time"], "Random": i.extra[0],
         "MsgBody": message_body(i.rec)} for i in chunk]}
    if recent_contact:
        body["RecentContactFlag"] = 1
    return body


def portrait_body(chunk: list[Item]) -> dict[str, Any]:
    rec = chunk[0].rec
    profile = [{"Tag": "Tag_Profile_IM_Nick", "Value": rec["nick"]}] if "nick" in rec else []
    if "face_url" in rec:
        profile.append({"Tag": "Tag_Profile_IM_Image", "Value": rec["face_url"]})
    return {"From_Account": rec["id"], "ProfileItem": profile}


def group_body(chunk: list[Item]) -> dict[str, Any]:
    rec = chunk[0].rec
    body = {"GroupId": rec["id"], "Type": rec["group_type"], "Name": rec["name"],
            "CreateTime": rec["created"]}
    for name, api in (("owner", "Owner_Account"), ("introduction", "Introduction"),
                      ("notification", "Notification"), ("face_url", "FaceUrl"),
                      ("max_members", "MaxMemberCount"), ("apply_join", "ApplyJoinOption"),
                      ("app_data", "AppDefinedData")):
        if name in rec:
            body[api] = rec[name]
    return body


def members_body(chunk: list[Item]) -> dict[str, Any]:
    members = []
    for item in chunk:
        entry: dict[str, Any] = {"Member_Account": item.rec["user"],
                                 "JoinTime": item.rec["joined"]}
        if item.rec.get("role") == "Admin":  # import_group_member takes only Admin
            entry["Role"] = "Admin"
        members.append(entry)
    return {"GroupId": chunk[0].rec["group"], "MemberList": members}


def unread_body(item: Item) -> dict[str, Any]:
    return {"GroupId": item.rec["group"], "Member_Account": item.rec["user"],
            "UnreadMsgNum": item.rec["unread"]}
