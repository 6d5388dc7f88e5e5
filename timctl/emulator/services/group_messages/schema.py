"""Tables of the group message store."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE group_msgs (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    msg_seq INTEGER NOT NULL,  -- the group's sequence, shared with its tips
    from_id TEXT NOT NULL,
    msg_random INTEGER NOT NULL,
    msg_time INTEGER NOT NULL,  -- MsgTimeStamp, whole seconds
    body TEXT NOT NULL,  -- MsgBody as sent (JSON)
    cloud_data TEXT,  -- CloudCustomData; NULL when not sent
    priority INTEGER NOT NULL DEFAULT 2,  -- 1 High, 2 Normal, 3 Low, 4 Lowest
    at_info TEXT NOT NULL DEFAULT '[]',  -- GroupAtInfo as sent (JSON)
    recalled INTEGER NOT NULL DEFAULT 0,
    body_crc INTEGER NOT NULL,  -- the 5-minute dedup compares Random and content
    sent_at REAL NOT NULL,  -- app clock at arrival
    PRIMARY KEY (sdkappid, group_id, msg_seq)
) WITHOUT ROWID;
CREATE INDEX group_msgs_random ON group_msgs (sdkappid, group_id, msg_random);
"""

MIGRATIONS = (
    Migration(1, _V1, "group_msgs: stored group messages"),
)
