"""Tables of the account service: accounts, login state per platform, deletion records."""

from __future__ import annotations

from timctl.emulator.schema import Migration

# The foundation release's DDL (IF NOT EXISTS: such files already have these tables).
_V1 = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (sdkappid, user_id)
);
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
"""

MIGRATIONS = (
    Migration(1, _V1, "accounts, online, deleted_accounts (foundation)"),
)
