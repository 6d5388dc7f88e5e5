"""SQLite state of the emulator: apps, accounts, profiles, online status, account lifecycle.

One connection per Store, shared by all threads and guarded by a re-entrant lock. The gateway
runs each request inside one write transaction (`tx()`), so a request is atomic and requests
are serialised. WAL plus a busy timeout let another process (`timctl emulator serve` next to
an in-process client) use the same file.

Services with their own tables call `register_schema()` at import time and name the columns
that hold a UserID, so `delete_account()` removes all of a user's data without knowing them.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EDITIONS = ("trial", "developer", "pro", "ultimate", "enterprise")
MAX_ADMINS = 10  # documented: up to 10 App Admins per app
SCHEMA_VERSION = 1
_CHUNK = 500  # bound on SQL variables per statement (old SQLite builds allow only 999)

_CORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
    sdkappid INTEGER PRIMARY KEY,
    secret_key TEXT NOT NULL,
    admins TEXT NOT NULL,
    edition TEXT NOT NULL,
    allow_account_delete INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (sdkappid, user_id)
);
CREATE TABLE IF NOT EXISTS profiles (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, user_id, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS online (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, user_id, platform)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deleted_accounts (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    deleted_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kicks (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    kicked_at INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, user_id)
) WITHOUT ROWID;
"""

# Tables keep their rows when an app is reset; everything else is app data.
_KEEP_ON_RESET = frozenset({"meta", "apps"})

# (table, column) pairs holding a UserID; account_delete clears matching rows of the app.
# Deletion/kick records are not user data: they outlive the account on purpose.
_USER_COLUMNS: list[tuple[str, str]] = [
    ("accounts", "user_id"), ("profiles", "user_id"), ("online", "user_id"),
]
_EXTRA_DDL: list[str] = []
_registry_lock = threading.Lock()


def register_schema(ddl: str, user_columns: Iterable[tuple[str, str]] = ()) -> None:
    """Add a service's tables (idempotent DDL: CREATE ... IF NOT EXISTS, with an integer
    `sdkappid` column) and the columns that name a user. Call at module import time."""
    with _registry_lock:
        if ddl not in _EXTRA_DDL:
            _EXTRA_DDL.append(ddl)
        for pair in user_columns:
            if pair not in _USER_COLUMNS:
                _USER_COLUMNS.append(pair)


@dataclass(frozen=True)
class AppInfo:
    sdkappid: int
    secret_key: str
    admins: tuple[str, ...]
    edition: str = "developer"
    allow_account_delete: bool = False


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


class Store:
    """The emulator's state in one SQLite file (or ":memory:")."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0  # nesting of tx(); only the lock holder touches it
        self._applied_ddl = 0
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (see tx()).
        self._db = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA busy_timeout = 30000")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
        self._db.executescript(_CORE_SCHEMA)
        self._db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )

    # --- transactions ----------------------------------------------------------------------

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls in the same thread join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._apply_registered_schema()
            # IMMEDIATE takes the write lock up front, so two processes never deadlock on
            # a read-then-write upgrade; busy_timeout makes the other one wait.
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # also when COMMIT itself failed
                    self._db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def _apply_registered_schema(self) -> None:
        with _registry_lock:
            pending = _EXTRA_DDL[self._applied_ddl:]
            self._applied_ddl = len(_EXTRA_DDL)
        for ddl in pending:
            self._db.executescript(ddl)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- apps --------------------------------------------------------------------------------

    def ensure_app(
        self,
        sdkappid: int,
        admin: str = "administrator",
        secret_key: str | None = None,
        edition: str = "developer",
    ) -> AppInfo:
        """Create the app if missing, else return it: a given secret key replaces the stored
        one, `admin` joins the admin list. `edition` applies only to a new app (see
        set_edition). Admins are imported as accounts, as the console does."""
        sdkappid = _check_sdkappid(sdkappid)
        _check_user_id(admin, "admin")
        if edition not in EDITIONS:
            raise ValueError(f"unknown edition {edition!r} (one of {', '.join(EDITIONS)})")
        now = time.time()
        with self.tx() as db:
            info = self._app(db, sdkappid)
            if info is None:
                db.execute(
                    "INSERT INTO apps (sdkappid, secret_key, admins, edition, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (sdkappid, secret_key or secrets.token_hex(32), json.dumps([admin]),
                     edition, now),
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
            self.import_account(sdkappid, admin, now)
            result = self._app(db, sdkappid)
        assert result is not None
        return result

    def set_edition(
        self, sdkappid: int, edition: str, allow_account_delete: bool | None = None
    ) -> AppInfo:
        if edition not in EDITIONS:
            raise ValueError(f"unknown edition {edition!r} (one of {', '.join(EDITIONS)})")
        with self.tx() as db:
            if self._app(db, sdkappid) is None:
                raise KeyError(f"no app {sdkappid}")
            db.execute("UPDATE apps SET edition = ? WHERE sdkappid = ?", (edition, sdkappid))
            if allow_account_delete is not None:
                db.execute("UPDATE apps SET allow_account_delete = ? WHERE sdkappid = ?",
                           (int(allow_account_delete), sdkappid))
            result = self._app(db, sdkappid)
        assert result is not None
        return result

    def get_app(self, sdkappid: int) -> AppInfo | None:
        with self.tx() as db:
            return self._app(db, sdkappid)

    def apps(self) -> list[AppInfo]:
        with self.tx() as db:
            rows = db.execute("SELECT sdkappid FROM apps ORDER BY sdkappid").fetchall()
            return [a for (sid,) in rows if (a := self._app(db, sid)) is not None]

    @staticmethod
    def _app(db: sqlite3.Connection, sdkappid: int) -> AppInfo | None:
        row = db.execute(
            "SELECT sdkappid, secret_key, admins, edition, allow_account_delete FROM apps"
            " WHERE sdkappid = ?", (sdkappid,),
        ).fetchone()
        if row is None:
            return None
        return AppInfo(row[0], row[1], tuple(json.loads(row[2])), row[3], bool(row[4]))

    def reset(self) -> None:
        """Delete all data, keeping apps, their keys and admins (re-imported as accounts)."""
        with self.tx() as db:
            tables = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'")]
            for table in tables:
                if table not in _KEEP_ON_RESET:
                    db.execute(f'DELETE FROM "{table}"')
            now = time.time()
            for app in self.apps():
                for admin in app.admins:
                    self.import_account(app.sdkappid, admin, now)

    # --- accounts ----------------------------------------------------------------------------

    def import_account(self, sdkappid: int, user_id: str, now: float) -> bool:
        """Import (idempotent). True when the account is new."""
        with self.tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO accounts (sdkappid, user_id, created_at) VALUES (?, ?, ?)",
                (sdkappid, user_id, now),
            )
            return cur.rowcount > 0

    def account_exists(self, sdkappid: int, user_id: str) -> bool:
        return bool(self.existing_accounts(sdkappid, [user_id]))

    def existing_accounts(self, sdkappid: int, user_ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(user_ids))
        found: set[str] = set()
        with self.tx() as db:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                found.update(r[0] for r in db.execute(
                    f"SELECT user_id FROM accounts WHERE sdkappid = ? AND user_id IN ({marks})",
                    (sdkappid, *chunk)))
        return found

    def count_accounts(self, sdkappid: int, exclude: Iterable[str] = ()) -> int:
        skip = list(exclude)
        marks = ",".join("?" * len(skip))
        where = f" AND user_id NOT IN ({marks})" if skip else ""
        with self.tx() as db:
            (n,) = db.execute(
                f"SELECT COUNT(*) FROM accounts WHERE sdkappid = ?{where}", (sdkappid, *skip)
            ).fetchone()
        return int(n)

    def list_accounts(self, sdkappid: int) -> list[str]:
        with self.tx() as db:
            return [r[0] for r in db.execute(
                "SELECT user_id FROM accounts WHERE sdkappid = ? ORDER BY id", (sdkappid,))]

    def delete_account(self, sdkappid: int, user_id: str, now: float) -> None:
        """Remove the account and every row of user data that names it; remember when."""
        with self.tx() as db:
            with _registry_lock:
                columns = list(_USER_COLUMNS)
            for table, column in columns:
                db.execute(f'DELETE FROM "{table}" WHERE sdkappid = ? AND "{column}" = ?',
                           (sdkappid, user_id))
            db.execute(
                "INSERT OR REPLACE INTO deleted_accounts (sdkappid, user_id, deleted_at)"
                " VALUES (?, ?, ?)", (sdkappid, user_id, now))

    def deleted_at(self, sdkappid: int, user_id: str) -> float | None:
        with self.tx() as db:
            row = db.execute(
                "SELECT deleted_at FROM deleted_accounts WHERE sdkappid = ? AND user_id = ?",
                (sdkappid, user_id)).fetchone()
        return None if row is None else float(row[0])

    def kick(self, sdkappid: int, user_id: str, now: float) -> None:
        """Invalidate sigs issued before now (whole seconds, the unit of TLS.time) and log
        the user out everywhere."""
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO kicks (sdkappid, user_id, kicked_at)"
                       " VALUES (?, ?, ?)", (sdkappid, user_id, int(now)))
            db.execute("DELETE FROM online WHERE sdkappid = ? AND user_id = ?",
                       (sdkappid, user_id))

    def kicked_at(self, sdkappid: int, user_id: str) -> int | None:
        with self.tx() as db:
            row = db.execute("SELECT kicked_at FROM kicks WHERE sdkappid = ? AND user_id = ?",
                             (sdkappid, user_id)).fetchone()
        return None if row is None else int(row[0])

    # --- profiles ----------------------------------------------------------------------------

    def set_profile(self, sdkappid: int, user_id: str, values: dict[str, Any],
                    now: float) -> None:
        """Per-tag upsert; tags not given keep their values."""
        with self.tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO profiles (sdkappid, user_id, tag, value, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(sdkappid, user_id, tag, json.dumps(v, ensure_ascii=False), now)
                 for tag, v in values.items()],
            )

    def get_profile(self, sdkappid: int, user_id: str,
                    tags: Iterable[str] | None = None) -> dict[str, Any]:
        """The set tags of one user (all of them when `tags` is None)."""
        with self.tx() as db:
            rows = db.execute(
                "SELECT tag, value FROM profiles WHERE sdkappid = ? AND user_id = ?",
                (sdkappid, user_id)).fetchall()
        wanted = None if tags is None else set(tags)
        return {t: json.loads(v) for t, v in rows if wanted is None or t in wanted}

    # --- online status -----------------------------------------------------------------------

    def set_online(self, sdkappid: int, user_id: str, platform: str, status: str,
                   now: float) -> None:
        """Record a platform's login state (the emulator has no SDK logins of its own);
        "Offline" removes it."""
        with self.tx() as db:
            if status == "Offline":
                db.execute("DELETE FROM online WHERE sdkappid = ? AND user_id = ?"
                           " AND platform = ?", (sdkappid, user_id, platform))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO online (sdkappid, user_id, platform, status,"
                    " updated_at) VALUES (?, ?, ?, ?, ?)",
                    (sdkappid, user_id, platform, status, now))

    def online_platforms(self, sdkappid: int,
                         user_ids: Iterable[str]) -> dict[str, list[tuple[str, str, float]]]:
        """user -> [(platform, status, updated_at)] for users with any recorded login."""
        ids = list(dict.fromkeys(user_ids))
        out: dict[str, list[tuple[str, str, float]]] = {}
        with self.tx() as db:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for uid, platform, status, at in db.execute(
                    "SELECT user_id, platform, status, updated_at FROM online"
                    f" WHERE sdkappid = ? AND user_id IN ({marks}) ORDER BY platform",
                    (sdkappid, *chunk),
                ):
                    out.setdefault(uid, []).append((platform, status, float(at)))
        return out


def _check_sdkappid(sdkappid: int) -> int:
    if isinstance(sdkappid, bool) or not isinstance(sdkappid, int) or not 0 < sdkappid < 2**32:
        raise ValueError(f"SDKAppID must be a positive 32-bit integer, got {sdkappid!r}")
    return sdkappid


def _check_user_id(user_id: str, what: str) -> None:
    if not isinstance(user_id, str) or not 0 < len(user_id.encode()) <= 32:
        raise ValueError(f"{what} must be a UserID of 1-32 bytes, got {user_id!r}")
