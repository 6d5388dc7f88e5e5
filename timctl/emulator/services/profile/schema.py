"""Tables of the profile service: one row per (user, tag)."""

from __future__ import annotations

from timctl.emulator.schema import Migration

# The foundation release's DDL (IF NOT EXISTS: such files already have this table).
_V1 = """
CREATE TABLE IF NOT EXISTS profiles (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, user_id, tag)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "profiles (foundation)"),
)
