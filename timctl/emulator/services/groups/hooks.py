"""Cross-service hooks of the groups service."""

from __future__ import annotations

import sqlite3

from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.groups import common, queries


def on_account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    """The user leaves every group, each leave a "quit" tip where the type stores member
    tips, dated when the account was deleted (the accounts service records that on the app
    clock before the hooks run)."""
    now = accounts.deleted_at(db, sdkappid, user_id) or 0.0
    for group, _ in queries.joined_groups(db, sdkappid, user_id):
        common.tip(db, sdkappid, group, "quit", user_id, [user_id], now)
    queries.on_account_deleted(db, sdkappid, user_id)
