"""POST /_emulator/live {"SDKAppID", "GroupId", "UserID", "Online": true|false}: stand in for
an SDK user joining (Online true) or leaving a live group, since only the SDK can join one."""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ControlContext, ControlError
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.groups import queries as groups
from timctl.emulator.services.live import queries


def set_presence(ctl: ControlContext, body: dict[str, Any]) -> dict[str, Any]:
    ids = list(ctl.sdkappids)
    sdkappid = body.get("SDKAppID", ids[0] if len(ids) == 1 else None)
    if sdkappid not in ids:
        raise ControlError(400, f"SDKAppID must be one of {ids}")
    group_id, user_id, online = body.get("GroupId"), body.get("UserID"), body.get("Online")
    if not isinstance(online, bool):
        raise ControlError(400, "Online must be true (join) or false (leave)")
    if not isinstance(group_id, str):
        raise ControlError(400, "GroupId must be a live group ID")
    group = groups.find_group(ctl.db, sdkappid, group_id)
    if group is None or group.type != "AVChatRoom":
        raise ControlError(400, f"GroupId {group_id!r} is not a live group (AVChatRoom)")
    if not isinstance(user_id, str) or not accounts.exists(ctl.db, sdkappid, user_id):
        raise ControlError(400, f"UserID {user_id!r} is not an imported account")
    if online:
        if groups.is_banned(ctl.db, sdkappid, group_id, user_id, ctl.now):
            # a banned user cannot enter the live group until the ban ends (ban_group_member)
            raise ControlError(400, f"UserID {user_id!r} is banned from group {group_id!r}")
        queries.join(ctl.db, sdkappid, group_id, user_id, ctl.now)
    else:
        queries.leave(ctl.db, sdkappid, group_id, user_id)
    return {"ok": True, "online": queries.online_count(ctl.db, sdkappid, group_id)}
