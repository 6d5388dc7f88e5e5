"""Tables of permission groups and their members."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE permission_groups (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    pmg_id TEXT NOT NULL,
    name TEXT NOT NULL,
    permission INTEGER NOT NULL,
    custom_string TEXT NOT NULL DEFAULT '',
    pos INTEGER NOT NULL,  -- creation order: the order they are listed in
    PRIMARY KEY (sdkappid, group_id, pmg_id)
) WITHOUT ROWID;

CREATE TABLE permission_group_members (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    pmg_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, pmg_id, user_id)
) WITHOUT ROWID;
"""

# A binding remembers its topic's creation time: a topic dismissed and created again under
# the same ID is a new topic and must not inherit the old one's permissions.
_V2 = """
CREATE TABLE permission_group_topics (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    pmg_id TEXT NOT NULL,
    topic_id TEXT NOT NULL,
    permission INTEGER NOT NULL,
    topic_created REAL NOT NULL,
    pos INTEGER NOT NULL,  -- order added: the order get_topic_permission_group lists them in
    PRIMARY KEY (sdkappid, group_id, pmg_id, topic_id)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "permission groups of communities and their members"),
    Migration(2, _V2, "topic permissions of permission groups"),
)
