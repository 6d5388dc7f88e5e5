"""Tables of group notices: live broadcasts, remembered for their dedup window."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE live_broadcasts (
    sdkappid INTEGER NOT NULL,
    msg_seq INTEGER NOT NULL,  -- the app's broadcast sequence, from 1
    msg_random INTEGER NOT NULL,
    body_crc INTEGER NOT NULL,
    msg_time INTEGER NOT NULL,
    sent_at REAL NOT NULL,  -- app clock at arrival
    PRIMARY KEY (sdkappid, msg_seq)
) WITHOUT ROWID;
CREATE INDEX live_broadcasts_random ON live_broadcasts (sdkappid, msg_random);
"""

MIGRATIONS = (
    Migration(1, _V1, "live_broadcasts: send_broadcast_msg dedup and sequence"),
)
