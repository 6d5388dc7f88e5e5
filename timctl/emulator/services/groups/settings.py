"""Emulator settings of the groups service, per app: limits where the docs disagree.

  TextLimits   2023 REST pages: Name 30, Introduction 240, Notification 300, FaceUrl 100
               bytes; 2024+ SDK pages: 100, 400, 400, 500 (the default).
  CallLimits   AddMembersPerCall: 300 on the intl pages (2023-24), 20 on the China page
               (2026-02, the default); MemberPageLimit (get_group_member_info Limit): 6000
               in 2023, 200 in 2025 (the default).

POST /_emulator/groups {"SDKAppID": n, "TextLimits": "2023" | "2024" | {field: bytes},
"CallLimits": "2023" | "2024" | {name: n}} changes them; GET shows them.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from timctl.emulator.services import ControlContext, ControlError

DEFAULTS = {
    "TextLimits": {"Name": 100, "Introduction": 400, "Notification": 400, "FaceUrl": 500},
    "CallLimits": {"AddMembersPerCall": 20, "MemberPageLimit": 200},
}
PRESETS = {
    "TextLimits": {"2024": DEFAULTS["TextLimits"],
                   "2023": {"Name": 30, "Introduction": 240, "Notification": 300,
                            "FaceUrl": 100}},
    "CallLimits": {"2024": DEFAULTS["CallLimits"],
                   "2023": {"AddMembersPerCall": 300, "MemberPageLimit": 6000}},
}


def limits(db: sqlite3.Connection, sdkappid: int, kind: str) -> dict[str, int]:
    row = db.execute("SELECT value FROM group_settings WHERE sdkappid = ? AND key = ?",
                     (sdkappid, kind)).fetchone()
    return dict(DEFAULTS[kind]) if row is None else {**DEFAULTS[kind], **json.loads(row[0])}


def text_limits(db: sqlite3.Connection, sdkappid: int) -> dict[str, int]:
    return limits(db, sdkappid, "TextLimits")


def call_limit(db: sqlite3.Connection, sdkappid: int, name: str) -> int:
    return limits(db, sdkappid, "CallLimits")[name]


def control(ctl: ControlContext, body: dict[str, Any]) -> dict[str, Any]:
    ids = list(ctl.sdkappids)
    if not body:  # a GET (or an empty POST) shows every app's limits
        return {str(s): {k: limits(ctl.db, s, k) for k in DEFAULTS} for s in ids}
    sdkappid = body.get("SDKAppID", ids[0] if len(ids) == 1 else None)
    if sdkappid not in ids:
        raise ControlError(400, f"SDKAppID must be one of {ids}")
    for kind, known in DEFAULTS.items():
        if kind not in body:
            continue
        wanted = body[kind]
        values = PRESETS[kind].get(wanted) if isinstance(wanted, str) else wanted
        if not isinstance(values, dict) or not all(
                k in known and isinstance(v, int) and not isinstance(v, bool) and v > 0
                for k, v in values.items()):
            raise ControlError(400, f"{kind} must be \"2023\", \"2024\" or an object of "
                                    f"{', '.join(known)} -> positive integers")
        ctl.db.execute("INSERT OR REPLACE INTO group_settings (sdkappid, key, value)"
                       " VALUES (?, ?, ?)", (sdkappid, kind, json.dumps(values)))
    return {k: limits(ctl.db, sdkappid, k) for k in DEFAULTS}
