"""Topic permissions of permission groups: add/set/delete/get_topic_permission_group
(group_open_http_svc).

Documented (trtc.io/document/61236, 61237, 61239; tencentcloud.com 1047/61236-61239):
Communities only; add and set take TopicPermissionList [{TopicId, Permission}], at most 50
per add; answers carry TopicPermissionResultList [{ErrorCode, ErrorInfo, TopicId}]; get takes
an optional TopicIdList (absent: every topic permission of the permission group) and answers
TopicPermissionResultList [{ErrorCode, ErrorInfo, TopicId, Permission}]; Permission is a bit
set like a permission group's.
Inferred (the pages' error tables and the delete page's body were not read): delete takes
TopicIdList (like get, and the SDK's topicIDList); set and delete take at most 50 too (10005
above, as destroy_permission_group does past its maximum); a topic not in the community fails
its item with 10010; adding a topic the permission group already has fails its item with 10021
(set changes it); setting a topic it does not have fails its item with 10010; deleting one it
does not have succeeds, as removing a non-member from a permission group does; get lists a
topic it does not have with 10010; a binding goes with its topic (a topic dismissed and
created again under the same ID starts without permissions).
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.permission_groups import queries
from timctl.emulator.services.permission_groups.lookup import community, permission_group
from timctl.emulator.services.topics import queries as topics

MAX_TOPICS = 50
NO_TOPIC, TAKEN = 10010, 10021


def _permissions(ctx: Context, body: dict[str, Any]) -> list[tuple[str, int]]:
    items = body.get("TopicPermissionList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("TopicPermissionList is required: [{TopicId, Permission}]")
    if len(items) > MAX_TOPICS:
        raise ApiFail(10005, f"at most {MAX_TOPICS} topic permissions per call")
    out: list[tuple[str, int]] = []
    for item in items:
        topic_id = item.get("TopicId") if isinstance(item, dict) else None
        permission = item.get("Permission") if isinstance(item, dict) else None
        if not isinstance(topic_id, str) or not topic_id:
            raise ctx.bad_param("every TopicPermissionList item needs a TopicId")
        if not is_int(permission) or not 0 <= permission < 2**64:
            raise ctx.bad_param("Permission is an unsigned integer bit set")
        out.append((topic_id, permission))
    return out


def _topic_ids(ctx: Context, body: dict[str, Any], *, required: bool) -> list[str] | None:
    ids = body.get("TopicIdList")
    if ids is None and not required:
        return None
    if (not isinstance(ids, list) or (required and not ids)
            or not all(isinstance(i, str) and i for i in ids)):
        raise ctx.bad_param("TopicIdList is an array of topic IDs")
    if required and len(ids) > MAX_TOPICS:
        raise ApiFail(10005, f"at most {MAX_TOPICS} topics per call")
    return list(dict.fromkeys(ids))


def _target(ctx: Context, body: dict[str, Any]) -> tuple[str, str]:
    group_id = community(ctx, body)
    return group_id, permission_group(ctx, body, group_id)


def _bindings(ctx: Context, group_id: str, pmg_id: str) -> dict[str, int]:
    """The permission group's live bindings; those of topics dismissed since are dropped."""
    live: dict[str, int] = {}
    for topic_id, (permission, created) in queries.topic_bindings(
            ctx.db, ctx.sdkappid, group_id, pmg_id).items():
        topic = topics.find(ctx.db, ctx.sdkappid, group_id, topic_id)
        if topic is not None and topic.created_at == created:
            live[topic_id] = permission
        else:
            queries.unbind_topic(ctx.db, ctx.sdkappid, group_id, pmg_id, topic_id)
    return live


def _result(topic_id: str, code: int = 0, info: str = "") -> dict[str, Any]:
    return {"ErrorCode": code, "ErrorInfo": info, "TopicId": topic_id}


def _write(ctx: Context, body: dict[str, Any], *, adding: bool) -> dict[str, Any]:
    wanted = _permissions(ctx, body)
    group_id, pmg_id = _target(ctx, body)
    bound = _bindings(ctx, group_id, pmg_id)
    results = []
    for topic_id, permission in wanted:
        topic = topics.find(ctx.db, ctx.sdkappid, group_id, topic_id)
        if topic is None:
            results.append(_result(topic_id, NO_TOPIC, "topic does not exist in this community"))
        elif adding and topic_id in bound:
            results.append(_result(topic_id, TAKEN, "the permission group already has this"
                                                    " topic: set_topic_permission_group"
                                                    " changes it"))
        elif not adding and topic_id not in bound:
            results.append(_result(topic_id, NO_TOPIC, "the permission group has no permission"
                                                       " for this topic"))
        else:
            queries.bind_topic(ctx.db, ctx.sdkappid, group_id, pmg_id, topic_id, permission,
                               topic.created_at)
            bound[topic_id] = permission
            results.append(_result(topic_id))
    return {"TopicPermissionResultList": results}


@handler("group_open_http_svc/add_topic_permission_group")
def add_topic_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _write(ctx, body, adding=True)


@handler("group_open_http_svc/set_topic_permission_group")
def set_topic_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _write(ctx, body, adding=False)


@handler("group_open_http_svc/delete_topic_permission_group")
def delete_topic_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    ids = _topic_ids(ctx, body, required=True) or []
    group_id, pmg_id = _target(ctx, body)
    _bindings(ctx, group_id, pmg_id)  # drops bindings of dismissed topics first
    results = []
    for topic_id in ids:
        if topics.find(ctx.db, ctx.sdkappid, group_id, topic_id) is None:
            results.append(_result(topic_id, NO_TOPIC, "topic does not exist in this community"))
            continue
        queries.unbind_topic(ctx.db, ctx.sdkappid, group_id, pmg_id, topic_id)
        results.append(_result(topic_id))
    return {"TopicPermissionResultList": results}


@handler("group_open_http_svc/get_topic_permission_group")
def get_topic_permission_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    ids = _topic_ids(ctx, body, required=False)
    group_id, pmg_id = _target(ctx, body)
    bound = _bindings(ctx, group_id, pmg_id)
    results = []
    for topic_id in ids or bound:
        if topic_id in bound:
            results.append({**_result(topic_id), "Permission": bound[topic_id]})
        else:
            results.append(_result(topic_id, NO_TOPIC, "the permission group has no permission"
                                                       " for this topic"))
    return {"TopicPermissionResultList": results}
