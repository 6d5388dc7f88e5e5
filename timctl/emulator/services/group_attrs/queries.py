"""SQL of group attributes and counters. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3

WRITE_WINDOW = 1.0  # seconds: the documented limit is 5 attribute writes per second per group


def attrs(db: sqlite3.Connection, sdkappid: int, group_id: str) -> dict[str, str]:
    """key -> value, in the order the keys were added."""
    return dict(db.execute(
        "SELECT key, value FROM group_attrs WHERE sdkappid = ? AND group_id = ? ORDER BY pos",
        (sdkappid, group_id)))


def put_attrs(db: sqlite3.Connection, sdkappid: int, group_id: str,
              pairs: dict[str, str]) -> None:
    """Add or overwrite keys; an overwritten key keeps its place."""
    for key, value in pairs.items():
        updated = db.execute(
            "UPDATE group_attrs SET value = ? WHERE sdkappid = ? AND group_id = ? AND key = ?",
            (value, sdkappid, group_id, key)).rowcount
        if not updated:
            db.execute(
                "INSERT INTO group_attrs (sdkappid, group_id, key, value, pos) VALUES"
                " (?, ?, ?, ?, (SELECT COALESCE(MAX(pos), 0) + 1 FROM group_attrs"
                "  WHERE sdkappid = ? AND group_id = ?))",
                (sdkappid, group_id, key, value, sdkappid, group_id))


def delete_attrs(db: sqlite3.Connection, sdkappid: int, group_id: str,
                 keys: list[str] | None = None) -> None:
    """Delete the given keys, or every key when `keys` is None."""
    if keys is None:
        db.execute("DELETE FROM group_attrs WHERE sdkappid = ? AND group_id = ?",
                   (sdkappid, group_id))
        return
    db.executemany("DELETE FROM group_attrs WHERE sdkappid = ? AND group_id = ? AND key = ?",
                   [(sdkappid, group_id, k) for k in keys])


def recent_writes(db: sqlite3.Connection, sdkappid: int, group_id: str, now: float) -> int:
    """Attribute writes on the group within the last second (older rows are dropped)."""
    db.execute("DELETE FROM group_attr_writes WHERE sdkappid = ? AND group_id = ? AND at <= ?",
               (sdkappid, group_id, now - WRITE_WINDOW))
    row = db.execute("SELECT COUNT(*) FROM group_attr_writes WHERE sdkappid = ? AND"
                     " group_id = ?", (sdkappid, group_id)).fetchone()
    return int(row[0])


def note_write(db: sqlite3.Connection, sdkappid: int, group_id: str, now: float) -> None:
    db.execute("INSERT INTO group_attr_writes (sdkappid, group_id, at) VALUES (?, ?, ?)",
               (sdkappid, group_id, now))


def counters(db: sqlite3.Connection, sdkappid: int, group_id: str) -> dict[str, int]:
    """key -> value, in the order the keys were created."""
    return dict(db.execute(
        "SELECT key, value FROM group_counters WHERE sdkappid = ? AND group_id = ?"
        " ORDER BY pos", (sdkappid, group_id)))


def put_counters(db: sqlite3.Connection, sdkappid: int, group_id: str,
                 values: dict[str, int]) -> None:
    for key, value in values.items():
        updated = db.execute(
            "UPDATE group_counters SET value = ? WHERE sdkappid = ? AND group_id = ?"
            " AND key = ?", (value, sdkappid, group_id, key)).rowcount
        if not updated:
            db.execute(
                "INSERT INTO group_counters (sdkappid, group_id, key, value, pos) VALUES"
                " (?, ?, ?, ?, (SELECT COALESCE(MAX(pos), 0) + 1 FROM group_counters"
                "  WHERE sdkappid = ? AND group_id = ?))",
                (sdkappid, group_id, key, value, sdkappid, group_id))


def delete_counters(db: sqlite3.Connection, sdkappid: int, group_id: str,
                    keys: list[str] | None = None) -> None:
    """Delete the given keys (absent ones are ignored), or all when `keys` is None."""
    if keys is None:
        db.execute("DELETE FROM group_counters WHERE sdkappid = ? AND group_id = ?",
                   (sdkappid, group_id))
        return
    db.executemany("DELETE FROM group_counters WHERE sdkappid = ? AND group_id = ? AND key = ?",
                   [(sdkappid, group_id, k) for k in keys])


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    for table in ("group_attrs", "group_attr_writes", "group_counters"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND group_id = ?",
                   (sdkappid, group_id))
