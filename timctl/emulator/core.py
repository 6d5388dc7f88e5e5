"""The gateway's own tables (apps, sig revocations, call stats) and the list of every
schema the store brings up to date: the core first, then each service package."""

from __future__ import annotations

from timctl.emulator.schema import Migration, Schema

# Migration 1 is the foundation release's DDL (IF NOT EXISTS: such files already have it).
_APPS_AND_KICKS = """
CREATE TABLE IF NOT EXISTS apps (
    sdkappid INTEGER PRIMARY KEY,
    secret_key TEXT NOT NULL,
    admins TEXT NOT NULL,
    edition TEXT NOT NULL,
    allow_account_delete INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS kicks (
    sdkappid INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    kicked_at INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, user_id)
) WITHOUT ROWID;
"""

_STATS = """
CREATE TABLE stats (
    endpoint TEXT NOT NULL,
    code INTEGER NOT NULL,
    calls INTEGER NOT NULL,
    PRIMARY KEY (endpoint, code)
) WITHOUT ROWID;
"""

CORE = Schema("core", (
    Migration(1, _APPS_AND_KICKS, "apps and kicks, as in the foundation release"),
    Migration(2, _STATS, "calls per endpoint and ErrorCode"),
), keep_on_reset=frozenset({"apps"}))


def schemas() -> list[Schema]:
    from timctl.emulator import services

    found = [s.schema for s in services.all_services()]
    owners = [CORE.owner, *(s.owner for s in found)]
    if len(set(owners)) != len(owners):
        raise ValueError(f"two table owners share a name: {owners}")
    return [CORE, *found]
