"""Tables of the mute service: one row per muted (user, kind); no row means not muted."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE nospeaking (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('c2c', 'group')),
    until REAL,  -- app-clock time the mute ends; NULL: muted forever
    set_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, user_id, kind)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "nospeaking: global C2C and group mutes"),
)
