"""SQL of pinned group messages. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3


def pins(db: sqlite3.Connection, sdkappid: int, group_id: str) -> list[tuple[int, str]]:
    """(MsgSeq, Pinner_Account) of the group's pins, the newest pin first."""
    return [(int(seq), str(who)) for seq, who in db.execute(
        "SELECT msg_seq, pinner FROM group_pins WHERE sdkappid = ? AND group_id = ?"
        " ORDER BY pin_order DESC", (sdkappid, group_id))]


def pin(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int, pinner: str) -> None:
    order = db.execute("SELECT COALESCE(MAX(pin_order), 0) + 1 FROM group_pins WHERE"
                       " sdkappid = ? AND group_id = ?", (sdkappid, group_id)).fetchone()[0]
    db.execute("INSERT INTO group_pins (sdkappid, group_id, msg_seq, pinner, pin_order)"
               " VALUES (?, ?, ?, ?, ?)", (sdkappid, group_id, seq, pinner, order))


def unpin(db: sqlite3.Connection, sdkappid: int, group_id: str, seq: int) -> bool:
    """Remove a pin; whether there was one."""
    cur = db.execute("DELETE FROM group_pins WHERE sdkappid = ? AND group_id = ?"
                     " AND msg_seq = ?", (sdkappid, group_id, seq))
    return cur.rowcount > 0


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    db.execute("DELETE FROM group_pins WHERE sdkappid = ? AND group_id = ?",
               (sdkappid, group_id))
