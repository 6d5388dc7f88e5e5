"""SQL of the account service. Every function takes the request's connection first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from timctl.emulator import services

_CHUNK = 500  # bound on SQL variables per statement (old SQLite builds allow only 999)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def import_account(db: sqlite3.Connection, sdkappid: int, user_id: str, now: float) -> bool:
    """Import (idempotent). True when the account is new."""
    cur = db.execute(
        "INSERT OR IGNORE INTO accounts (sdkappid, user_id, created_at) VALUES (?, ?, ?)",
        (sdkappid, user_id, now))
    return cur.rowcount > 0


def exists(db: sqlite3.Connection, sdkappid: int, user_id: str) -> bool:
    return db.execute("SELECT 1 FROM accounts WHERE sdkappid = ? AND user_id = ?",
                      (sdkappid, user_id)).fetchone() is not None


def existing(db: sqlite3.Connection, sdkappid: int, user_ids: Iterable[str]) -> set[str]:
    ids = list(dict.fromkeys(user_ids))
    found: set[str] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in db.execute(
            f"SELECT user_id FROM accounts WHERE sdkappid = ? AND user_id IN ({marks})",
            (sdkappid, *chunk)))
    return found


def count(db: sqlite3.Connection, sdkappid: int, exclude: Iterable[str] = ()) -> int:
    skip = list(exclude)
    where = f" AND user_id NOT IN ({','.join('?' * len(skip))})" if skip else ""
    (n,) = db.execute(f"SELECT COUNT(*) FROM accounts WHERE sdkappid = ?{where}",
                      (sdkappid, *skip)).fetchone()
    return int(n)


def list_ids(db: sqlite3.Connection, sdkappid: int) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT user_id FROM accounts WHERE sdkappid = ? ORDER BY id", (sdkappid,))]


def delete(db: sqlite3.Connection, sdkappid: int, user_id: str, now: float) -> None:
    """Remove the account, remember when (the re-import block), and let every service
    remove the user's rows."""
    db.execute("DELETE FROM accounts WHERE sdkappid = ? AND user_id = ?", (sdkappid, user_id))
    db.execute("INSERT OR REPLACE INTO deleted_accounts (sdkappid, user_id, deleted_at)"
               " VALUES (?, ?, ?)", (sdkappid, user_id, now))
    services.account_deleted(db, sdkappid, user_id)


def deleted_at(db: sqlite3.Connection, sdkappid: int, user_id: str) -> float | None:
    row = db.execute("SELECT deleted_at FROM deleted_accounts WHERE sdkappid = ? AND"
                     " user_id = ?", (sdkappid, user_id)).fetchone()
    return None if row is None else float(row[0])


# --- login state (the emulator has no SDK logins: set through /_emulator/online) ----------

def set_online(db: sqlite3.Connection, sdkappid: int, user_id: str, platform: str,
               status: str, now: float) -> None:
    """Record a platform's login state; "Offline" removes it."""
    if status == "Offline":
        db.execute("DELETE FROM online WHERE sdkappid = ? AND user_id = ? AND platform = ?",
                   (sdkappid, user_id, platform))
        return
    db.execute("INSERT OR REPLACE INTO online (sdkappid, user_id, platform, status, updated_at)"
               " VALUES (?, ?, ?, ?, ?)", (sdkappid, user_id, platform, status, now))


def log_out(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    db.execute("DELETE FROM online WHERE sdkappid = ? AND user_id = ?", (sdkappid, user_id))


def online_platforms(db: sqlite3.Connection, sdkappid: int,
                     user_ids: Iterable[str]) -> dict[str, list[tuple[str, str, float]]]:
    """user -> [(platform, status, updated_at)] for users with any recorded login."""
    ids = list(dict.fromkeys(user_ids))
    out: dict[str, list[tuple[str, str, float]]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for uid, platform, status, at in db.execute(
            "SELECT user_id, platform, status, updated_at FROM online"
            f" WHERE sdkappid = ? AND user_id IN ({marks}) ORDER BY platform",
            (sdkappid, *chunk),
        ):
            out.setdefault(uid, []).append((platform, status, float(at)))
    return out


# --- hooks ---------------------------------------------------------------------------------

def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    log_out(db, sdkappid, user_id)


def on_admin_added(db: sqlite3.Connection, sdkappid: int, admin: str, now: float) -> None:
    import_account(db, sdkappid, admin, now)  # the console imports admins as accounts
