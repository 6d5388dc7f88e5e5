"""Group message state: set_unread_msg_num and clear_group_msg.

Pages: tencentcloud 1047/34909 (set_unread_msg_num: migration only; Private/Public/Community
take it, ChatRoom/AVChatRoom accept it with no effect; the count is clamped to the group's
messages), 1047/65970 and cloud.tencent 269/95617 (clear_group_msg: marks history up to MsgSeq,
all when absent, so SDKs cannot pull it; not a delete, the admin still pulls it with
group_msg_get_simple; Community not supported).
Inferred: the unread count is kept as the member's read MsgSeq (the MsgSeq that
get_group_member_info shows): unread = newest seq - read seq; a non-member answers 10007.
The emulator has no SDK view, so a clear changes nothing the REST API shows (documented);
the request is still checked.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.groups import common
from timctl.emulator.services.groups import queries as groups

U32_MAX = 4294967295
NO_EFFECT = ("ChatRoom", "AVChatRoom")  # documented: accepted, no effect


@handler("group_open_http_svc/set_unread_msg_num")
def set_unread_msg_num(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body)
    member = common.user_field(ctx, body, "Member_Account")
    count = body.get("UnreadMsgNum")
    if not is_int(count) or count < 0:
        raise ctx.bad_param("UnreadMsgNum is required: an integer 0 or more")
    if group.type in NO_EFFECT:
        return {}
    if groups.member_role(ctx.db, ctx.sdkappid, group.group_id, member) is None:
        raise ApiFail(10007, f"{member!r} is not a member of group {group.group_id!r}")
    newest = group.next_msg_seq - 1
    read_seq = newest - min(count, newest)  # clamped to the group's messages
    groups.set_read_seq(ctx.db, ctx.sdkappid, group.group_id, member, read_seq)
    return {}


@handler("group_open_http_svc/clear_group_msg")
def clear_group_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    common.target(ctx, body, refuse=("Community",), what="clearing history")
    seq = body.get("MsgSeq")
    if seq is not None and (not is_int(seq) or not 0 <= seq <= U32_MAX):
        raise ctx.bad_param("MsgSeq must be a uint32")
    return {}
