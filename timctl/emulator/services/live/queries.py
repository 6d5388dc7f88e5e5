"""SQL of live groups. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def join(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
         now: float) -> None:
    """The user is online in the group (joining again keeps the first join time)."""
    db.execute("INSERT OR IGNORE INTO live_online (sdkappid, group_id, user_id, joined_at)"
               " VALUES (?, ?, ?, ?)", (sdkappid, group_id, user_id, now))


def leave(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str) -> None:
    for table in ("live_online", "live_marks"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND group_id = ? AND user_id = ?",
                   (sdkappid, group_id, user_id))


def online(db: sqlite3.Connection, sdkappid: int, group_id: str) -> list[tuple[str, float]]:
    """(user, join time) of every online member, newest joiner first."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT user_id, joined_at FROM live_online WHERE sdkappid = ? AND group_id = ?"
        " ORDER BY joined_at DESC, user_id", (sdkappid, group_id))]


def online_count(db: sqlite3.Connection, sdkappid: int, group_id: str) -> int:
    row = db.execute("SELECT COUNT(*) FROM live_online WHERE sdkappid = ? AND group_id = ?",
                     (sdkappid, group_id)).fetchone()
    return int(row[0])


def online_among(db: sqlite3.Connection, sdkappid: int, group_id: str,
                 user_ids: Iterable[str]) -> set[str]:
    wanted = list(user_ids)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        found.update(r[0] for r in db.execute(
            "SELECT user_id FROM live_online WHERE sdkappid = ? AND group_id = ? AND user_id"
            f" IN ({', '.join('?' * len(chunk))})", (sdkappid, group_id, *chunk)))
    return found


def marks(db: sqlite3.Connection, sdkappid: int, group_id: str) -> dict[str, list[int]]:
    """user -> their marks, ascending."""
    out: dict[str, list[int]] = {}
    for user, mark in db.execute(
            "SELECT user_id, mark FROM live_marks WHERE sdkappid = ? AND group_id = ?"
            " ORDER BY user_id, mark", (sdkappid, group_id)):
        out.setdefault(user, []).append(mark)
    return out


def add_marks(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
              new: Iterable[int]) -> None:
    db.executemany("INSERT OR IGNORE INTO live_marks (sdkappid, group_id, user_id, mark)"
                   " VALUES (?, ?, ?, ?)", [(sdkappid, group_id, user_id, m) for m in new])


def remove_marks(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
                 gone: Iterable[int]) -> None:
    db.executemany("DELETE FROM live_marks WHERE sdkappid = ? AND group_id = ? AND"
                   " user_id = ? AND mark = ?", [(sdkappid, group_id, user_id, m) for m in gone])


def admins(db: sqlite3.Connection, sdkappid: int, group_id: str) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT user_id FROM live_admins WHERE sdkappid = ? AND group_id = ?"
        " ORDER BY added_at, user_id", (sdkappid, group_id))]


def add_admin(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str,
              now: float) -> None:
    db.execute("INSERT OR IGNORE INTO live_admins (sdkappid, group_id, user_id, added_at)"
               " VALUES (?, ?, ?, ?)", (sdkappid, group_id, user_id, now))


def remove_admin(db: sqlite3.Connection, sdkappid: int, group_id: str, user_id: str) -> None:
    db.execute("DELETE FROM live_admins WHERE sdkappid = ? AND group_id = ? AND user_id = ?",
               (sdkappid, group_id, user_id))


TABLES = ("live_online", "live_marks", "live_admins")


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    for table in TABLES:
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND group_id = ?",
                   (sdkappid, group_id))


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    for table in TABLES:
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND user_id = ?",
                   (sdkappid, user_id))
