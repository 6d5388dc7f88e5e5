"""Tables of pinned group messages."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE group_pins (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    msg_seq INTEGER NOT NULL,
    pinner TEXT NOT NULL,  -- Pinner_Account (the admin when not given)
    pin_order INTEGER NOT NULL,  -- increasing per pin: the list shows the newest first
    PRIMARY KEY (sdkappid, group_id, msg_seq)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "group_pins: pinned group messages"),
)
