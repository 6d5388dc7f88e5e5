"""Group read receipts in the emulator: only NeedReadReceipt messages have receipt info,
members' receipts move ReadNum/UnreadNum, the detail pages readers and non-readers with its
cursor, the documented codes (10060, 10062) and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

G = "group_open_http_svc/"
SEND, RECEIPT = G + "send_group_msg", G + "group_msg_receipt"
COUNTS, DETAIL = G + "get_group_msg_receipt", G + "get_group_msg_receipt_detail"
MEMBERS = ["bob", "carol", "dave", "erin"]


@pytest.fixture
def gid(api: Any) -> str:
    api.import_users("alice", *MEMBERS, "zed")
    return api.ok(G + "create_group", {
        "Type": "Public", "Name": "g", "Owner_Account": "alice",
        "MemberList": [{"Member_Account": m} for m in MEMBERS]})["GroupId"]


def send(api: Any, gid: str, random: int, **extra: Any) -> int:
    return int(api.ok(SEND, {"GroupId": gid, "Random": random, "From_Account": "bob",
                             "MsgBody": msgbody.build(text=[f"m{random}"]), **extra})["MsgSeq"])


def counts(api: Any, gid: str, *seqs: int) -> list[dict[str, Any]]:
    return list(api.ok(COUNTS, {"GroupId": gid,
                                "MsgSeqList": [{"MsgSeq": s} for s in seqs]})
                ["GroupMsgReceiptList"])


def detail(api: Any, gid: str, seq: int, filt: int, count: int = 200) -> list[str]:
    """Every page, following the cursor until IsFinished."""
    out: list[str] = []
    cursor = ""
    for _ in range(20):
        doc = api.ok(DETAIL, {"GroupId": gid, "MsgSeq": seq, "Filter": filt,
                              "Cursor": cursor, "Count": count})
        key, field = ("ReadList", "Read_Account") if filt == 0 else ("UnreadList",
                                                                     "Unread_Account")
        assert len(doc[key]) <= count
        out += [item[field] for item in doc[key]]
        if doc["IsFinished"] == 1:
            return out
        cursor = doc["Cursor"]
    raise AssertionError("the cursor never finished")


def test_receipts_count_members_who_read(api: Any, gid: str) -> None:
    seq = send(api, gid, 1, NeedReadReceipt=1)
    plain = send(api, gid, 2)
    assert counts(api, gid, seq) == [{"Code": 0, "MsgSeq": seq, "ReadNum": 0, "UnreadNum": 4}]
    api.ok(RECEIPT, {"GroupId": gid, "From_Account": "carol", "MsgSeqList": [{"MsgSeq": seq}]})
    api.ok(RECEIPT, {"GroupId": gid, "From_Account": "carol", "MsgSeqList": [{"MsgSeq": seq}]})
    api.ok(RECEIPT, {"GroupId": gid, "From_Account": "alice", "MsgSeqList": [{"MsgSeq": seq}]})
    # the sender's own receipt counts for nothing
    api.ok(RECEIPT, {"GroupId": gid, "From_Account": "bob", "MsgSeqList": [{"MsgSeq": seq}]})
    got = counts(api, gid, seq, plain, 999)
    assert got[0] == {"Code": 0, "MsgSeq": seq, "ReadNum": 2, "UnreadNum": 2}
    assert got[1] == {"Code": 10062, "MsgSeq": plain}
    assert got[2] == {"Code": 10062, "MsgSeq": 999}
    assert detail(api, gid, seq, 0) == ["alice", "carol"]
    assert detail(api, gid, seq, 1) == ["dave", "erin"]


def test_detail_pages_with_cursor(api: Any, gid: str) -> None:
    seq = send(api, gid, 1, NeedReadReceipt=1)
    assert detail(api, gid, seq, 1, count=1) == ["alice", "carol", "dave", "erin"]
    first = api.ok(DETAIL, {"GroupId": gid, "MsgSeq": seq, "Filter": 1, "Cursor": "",
                            "Count": 3})
    assert first["IsFinished"] == 0 and first["Cursor"] not in ("", "0")
    nxt = api.ok(DETAIL, {"GroupId": gid, "MsgSeq": seq, "Filter": 1,
                          "Cursor": first["Cursor"], "Count": 3})
    assert [u["Unread_Account"] for u in nxt["UnreadList"]] == ["erin"]
    assert nxt["IsFinished"] == 1


def test_refusals(api: Any, gid: str) -> None:
    seq = send(api, gid, 1, NeedReadReceipt=1)
    plain = send(api, gid, 2)
    body = {"GroupId": gid, "From_Account": "carol", "MsgSeqList": [{"MsgSeq": plain}]}
    assert api.code(RECEIPT, body) == 10062
    assert api.code(RECEIPT, {**body, "From_Account": "zed",
                              "MsgSeqList": [{"MsgSeq": seq}]}) == 10007
    assert api.code(RECEIPT, {**body, "MsgSeqList": [{"MsgSeq": s} for s in
                                                     range(1, 52)]}) == 10004
    assert api.code(RECEIPT, {**body, "MsgSeqList": []}) == 10004
    assert api.code(DETAIL, {"GroupId": gid, "MsgSeq": plain, "Filter": 0, "Cursor": "",
                             "Count": 5}) == 10062
    assert api.code(DETAIL, {"GroupId": gid, "MsgSeq": seq, "Filter": 2, "Cursor": "",
                             "Count": 5}) == 10004
    assert api.code(DETAIL, {"GroupId": gid, "MsgSeq": seq, "Filter": 0, "Cursor": "",
                             "Count": 201}) == 10004
    assert api.code(SEND, {"GroupId": gid, "Random": 5, "MsgBody": msgbody.build(text=["x"]),
                           "NeedReadReceipt": 2}) == 10004
    live = api.ok(G + "create_group", {"Type": "AVChatRoom", "Name": "live"})["GroupId"]
    assert api.code(COUNTS, {"GroupId": live, "MsgSeqList": [{"MsgSeq": 1}]}) == 10007
    assert api.code(COUNTS, {"GroupId": "@TGS#nope", "MsgSeqList": [{"MsgSeq": 1}]}) == 10010


def test_groups_over_200_members_have_no_receipts(api: Any) -> None:
    users = [f"u{i}" for i in range(201)]
    api.import_users(*users)
    gid = api.ok(G + "create_group", {"Type": "Public", "Name": "big",
                                      "Owner_Account": "u0"})["GroupId"]
    for i in range(1, 201, 20):
        api.ok(G + "add_group_member", {"GroupId": gid, "MemberList": [
            {"Member_Account": u} for u in users[i:i + 20]]})
    seq = int(api.ok(SEND, {"GroupId": gid, "Random": 1, "From_Account": "u0",
                            "NeedReadReceipt": 1,
                            "MsgBody": msgbody.build(text=["x"])})["MsgSeq"])
    assert api.code(RECEIPT, {"GroupId": gid, "From_Account": "u1",
                              "MsgSeqList": [{"MsgSeq": seq}]}) == 10060


def test_receipts_go_with_the_group(api: Any, gid: str) -> None:
    seq = send(api, gid, 1, NeedReadReceipt=1)
    api.ok(RECEIPT, {"GroupId": gid, "From_Account": "carol", "MsgSeqList": [{"MsgSeq": seq}]})
    api.ok(G + "destroy_group", {"GroupId": gid})
    assert api.code(COUNTS, {"GroupId": gid, "MsgSeqList": [{"MsgSeq": seq}]}) == 10010
