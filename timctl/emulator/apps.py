"""Apps (SDKAppID, secret key, admins, edition): the console's side of the emulator.

`load`/`load_all` read inside a request's transaction; the others are the operator's tools
(open_app, `timctl emulator ...`, tests) and open their own transaction on a Store.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from dataclasses import dataclass, field

from timctl.emulator import services
from timctl.emulator.store import Store

EDITIONS = ("trial", "developer", "pro", "ultimate", "enterprise")
MAX_ADMINS = 10  # documented: up to 10 App Admins per app


@dataclass(frozen=True)
class AppInfo:
    sdkappid: int
    secret_key: str = field(repr=False)  # never in a repr, a log or a traceback
    admins: tuple[str, ...]
    edition: str = "developer"
    allow_account_delete: bool = False


def load(db: sqlite3.Connection, sdkappid: int) -> AppInfo | None:
    row = db.execute(
        "SELECT sdkappid, secret_key, admins, edition, allow_account_delete FROM apps"
        " WHERE sdkappid = ?", (sdkappid,),
    ).fetchone()
    if row is None:
        return None
    return AppInfo(row[0], row[1], tuple(json.loads(row[2])), row[3], bool(row[4]))


def load_all(db: sqlite3.Connection) -> list[AppInfo]:
    ids = [r[0] for r in db.execute("SELECT sdkappid FROM apps ORDER BY sdkappid")]
    return [a for sid in ids if (a := load(db, sid)) is not None]


def ensure_app(store: Store, sdkappid: int, admin: str = "administrator",
               secret_key: str | None = None, edition: str = "developer") -> AppInfo:
    """Create the app if missing, else return it: a given secret key replaces the stored
    one, `admin` joins the admin list. `edition` applies only to a new app (see
    set_edition). Admins are imported as accounts, as the console does."""
    sdkappid = _check_sdkappid(sdkappid)
    _check_user_id(admin, "admin")
    _check_edition(edition)
    now = time.time()
    with store.tx() as db:
        info = load(db, sdkappid)
        if info is None:
            db.execute(
                "INSERT INTO apps (sdkappid, secret_key, admins, edition, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (sdkappid, secret_key or secrets.token_hex(32), json.dumps([admin]), edition,
                 now),
            )
        else:
            if secret_key and secret_key != info.secret_key:
                db.execute("UPDATE apps SET secret_key = ? WHERE sdkappid = ?",
                           (secret_key, sdkappid))
            if admin not in info.admins:
                if len(info.admins) >= MAX_ADMINS:
                    raise ValueError(f"an app has at most {MAX_ADMINS} admins")
                db.execute("UPDATE apps SET admins = ? WHERE sdkappid = ?",
                           (json.dumps([*info.admins, admin]), sdkappid))
        services.admin_added(db, sdkappid, admin, now)
        result = load(db, sdkappid)
    assert result is not None
    return result


def set_edition(store: Store, sdkappid: int, edition: str,
                allow_account_delete: bool | None = None) -> AppInfo:
    _check_edition(edition)
    with store.tx() as db:
        if load(db, sdkappid) is None:
            raise KeyError(f"no app {sdkappid}")
        db.execute("UPDATE apps SET edition = ? WHERE sdkappid = ?", (edition, sdkappid))
        if allow_account_delete is not None:
            db.execute("UPDATE apps SET allow_account_delete = ? WHERE sdkappid = ?",
                       (int(allow_account_delete), sdkappid))
        result = load(db, sdkappid)
    assert result is not None
    return result


def get_app(store: Store, sdkappid: int) -> AppInfo | None:
    with store.tx() as db:
        return load(db, sdkappid)


def list_apps(store: Store) -> list[AppInfo]:
    with store.tx() as db:
        return load_all(db)


def reset(store: Store) -> None:
    """Delete all data, keeping apps, their keys and admins (re-imported as accounts)."""
    keep = {"meta"}.union(*(s.keep_on_reset for s in store.schemas))
    now = time.time()
    with store.tx() as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            if table not in keep:
                db.execute(f'DELETE FROM "{table}"')
        for app in load_all(db):
            for admin in app.admins:
                services.admin_added(db, app.sdkappid, admin, now)


def _check_sdkappid(sdkappid: int) -> int:
    if isinstance(sdkappid, bool) or not isinstance(sdkappid, int) or not 0 < sdkappid < 2**32:
        raise ValueError(f"SDKAppID must be a positive 32-bit integer, got {sdkappid!r}")
    return sdkappid


def _check_user_id(user_id: str, what: str) -> None:
    if not isinstance(user_id, str) or not 0 < len(user_id.encode()) <= 32:
        raise ValueError(f"{what} must be a UserID of 1-32 bytes, got {user_id!r}")


def _check_edition(edition: str) -> None:
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r} (one of {', '.join(EDITIONS)})")
