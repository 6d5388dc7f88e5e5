"""Group message state in the emulator: set_unread_msg_num (the member's read MsgSeq, clamped;
ChatRoom accepts it with no effect), clear_group_msg (checks; the admin still pulls cleared
history, as documented) and openim/modify_group_msg (given fields replace stored ones)."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

G = "group_open_http_svc/"
SEND, GET = G + "send_group_msg", G + "group_msg_get_simple"
UNREAD, CLEAR, MODIFY = G + "set_unread_msg_num", G + "clear_group_msg", "openim/modify_group_msg"


def _group(api: Any, kind: str = "Public") -> str:
    return api.ok(G + "create_group", {"Type": kind, "Name": "g", "Owner_Account": "alice",
                                       "MemberList": [{"Member_Account": "bob"}]})["GroupId"]


@pytest.fixture
def gid(api: Any) -> str:
    api.import_users("alice", "bob", "carol")
    return _group(api)


def _send(api: Any, gid: str, n: int) -> list[int]:
    return [api.ok(SEND, {"GroupId": gid, "Random": 100 + i, "From_Account": "bob",
                          "MsgBody": msgbody.build(text=[f"m{i}"])})["MsgSeq"] for i in range(n)]


def _read_seq(api: Any, gid: str, user: str) -> int:
    doc = api.ok(G + "get_group_member_info", {"GroupId": gid})
    return next(m["MsgSeq"] for m in doc["MemberList"] if m["Member_Account"] == user)


def _messages(api: Any, gid: str) -> dict[int, dict[str, Any]]:
    doc = api.ok(GET, {"GroupId": gid, "ReqMsgNumber": 20})
    return {m["MsgSeq"]: m for m in doc["RspMsgList"] if not m["IsSystemMsg"]}


def test_set_unread_moves_the_read_seq_and_clamps(api: Any, gid: str) -> None:
    seqs = _send(api, gid, 3)
    newest = seqs[-1]
    api.ok(UNREAD, {"GroupId": gid, "Member_Account": "bob", "UnreadMsgNum": 2})
    assert _read_seq(api, gid, "bob") == newest - 2
    api.ok(UNREAD, {"GroupId": gid, "Member_Account": "bob", "UnreadMsgNum": 10**6})
    assert _read_seq(api, gid, "bob") == 0  # clamped to the group's messages
    api.ok(UNREAD, {"GroupId": gid, "Member_Account": "bob", "UnreadMsgNum": 0})
    assert _read_seq(api, gid, "bob") == newest


@pytest.mark.parametrize("body,code", [
    ({"Member_Account": "bob", "UnreadMsgNum": -1}, 10004),
    ({"Member_Account": "bob", "UnreadMsgNum": "2"}, 10004),
    ({"Member_Account": "bob"}, 10004),
    ({"UnreadMsgNum": 1}, 10004),
    ({"Member_Account": "carol", "UnreadMsgNum": 1}, 10007),  # not a member
])
def test_set_unread_refusals(api: Any, gid: str, body: dict[str, Any], code: int) -> None:
    assert api.code(UNREAD, {"GroupId": gid, **body}) == code


def test_set_unread_gone_group_and_no_effect_types(api: Any, gid: str) -> None:
    assert api.code(UNREAD, {"GroupId": "nope", "Member_Account": "bob",
                             "UnreadMsgNum": 1}) == 10010
    room = _group(api, "ChatRoom")
    _send(api, room, 2)
    before = _read_seq(api, room, "bob")
    api.ok(UNREAD, {"GroupId": room, "Member_Account": "carol", "UnreadMsgNum": 1})
    assert _read_seq(api, room, "bob") == before


def test_clear_checks_and_keeps_the_admin_view(api: Any, gid: str) -> None:
    seqs = _send(api, gid, 2)
    api.ok(CLEAR, {"GroupId": gid})
    api.ok(CLEAR, {"GroupId": gid, "MsgSeq": seqs[0]})
    assert set(seqs) <= set(_messages(api, gid))  # documented: the admin still pulls them
    assert api.code(CLEAR, {"GroupId": gid, "MsgSeq": -1}) == 10004
    assert api.code(CLEAR, {"GroupId": "nope"}) == 10010
    assert api.code(CLEAR, {}) == 10004
    community = api.ok(G + "create_group", {"Type": "Community", "Name": "c",
                                            "Owner_Account": "alice"})["GroupId"]
    assert api.code(CLEAR, {"GroupId": community}) == 10007


def test_modify_group_msg_replaces_given_fields(api: Any, gid: str) -> None:
    seq = _send(api, gid, 1)[0]
    new = msgbody.build(text=["edited"])
    api.ok(MODIFY, {"GroupId": gid, "MsgSeq": seq, "MsgBody": new})
    assert _messages(api, gid)[seq]["MsgBody"] == new
    api.ok(MODIFY, {"GroupId": gid, "MsgSeq": seq, "CloudCustomData": "cd"})
    msg = _messages(api, gid)[seq]
    assert (msg["MsgBody"], msg["CloudCustomData"]) == (new, "cd")  # the body stays


@pytest.mark.parametrize("extra,code", [
    ({"MsgBody": {"MsgType": "TIMTextElem"}}, 90007),
    ({"MsgBody": [{"MsgType": "TIMNoSuchElem", "MsgContent": {}}]}, 90002),
    ({"MsgBody": msgbody.build(text=["x" * 13000])}, 93000),
    ({"MsgSeq": 999}, 20022),
])
def test_modify_group_msg_refusals(api: Any, gid: str, extra: dict[str, Any],
                                   code: int) -> None:
    seq = _send(api, gid, 1)[0]
    assert api.code(MODIFY, {"GroupId": gid, "MsgSeq": seq, **extra}) == code
    assert _messages(api, gid)[seq]["MsgBody"] == msgbody.build(text=["m0"])


def test_modify_group_msg_gone_group_and_tip(api: Any, gid: str) -> None:
    assert api.code(MODIFY, {"GroupId": "nope", "MsgSeq": 1,
                             "MsgBody": msgbody.build(text=["x"])}) == 10010
    api.ok(G + "add_group_member", {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}]})
    tips = [m["MsgSeq"] for m in api.ok(GET, {"GroupId": gid, "ReqMsgNumber": 20})["RspMsgList"]
            if m["IsSystemMsg"]]
    if tips:  # a tip is no message to modify
        assert api.code(MODIFY, {"GroupId": gid, "MsgSeq": tips[0],
                                 "CloudCustomData": "x"}) == 20022


# --- pins ----------------------------------------------------------------------------------
PIN, UNPIN, PINS = G + "pin_message", G + "unpin_message", G + "get_pinned_messages"


def _pins(api: Any, gid: str) -> list[tuple[int, str]]:
    return [(p["MsgSeq"], p["Pinner_Account"])
            for p in api.ok(PINS, {"GroupId": gid})["PinnedMsgList"]]


def test_pin_list_newest_first_and_unpin(api: Any, gid: str) -> None:
    a, b = _send(api, gid, 2)
    api.ok(PIN, {"GroupId": gid, "MsgSeq": a, "Pinner_Account": "bob"})
    api.ok(PIN, {"GroupId": gid, "MsgSeq": b})
    assert _pins(api, gid) == [(b, "administrator"), (a, "bob")]
    assert api.code(PIN, {"GroupId": gid, "MsgSeq": a}) == 10071
    api.ok(UNPIN, {"GroupId": gid, "MsgSeq": b})
    assert _pins(api, gid) == [(a, "bob")]
    assert api.code(UNPIN, {"GroupId": gid, "MsgSeq": b}) == 10004  # not pinned


def test_at_most_ten_pins(api: Any, gid: str) -> None:
    seqs = _send(api, gid, 11)
    for seq in seqs[:10]:
        api.ok(PIN, {"GroupId": gid, "MsgSeq": seq})
    assert api.code(PIN, {"GroupId": gid, "MsgSeq": seqs[10]}) == 10070
    assert len(_pins(api, gid)) == 10


@pytest.mark.parametrize("body,code", [
    ({"MsgSeq": 0}, 10004),
    ({"MsgSeq": 999}, 10030),
    ({}, 10004),
    ({"MsgSeq": 1, "Pinner_Account": "nobody"}, 10019),
    ({"MsgSeq": 1, "TopicId": "t"}, 10004),
])
def test_pin_refusals(api: Any, gid: str, body: dict[str, Any], code: int) -> None:
    _send(api, gid, 1)
    assert api.code(PIN, {"GroupId": gid, **body}) == code
    assert _pins(api, gid) == []


def test_pins_of_gone_live_and_destroyed_groups(api: Any, gid: str) -> None:
    assert api.code(PINS, {"GroupId": "nope"}) == 10010
    live = api.ok(G + "create_group", {"Type": "AVChatRoom", "Name": "l",
                                       "Owner_Account": "alice"})["GroupId"]
    assert api.code(PIN, {"GroupId": live, "MsgSeq": 1}) == 10007
    named = api.ok(G + "create_group", {"Type": "Public", "Name": "g", "GroupId": "pins-1",
                                        "Owner_Account": "alice",
                                        "MemberList": [{"Member_Account": "bob"}]})["GroupId"]
    seq = _send(api, named, 1)[0]
    api.ok(PIN, {"GroupId": named, "MsgSeq": seq})
    api.ok(G + "destroy_group", {"GroupId": named})
    api.ok(G + "create_group", {"Type": "Public", "Name": "g", "GroupId": named,
                                "Owner_Account": "alice"})
    assert _pins(api, named) == []
