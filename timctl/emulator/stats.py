"""Calls per endpoint and ErrorCode, counted in the request's transaction (so a call that
rolls back is still counted, and a lost response is counted once it committed).

What the gateway never processed is not counted: dropped connections and injected HTTP
statuses. Calls at a legacy path count under the endpoint's current name.
"""

from __future__ import annotations

import sqlite3
from typing import Any

MAX_KEY = 128  # unknown paths are counted as sent, cut to this length


def record(db: sqlite3.Connection, endpoint: str, code: int) -> None:
    db.execute("INSERT INTO stats (endpoint, code, calls) VALUES (?, ?, 1)"
               " ON CONFLICT (endpoint, code) DO UPDATE SET calls = calls + 1",
               (endpoint[:MAX_KEY], code))


def rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """[{"endpoint", "ErrorCode", "calls"}], by endpoint then code."""
    return [{"endpoint": e, "ErrorCode": c, "calls": n} for e, c, n in db.execute(
        "SELECT endpoint, code, calls FROM stats ORDER BY endpoint, code")]


def summary(db: sqlite3.Connection) -> dict[str, Any]:
    """{"total": N, "endpoints": {name: {"calls": n, "codes": {"0": n, ...}}}}."""
    endpoints: dict[str, dict[str, Any]] = {}
    total = 0
    for row in rows(db):
        entry = endpoints.setdefault(row["endpoint"], {"calls": 0, "codes": {}})
        entry["calls"] += row["calls"]
        entry["codes"][str(row["ErrorCode"])] = row["calls"]
        total += row["calls"]
    return {"total": total, "endpoints": endpoints}


def reset(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM stats")
