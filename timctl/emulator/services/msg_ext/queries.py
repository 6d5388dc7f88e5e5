"""SQL of message extensions. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

WINDOW = 60.0  # the write limit counts a minute


@dataclass(frozen=True)
class Ref:
    """One message: ('c2c', from, to, MsgKey) or ('group', GroupId, '', str(MsgSeq))."""

    kind: str
    a: str
    b: str
    msg: str

    def where(self) -> tuple[str, tuple[str, ...]]:
        return "kind = ? AND a = ? AND b = ? AND msg = ?", (self.kind, self.a, self.b, self.msg)


def values(db: sqlite3.Connection, sdkappid: int, ref: Ref) -> dict[str, tuple[str, int]]:
    """key -> (value, seq)."""
    where, args = ref.where()
    return {str(k): (str(v), int(s)) for k, v, s in db.execute(
        f"SELECT key, value, seq FROM msg_ext_kv WHERE sdkappid = ? AND {where}",
        (sdkappid, *args))}


def seqs(db: sqlite3.Connection, sdkappid: int, ref: Ref) -> tuple[int, int]:
    """(LatestSeq, ClearSeq)."""
    where, args = ref.where()
    row = db.execute(f"SELECT latest_seq, clear_seq FROM msg_ext_meta WHERE sdkappid = ? AND"
                     f" {where}", (sdkappid, *args)).fetchone()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def bump(db: sqlite3.Connection, sdkappid: int, ref: Ref, *, clear: bool = False) -> int:
    """The message's next version (and, for a clear, its ClearSeq)."""
    latest, cleared = seqs(db, sdkappid, ref)
    latest += 1
    db.execute("INSERT OR REPLACE INTO msg_ext_meta (sdkappid, kind, a, b, msg, latest_seq,"
               " clear_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (sdkappid, ref.kind, ref.a, ref.b, ref.msg, latest, latest if clear else cleared))
    return latest


def put(db: sqlite3.Connection, sdkappid: int, ref: Ref, key: str, value: str,
        seq: int) -> None:
    db.execute("INSERT OR REPLACE INTO msg_ext_kv (sdkappid, kind, a, b, msg, key, value, seq)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (sdkappid, ref.kind, ref.a, ref.b, ref.msg, key, value, seq))


def remove(db: sqlite3.Connection, sdkappid: int, ref: Ref, key: str | None = None) -> None:
    """Remove one key, or every key."""
    where, args = ref.where()
    if key is None:
        db.execute(f"DELETE FROM msg_ext_kv WHERE sdkappid = ? AND {where}", (sdkappid, *args))
    else:
        db.execute(f"DELETE FROM msg_ext_kv WHERE sdkappid = ? AND {where} AND key = ?",
                   (sdkappid, *args, key))


def record_write(db: sqlite3.Connection, sdkappid: int, ref: Ref, now: float,
                 limit: int) -> bool:
    """Record a write unless `limit` writes happened within the last minute (then False)."""
    where, args = ref.where()
    db.execute(f"DELETE FROM msg_ext_writes WHERE sdkappid = ? AND {where} AND at <= ?",
               (sdkappid, *args, now - WINDOW))
    row = db.execute(f"SELECT COUNT(*) FROM msg_ext_writes WHERE sdkappid = ? AND {where}",
                     (sdkappid, *args)).fetchone()
    if int(row[0]) >= limit:
        return False
    db.execute("INSERT INTO msg_ext_writes (sdkappid, kind, a, b, msg, at) VALUES"
               " (?, ?, ?, ?, ?, ?)", (sdkappid, ref.kind, ref.a, ref.b, ref.msg, now))
    return True


def _delete(db: sqlite3.Connection, where: str, args: tuple[object, ...]) -> None:
    for table in ("msg_ext_kv", "msg_ext_meta", "msg_ext_writes"):
        db.execute(f"DELETE FROM {table} WHERE {where}", args)


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    _delete(db, "sdkappid = ? AND kind = 'c2c' AND (a = ? OR b = ?)",
            (sdkappid, user_id, user_id))


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    _delete(db, "sdkappid = ? AND kind = 'group' AND a = ?", (sdkappid, group_id))
