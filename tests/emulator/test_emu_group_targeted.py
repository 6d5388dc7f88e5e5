"""Targeted group messages in the emulator: send_group_msg To_Account (at most 50 members,
Work/Public/Meeting only, no @-mentions, members only), stored in the group's history, and
their receipts counted over the targets alone."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

G = "group_open_http_svc/"
SEND = G + "send_group_msg"


@pytest.fixture
def gid(api: Any) -> str:
    api.import_users("alice", "bob", "carol", "dave", "zed")
    return api.ok(G + "create_group", {
        "Type": "Public", "Name": "g", "Owner_Account": "alice",
        "MemberList": [{"Member_Account": m} for m in ("bob", "carol", "dave")]})["GroupId"]


def body(gid: str, random: int, **extra: Any) -> dict[str, Any]:
    return {"GroupId": gid, "Random": random, "From_Account": "alice",
            "MsgBody": msgbody.build(text=["psst"]), **extra}


def test_targeted_message_reaches_only_its_members(api: Any, gid: str) -> None:
    seq = api.ok(SEND, body(gid, 1, To_Account=["bob", "carol"], NeedReadReceipt=1))["MsgSeq"]
    history = api.ok(G + "group_msg_get_simple", {"GroupId": gid, "ReqMsgNumber": 20})
    assert seq in [m["MsgSeq"] for m in history["RspMsgList"]]
    counts = api.ok(G + "get_group_msg_receipt", {"GroupId": gid,
                                                  "MsgSeqList": [{"MsgSeq": seq}]})
    assert counts["GroupMsgReceiptList"][0]["UnreadNum"] == 2  # bob and carol only
    assert api.code(G + "group_msg_receipt", {"GroupId": gid, "From_Account": "dave",
                                              "MsgSeqList": [{"MsgSeq": seq}]}) == 10007
    api.ok(G + "group_msg_receipt", {"GroupId": gid, "From_Account": "bob",
                                     "MsgSeqList": [{"MsgSeq": seq}]})
    detail = api.ok(G + "get_group_msg_receipt_detail", {
        "GroupId": gid, "MsgSeq": seq, "Filter": 1, "Cursor": "", "Count": 10})
    assert detail["UnreadList"] == [{"Unread_Account": "carol"}]


def test_targeted_refusals(api: Any, gid: str) -> None:
    assert api.code(SEND, body(gid, 1, To_Account=["zed"])) == 10004  # not a member
    assert api.code(SEND, body(gid, 2, To_Account=[])) == 10004
    assert api.code(SEND, body(gid, 3, To_Account=[f"u{i}" for i in range(51)])) == 10004
    assert api.code(SEND, body(gid, 4, To_Account=["bob"], GroupAtInfo=[
        {"GroupAtAllFlag": 0, "GroupAt_Account": "bob"}])) == 10004
    live = api.ok(G + "create_group", {"Type": "AVChatRoom", "Name": "live"})["GroupId"]
    assert api.code(SEND, body(live, 5, To_Account=["bob"])) == 10007
    history = api.ok(G + "group_msg_get_simple", {"GroupId": gid, "ReqMsgNumber": 20})
    assert all(m["IsSystemMsg"] for m in history["RspMsgList"])  # nothing was stored
