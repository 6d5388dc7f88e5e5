"""Tables of the one-to-one message store."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE c2c_msgs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order: the last tie-breaker
    sdkappid INTEGER NOT NULL,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    msg_seq INTEGER NOT NULL,
    msg_random INTEGER NOT NULL,
    msg_time INTEGER NOT NULL,  -- MsgTimeStamp, whole seconds
    msg_key TEXT NOT NULL,
    body TEXT NOT NULL,  -- MsgBody as sent (JSON)
    cloud_data TEXT,  -- CloudCustomData; NULL when not sent
    flag_bits INTEGER NOT NULL DEFAULT 0,  -- 8: recalled
    no_unread INTEGER NOT NULL DEFAULT 0,  -- SendMsgControl NoUnread / imported history
    sender_sees INTEGER NOT NULL DEFAULT 1,  -- 0: SyncOtherMachine 2
    from_deleted INTEGER NOT NULL DEFAULT 0,  -- deleted from the sender's view
    to_deleted INTEGER NOT NULL DEFAULT 0,  -- deleted from the receiver's view
    body_crc INTEGER NOT NULL,  -- CRC32 of the content: part of the dedup key
    sent_at REAL NOT NULL  -- app clock at arrival: the 120 s dedup window
);
CREATE INDEX c2c_msgs_pair ON c2c_msgs (sdkappid, from_id, to_id, msg_time);
CREATE INDEX c2c_msgs_key ON c2c_msgs (sdkappid, msg_key);
CREATE TABLE c2c_read (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    read_time INTEGER NOT NULL,  -- messages from peer at or before this time are read
    PRIMARY KEY (sdkappid, user_id, peer_id)
) WITHOUT ROWID;
"""

# v2: the send flags read receipts and extensions read, and the receiver's receipt.
_V2 = """
ALTER TABLE c2c_msgs ADD COLUMN need_receipt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE c2c_msgs ADD COLUMN support_ext INTEGER NOT NULL DEFAULT 0;
ALTER TABLE c2c_msgs ADD COLUMN peer_read INTEGER NOT NULL DEFAULT 0;
"""

MIGRATIONS = (
    Migration(1, _V1, "c2c_msgs, c2c_read: one-to-one messages and read marks"),
    Migration(2, _V2, "c2c_msgs: IsNeedReadReceipt, SupportMessageExtension, IsPeerRead"),
)
