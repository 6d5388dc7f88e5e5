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

# v2: the send flags later APIs read (read receipts, extensions, targeted messages) and
# members' read receipts. Topic messages are stored under the topic's ID as group_id (topic
# IDs embed their community's ID and have their own MsgSeq space).
_V2 = """
ALTER TABLE group_msgs ADD COLUMN need_receipt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE group_msgs ADD COLUMN support_ext INTEGER NOT NULL DEFAULT 0;
ALTER TABLE group_msgs ADD COLUMN targets TEXT;  -- To_Account (JSON); NULL: every member
CREATE INDEX group_msgs_sent ON group_msgs (sdkappid, group_id, sent_at);
CREATE TABLE group_msg_reads (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    msg_seq INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    read_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, group_id, msg_seq, user_id)
) WITHOUT ROWID;
"""

# v3: accepted sends of the last second per group, stored or not (the 40 messages/s control)
_V3 = """
CREATE TABLE group_msg_sends (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    at REAL NOT NULL  -- app clock
);
CREATE INDEX group_msg_sends_at ON group_msg_sends (sdkappid, group_id, at);
"""

MIGRATIONS = (
    Migration(1, _V1, "group_msgs: stored group messages"),
    Migration(2, _V2, "group_msgs send flags; group_msg_reads: read receipts"),
    Migration(3, _V3, "group_msg_sends: the per-group send frequency control"),
)
