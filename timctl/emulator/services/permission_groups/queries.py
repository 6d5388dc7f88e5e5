"""SQL of permission groups. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3
from typing import Any

FIELDS = {"PermissionGroupName": "name", "Permission": "permission",
          "CustomString": "custom_string"}


def find(db: sqlite3.Connection, sdkappid: int, group_id: str,
         pmg_id: str) -> dict[str, Any] | None:
    row = db.execute("SELECT pmg_id, name, permission, custom_string FROM permission_groups"
                     " WHERE sdkappid = ? AND group_id = ? AND pmg_id = ?",
                     (sdkappid, group_id, pmg_id)).fetchone()
    return None if row is None else _info(row)


def _info(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"PermissionGroupId": row[0], "PermissionGroupName": row[1],
            "Permission": row[2], "CustomString": row[3]}


def page(db: sqlite3.Connection, sdkappid: int, group_id: str, after: int,
         limit: int) -> list[tuple[int, dict[str, Any]]]:
    """(position, info) of up to `limit` permission groups after position `after`."""
    return [(r[0], _info(r[1:])) for r in db.execute(
        "SELECT pos, pmg_id, name, permission, custom_string FROM permission_groups"
        " WHERE sdkappid = ? AND group_id = ? AND pos > ? ORDER BY pos LIMIT ?",
        (sdkappid, group_id, after, limit))]


def create(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str,
           values: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO permission_groups (sdkappid, group_id, pmg_id, name, permission,"
        " custom_string, pos) VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(pos), 0) + 1"
        " FROM permission_groups WHERE sdkappid = ? AND group_id = ?))",
        (sdkappid, group_id, pmg_id, values["PermissionGroupName"], values["Permission"],
         values.get("CustomString", ""), sdkappid, group_id))


def update(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str,
           values: dict[str, Any]) -> None:
    if values:
        db.execute(f"UPDATE permission_groups SET"
                   f" {', '.join(FIELDS[k] + ' = ?' for k in values)}"
                   " WHERE sdkappid = ? AND group_id = ? AND pmg_id = ?",
                   (*values.values(), sdkappid, group_id, pmg_id))


def delete(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str) -> bool:
    for table in ("permission_group_members", "permission_group_topics"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND group_id = ? AND pmg_id = ?",
                   (sdkappid, group_id, pmg_id))
    return db.execute("DELETE FROM permission_groups WHERE sdkappid = ? AND group_id = ?"
                      " AND pmg_id = ?", (sdkappid, group_id, pmg_id)).rowcount > 0


def add_member(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str,
               user_id: str) -> bool:
    """False when the user was already in the permission group."""
    return db.execute(
        "INSERT OR IGNORE INTO permission_group_members (sdkappid, group_id, pmg_id, user_id,"
        " pos) VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(pos), 0) + 1 FROM"
        " permission_group_members WHERE sdkappid = ? AND group_id = ? AND pmg_id = ?))",
        (sdkappid, group_id, pmg_id, user_id, sdkappid, group_id, pmg_id)).rowcount > 0


def remove_member(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str,
                  user_id: str) -> None:
    db.execute("DELETE FROM permission_group_members WHERE sdkappid = ? AND group_id = ? AND"
               " pmg_id = ? AND user_id = ?", (sdkappid, group_id, pmg_id, user_id))


def members(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str, after: int,
            limit: int) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute(
        "SELECT pos, user_id FROM permission_group_members WHERE sdkappid = ? AND"
        " group_id = ? AND pmg_id = ? AND pos > ? ORDER BY pos LIMIT ?",
        (sdkappid, group_id, pmg_id, after, limit))]


def topic_bindings(db: sqlite3.Connection, sdkappid: int, group_id: str,
                   pmg_id: str) -> dict[str, tuple[int, float]]:
    """topic ID -> (permission, the topic's creation time when bound), in the order added."""
    return {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT topic_id, permission, topic_created FROM permission_group_topics WHERE"
        " sdkappid = ? AND group_id = ? AND pmg_id = ? ORDER BY pos",
        (sdkappid, group_id, pmg_id))}


def bind_topic(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str,
               topic_id: str, permission: int, topic_created: float) -> None:
    """Add or replace a binding; a replaced one keeps its place in the list."""
    db.execute(
        "INSERT INTO permission_group_topics (sdkappid, group_id, pmg_id, topic_id,"
        " permission, topic_created, pos) VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(pos),"
        " 0) + 1 FROM permission_group_topics WHERE sdkappid = ? AND group_id = ? AND"
        " pmg_id = ?)) ON CONFLICT (sdkappid, group_id, pmg_id, topic_id) DO UPDATE SET"
        " permission = excluded.permission, topic_created = excluded.topic_created",
        (sdkappid, group_id, pmg_id, topic_id, permission, topic_created, sdkappid, group_id,
         pmg_id))


def unbind_topic(db: sqlite3.Connection, sdkappid: int, group_id: str, pmg_id: str,
                 topic_id: str) -> None:
    db.execute("DELETE FROM permission_group_topics WHERE sdkappid = ? AND group_id = ? AND"
               " pmg_id = ? AND topic_id = ?", (sdkappid, group_id, pmg_id, topic_id))


def on_group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    for table in ("permission_groups", "permission_group_members", "permission_group_topics"):
        db.execute(f"DELETE FROM {table} WHERE sdkappid = ? AND group_id = ?",
                   (sdkappid, group_id))


def on_topic_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str,
                       topic_id: str) -> None:
    db.execute("DELETE FROM permission_group_topics WHERE sdkappid = ? AND group_id = ? AND"
               " topic_id = ?", (sdkappid, group_id, topic_id))


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    db.execute("DELETE FROM permission_group_members WHERE sdkappid = ? AND user_id = ?",
               (sdkappid, user_id))
