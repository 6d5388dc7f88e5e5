"""POST /_emulator/online {"SDKAppID", "UserID", "Platform", "Status"}: stand in for an SDK
login, since query_online_status has nothing else to report."""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ControlContext, ControlError
from timctl.emulator.services.accounts import queries

PLATFORMS = ("iPhone", "Android", "Web", "PC", "iPad", "Mac")  # documented Detail values
STATUSES = ("Online", "PushOnline", "Offline")


def set_online(ctl: ControlContext, body: dict[str, Any]) -> dict[str, Any]:
    ids = list(ctl.sdkappids)
    sdkappid = body.get("SDKAppID", ids[0] if len(ids) == 1 else None)
    if sdkappid not in ids:
        raise ControlError(400, f"SDKAppID must be one of {ids}")
    user_id, platform, status = body.get("UserID"), body.get("Platform"), body.get("Status")
    if platform not in PLATFORMS or status not in STATUSES:
        raise ControlError(400, f"Platform must be one of {PLATFORMS}, Status one of "
                                f"{STATUSES}")
    if not isinstance(user_id, str) or not queries.exists(ctl.db, sdkappid, user_id):
        raise ControlError(400, f"UserID {user_id!r} is not an imported account")
    queries.set_online(ctl.db, sdkappid, user_id, platform, status, ctl.now)
    return {"ok": True}
