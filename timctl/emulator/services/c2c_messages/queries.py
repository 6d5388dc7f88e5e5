"""SQL of the one-to-one message store. Every function takes the request's connection first.

Order within a conversation (documented): by MsgTimeStamp, then MsgSeq within one second;
arrival order breaks the remaining ties.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from typing import Any

DEDUP_SECONDS = 120  # sendmsg: same sender, MsgSeq, MsgRandom and content within 120 s
RECALLED = 8  # MsgFlagBits of a recalled message

_COLS = ("id, from_id, to_id, msg_seq, msg_random, msg_time, msg_key, body, cloud_data,"
         " flag_bits, need_receipt, support_ext, peer_read")


@dataclass(frozen=True)
class Msg:
    row_id: int
    from_id: str
    to_id: str
    msg_seq: int
    msg_random: int
    msg_time: int
    msg_key: str
    body: list[Any]
    cloud_data: str | None
    flag_bits: int
    need_receipt: bool = False  # sent with IsNeedReadReceipt 1
    support_ext: bool = False  # sent with SupportMessageExtension 1
    peer_read: bool = False  # the receiver sent a read receipt (c2c_msg_read_receipt)

    def item(self) -> dict[str, Any]:
        """The message as admin_getroammsg lists it."""
        out: dict[str, Any] = {
            "From_Account": self.from_id, "To_Account": self.to_id, "MsgSeq": self.msg_seq,
            "MsgRandom": self.msg_random, "MsgTimeStamp": self.msg_time,
            "MsgFlagBits": self.flag_bits, "IsPeerRead": int(self.peer_read),
            "MsgKey": self.msg_key, "MsgBody": self.body}
        if self.cloud_data is not None:
            out["CloudCustomData"] = self.cloud_data
        return out


def _msg(row: tuple[Any, ...]) -> Msg:
    return Msg(int(row[0]), row[1], row[2], int(row[3]), int(row[4]), int(row[5]), row[6],
               json.loads(row[7]), row[8], int(row[9]), bool(row[10]), bool(row[11]),
               bool(row[12]))


def body_crc(body: list[Any]) -> int:
    return zlib.crc32(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())


def find_duplicate(db: sqlite3.Connection, sdkappid: int, from_id: str, to_id: str, seq: int,
                   random: int, crc: int, now: float) -> Msg | None:
    """A message this send repeats: same sender, recipient (a batch reaches many with one
    MsgRandom), MsgSeq, MsgRandom and content, within the window."""
    row = db.execute(
        f"SELECT {_COLS} FROM c2c_msgs WHERE sdkappid = ? AND from_id = ? AND to_id = ?"
        " AND msg_seq = ? AND msg_random = ? AND body_crc = ? AND sent_at > ?"
        " ORDER BY id LIMIT 1",
        (sdkappid, from_id, to_id, seq, random, crc, now - DEDUP_SECONDS)).fetchone()
    return None if row is None else _msg(row)


def insert(db: sqlite3.Connection, sdkappid: int, *, from_id: str, to_id: str, seq: int,
           random: int, msg_time: int, body: list[Any], cloud_data: str | None,
           no_unread: bool, sender_sees: bool, now: float, need_receipt: bool = False,
           support_ext: bool = False) -> str:
    """Store a message; returns its MsgKey ({MsgSeq}_{MsgRandom}_{MsgTimeStamp})."""
    key = f"{seq}_{random}_{msg_time}"
    db.execute(
        "INSERT INTO c2c_msgs (sdkappid, from_id, to_id, msg_seq, msg_random, msg_time,"
        " msg_key, body, cloud_data, no_unread, sender_sees, body_crc, sent_at, need_receipt,"
        " support_ext) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sdkappid, from_id, to_id, seq, random, msg_time, key,
         json.dumps(body, ensure_ascii=False), cloud_data, int(no_unread), int(sender_sees),
         body_crc(body), now, int(need_receipt), int(support_ext)))
    return key


def find_by_key(db: sqlite3.Connection, sdkappid: int, a: str, b: str, key: str) -> Msg | None:
    """The message `key` sent from a to b."""
    row = db.execute(f"SELECT {_COLS} FROM c2c_msgs WHERE sdkappid = ? AND from_id = ?"
                     " AND to_id = ? AND msg_key = ? ORDER BY id LIMIT 1",
                     (sdkappid, a, b, key)).fetchone()
    return None if row is None else _msg(row)


def set_peer_read(db: sqlite3.Connection, row_id: int) -> None:
    db.execute("UPDATE c2c_msgs SET peer_read = 1 WHERE id = ?", (row_id,))


def set_flag_bits(db: sqlite3.Connection, row_id: int, bits: int) -> None:
    db.execute("UPDATE c2c_msgs SET flag_bits = ? WHERE id = ?", (bits, row_id))


# What `viewer` sees of its conversation with `peer`; sdkappid on each side of the OR lets
# SQLite answer each side from the c2c_msgs_pair index.
_VIEW = ("((sdkappid = ? AND from_id = ? AND to_id = ? AND sender_sees = 1 AND from_deleted = 0)"
         " OR (sdkappid = ? AND from_id = ? AND to_id = ? AND to_deleted = 0))")
_ORDER_DESC = "msg_time DESC, msg_seq DESC, id DESC"


def page(db: sqlite3.Connection, sdkappid: int, viewer: str, peer: str, min_time: int,
         max_time: int, count: int, after_key: str | None) -> tuple[list[Msg], bool]:
    """Up to `count` messages of the conversation in [min_time, max_time], the newest first,
    older than the message `after_key` when it is in range; and whether older ones remain."""
    args: list[Any] = [sdkappid, viewer, peer, sdkappid, peer, viewer, min_time, max_time]
    where = f"{_VIEW} AND msg_time >= ? AND msg_time <= ?"
    cursor = None
    if after_key:
        row = db.execute(f"SELECT msg_time, msg_seq, id FROM c2c_msgs WHERE {_VIEW}"
                         " AND msg_key = ? ORDER BY id LIMIT 1",
                         (*args[:6], after_key)).fetchone()
        cursor = None if row is None else tuple(row)
    if cursor is not None:
        where += " AND (msg_time, msg_seq, id) < (?, ?, ?)"
        args += list(cursor)
    rows = db.execute(f"SELECT {_COLS} FROM c2c_msgs WHERE {where} ORDER BY {_ORDER_DESC}"
                      " LIMIT ?", (*args, count + 1)).fetchall()
    return [_msg(r) for r in rows[:count]], len(rows) > count


def delete_for(db: sqlite3.Connection, sdkappid: int, viewer: str, peer: str,
               keys: list[str]) -> None:
    """One-sided deletion: the messages leave `viewer`'s view only."""
    for key in keys:
        db.execute("UPDATE c2c_msgs SET from_deleted = 1 WHERE sdkappid = ? AND from_id = ?"
                   " AND to_id = ? AND msg_key = ?", (sdkappid, viewer, peer, key))
        db.execute("UPDATE c2c_msgs SET to_deleted = 1 WHERE sdkappid = ? AND from_id = ?"
                   " AND to_id = ? AND msg_key = ?", (sdkappid, peer, viewer, key))


def set_read(db: sqlite3.Connection, sdkappid: int, user: str, peer: str,
             read_time: int) -> None:
    db.execute("INSERT INTO c2c_read (sdkappid, user_id, peer_id, read_time) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (sdkappid, user_id, peer_id) DO UPDATE SET"
               " read_time = max(read_time, excluded.read_time)",
               (sdkappid, user, peer, read_time))


def unread(db: sqlite3.Connection, sdkappid: int, user: str,
           peer: str | None = None) -> int:
    """Messages to `user` (from `peer`, or from anyone) counting as unread: not NoUnread,
    not recalled, not deleted from the user's view, after the user's read mark."""
    sql = ("SELECT count(*) FROM c2c_msgs m LEFT JOIN c2c_read r ON r.sdkappid = m.sdkappid"
           " AND r.user_id = m.to_id AND r.peer_id = m.from_id"
           " WHERE m.sdkappid = ? AND m.to_id = ? AND m.from_id != m.to_id"
           " AND m.no_unread = 0 AND m.to_deleted = 0 AND m.flag_bits & 8 = 0"
           " AND m.msg_time > coalesce(r.read_time, -1)")
    args: list[Any] = [sdkappid, user]
    if peer is not None:
        sql += " AND m.from_id = ?"
        args.append(peer)
    return int(db.execute(sql, args).fetchone()[0])


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    db.execute("DELETE FROM c2c_msgs WHERE sdkappid = ? AND (from_id = ? OR to_id = ?)",
               (sdkappid, user_id, user_id))
    db.execute("DELETE FROM c2c_read WHERE sdkappid = ? AND (user_id = ? OR peer_id = ?)",
               (sdkappid, user_id, user_id))


def imported_before(db: sqlite3.Connection, sdkappid: int, a: str, b: str, seq: int,
                    random: int, msg_time: int) -> bool:
    """importmsg's duplicate: same MsgSeq, MsgRandom and MsgTimeStamp in the conversation,
    either direction, whatever the content (documented; the first copy is kept)."""
    # each side of the OR names the whole c2c_msgs_pair index, so SQLite looks both up
    # instead of scanning the app's messages
    side = "(sdkappid = ? AND from_id = ? AND to_id = ? AND msg_time = ?)"
    return db.execute(f"SELECT 1 FROM c2c_msgs WHERE ({side} OR {side}) AND msg_seq = ?"
                      " AND msg_random = ?",
                      (sdkappid, a, b, msg_time, sdkappid, b, a, msg_time, seq, random)
                      ).fetchone() is not None


def modify(db: sqlite3.Connection, row_id: int, body: list[Any] | None,
           cloud_data: str | None) -> None:
    """Replace the fields given; the others stay."""
    if body is not None:
        db.execute("UPDATE c2c_msgs SET body = ? WHERE id = ?",
                   (json.dumps(body, ensure_ascii=False), row_id))
    if cloud_data is not None:
        db.execute("UPDATE c2c_msgs SET cloud_data = ? WHERE id = ?", (cloud_data, row_id))
