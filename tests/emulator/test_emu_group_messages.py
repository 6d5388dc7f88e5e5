"""Group messages in the emulator: send_group_msg (shared MsgSeq with tips, Random dedup,
live groups not stored, mutes, @ lists, body codes), group_msg_get_simple paging,
group_msg_recall per-message results, delete_group_msg_by_sender, and group destruction."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

G = "group_open_http_svc/"
SEND, GET, RECALL = G + "send_group_msg", G + "group_msg_get_simple", G + "group_msg_recall"
BY_SENDER = G + "delete_group_msg_by_sender"

EVERY_KIND: list[list[dict[str, Any]]] = [
    msgbody.build(text=["hello"]),
    msgbody.build(custom={"Data": "d", "Desc": "push", "Ext": "e"}),
    msgbody.build(image=["https://cdn.example/a.png"]),
    msgbody.build(file=["https://cdn.example/a.pdf"]),
    msgbody.build(sound=["https://cdn.example/a.mp3"]),
    msgbody.build(video=["https://cdn.example/a.mp4"]),
    msgbody.build(location=["22.5,114.05,Shenzhen"]),
    msgbody.build(face=[7]),
    msgbody.build(image=["https://cdn.example/b.jpg"], text=["caption"], face=[1],
                  location=["1,2"], custom={"Data": "x"}),
]


@pytest.fixture
def gid(api: Any) -> str:
    api.import_users("alice", "bob", "carol")
    return api.ok(G + "create_group", {"Type": "Public", "Name": "g", "Owner_Account": "alice",
                                       "MemberList": [{"Member_Account": "bob"}]})["GroupId"]


def send(api: Any, gid: str, random: int, text: str = "hi", **extra: Any) -> dict[str, Any]:
    return api.call(SEND, {"GroupId": gid, "Random": random, "From_Account": "bob",
                           "MsgBody": msgbody.build(text=[text]), **extra})


def history(api: Any, gid: str, **extra: Any) -> list[dict[str, Any]]:
    """Every message, paged backwards as documented (next ReqMsgSeq = lowest seq - 1)."""
    out: list[dict[str, Any]] = []
    body: dict[str, Any] = {"GroupId": gid, "ReqMsgNumber": 20, **extra}
    while True:
        doc = api.ok(GET, body)
        assert doc["IsFinished"] == 1
        page = doc["RspMsgList"]
        assert [m["MsgSeq"] for m in page] == sorted((m["MsgSeq"] for m in page), reverse=True)
        out += page
        if page:
            nxt = min(m["MsgSeq"] for m in page) - 1
        else:  # a page of recalled messages only, or nothing at all
            nxt = body["ReqMsgSeq"] - 20 if "ReqMsgSeq" in body else 0
        if nxt <= 0:
            return out
        body = {**body, "ReqMsgSeq": nxt}


def test_every_element_type_reads_back_identical_and_recalled_stay_flagged(api, gid):
    seqs = [api.ok(SEND, {"GroupId": gid, "Random": i, "From_Account": "bob", "MsgBody": b,
                          "CloudCustomData": f"c{i}"})["MsgSeq"]
            for i, b in enumerate(EVERY_KIND * 3)]  # 27 messages: more than one page
    doc = api.ok(RECALL, {"GroupId": gid, "MsgSeqList": [{"MsgSeq": seqs[2]},
                                                         {"MsgSeq": 9999}]})
    assert doc["RecallRetList"] == [{"MsgSeq": seqs[2], "RetCode": 0},
                                    {"MsgSeq": 9999, "RetCode": 10030}]
    got = [m for m in history(api, gid, WithRecalledMsg=1) if m["IsSystemMsg"] == 0]
    got.reverse()
    assert [m["MsgSeq"] for m in got] == seqs
    assert [m["MsgBody"] for m in got] == EVERY_KIND * 3
    assert [m["CloudCustomData"] for m in got] == [f"c{i}" for i in range(27)]
    assert [m["IsPlaceMsg"] for m in got] == [2 if i == 2 else 0 for i in range(27)]
    # without WithRecalledMsg the recalled one is left out
    plain = [m["MsgSeq"] for m in history(api, gid) if m["IsSystemMsg"] == 0]
    assert seqs[2] not in plain and len(plain) == 26


def test_messages_and_tips_share_one_sequence(api, gid):
    first = send(api, gid, 1)["MsgSeq"]
    api.ok(G + "add_group_member", {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}]})
    second = send(api, gid, 2)["MsgSeq"]
    page = api.ok(GET, {"GroupId": gid, "ReqMsgNumber": 20})["RspMsgList"]
    seqs = [m["MsgSeq"] for m in page]
    assert seqs == list(range(second, 0, -1))
    tip = next(m for m in page if first < m["MsgSeq"] < second)
    assert tip["IsSystemMsg"] == 1
    # a recall of a tip is refused per message
    doc = api.ok(RECALL, {"GroupId": gid, "MsgSeqList": [{"MsgSeq": tip["MsgSeq"]}]})
    assert doc["RecallRetList"][0]["RetCode"] == 10032


def test_random_dedups_for_five_minutes(api, gid, clock):
    a = send(api, gid, 7)
    clock.advance(299)
    assert send(api, gid, 7)["MsgSeq"] == a["MsgSeq"]
    assert send(api, gid, 7, "other")["MsgSeq"] == a["MsgSeq"] + 1  # other content
    clock.advance(2)
    assert send(api, gid, 7)["MsgSeq"] == a["MsgSeq"] + 2


def test_live_groups_and_online_only_are_not_stored(api, gid):
    live = api.ok(G + "create_group", {"Type": "AVChatRoom", "Name": "live"})["GroupId"]
    assert api.ok(SEND, {"GroupId": live, "Random": 1,
                         "MsgBody": msgbody.build(text=["x"])})["MsgSeq"] == 0
    assert api.code(GET, {"GroupId": live, "ReqMsgNumber": 5}) == 10007
    before = send(api, gid, 1)["MsgSeq"]
    assert send(api, gid, 2, OnlineOnlyFlag=1)["MsgSeq"] == 0
    assert send(api, gid, 3)["MsgSeq"] == before + 1


def test_priority_and_at_lists(api, gid):
    send(api, gid, 1, MsgPriority="High",
         GroupAtInfo=[{"GroupAtAllFlag": 0, "GroupAt_Account": "alice"}])
    assert api.ok(GET, {"GroupId": gid, "ReqMsgNumber": 1})["RspMsgList"][0]["MsgPriority"] == 1
    assert send(api, gid, 2, MsgPriority="high")["ErrorCode"] == 10004
    many = [{"GroupAtAllFlag": 0, "GroupAt_Account": "alice"}] * 31
    assert send(api, gid, 3, GroupAtInfo=many)["ErrorCode"] == 10053


def test_mutes_refuse_with_10017(api, gid, clock):
    api.ok(G + "forbid_send_msg", {"GroupId": gid, "Members_Account": ["bob"], "MuteTime": 60})
    assert send(api, gid, 1)["ErrorCode"] == 10017
    clock.advance(61)
    assert send(api, gid, 2)["ErrorCode"] == 0
    api.ok("openconfigsvr/setnospeaking", {"Set_Account": "bob", "GroupmsgNospeakingTime": 60})
    assert send(api, gid, 3)["ErrorCode"] == 10017


@pytest.mark.parametrize(("change", "code"), [
    ({"GroupId": "@TGS#nope"}, 10010),
    ({"Random": -1}, 10004),
    ({"MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {}}]}, 10004),
    ({"MsgBody": msgbody.build(text=["x" * 13000])}, 80002),
    ({"From_Account": "ghost"}, 10019),
])
def test_documented_send_codes(api, gid, change, code):
    body = {"GroupId": gid, "Random": 1, "MsgBody": msgbody.build(text=["hi"]), **change}
    assert api.code(SEND, body) == code


def test_delete_by_sender_flags_their_messages(api, gid):
    send(api, gid, 1)
    api.ok(SEND, {"GroupId": gid, "Random": 2, "From_Account": "alice",
                  "MsgBody": msgbody.build(text=["keep"])})
    api.ok(BY_SENDER, {"GroupId": gid, "Sender_Account": "bob"})
    msgs = [m for m in history(api, gid, WithRecalledMsg=1) if m["IsSystemMsg"] == 0]
    assert [(m["From_Account"], m["IsPlaceMsg"]) for m in msgs] == [("alice", 0), ("bob", 2)]


def test_destroying_the_group_removes_its_messages(api, gid, store):
    send(api, gid, 1)
    api.ok(G + "destroy_group", {"GroupId": gid})
    with store.tx() as db:
        assert db.execute("SELECT count(*) FROM group_msgs").fetchone()[0] == 0
