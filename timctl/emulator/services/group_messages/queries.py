"""SQL of the group message store. Every function takes the request's connection first."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from timctl.emulator.services.groups import queries as groups

DEDUP_SECONDS = 300  # send_group_msg: same Random and content within 5 minutes
PRIORITIES = {"High": 1, "Normal": 2, "Low": 3, "Lowest": 4}  # history shows the numbers


def find_duplicate(db: sqlite3.Connection, sdkappid: int, group_id: str, random: int,
                   crc: int, now: float) -> tuple[int, int] | None:
    """(MsgSeq, MsgTime) of the message this send repeats, if any."""
    row = db.execute("SELECT msg_seq, msg_time FROM group_msgs WHERE sdkappid = ?"
                     " AND group_id = ? AND msg_random = ? AND body_crc = ? AND sent_at > ?"
                     " ORDER BY msg_seq LIMIT 1",
                     (sdkappid, group_id, random, crc, now - DEDUP_SECONDS)).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


@dataclass(frozen=True)
class Flags:
    """What a send asked for beyond its body (send_group_msg 1047/34959)."""

    need_receipt: bool = False  # NeedReadReceipt 1
    support_ext: bool = False  # SupportMessageExtension 1
    targets: tuple[str, ...] = ()  # To_Account: only these members receive it


def insert(db: sqlite3.Connection, sdkappid: int, group_id: str, *, from_id: str, random: int,
           msg_time: int, body: list[Any], cloud_data: str | None, priority: int,
           at_info: list[Any], crc: int, now: float, seq: int | None = None,
           flags: Flags = Flags()) -> int:
    """Store a message under the group's next MsgSeq (or the given one: a topic's); returns
    that seq."""
    if seq is None:
        seq = groups.next_msg_seq(db, sdkappid, group_id)
    db.execute("INSERT INTO group_msgs (sdkappid, group_id, msg_seq, from_id, msg_random,"
               " msg_time, body, cloud_data, priority, at_info, body_crc, sent_at,"
               " need_receipt, support_ext, targets)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (sdkappid, group_id, seq, from_id, random, msg_time,
                json.dumps(body, ensure_ascii=False), cloud_data, priority,
                json.dumps(at_info, ensure_ascii=False), crc, now, int(flags.need_receipt),
                int(flags.support_ext),
                json.dumps(list(flags.targets)) if flags.targets else None))
    return seq


@dataclass(frozen=True)
class Stored:
    from_id: str
    recalled: bool
    flags: Flags


def find(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int) -> Stored | None:
    """The stored message (not a tip) with this MsgSeq."""
    row = db.execute("SELECT from_id, recalled, need_receipt, support_ext, targets FROM"
                     " group_msgs WHERE sdkappid = ? AND group_id = ? AND msg_seq = ?",
                     (sdkappid, group_id, seq)).fetchone()
    if row is None:
        return None
    targets = tuple(json.loads(row[4])) if row[4] else ()
    return Stored(row[0], bool(row[1]), Flags(bool(row[2]), bool(row[3]), targets))


def admit(db: sqlite3.Connection, sdkappid: int, group_id: str, now: float,
          per_second: int) -> bool:
    """The per-group frequency control: record a send unless `per_second` were accepted in
    the last second (app clock), then False."""
    db.execute("DELETE FROM group_msg_sends WHERE sdkappid = ? AND group_id = ? AND at <= ?",
               (sdkappid, group_id, now - 1.0))
    row = db.execute("SELECT COUNT(*) FROM group_msg_sends WHERE sdkappid = ? AND"
                     " group_id = ?", (sdkappid, group_id)).fetchone()
    if int(row[0]) >= per_second:
        return False
    db.execute("INSERT INTO group_msg_sends (sdkappid, group_id, at) VALUES (?, ?, ?)",
               (sdkappid, group_id, now))
    return True


def _tip_item(tip: dict[str, Any]) -> dict[str, Any]:
    # The pages say only that tips come with IsSystemMsg 1; their body shape is inferred.
    content = {"OpType": tip["kind"], "Operator_Account": tip["operator"],
               "List_Account": tip["users"], **tip["data"]}
    return {"From_Account": tip["operator"], "IsPlaceMsg": 0, "IsSystemMsg": 1,
            "MsgBody": [{"MsgType": "TIMGroupTipElem", "MsgContent": content}],
            "MsgPriority": PRIORITIES["Normal"], "MsgRandom": 0, "MsgSeq": tip["MsgSeq"],
            "MsgTimeStamp": int(tip["time"])}


def items(db: sqlite3.Connection, sdkappid: int, group_id: str, low: int, high: int,
          with_recalled: bool) -> list[dict[str, Any]]:
    """Messages and tips with MsgSeq in [low, high], the newest first, as RspMsgList lists
    them; recalled messages (IsPlaceMsg 2) only when asked for."""
    out = [_tip_item(t) for t in groups.history(db, sdkappid, group_id)
           if low <= t["MsgSeq"] <= high]
    for seq, frm, rnd, at, body, cloud, prio, recalled in db.execute(
        "SELECT msg_seq, from_id, msg_random, msg_time, body, cloud_data, priority, recalled"
        " FROM group_msgs WHERE sdkappid = ? AND group_id = ? AND msg_seq BETWEEN ? AND ?",
        (sdkappid, group_id, low, high),
    ):
        if recalled and not with_recalled:
            continue
        item: dict[str, Any] = {
            "From_Account": frm, "IsPlaceMsg": 2 if recalled else 0, "IsSystemMsg": 0,
            "MsgBody": json.loads(body), "MsgPriority": int(prio), "MsgRandom": int(rnd),
            "MsgSeq": int(seq), "MsgTimeStamp": int(at)}
        if cloud is not None:
            item["CloudCustomData"] = cloud
        out.append(item)
    return sorted(out, key=lambda m: -int(m["MsgSeq"]))


def state(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int) -> str:
    """"message", "recalled", "tip" or "missing"."""
    row = db.execute("SELECT recalled FROM group_msgs WHERE sdkappid = ? AND group_id = ?"
                     " AND msg_seq = ?", (sdkappid, group_id, seq)).fetchone()
    if row is not None:
        return "recalled" if row[0] else "message"
    tips = groups.history(db, sdkappid, group_id)
    return "tip" if any(t["MsgSeq"] == seq for t in tips) else "missing"


def recall(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int) -> None:
    db.execute("UPDATE group_msgs SET recalled = 1 WHERE sdkappid = ? AND group_id = ?"
               " AND msg_seq = ?", (sdkappid, group_id, seq))


def recall_by_sender(db: sqlite3.Connection, sdkappid: int, group_id: str, sender: str,
                     last_seq: int, window: int) -> int:
    """Recall the sender's messages among the group's latest `window` seqs; how many."""
    cur = db.execute("UPDATE group_msgs SET recalled = 1 WHERE sdkappid = ? AND group_id = ?"
                     " AND from_id = ? AND recalled = 0 AND msg_seq > ?",
                     (sdkappid, group_id, sender, last_seq - window))
    return cur.rowcount


# --- read receipts --------------------------------------------------------------------------

def add_read(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int, user_id: str,
             now: float) -> None:
    db.execute("INSERT OR IGNORE INTO group_msg_reads (sdkappid, group_id, msg_seq, user_id,"
               " read_at) VALUES (?, ?, ?, ?, ?)", (sdkappid, group_id, seq, user_id, now))


def readers(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int) -> set[str]:
    return {str(r[0]) for r in db.execute(
        "SELECT user_id FROM group_msg_reads WHERE sdkappid = ? AND group_id = ? AND"
        " msg_seq = ?", (sdkappid, group_id, seq))}


# --- cascades -------------------------------------------------------------------------------

def _delete(db: sqlite3.Connection, where: str, args: tuple[Any, ...]) -> None:
    for table in ("group_msgs", "group_msg_reads", "group_msg_sends"):
        db.execute(f"DELETE FROM {table} WHERE {where}", args)


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    # topic messages are stored under topic IDs, which start with the community's ID
    _delete(db, "sdkappid = ? AND (group_id = ? OR substr(group_id, 1, ?) = ?)",
            (sdkappid, group_id, len(group_id) + 7, group_id + "@TOPIC#"))


def on_topic_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str,
                       topic_id: str) -> None:
    _delete(db, "sdkappid = ? AND group_id = ?", (sdkappid, topic_id))


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    db.execute("DELETE FROM group_msg_reads WHERE sdkappid = ? AND user_id = ?",
               (sdkappid, user_id))
