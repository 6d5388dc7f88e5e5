"""Tables of the groups service: groups, members, member mutes (kept apart so a mute
survives leaving and re-joining, as documented), live-group bans and each group's history
(group tips, one per MsgSeq)."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,  -- creation order: the Next cursor of get_appid_group_list
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    type TEXT NOT NULL,  -- REST name: Private, Public, ChatRoom, AVChatRoom, Community
    owner TEXT NOT NULL DEFAULT '',  -- '' when the group has no owner
    name TEXT NOT NULL,
    introduction TEXT NOT NULL DEFAULT '',
    notification TEXT NOT NULL DEFAULT '',
    face_url TEXT NOT NULL DEFAULT '',
    max_members INTEGER NOT NULL,
    apply_join TEXT NOT NULL,
    invite_join TEXT NOT NULL,
    app_data TEXT NOT NULL DEFAULT '{}',  -- JSON object Key -> Value
    mute_all INTEGER NOT NULL DEFAULT 0,
    support_topic INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    info_seq INTEGER NOT NULL DEFAULT 1,
    last_info_time REAL NOT NULL,
    last_msg_time REAL NOT NULL DEFAULT 0,
    next_msg_seq INTEGER NOT NULL DEFAULT 1,
    UNIQUE (sdkappid, group_id)
);
CREATE TABLE group_members (
    id INTEGER PRIMARY KEY,  -- join order: member lists and the Community Next cursor
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('Owner', 'Admin', 'Member')),
    join_time REAL NOT NULL,
    name_card TEXT NOT NULL DEFAULT '',
    msg_flag TEXT NOT NULL DEFAULT 'AcceptAndNotify',
    msg_seq INTEGER NOT NULL DEFAULT 0,
    last_send_time REAL NOT NULL DEFAULT 0,
    app_data TEXT NOT NULL DEFAULT '{}',
    UNIQUE (sdkappid, group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (sdkappid, user_id);
CREATE TABLE group_mutes (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    until REAL NOT NULL,  -- app-clock end of the mute (4294967295 s after set: forever)
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;
CREATE TABLE group_bans (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    until REAL NOT NULL,
    banned_at REAL NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;
CREATE TABLE group_history (
    sdkappid INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    msg_seq INTEGER NOT NULL,
    kind TEXT NOT NULL,  -- tip kind: join, quit, kick, set_admin, ... (see queries.TIPS)
    operator TEXT NOT NULL,
    users TEXT NOT NULL DEFAULT '[]',  -- JSON list of the UserIDs the tip is about
    time REAL NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',  -- JSON: changed fields and the like
    PRIMARY KEY (sdkappid, group_id, msg_seq)
) WITHOUT ROWID;
"""

_V2 = """
CREATE TABLE group_settings (
    sdkappid INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,  -- JSON
    PRIMARY KEY (sdkappid, key)
) WITHOUT ROWID;
"""

MIGRATIONS = (
    Migration(1, _V1, "groups, members, mutes, bans and group tip history"),
    Migration(2, _V2, "group_settings: emulator settings per app (text limits)"),
)
