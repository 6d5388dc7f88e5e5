"""The group a request names: GroupId checked (10004), found (10010), of a type that
supports the API (10007). Shared by the attribute and counter handlers."""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context
from timctl.emulator.services.groups import queries as groups

NOT_FOUND = 10010  # documented: the group does not exist or has been dismissed
NO_PERMISSION = 10007  # documented: e.g. a group of this type does not support the API


def target_group(ctx: Context, body: dict[str, Any], *,
                 refuse: tuple[str, ...] = (), what: str = "this API") -> Any:
    """The Group named by body["GroupId"]; its REST type must not be in `refuse`."""
    group_id = body.get("GroupId")
    if not isinstance(group_id, str) or not group_id:
        raise ctx.bad_param("GroupId is required: a group ID string")
    group = groups.find_group(ctx.db, ctx.sdkappid, group_id)
    if group is None:
        raise ApiFail(NOT_FOUND, f"group {group_id!r} does not exist or has been dismissed")
    if group.type in refuse:
        raise ApiFail(NO_PERMISSION, f"{group.type} groups do not support {what}")
    return group
