"""Handlers of community topics (million_group_open_http_svc).

Documented (1047/49468-49471, group system 33529): topics only in communities that support
them, else 11000 ("the current group does not support the community topic feature"); topic
IDs are GroupId + "@TOPIC#_" + a custom part (printable ASCII, not containing "@TGS#_" or
"@TOPIC#_@TOPIC#"; at most 96 bytes in all) or generated as GroupId + "@TOPIC#_@TOPIC#" +
random; a taken ID 10021; TopicName <= 30 bytes, Introduction 240, Notification 300, FaceUrl
100, CustomString 3000; destroy_topic answers per topic in DestroyResultItem (110003 for a
topic already dismissed); get_topic answers per topic in TopicAndSelfInfo.
Inferred: a missing topic in modify_topic is 10010 (group/topic gone); in get_topic and
destroy_topic it is 110003 per item; From_Account, when given, must be a community member
(10007); SelfInfo is given for members only; ResponseFilter keeps TopicId always.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from timctl.emulator import services
from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id, utf8_len
from timctl.emulator.services.groups import queries as groups
from timctl.emulator.services.groups.common import target
from timctl.emulator.services.topics import queries
from timctl.emulator.services.topics.queries import PROFILE, Topic

LIMITS = {"TopicName": 30, "Introduction": 240, "Notification": 300, "FaceUrl": 100,
          "CustomString": 3000}
MAX_TOPIC_ID_BYTES = 96
MARK = "@TOPIC#_"
GENERATED = "@TOPIC#_@TOPIC#"
GONE = 110003
NO_TOPICS = 11000  # documented: the group does not support topics
ID_CHARS = string.ascii_uppercase + string.digits


def _community(ctx: Context, body: dict[str, Any]) -> Any:
    what = "the community topic feature (a Community created with SupportTopic 1)"
    group = target(ctx, body, only=("Community",), what=what, code=NO_TOPICS)
    if not group.support_topic:
        raise ApiFail(NO_TOPICS, f"group {group.group_id!r} does not support {what}")
    return group


def _operator(ctx: Context, body: dict[str, Any], group_id: str, field: str) -> str:
    user = body.get(field)
    if user is None:
        return ""
    if not is_user_id(user):
        raise ctx.bad_param(f"{field} must be a UserID of 1-32 bytes")
    if groups.member_role(ctx.db, ctx.sdkappid, group_id, user) is None:
        raise ApiFail(10007, f"{user!r} is not a member of community {group_id!r}")
    return user


def _profile(ctx: Context, body: dict[str, Any]) -> dict[str, str]:
    profile: dict[str, str] = {}
    for field in PROFILE:
        if field not in body:
            continue
        value = body[field]
        if not isinstance(value, str) or utf8_len(value) > LIMITS[field]:
            raise ctx.bad_param(f"{field} must be a string of at most {LIMITS[field]} bytes")
        profile[field] = value
    if "TopicName" in profile and not profile["TopicName"]:
        raise ctx.bad_param("TopicName must not be empty")
    return profile


def _custom_id(ctx: Context, group_id: str, topic_id: Any) -> str:
    prefix = group_id + MARK
    if not isinstance(topic_id, str) or not topic_id.startswith(prefix):
        raise ctx.bad_param(f"a custom TopicId is the GroupId + {MARK!r} + a custom part")
    part = topic_id[len(prefix):]
    if (not part or any(not " " <= c <= "~" for c in part) or "@TGS#_" in part
            or GENERATED in topic_id):
        raise ctx.bad_param("the custom part of a TopicId is printable ASCII, not containing"
                            f" '@TGS#_' or {GENERATED!r}")
    if utf8_len(topic_id) > MAX_TOPIC_ID_BYTES:
        raise ctx.bad_param(f"a TopicId is at most {MAX_TOPIC_ID_BYTES} bytes")
    return topic_id


def _new_id(ctx: Context, group_id: str) -> str:
    while True:
        topic_id = group_id + GENERATED + "".join(secrets.choice(ID_CHARS) for _ in range(12))
        if queries.find(ctx.db, ctx.sdkappid, group_id, topic_id) is None:
            return topic_id


def topic_info(topic: Topic) -> dict[str, Any]:
    return {"TopicId": topic.topic_id, "TopicName": topic.name, "GroupID": topic.group_id,
            "Introduction": topic.introduction, "Notification": topic.notification,
            "FaceUrl": topic.face_url, "CustomString": topic.custom_string,
            "CreateTime": int(topic.created_at), "LastMsgTime": int(topic.last_msg_time),
            "NextMsgSeq": topic.next_msg_seq, "MuteAllMember": "On" if topic.mute_all else "Off"}


def _create(ctx: Context, body: dict[str, Any], created_at: float) -> dict[str, Any]:
    profile = _profile(ctx, body)
    if "TopicName" not in profile:
        raise ctx.bad_param("TopicName is required")
    group = _community(ctx, body)
    creator = _operator(ctx, body, group.group_id, "From_Account")
    if body.get("TopicId") is not None:
        topic_id = _custom_id(ctx, group.group_id, body["TopicId"])
        if queries.find(ctx.db, ctx.sdkappid, group.group_id, topic_id) is not None:
            raise ApiFail(10021, f"topic ID {topic_id!r} is already taken")
    else:
        topic_id = _new_id(ctx, group.group_id)
    queries.create(ctx.db, ctx.sdkappid, group.group_id, topic_id, profile, creator,
                   created_at)
    return {"TopicId": topic_id}


@handler("million_group_open_http_svc/create_topic")
def create_topic(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _create(ctx, body, ctx.now)


@handler("group_open_http_svc/import_topic")
def import_topic(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    """create_topic with a historical CreateTime (no later than now, inferred), for
    migrations; Type, when given, must be Community."""
    if body.get("Type", "Community") != "Community":
        raise ctx.bad_param("Type must be Community")
    created = body.get("CreateTime", int(ctx.now))
    if not is_int(created) or not 0 <= created <= ctx.now:
        raise ctx.bad_param("CreateTime is a Unix time in seconds, not in the future")
    return _create(ctx, body, float(created))


@handler("million_group_open_http_svc/get_topic")
def get_topic(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user = body.get("From_Account")
    if not is_user_id(user):
        raise ctx.bad_param("From_Account is required: the UserID whose SelfInfo is returned")
    wanted = body.get("TopicIdList")
    if wanted is not None and (not isinstance(wanted, list)
                               or not all(isinstance(t, str) for t in wanted)):
        raise ctx.bad_param("TopicIdList must be an array of topic IDs")
    fields = body.get("ResponseFilter")
    if fields is not None and (not isinstance(fields, list)
                               or not all(isinstance(f, str) for f in fields)):
        raise ctx.bad_param("ResponseFilter must be an array of TopicInfo field names")
    group = _community(ctx, body)
    role = groups.member_role(ctx.db, ctx.sdkappid, group.group_id, user)
    if wanted is None:
        found: list[Topic | str] = list(queries.all_topics(ctx.db, ctx.sdkappid,
                                                           group.group_id))
    else:
        found = [queries.find(ctx.db, ctx.sdkappid, group.group_id, t) or t
                 for t in dict.fromkeys(wanted)]
    items = []
    for topic in found:
        if isinstance(topic, str):
            items.append({"ErrorCode": GONE, "ErrorInfo": "topic does not exist or was"
                          " dismissed", "TopicInfo": {"TopicId": topic}})
            continue
        info = topic_info(topic)
        if fields is not None:
            info = {k: v for k, v in info.items() if k == "TopicId" or k in fields}
        item: dict[str, Any] = {"ErrorCode": 0, "ErrorInfo": "", "TopicInfo": info}
        if role is not None:
            item["SelfInfo"] = {"MsgFlag": "AcceptAndNotify", "MsgSeq": 0, "ShutUpTime": 0}
        items.append(item)
    return {"TopicAndSelfInfo": items}


@handler("million_group_open_http_svc/modify_topic")
def modify_topic(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    topic_id = body.get("TopicId")
    if not isinstance(topic_id, str) or not topic_id:
        raise ctx.bad_param("TopicId is required")
    profile = _profile(ctx, body)
    mute = body.get("MuteAllMember")
    if mute is not None and mute not in ("On", "Off"):
        raise ctx.bad_param("MuteAllMember must be On or Off")
    group = _community(ctx, body)
    _operator(ctx, body, group.group_id, "From_Account")
    if queries.find(ctx.db, ctx.sdkappid, group.group_id, topic_id) is None:
        raise ApiFail(10010, f"topic {topic_id!r} does not exist or has been dismissed")
    queries.update(ctx.db, ctx.sdkappid, group.group_id, topic_id, profile,
                   None if mute is None else mute == "On")
    return {}


@handler("million_group_open_http_svc/destroy_topic")
def destroy_topic(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    ids = body.get("TopicIdList")
    if (not isinstance(ids, list) or not ids
            or not all(isinstance(t, str) and t for t in ids)):
        raise ctx.bad_param("TopicIdList is required: a non-empty array of topic IDs")
    group = _community(ctx, body)
    results = []
    for topic_id in dict.fromkeys(ids):
        if queries.delete(ctx.db, ctx.sdkappid, group.group_id, topic_id):
            services.topic_destroyed(ctx.db, ctx.sdkappid, group.group_id, topic_id)
            results.append({"ErrorCode": 0, "ErrorInfo": "", "TopicId": topic_id})
        else:
            results.append({"ErrorCode": GONE, "ErrorInfo": "topic already dismissed or"
                            " does not exist", "TopicId": topic_id})
    return {"DestroyResultItem": results}
