"""SQL of the profile service. Values are stored as JSON (strings and integers)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any


def set_values(db: sqlite3.Connection, sdkappid: int, user_id: str, values: dict[str, Any],
               now: float) -> None:
    """Per-tag upsert; tags not given keep their values."""
    db.executemany(
        "INSERT OR REPLACE INTO profiles (sdkappid, user_id, tag, value, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(sdkappid, user_id, tag, json.dumps(v, ensure_ascii=False), now)
         for tag, v in values.items()],
    )


def get_values(db: sqlite3.Connection, sdkappid: int, user_id: str,
               tags: Iterable[str] | None = None) -> dict[str, Any]:
    """The set tags of one user (all of them when `tags` is None)."""
    rows = db.execute("SELECT tag, value FROM profiles WHERE sdkappid = ? AND user_id = ?",
                      (sdkappid, user_id)).fetchall()
    wanted = None if tags is None else set(tags)
    return {t: json.loads(v) for t, v in rows if wanted is None or t in wanted}


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    db.execute("DELETE FROM profiles WHERE sdkappid = ? AND user_id = ?", (sdkappid, user_id))
