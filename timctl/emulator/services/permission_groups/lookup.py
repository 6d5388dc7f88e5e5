"""The community and permission group a request names, or the documented refusal."""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context
from timctl.emulator.services.groups import queries as groups
from timctl.emulator.services.permission_groups import queries


def community(ctx: Context, body: dict[str, Any]) -> str:
    group_id = body.get("GroupId")
    if not isinstance(group_id, str) or not group_id:
        raise ctx.bad_param("GroupId is required: a community ID")
    group = groups.find_group(ctx.db, ctx.sdkappid, group_id)
    if group is None:
        raise ApiFail(10010, f"group {group_id!r} does not exist or has been dismissed")
    if group.type != "Community":
        raise ApiFail(10007, f"{group.type} groups have no permission groups (Communities"
                             " only)")
    return group_id


def permission_group(ctx: Context, body: dict[str, Any], group_id: str) -> str:
    pmg_id = body.get("PermissionGroupId")
    if not isinstance(pmg_id, str) or not pmg_id:
        raise ctx.bad_param("PermissionGroupId is required")
    if queries.find(ctx.db, ctx.sdkappid, group_id, pmg_id) is None:
        raise ApiFail(10010, f"permission group {pmg_id!r} does not exist")
    return pmg_id
