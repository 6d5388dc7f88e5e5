"""Handlers of group system notices and live broadcasts.

Codes (rest-api-groups.yaml): 10004 bad parameter (Content missing, ToMembers_Account for an
AVChatRoom, a bad MsgBody), 10005 over 500 ToMembers_Account, 10010 group gone, 10019 a
sender that does not exist, 80002 a body over 12 KB. Inferred: ToMembers_Account naming a
non-member reaches nobody (no code documented); the Ultimate edition and console switch that
send_broadcast_msg needs are taken as on.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.c2c_messages import body as bodies
from timctl.emulator.services.c2c_messages.queries import body_crc
from timctl.emulator.services.groups import common

U32_MAX = 4294967295
NOTIFY_MAX = 500
DEDUP_WINDOW = 300  # send_broadcast_msg: same Random and content within 5 minutes dropped
BODY_CODES = {"array": 10004, "format": 10004, "size": 80002}


@handler("group_open_http_svc/send_group_system_notification")
def send_group_system_notification(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body)
    if body.get("TopicId"):
        raise ctx.bad_param("TopicId: topic notices are not implemented by this emulator")
    content = body.get("Content")
    if not isinstance(content, str) or not content:
        raise ctx.bad_param("Content is required: a non-empty string")
    if "ToMembers_Account" in body:
        to = body["ToMembers_Account"]
        if not isinstance(to, list) or not all(is_user_id(u) for u in to):
            raise ctx.bad_param("ToMembers_Account must be an array of UserIDs")
        if len(to) > NOTIFY_MAX:
            raise ApiFail(common.TOO_MANY, f"at most {NOTIFY_MAX} ToMembers_Account")
        if to and group.type == "AVChatRoom":
            raise ctx.bad_param("AVChatRoom notices go to every member: no ToMembers_Account")
    return {}  # online members only, never stored: nothing to keep


@handler("group_open_http_svc/send_broadcast_msg")
def send_broadcast_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    random = body.get("Random")
    if not is_int(random) or not 0 <= random <= U32_MAX:
        raise ctx.bad_param("Random is required: a uint32")
    found = bodies.problem(body.get("MsgBody"))
    if found is not None:
        raise ApiFail(BODY_CODES[found[0]], found[1])
    sender = body.get("From_Account", ctx.identifier)
    if not is_user_id(sender):
        raise ctx.bad_param("From_Account must be a UserID")
    if sender != ctx.identifier:
        common.must_exist(ctx, [sender])
    cloud = body.get("CloudCustomData")
    if cloud is not None and not isinstance(cloud, str):
        raise ctx.bad_param("CloudCustomData must be a string")
    crc = body_crc(body["MsgBody"])
    dup = ctx.db.execute(
        "SELECT msg_seq FROM live_broadcasts WHERE sdkappid = ? AND msg_random = ? AND "
        "body_crc = ? AND sent_at > ?",
        (ctx.sdkappid, random, crc, ctx.now - DEDUP_WINDOW)).fetchone()
    if dup is not None:  # a retry within 5 minutes: the first copy
        return {"MsgSeq": dup[0]}
    row = ctx.db.execute("SELECT COALESCE(MAX(msg_seq), 0) + 1 FROM live_broadcasts "
                         "WHERE sdkappid = ?", (ctx.sdkappid,)).fetchone()
    ctx.db.execute("INSERT INTO live_broadcasts VALUES (?, ?, ?, ?, ?, ?)",
                   (ctx.sdkappid, row[0], random, crc, int(ctx.now), ctx.now))
    return {"MsgSeq": row[0]}
