"""openim/modify_group_msg: overwrite MsgBody and/or CloudCustomData of a stored group
message (tencentcloud 1047/47948). Hosted on openim, so openim codes: 90007 MsgBody not an
array, 90002 not in message format, 93000 over 12 KB (as sendmsg). Fields not given are kept.
TopicId names a community topic (its messages, its MsgSeqs).
Inferred: the group lookup answers like the group services (10004/10010, AVChatRoom 10007:
not supported, nothing stored), and a seq that is no stored message (a tip, or none) 20022,
as modify_c2c_msg does for an unknown MsgKey.
"""

from __future__ import annotations

import json
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.c2c_messages.handlers import check_body

U32_MAX = 4294967295


@handler("openim/modify_group_msg")
def modify_group_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    # group_messages owns group_msgs; imported here to keep the package import order simple
    from timctl.emulator.services.group_messages import queries as group_store
    from timctl.emulator.services.group_messages.conversation import conversation

    conv = conversation(ctx, body, refuse=("AVChatRoom",), what="modifying messages")
    seq = body.get("MsgSeq")
    if not is_int(seq) or not 0 <= seq <= U32_MAX:
        raise ctx.bad_param("MsgSeq is required: a uint32")
    new_body = check_body(body["MsgBody"]) if "MsgBody" in body else None
    cloud = body.get("CloudCustomData")
    if cloud is not None and not isinstance(cloud, str):
        raise ctx.bad_param("CloudCustomData must be a string")
    if group_store.state(ctx.db, ctx.sdkappid, conv.key, seq) not in ("message", "recalled"):
        raise ApiFail(20022, f"{conv.key!r} has no message {seq}")
    where = (ctx.sdkappid, conv.key, seq)
    if new_body is not None:  # body_crc stays: the send dedup compares what was sent
        ctx.db.execute("UPDATE group_msgs SET body = ? WHERE sdkappid = ? AND group_id = ?"
                       " AND msg_seq = ?", (json.dumps(new_body, ensure_ascii=False), *where))
    if cloud is not None:
        ctx.db.execute("UPDATE group_msgs SET cloud_data = ? WHERE sdkappid = ? AND"
                       " group_id = ? AND msg_seq = ?", (cloud, *where))
    return {}
