"""SQL of community topics. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

# API field -> column, for the profile fields create_topic and modify_topic take
PROFILE = {"TopicName": "name", "Introduction": "introduction",
           "Notification": "notification", "FaceUrl": "face_url",
           "CustomString": "custom_string"}


@dataclass(frozen=True)
class Topic:
    group_id: str
    topic_id: str
    name: str
    introduction: str
    notification: str
    face_url: str
    custom_string: str
    mute_all: bool
    created_at: float
    last_msg_time: float
    next_msg_seq: int


_COLUMNS = ("group_id, topic_id, name, introduction, notification, face_url, custom_string,"
            " mute_all, created_at, last_msg_time, next_msg_seq")


def _topic(row: tuple[Any, ...]) -> Topic:
    return Topic(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]),
                 row[8], row[9], row[10])


def find(db: sqlite3.Connection, sdkappid: int, group_id: str, topic_id: str) -> Topic | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM topics WHERE sdkappid = ? AND group_id = ?"
                     " AND topic_id = ?", (sdkappid, group_id, topic_id)).fetchone()
    return None if row is None else _topic(row)


def all_topics(db: sqlite3.Connection, sdkappid: int, group_id: str) -> list[Topic]:
    return [_topic(r) for r in db.execute(
        f"SELECT {_COLUMNS} FROM topics WHERE sdkappid = ? AND group_id = ? ORDER BY pos",
        (sdkappid, group_id))]


def create(db: sqlite3.Connection, sdkappid: int, group_id: str, topic_id: str,
           profile: dict[str, str], creator: str, created_at: float) -> None:
    columns = [PROFILE[k] for k in profile]
    db.execute(
        f"INSERT INTO topics (sdkappid, group_id, topic_id, creator, created_at, pos"
        f"{''.join(', ' + c for c in columns)}) VALUES (?, ?, ?, ?, ?,"
        " (SELECT COALESCE(MAX(pos), 0) + 1 FROM topics WHERE sdkappid = ? AND group_id = ?)"
        f"{', ?' * len(columns)})",
        (sdkappid, group_id, topic_id, creator, created_at, sdkappid, group_id,
         *profile.values()))


def update(db: sqlite3.Connection, sdkappid: int, group_id: str, topic_id: str,
           profile: dict[str, str], mute_all: bool | None) -> None:
    sets = [f"{PROFILE[k]} = ?" for k in profile]
    values: list[object] = list(profile.values())
    if mute_all is not None:
        sets.append("mute_all = ?")
        values.append(int(mute_all))
    if sets:
        db.execute(f"UPDATE topics SET {', '.join(sets)} WHERE sdkappid = ? AND group_id = ?"
                   " AND topic_id = ?", (*values, sdkappid, group_id, topic_id))


def delete(db: sqlite3.Connection, sdkappid: int, group_id: str, topic_id: str) -> bool:
    return db.execute("DELETE FROM topics WHERE sdkappid = ? AND group_id = ? AND topic_id = ?",
                      (sdkappid, group_id, topic_id)).rowcount > 0


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    db.execute("DELETE FROM topics WHERE sdkappid = ? AND group_id = ?", (sdkappid, group_id))


def next_msg_seq(db: sqlite3.Connection, sdkappid: int, group_id: str, topic_id: str,
                 now: float) -> int:
    """Reserve the topic's next MsgSeq (each topic has its own, from 1) for a stored message;
    the topic's LastMsgTime moves to `now`."""
    row = db.execute("UPDATE topics SET next_msg_seq = next_msg_seq + 1, last_msg_time = ?"
                     " WHERE sdkappid = ? AND group_id = ? AND topic_id = ?"
                     " RETURNING next_msg_seq - 1", (now, sdkappid, group_id, topic_id)).fetchone()
    if row is None:
        raise KeyError(f"no topic {topic_id!r}")
    return int(row[0])
