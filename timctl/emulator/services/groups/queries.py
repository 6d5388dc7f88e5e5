"""SQL of the groups service. Every function takes the request's connection first.

The first four functions are the contract other packages use (find_group, member_role,
next_msg_seq, add_tip); keep their signatures.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from timctl.emulator import services

FOREVER = 4294967295  # documented: MuteTime 0xFFFFFFFF mutes permanently
_CHUNK = 500  # bound on SQL variables per statement

_GROUP_COLUMNS = ("group_id, type, owner, name, introduction, notification, face_url,"
                  " max_members, apply_join, invite_join, app_data, mute_all, support_topic,"
                  " created_at, info_seq, last_info_time, last_msg_time, next_msg_seq, id")


@dataclass(frozen=True)
class Group:
    group_id: str
    type: str  # REST name: Private, Public, ChatRoom, AVChatRoom, Community
    owner: str  # '' when owner-less
    name: str
    introduction: str
    notification: str
    face_url: str
    max_members: int
    apply_join: str
    invite_join: str
    app_data: dict[str, str]
    mute_all: bool
    support_topic: bool
    created_at: float
    info_seq: int
    last_info_time: float
    last_msg_time: float
    next_msg_seq: int
    row_id: int  # creation order


@dataclass(frozen=True)
class Member:
    user_id: str
    role: str
    join_time: float
    name_card: str
    msg_flag: str
    msg_seq: int
    last_send_time: float
    app_data: dict[str, str]
    row_id: int  # join order


def _group(row: tuple[Any, ...]) -> Group:
    (gid, gtype, owner, name, intro, notif, face, max_m, apply, invite, data, mute_all,
     topic, created, info_seq, last_info, last_msg, next_seq, row_id) = row
    return Group(gid, gtype, owner, name, intro, notif, face, int(max_m), apply, invite,
                 json.loads(data), bool(mute_all), bool(topic), float(created), int(info_seq),
                 float(last_info), float(last_msg), int(next_seq), int(row_id))


_MEMBER_COLUMNS = ("user_id, role, join_time, name_card, msg_flag, msg_seq, last_send_time,"
                   " app_data, id")


def _member(row: tuple[Any, ...]) -> Member:
    uid, role, joined, card, flag, seq, last_send, data, row_id = row
    return Member(uid, role, float(joined), card, flag, int(seq), float(last_send),
                  json.loads(data), int(row_id))


# --- the contract ---------------------------------------------------------------------------

def find_group(db: sqlite3.Connection, sdkappid: int, group_id: str) -> Group | None:
    row = db.execute(f"SELECT {_GROUP_COLUMNS} FROM groups WHERE sdkappid = ? AND group_id = ?",
                     (sdkappid, group_id)).fetchone()
    return None if row is None else _group(row)


def member_role(db: sqlite3.Connection, sdkappid: int, group_id: str,
                user_id: str) -> str | None:
    """"Owner", "Admin" or "Member"; None for a non-member."""
    row = db.execute("SELECT role FROM group_members WHERE sdkappid = ? AND group_id = ?"
                     " AND user_id = ?", (sdkappid, group_id, user_id)).fetchone()
    return None if row is None else str(row[0])


def next_msg_seq(db: sqlite3.Connection, sdkappid: int, group_id: str) -> int:
    """Reserve the group's next MsgSeq (documented: per group, from 1, +1 per stored
    message or tip)."""
    row = db.execute("UPDATE groups SET next_msg_seq = next_msg_seq + 1 WHERE sdkappid = ?"
                     " AND group_id = ? RETURNING next_msg_seq - 1",
                     (sdkappid, group_id)).fetchone()
    if row is None:
        raise KeyError(f"no group {group_id!r}")
    return int(row[0])


def add_tip(db: sqlite3.Connection, sdkappid: int, group_id: str, kind: str, operator: str,
            users: list[str], now: float, data: dict[str, Any] | None = None) -> int:
    """Store a group tip (a system message: it takes the next MsgSeq); returns that seq."""
    seq = next_msg_seq(db, sdkappid, group_id)
    db.execute("INSERT INTO group_history (sdkappid, group_id, msg_seq, kind, operator, users,"
               " time, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (sdkappid, group_id, seq, kind, operator, json.dumps(users), now,
                json.dumps(data or {}, ensure_ascii=False)))
    db.execute("UPDATE groups SET last_msg_time = ? WHERE sdkappid = ? AND group_id = ?",
               (now, sdkappid, group_id))
    return seq


# --- groups ---------------------------------------------------------------------------------

def insert_group(db: sqlite3.Connection, sdkappid: int, group: Group) -> None:
    db.execute(
        "INSERT INTO groups (sdkappid, group_id, type, owner, name, introduction, notification,"
        " face_url, max_members, apply_join, invite_join, app_data, mute_all, support_topic,"
        " created_at, info_seq, last_info_time, last_msg_time, next_msg_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sdkappid, group.group_id, group.type, group.owner, group.name, group.introduction,
         group.notification, group.face_url, group.max_members, group.apply_join,
         group.invite_join, json.dumps(group.app_data, ensure_ascii=False),
         int(group.mute_all), int(group.support_topic), group.created_at, group.info_seq,
         group.last_info_time, group.last_msg_time, group.next_msg_seq))


def group_exists(db: sqlite3.Connection, sdkappid: int, group_id: str) -> bool:
    return db.execute("SELECT 1 FROM groups WHERE sdkappid = ? AND group_id = ?",
                      (sdkappid, group_id)).fetchone() is not None


_PROFILE_COLUMNS = {"name", "introduction", "notification", "face_url", "max_members",
                    "apply_join", "invite_join", "mute_all", "owner"}


def update_group(db: sqlite3.Connection, sdkappid: int, group_id: str, now: float,
                 changes: dict[str, Any], app_data: dict[str, str] | None = None) -> None:
    """Set profile columns (names of _PROFILE_COLUMNS) and/or the whole AppDefinedData; bumps
    InfoSeq and LastInfoTime."""
    sets = []
    values: list[Any] = []
    for column, value in changes.items():
        if column not in _PROFILE_COLUMNS:
            raise ValueError(f"not a profile column: {column}")
        sets.append(f"{column} = ?")
        values.append(int(value) if isinstance(value, bool) else value)
    if app_data is not None:
        sets.append("app_data = ?")
        values.append(json.dumps(app_data, ensure_ascii=False))
    sets += ["info_seq = info_seq + 1", "last_info_time = ?"]
    db.execute(f"UPDATE groups SET {', '.join(sets)} WHERE sdkappid = ? AND group_id = ?",
               (*values, now, sdkappid, group_id))


def delete_group(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    """Remove the group and everything of it, here and in every service."""
    for table in ("groups", "group_members", "group_mutes", "group_bans", "group_history"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND group_id = ?",
                   (sdkappid, group_id))
    topic_prefix = group_id + "@TOPIC#"  # mutes in a topic are kept under its TopicId
    db.execute("DELETE FROM group_mutes WHERE sdkappid = ? AND substr(group_id, 1, ?) = ?",
               (sdkappid, len(topic_prefix), topic_prefix))
    services.group_destroyed(db, sdkappid, group_id)


def list_groups(db: sqlite3.Connection, sdkappid: int, after: int, limit: int,
                group_type: str | None) -> list[tuple[int, str]]:
    """(row id, GroupId) in creation order after row id `after`."""
    where = " AND type = ?" if group_type else ""
    args: tuple[Any, ...] = (sdkappid, after, group_type) if group_type else (sdkappid, after)
    return [(int(r[0]), str(r[1])) for r in db.execute(
        f"SELECT id, group_id FROM groups WHERE sdkappid = ? AND id > ?{where}"
        " ORDER BY id LIMIT ?", (*args, limit))]


def count_groups(db: sqlite3.Connection, sdkappid: int, group_type: str | None) -> int:
    where = " AND type = ?" if group_type else ""
    args: tuple[Any, ...] = (sdkappid, group_type) if group_type else (sdkappid,)
    (n,) = db.execute(f"SELECT COUNT(*) FROM groups WHERE sdkappid = ?{where}", args).fetchone()
    return int(n)


def joined_groups(db: sqlite3.Connection, sdkappid: int,
                  user_id: str) -> list[tuple[Group, Member]]:
    """The user's groups, in the order joined."""
    cols = ", ".join(f"g.{c.strip()}" for c in _GROUP_COLUMNS.split(","))
    mcols = ", ".join(f"m.{c.strip()}" for c in _MEMBER_COLUMNS.split(","))
    out = []
    n = len(_GROUP_COLUMNS.split(","))
    for row in db.execute(
        f"SELECT {cols}, {mcols} FROM group_members m JOIN groups g ON g.sdkappid = m.sdkappid"
        " AND g.group_id = m.group_id WHERE m.sdkappid = ? AND m.user_id = ? ORDER BY m.id",
        (sdkappid, user_id),
    ):
        out.append((_group(row[:n]), _member(row[n:])))
    return out


# --- members --------------------------------------------------------------------------------

def add_member(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str, role: str,
               now: float, msg_seq: int = 0) -> None:
    db.execute("INSERT INTO group_members (sdkappid, group_id, user_id, role, join_time,"
               " msg_seq) VALUES (?, ?, ?, ?, ?, ?)",
               (sdkappid, group_id, user_id, role, now, msg_seq))


def remove_member(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str) -> bool:
    """Remove a membership (the member's mute stays: documented to survive re-joining)."""
    cur = db.execute("DELETE FROM group_members WHERE sdkappid = ? AND group_id = ? AND"
                     " user_id = ?", (sdkappid, group_id, user_id))
    return cur.rowcount > 0


def member_count(db: sqlite3.Connection, sdkappid: int, group_id: str) -> int:
    (n,) = db.execute("SELECT COUNT(*) FROM group_members WHERE sdkappid = ? AND group_id = ?",
                      (sdkappid, group_id)).fetchone()
    return int(n)


def members(db: sqlite3.Connection, sdkappid: int, group_id: str,
            roles: Iterable[str] = (), after: int = 0, offset: int = 0,
            limit: int | None = None) -> list[Member]:
    """Members in join order: owner first (documented samples list the owner first)."""
    role_list = list(roles)
    where = f" AND role IN ({','.join('?' * len(role_list))})" if role_list else ""
    page = " LIMIT ? OFFSET ?" if limit is not None else ""
    args: list[Any] = [sdkappid, group_id, *role_list, after]
    if limit is not None:
        args += [limit, offset]
    return [_member(r) for r in db.execute(
        f"SELECT {_MEMBER_COLUMNS} FROM group_members WHERE sdkappid = ? AND group_id = ?"
        f"{where} AND id > ? ORDER BY role != 'Owner', id{page}", args)]


def count_members(db: sqlite3.Connection, sdkappid: int, group_id: str,
                  roles: Iterable[str] = ()) -> int:
    role_list = list(roles)
    where = f" AND role IN ({','.join('?' * len(role_list))})" if role_list else ""
    (n,) = db.execute(f"SELECT COUNT(*) FROM group_members WHERE sdkappid = ? AND group_id = ?"
                      f"{where}", (sdkappid, group_id, *role_list)).fetchone()
    return int(n)


def find_members(db: sqlite3.Connection, sdkappid: int, group_id: str,
                 user_ids: Iterable[str]) -> dict[str, Member]:
    ids = list(dict.fromkeys(user_ids))
    out: dict[str, Member] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT {_MEMBER_COLUMNS} FROM group_members WHERE sdkappid = ? AND group_id = ?"
            f" AND user_id IN ({marks})", (sdkappid, group_id, *chunk),
        ):
            member = _member(row)
            out[member.user_id] = member
    return out


def update_member(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
                  changes: dict[str, Any]) -> None:
    """Set member columns: role, name_card, msg_flag, app_data (a dict)."""
    allowed = {"role", "name_card", "msg_flag", "app_data"}
    sets, values = [], []
    for column, value in changes.items():
        if column not in allowed:
            raise ValueError(f"not a member column: {column}")
        sets.append(f"{column} = ?")
        values.append(json.dumps(value, ensure_ascii=False) if column == "app_data" else value)
    if sets:
        db.execute(f"UPDATE group_members SET {', '.join(sets)} WHERE sdkappid = ? AND"
                   " group_id = ? AND user_id = ?", (*values, sdkappid, group_id, user_id))


def set_read_seq(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
                 seq: int) -> None:
    """Set the member's read position (the MsgSeq get_group_member_info shows), as
    set_unread_msg_num does."""
    db.execute("UPDATE group_members SET msg_seq = ? WHERE sdkappid = ? AND group_id = ?"
               " AND user_id = ?", (seq, sdkappid, group_id, user_id))

# --- mutes and bans -------------------------------------------------------------------------

def set_mute(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str, seconds: int,
             now: float) -> None:
    """Mute for `seconds` from now; 0 lifts the mute."""
    if seconds == 0:
        db.execute("DELETE FROM group_mutes WHERE sdkappid = ? AND group_id = ? AND user_id = ?",
                   (sdkappid, group_id, user_id))
        return
    db.execute("INSERT OR REPLACE INTO group_mutes (sdkappid, group_id, user_id, until)"
               " VALUES (?, ?, ?, ?)", (sdkappid, group_id, user_id, now + seconds))


def mute_until(db: sqlite3.Connection, sdkappid: int, group_id: str,
               now: float) -> dict[str, int]:
    """user -> end of a running mute (Unix seconds, rounded up)."""
    return {str(uid): _ceil(until) for uid, until in db.execute(
        "SELECT user_id, until FROM group_mutes WHERE sdkappid = ? AND group_id = ? AND"
        " until > ? ORDER BY until, user_id", (sdkappid, group_id, now))}


def muted_until(db: sqlite3.Connection, sdkappid: int, key: str, user_id: str,
                now: float) -> int:
    """End of the user's running mute in a group or topic (`key`: GroupId or TopicId), 0
    when not muted: what a group send checks (10017)."""
    row = db.execute("SELECT until FROM group_mutes WHERE sdkappid = ? AND group_id = ? AND"
                     " user_id = ? AND until > ?", (sdkappid, key, user_id, now)).fetchone()
    return 0 if row is None else _ceil(row[0])


def set_ban(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str, seconds: int,
            reason: str, now: float) -> None:
    db.execute("INSERT OR REPLACE INTO group_bans (sdkappid, group_id, user_id, until,"
               " banned_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
               (sdkappid, group_id, user_id, now + seconds, now, reason))


def lift_ban(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str) -> None:
    db.execute("DELETE FROM group_bans WHERE sdkappid = ? AND group_id = ? AND user_id = ?",
               (sdkappid, group_id, user_id))


def bans(db: sqlite3.Connection, sdkappid: int, group_id: str,
         now: float) -> list[tuple[str, int, str]]:
    """Running bans: (user, end time rounded up, description), earliest ban first."""
    return [(str(u), _ceil(until), str(reason)) for u, until, reason in db.execute(
        "SELECT user_id, until, reason FROM group_bans WHERE sdkappid = ? AND group_id = ?"
        " AND until > ? ORDER BY banned_at, user_id", (sdkappid, group_id, now))]


def is_banned(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
              now: float) -> bool:
    return db.execute("SELECT 1 FROM group_bans WHERE sdkappid = ? AND group_id = ? AND"
                      " user_id = ? AND until > ?",
                      (sdkappid, group_id, user_id, now)).fetchone() is not None


# --- history --------------------------------------------------------------------------------

def history(db: sqlite3.Connection, sdkappid: int, group_id: str) -> list[dict[str, Any]]:
    """The group's tips, by MsgSeq (for other services and tests)."""
    return [{"MsgSeq": int(seq), "kind": kind, "operator": op, "users": json.loads(users),
             "time": float(t), "data": json.loads(data)}
            for seq, kind, op, users, t, data in db.execute(
                "SELECT msg_seq, kind, operator, users, time, data FROM group_history"
                " WHERE sdkappid = ? AND group_id = ? ORDER BY msg_seq", (sdkappid, group_id))]


def tip_count(db: sqlite3.Connection, sdkappid: int, group_id: str) -> int:
    (n,) = db.execute("SELECT COUNT(*) FROM group_history WHERE sdkappid = ? AND group_id = ?",
                      (sdkappid, group_id)).fetchone()
    return int(n)


# --- hooks ----------------------------------------------------------------------------------

def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    """Remove the user's rows: memberships, mutes and bans. Groups they owned are left
    owner-less (inferred: the docs say nothing of owned groups; an owner-less group is what
    they describe after a Work group's owner quits). The leave tips: hooks.py."""
    db.execute("UPDATE groups SET owner = '' WHERE sdkappid = ? AND owner = ?",
               (sdkappid, user_id))
    for table in ("group_members", "group_mutes", "group_bans"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND user_id = ?",
                   (sdkappid, user_id))


def _ceil(until: float) -> int:
    whole = int(round(until, 3))
    return whole if whole >= round(until, 3) else whole + 1


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]
