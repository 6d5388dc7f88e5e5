"""The migration runner: a file made by the previous release (the "foundation") is upgraded in
place keeping its data; numbered migrations run in order, each in its own transaction; a
file newer than the code is refused in one line."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from timctl.emulator import apps, core
from timctl.emulator.app import EmulatorApp
from timctl.emulator.schema import Migration, Schema, statements
from timctl.emulator.store import DatabaseError, Store

SDKAPPID = 1400000000
KEY = "ab" * 32

# The foundation release's schema (its store.py _CORE_SCHEMA) and its version marker, as such
# files exist on users' disks. Never edit: it is what the upgrade must keep working on.
FOUNDATION_SCHEMA = """
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
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');
"""

FOUNDATION_ROWS = f"""
INSERT INTO apps VALUES ({SDKAPPID}, '{KEY}', '["administrator"]', 'developer', 0, 1700000000);
INSERT INTO accounts (sdkappid, user_id, created_at) VALUES
    ({SDKAPPID}, 'administrator', 1700000000), ({SDKAPPID}, 'alice', 1700000001),
    ({SDKAPPID}, 'bob', 1700000002);
INSERT INTO profiles VALUES
    ({SDKAPPID}, 'alice', 'Tag_Profile_IM_Nick', '"Alice"', 1700000001),
    ({SDKAPPID}, 'alice', 'Tag_Profile_IM_Level', '7', 1700000001),
    ({SDKAPPID}, 'bob', 'Tag_Profile_Custom_Team', '"blue"', 1700000002);
INSERT INTO online VALUES ({SDKAPPID}, 'bob', 'Web', 'Online', 1700000002);
INSERT INTO deleted_accounts VALUES ({SDKAPPID}, 'carol', 1700000003);
"""


@pytest.fixture
def foundation_db(tmp_path: Path) -> Path:
    """A database file exactly as the foundation release left it (WAL, 0644 by umask)."""
    path = tmp_path / "old" / "emulator.db"
    path.parent.mkdir()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(FOUNDATION_SCHEMA + FOUNDATION_ROWS)
    db.close()
    path.chmod(0o644)
    return path


def test_a_foundation_file_opens_migrates_and_keeps_its_data(foundation_db, clock, api_for):
    store = Store(foundation_db)
    assert store.versions() == latest_versions()
    assert stat.S_IMODE(foundation_db.stat().st_mode) == 0o600
    info = apps.get_app(store, SDKAPPID)
    assert info is not None and info.secret_key == KEY

    api = api_for(EmulatorApp(store, clock=clock), info)
    assert api.imported("alice", "bob", "carol") == {"alice": True, "bob": True,
                                                     "carol": False}
    doc = api.ok("profile/portrait_get", {"To_Account": ["alice", "bob"], "TagList": [
        "Tag_Profile_IM_Nick", "Tag_Profile_IM_Level", "Tag_Profile_Custom_Team"]})
    assert [i["ProfileItem"] for i in doc["UserProfileItem"]] == [
        [{"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"},
         {"Tag": "Tag_Profile_IM_Level", "Value": 7}],
        [{"Tag": "Tag_Profile_Custom_Team", "Value": "blue"}]]
    online = api.ok("openim/query_online_status", {"To_Account": ["bob"]})
    assert online["QueryResult"] == [{"To_Account": "bob", "Status": "Online"}]
    with store.tx() as db:  # the new core table works on the old file
        assert db.execute("SELECT SUM(calls) FROM stats").fetchone() == (3,)
    store.close()

    reopened = Store(foundation_db)  # and the next open is a no-op
    assert reopened.versions() == latest_versions()
    reopened.close()


def test_a_foundation_file_with_an_unknown_version_is_refused(foundation_db):
    with sqlite3.connect(foundation_db) as db:
        db.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with pytest.raises(DatabaseError, match="unknown schema_version '7'"):
        Store(foundation_db)


@pytest.mark.parametrize(("key", "text"), [
    ("schema:accounts", "schema accounts v99, this timctl knows v1"),
    ("schema:nosuch", "schema nosuch v99, this timctl knows v0"),  # a service we lack
])
def test_a_newer_file_is_refused_in_one_line(db_path, key, text):
    Store(db_path).close()
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, '99')", (key,))
    with pytest.raises(DatabaseError) as caught:
        Store(db_path)
    message = str(caught.value)
    assert message == (f"{db_path} was written by a newer timctl ({text}): upgrade timctl or "
                       "use another --db")


def test_migrations_run_in_order_each_in_its_own_transaction(db_path):
    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("migration 3 failed")

    v1 = Migration(1, "CREATE TABLE things (id INTEGER); INSERT INTO things VALUES (1);")
    v2 = Migration(2, "ALTER TABLE things ADD COLUMN name TEXT NOT NULL DEFAULT 'one';")
    with pytest.raises(RuntimeError):
        Store(db_path, schemas=[core.CORE, Schema("demo", (v1, v2, Migration(3, broken)))])
    with sqlite3.connect(db_path) as db:
        assert dict(db.execute("SELECT key, value FROM meta"))["schema:demo"] == "2"
        assert db.execute("SELECT * FROM things").fetchall() == [(1, "one")]
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'"
                          ).fetchone() is None

    fixed = Migration(3, "UPDATE things SET name = 'uno';")
    store = Store(db_path, schemas=[core.CORE, Schema("demo", (v1, v2, fixed))])
    assert store.versions()["demo"] == 3
    with store.tx() as db:
        assert db.execute("SELECT * FROM things").fetchall() == [(1, "uno")]
    store.close()


def test_migration_numbers_must_be_1_to_n():
    with pytest.raises(ValueError):
        Schema("demo", (Migration(1, "SELECT 1"), Migration(3, "SELECT 1")))
    with pytest.raises(ValueError):
        Schema("bad name", ())


def test_statements_split_on_complete_statements_only():
    script = "CREATE TABLE t (x TEXT DEFAULT 'a;b');\nINSERT INTO t VALUES ('c;d');\n"
    assert list(statements(script)) == ["CREATE TABLE t (x TEXT DEFAULT 'a;b');",
                                        "INSERT INTO t VALUES ('c;d');"]
    with pytest.raises(ValueError):
        list(statements("SELECT 'unterminated"))


def latest_versions() -> dict[str, int]:
    """Every table owner at its newest migration: the foundation's three, plus any service
    added since (each starts from its own migration 1)."""
    from timctl.emulator import core

    versions = {s.owner: s.version for s in core.schemas()}
    assert {"core": 2, "accounts": 1, "profile": 1}.items() <= versions.items()
    return versions
