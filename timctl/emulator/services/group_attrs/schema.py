"""Tables of group attributes and counters. Rows of a group go with it (on_group_destroyed)."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE group_attrs (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    pos INTEGER NOT NULL,  -- insertion order: get_group_attr lists keys as they were added
    PRIMARY KEY (sdkappid, group_id, key)
) WITHOUT ROWID;

-- recent attribute writes per group, for the documented 5 writes/s (10049)
CREATE TABLE group_attr_writes (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX group_attr_writes_by_group ON group_attr_writes (sdkappid, group_id, at);

CREATE TABLE group_counters (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value INTEGER NOT NULL,  -- signed 64-bit, as documented
    pos INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, key)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "group attributes, their write log, group counters"),
)
