"""Tables of live groups: who is online in which AVChatRoom, their marks, the live admins."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE live_online (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    joined_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;

-- marks vanish when the member leaves or goes offline (documented)
CREATE TABLE live_marks (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    mark INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id, mark)
) WITHOUT ROWID;

-- live admins persist across leave and re-join (documented)
CREATE TABLE live_admins (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    added_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "live groups: online members, marks, live admins"),
)
