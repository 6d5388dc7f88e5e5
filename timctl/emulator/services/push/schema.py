"""Tables of the push service: the audience (attribute slot names, users' attribute values
and tags, shared by all_member_push and timpush) and the push tasks with the audience each
one resolved, plus scheduled tasks."""

from __future__ import annotations

from timctl.emulator.schema import Migration

_V1 = """
CREATE TABLE push_attr_names (
    sdkappid INTEGER NOT NULL,
    slot INTEGER NOT NULL,          -- 0..9
    name TEXT NOT NULL,
    account_type INTEGER,           -- timpush AttrTypes: 0 UserID, 1 RegistrationID; fixed once set
    PRIMARY KEY (sdkappid, slot)
) WITHOUT ROWID;

-- values are kept by slot, so renaming a slot keeps its users' values
CREATE TABLE push_attrs (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sdkappid, user_id, slot)
) WITHOUT ROWID;

CREATE TABLE push_tags (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    added_at REAL NOT NULL,
    PRIMARY KEY (sdkappid, user_id, tag)
) WITHOUT ROWID;
CREATE INDEX push_tags_by_tag ON push_tags (sdkappid, tag);

CREATE TABLE push_tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sdkappid INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    api TEXT NOT NULL,              -- endpoint name: all_member_push/im_push, timpush/push, ...
    counted INTEGER NOT NULL,       -- 1: counts toward the daily quota and the 1 s interval
    msg_random INTEGER,
    created_at REAL NOT NULL,
    from_account TEXT NOT NULL,
    audience TEXT NOT NULL,         -- all | tags | attrs | users
    condition TEXT,                 -- JSON of the request's Condition
    request TEXT NOT NULL,          -- JSON of the request body
    sched_task INTEGER,             -- the scheduled task that ran it
    revoked_at REAL,
    UNIQUE (sdkappid, task_id)
);
CREATE INDEX push_tasks_by_random ON push_tasks (sdkappid, msg_random);

-- the audience a task resolved when it was pushed; online: the user was logged in then
CREATE TABLE push_recipients (
    sdkappid INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    online INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, task_id, user_id)
) WITHOUT ROWID;

CREATE TABLE push_sched (
    sdkappid INTEGER NOT NULL,
    task_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    type TEXT NOT NULL,             -- All | Tag | User
    sched_at TEXT NOT NULL,         -- 'YYYY-MM-DD HH:MM:SS', UTC
    content TEXT NOT NULL,          -- JSON
    status TEXT NOT NULL,
    dispatch_err TEXT NOT NULL DEFAULT '',
    push_task_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sdkappid, task_id)
) WITHOUT ROWID;
"""

# How each recipient was reachable at push time: "online" (an Online login), "push" (only
# PushOnline logins: reached by offline push) or "" (no login); devices: [[platform, status]].
_V2 = """
ALTER TABLE push_recipients ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE push_recipients ADD COLUMN devices TEXT NOT NULL DEFAULT '[]';
"""

MIGRATIONS = (
    Migration(1, _V1, "push audience (names, attrs, tags), tasks, recipients, schedules"),
    Migration(2, _V2, "push recipients: channel and devices at push time"),
)
