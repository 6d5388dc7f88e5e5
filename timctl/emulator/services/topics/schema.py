"""Tables of community topics."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE topics (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    topic_id TEXT NOT NULL,
    name TEXT NOT NULL,
    introduction TEXT NOT NULL DEFAULT '',
    notification TEXT NOT NULL DEFAULT '',
    face_url TEXT NOT NULL DEFAULT '',
    custom_string TEXT NOT NULL DEFAULT '',
    mute_all INTEGER NOT NULL DEFAULT 0,
    creator TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    last_msg_time REAL NOT NULL DEFAULT 0,
    next_msg_seq INTEGER NOT NULL DEFAULT 1,  -- each topic has its own MsgSeq space
    pos INTEGER NOT NULL,  -- creation order, the order get_topic lists them in
    PRIMARY KEY (sdkappid, group_id, topic_id)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "topics of communities"),
)
