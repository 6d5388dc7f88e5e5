"""Tables of message extensions."""

from __future__ import annotations

from timctl.emulator.schema import Migration

# A message is (kind, a, b, msg): one-to-one ('c2c', From_Account, To_Account, MsgKey) or
# group ('group', GroupId, '', MsgSeq as text).
_V1 = """
CREATE TABLE msg_ext_kv (
    sdkappid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    msg TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    seq INTEGER NOT NULL,  -- the message's version when this key was last written
    PRIMARY KEY (sdkappid, kind, a, b, msg, key)
) WITHOUT ROWID;
CREATE TABLE msg_ext_meta (
    sdkappid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    msg TEXT NOT NULL,
    latest_seq INTEGER NOT NULL DEFAULT 0,  -- LatestSeq: +1 per successful write
    clear_seq INTEGER NOT NULL DEFAULT 0,  -- ClearSeq: the version of the last clear
    PRIMARY KEY (sdkappid, kind, a, b, msg)
) WITHOUT ROWID;
CREATE TABLE msg_ext_writes (
    sdkappid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    msg TEXT NOT NULL,
    at REAL NOT NULL  -- app clock: at most 200 writes a minute per message (23003)
);
CREATE INDEX msg_ext_writes_msg ON msg_ext_writes (sdkappid, kind, a, b, msg, at);
"""

MIGRATIONS = (
    Migration(1, _V1, "msg_ext_kv, msg_ext_meta, msg_ext_writes: message extensions"),
)
