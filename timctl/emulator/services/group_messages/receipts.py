"""Group message read receipts: group_msg_receipt, get_group_msg_receipt,
get_group_msg_receipt_detail.

Pages: cloud.tencent 269/107478 (group_msg_receipt: From_Account, MsgSeqList at most 50;
10060 group over 200 members, 10061 online-only message, 10062 no receipt info),
tencentcloud 1047/49439 (get_group_msg_receipt: GroupMsgReceiptList of Code, MsgSeq, ReadNum,
UnreadNum; Code 10062 per message without receipt info), 1047/49438
(get_group_msg_receipt_detail: Filter 0 readers / 1 non-readers, Cursor "" first then the one
returned, Count at most 200, done at IsFinished 1). Work/Public/Meeting only; AVChatRoom and
Community not supported. Receipts apply only to messages sent with NeedReadReceipt 1.
Inferred: the audience of a message is the group's current members (a targeted message's:
its To_Account members) bar its sender; a receipt from a non-member (or a member outside a
targeted message's list) is 10007, for a message without receipt info 10062 (nothing is
recorded then); a repeated receipt changes nothing; a type without receipts 10007. The
detail page's sample names its end flag IsFinish and its table IsFinished: both are given.
The cursor is the position in the audience (join order, owner first), "0" once finished as
in the sample.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.group_messages import queries as store
from timctl.emulator.services.group_messages.queries import Stored
from timctl.emulator.services.groups import common
from timctl.emulator.services.groups import queries as groups
from timctl.emulator.services.groups.queries import Group

U32_MAX = 4294967295
RECEIPT_MAX = 50  # group_msg_receipt: MsgSeqList at most 50
RECEIPT_MEMBERS = 200  # receipts work in groups of at most 200 members (10060)
DETAIL_MAX = 200  # get_group_msg_receipt_detail: Count at most 200
NO_RECEIPT = 10062
TOO_LARGE = 10060
WITHOUT = ("AVChatRoom", "Community")


def _group(ctx: Context, body: dict[str, Any]) -> Group:
    return common.target(ctx, body, refuse=WITHOUT, what="read receipts")


def _seqs(ctx: Context, body: dict[str, Any], maximum: int | None = None) -> list[int]:
    items = body.get("MsgSeqList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MsgSeqList is required: a non-empty array of {MsgSeq}")
    if maximum is not None and len(items) > maximum:
        raise ctx.bad_param(f"MsgSeqList: at most {maximum} messages per call")
    seqs = []
    for item in items:
        seq = item.get("MsgSeq") if isinstance(item, dict) else None
        if not is_int(seq) or not 1 <= seq <= U32_MAX:
            raise ctx.bad_param("MsgSeqList items are {\"MsgSeq\": uint32}")
        seqs.append(seq)
    return list(dict.fromkeys(seqs))


def _with_receipt(ctx: Context, group_id: str, seq: int) -> Stored | None:
    msg = store.find(ctx.db, ctx.sdkappid, group_id, seq)
    return msg if msg is not None and msg.flags.need_receipt else None


def audience(ctx: Context, group_id: str, msg: Stored) -> list[str]:
    """Who a message's receipts count: members (or its targets) bar the sender, owner first
    then join order."""
    ids = [m.user_id for m in groups.members(ctx.db, ctx.sdkappid, group_id)]
    if msg.flags.targets:
        ids = [u for u in ids if u in msg.flags.targets]
    return [u for u in ids if u != msg.from_id]


@handler("group_open_http_svc/group_msg_receipt")
def group_msg_receipt(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = _group(ctx, body)
    reader = common.user_field(ctx, body, "From_Account")
    seqs = _seqs(ctx, body, RECEIPT_MAX)
    if groups.member_count(ctx.db, ctx.sdkappid, group.group_id) > RECEIPT_MEMBERS:
        raise ApiFail(TOO_LARGE, f"read receipts work in groups of at most {RECEIPT_MEMBERS}"
                                 " members")
    if groups.member_role(ctx.db, ctx.sdkappid, group.group_id, reader) is None:
        raise ApiFail(10007, f"{reader!r} is not a member of group {group.group_id!r}")
    found = []
    for seq in seqs:  # all checked before any is recorded
        msg = _with_receipt(ctx, group.group_id, seq)
        if msg is None:
            raise ApiFail(NO_RECEIPT, f"message {seq} has no read receipt info (not stored,"
                                      " or sent without NeedReadReceipt 1)")
        if msg.flags.targets and reader not in msg.flags.targets and reader != msg.from_id:
            raise ApiFail(10007, f"message {seq} was not sent to {reader!r}")
        found.append((seq, msg))
    for seq, msg in found:
        if reader != msg.from_id:  # a sender's own message needs no receipt
            store.add_read(ctx.db, ctx.sdkappid, group.group_id, seq, reader, ctx.now)
    return {}


@handler("group_open_http_svc/get_group_msg_receipt")
def get_group_msg_receipt(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = _group(ctx, body)
    out = []
    for seq in _seqs(ctx, body):
        msg = _with_receipt(ctx, group.group_id, seq)
        if msg is None:
            out.append({"Code": NO_RECEIPT, "MsgSeq": seq})
            continue
        members = audience(ctx, group.group_id, msg)
        read = store.readers(ctx.db, ctx.sdkappid, group.group_id, seq)
        read_num = sum(1 for u in members if u in read)
        out.append({"Code": 0, "MsgSeq": seq, "ReadNum": read_num,
                    "UnreadNum": len(members) - read_num})
    return {"GroupMsgReceiptList": out}


@handler("group_open_http_svc/get_group_msg_receipt_detail")
def get_group_msg_receipt_detail(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = _group(ctx, body)
    seq = body.get("MsgSeq")
    if not is_int(seq) or not 1 <= seq <= U32_MAX:
        raise ctx.bad_param("MsgSeq is required: a uint32")
    want = body.get("Filter")
    if want not in (0, 1) or isinstance(want, bool):
        raise ctx.bad_param("Filter is required: 0 (read list) or 1 (unread list)")
    cursor = body.get("Cursor")
    if not isinstance(cursor, str) or not (cursor == "" or cursor.isdigit()):
        raise ctx.bad_param("Cursor is required: \"\" first, then the Cursor returned")
    count = body.get("Count")
    if not is_int(count) or not 1 <= count <= DETAIL_MAX:
        raise ctx.bad_param(f"Count is required: 1..{DETAIL_MAX}")
    msg = _with_receipt(ctx, group.group_id, seq)
    if msg is None:
        raise ApiFail(NO_RECEIPT, f"message {seq} has no read receipt info")
    read = store.readers(ctx.db, ctx.sdkappid, group.group_id, seq)
    listed = [u for u in audience(ctx, group.group_id, msg) if (u in read) == (want == 0)]
    start = int(cursor or 0)
    page = listed[start:start + count]
    finished = start + count >= len(listed)
    name, field = ("ReadList", "Read_Account") if want == 0 else ("UnreadList",
                                                                  "Unread_Account")
    return {"MsgSeq": seq, name: [{field: u} for u in page], "IsFinished": int(finished),
            "IsFinish": int(finished), "Cursor": "0" if finished else str(start + count)}
