"""The emulator's SQLite file: the connection, transactions and the migration runner.

One connection per Store, shared by all threads and guarded by a re-entrant lock. The gateway
runs each request inside one write transaction (`tx()`), so a request is atomic and requests
are serialised. WAL plus a busy timeout let another process (`timctl emulator serve` next to
an in-process client) use the same file.

Tables belong to owners (the core, each service) with their own numbered migrations and
versions in `meta` (schema.py). Opening brings every owner up to date; when nothing is
missing that costs one query. A file written by a newer timctl is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from timctl.emulator.schema import META_PREFIX, Schema
from timctl.errors import ConfigError

FILE_MODE = 0o600  # the DB holds the apps' secret keys
# The foundation release kept one global version; its tables are every owner's migration 1.
LEGACY_VERSION_KEY = "schema_version"
_META_DDL = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


class DatabaseError(ConfigError):
    """The emulator database cannot be used: unreadable, not a database, unwritable, or
    written by a newer timctl. The message is one line naming the file."""


class Store:
    """The emulator's state in one SQLite file (or ":memory:").

    `schemas` are the table owners to bring up to date; by default the core and every
    service package (timctl.emulator.core.schemas()).
    """

    def __init__(self, path: str | os.PathLike[str],
                 schemas: Sequence[Schema] | None = None) -> None:
        if schemas is None:
            from timctl.emulator import core

            schemas = core.schemas()
        self.schemas = tuple(schemas)
        self.path = str(path) if str(path) == ":memory:" else str(Path(path).expanduser())
        self._lock = threading.RLock()
        self._depth = 0  # nesting of tx(); only the lock holder touches it
        self._db = self._connect()
        try:
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise DatabaseError(f"{self.path}: {_sqlite_reason(exc)}") from None
        except BaseException:
            self._db.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            _prepare_file(Path(self.path))
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see tx()).
            # cached_statements: every service's SQL stays prepared (the default 128 is
            # fewer than the statements a mixed workload across services uses)
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                 check_same_thread=False, cached_statements=1024)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open {self.path}: {_sqlite_reason(exc)}") from None
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            if self.path != ":memory:":
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
                _restrict_sidecars(Path(self.path))
        except sqlite3.Error as exc:
            db.close()
            raise DatabaseError(f"{self.path}: {_sqlite_reason(exc)}") from None
        return db

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

    @contextmanager
    def savepoint(self, name: str = "part") -> Iterator[sqlite3.Connection]:
        """Part of the current transaction that is undone alone when it raises."""
        with self.tx() as db:
            db.execute(f'SAVEPOINT "{name}"')
            try:
                yield db
            except BaseException:
                db.execute(f'ROLLBACK TO "{name}"')
                db.execute(f'RELEASE "{name}"')
                raise
            db.execute(f'RELEASE "{name}"')

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- migrations --------------------------------------------------------------------------

    def versions(self) -> dict[str, int]:
        """owner -> schema version recorded in the file (empty for a new file)."""
        with self._lock:
            return self._read_versions(self._db)

    def _migrate(self) -> None:
        found = self.versions()
        wanted = {s.owner: s.version for s in self.schemas}
        if found == wanted:
            return  # the common case: one query
        self._refuse_newer(found, wanted)
        with self.tx() as db:
            tables = {r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'")}
            if tables and "meta" not in tables:  # never write into another program's file
                raise DatabaseError(f"{self.path}: not an emulator database (it holds other "
                                    "tables)")
            db.execute(_META_DDL)
        for schema in self.schemas:
            for migration in schema.migrations:
                with self.tx() as db:
                    # re-read inside the write lock: another process may have got here first
                    current = self._read_versions(db)
                    self._refuse_newer(current, wanted)
                    if current.get(schema.owner, 0) >= migration.version:
                        continue
                    migration.run(db)
                    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                               (schema.meta_key, str(migration.version)))

    def _read_versions(self, db: sqlite3.Connection) -> dict[str, int]:
        try:
            rows = db.execute("SELECT key, value FROM meta WHERE key = ? OR key LIKE ?",
                              (LEGACY_VERSION_KEY, META_PREFIX + "%")).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return {}
            raise
        versions: dict[str, int] = {}
        legacy: str | None = None
        for key, value in rows:
            if key == LEGACY_VERSION_KEY:
                legacy = str(value)
                continue
            try:
                versions[key[len(META_PREFIX):]] = int(value)
            except ValueError:
                raise DatabaseError(f"{self.path}: bad schema version {key}={value!r} in "
                                    "meta") from None
        if not versions and legacy is not None and legacy != "1":
            raise DatabaseError(f"{self.path}: unknown schema_version {legacy!r} (written by "
                                "another timctl); use another --db")
        return versions

    def _refuse_newer(self, found: dict[str, int], wanted: dict[str, int]) -> None:
        for owner, version in sorted(found.items()):
            if version > wanted.get(owner, 0):
                raise DatabaseError(
                    f"{self.path} was written by a newer timctl (schema {owner} v{version}, "
                    f"this timctl knows v{wanted.get(owner, 0)}): upgrade timctl or use "
                    "another --db")


def _prepare_file(path: Path) -> None:
    """Create the file 0600 (SQLite gives -wal/-shm the same mode), or make an existing one
    0600; any OS error becomes a one-line DatabaseError.

    An existing file is never opened here: closing any descriptor of a file drops the POSIX
    locks every SQLite connection of this process holds on it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # O_EXCL: only a file we created
                os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE))
        elif not os.access(path, os.R_OK | os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        raise DatabaseError(f"cannot open {path}: {exc.strerror or exc}") from None
    _restrict(path)


def _restrict_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        _restrict(Path(f"{path}{suffix}"))


def _restrict(path: Path) -> None:
    with contextlib.suppress(OSError):  # not ours, or gone: best effort
        if path.exists() and path.stat().st_mode & 0o777 != FILE_MODE:
            path.chmod(FILE_MODE)


def _sqlite_reason(exc: sqlite3.Error) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "not a database" in text or "malformed" in text:
        return f"not an emulator database ({text})"
    return text
