"""SQL of the mute service. Every function takes the request's connection first.

Times are the app clock's. A mute of N seconds ends at set time + N; 4294967295 never ends.
Expired rows are not deleted: they read as not muted, and the next set replaces them.
"""

from __future__ import annotations

import math
import sqlite3

FOREVER = 4294967295  # documented: 0xFFFFFFFF = muted permanently
KINDS = ("c2c", "group")


def set_mute(db: sqlite3.Connection, sdkappid: int, user_id: str, kind: str, seconds: int,
             now: float) -> None:
    """Mute `kind` messages for `seconds` from now (0 lifts the mute, FOREVER is permanent)."""
    if seconds == 0:
        db.execute("DELETE FROM nospeaking WHERE sdkappid = ? AND user_id = ? AND kind = ?",
                   (sdkappid, user_id, kind))
        return
    until = None if seconds == FOREVER else now + seconds
    db.execute("INSERT OR REPLACE INTO nospeaking (sdkappid, user_id, kind, until, set_at)"
               " VALUES (?, ?, ?, ?, ?)", (sdkappid, user_id, kind, until, now))


def remaining(db: sqlite3.Connection, sdkappid: int, user_id: str, now: float) -> dict[str, int]:
    """kind -> remaining seconds: 0 not muted, FOREVER permanent. Rounded up, so a mute
    still running never reads 0 (and one just set reads back its full length)."""
    left = dict.fromkeys(KINDS, 0)
    for kind, until in db.execute(
        "SELECT kind, until FROM nospeaking WHERE sdkappid = ? AND user_id = ?",
        (sdkappid, user_id),
    ):
        if until is None:
            left[kind] = FOREVER
        elif until > now:
            # rounded to ms first: float sums must not turn 7196 into 7196.0000001 -> 7197
            left[kind] = math.ceil(round(until - now, 3))
    return left


def is_muted(db: sqlite3.Connection, sdkappid: int, user_id: str, kind: str,
             now: float) -> bool:
    """Whether the user may not send `kind` messages now (20012 C2C, 10017 group)."""
    return remaining(db, sdkappid, user_id, now)[kind] > 0


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    db.execute("DELETE FROM nospeaking WHERE sdkappid = ? AND user_id = ?", (sdkappid, user_id))
