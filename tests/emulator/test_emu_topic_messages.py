"""Topic messages in the emulator: send_group_msg, group_msg_get_simple, group_msg_recall,
delete_group_msg_by_sender and modify_group_msg with TopicId - each topic its own MsgSeq
space and history, apart from the community's; unknown topics, groups without topics, a topic
muted for all, and the cascades (dismissed topic, destroyed community)."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

G = "group_open_http_svc/"
SEND, GET = G + "send_group_msg", G + "group_msg_get_simple"
TOPICS = "million_group_open_http_svc/"
CLUB = "@TGS#_@TGS#cQVLVHIM62CJ"
T1, T2 = CLUB + "@TOPIC#_one", CLUB + "@TOPIC#_two"


@pytest.fixture(autouse=True)
def club(api: Any) -> None:
    api.import_users("owner", "member1")
    api.ok(G + "create_group", {"Type": "Community", "Name": "club", "GroupId": CLUB,
                                "Owner_Account": "owner", "SupportTopic": 1,
                                "MemberList": [{"Member_Account": "member1"}]})
    for topic in (T1, T2):
        api.ok(TOPICS + "create_topic", {"GroupId": CLUB, "TopicId": topic,
                                         "TopicName": topic[-3:]})


def send(api: Any, topic: str | None, random: int, text: str = "hi",
         sender: str = "member1") -> dict[str, Any]:
    body: dict[str, Any] = {"GroupId": CLUB, "Random": random, "From_Account": sender,
                            "MsgBody": msgbody.build(text=[text])}
    if topic:
        body["TopicId"] = topic
    return dict(api.call(SEND, body))


def texts(api: Any, topic: str | None, **extra: Any) -> list[tuple[int, str]]:
    body: dict[str, Any] = {"GroupId": CLUB, "ReqMsgNumber": 20, **extra}
    if topic:
        body["TopicId"] = topic
    return [(m["MsgSeq"], m["MsgBody"][0]["MsgContent"]["Text"])
            for m in api.ok(GET, body)["RspMsgList"] if not m["IsSystemMsg"]]


def test_each_topic_has_its_own_seq_and_history(api: Any) -> None:
    assert [send(api, T1, i, f"a{i}")["MsgSeq"] for i in range(3)] == [1, 2, 3]
    assert send(api, T2, 0, "b0")["MsgSeq"] == 1
    assert send(api, T1, 0, "a0")["MsgSeq"] == 1  # a repeat within 5 minutes: the first copy
    assert texts(api, T1) == [(3, "a2"), (2, "a1"), (1, "a0")]
    assert texts(api, T2) == [(1, "b0")]
    assert texts(api, None) == []  # the community's own history holds none of them
    assert texts(api, T1, ReqMsgSeq=2, ReqMsgNumber=1) == [(2, "a1")]
    info = api.ok(TOPICS + "get_topic", {"GroupId": CLUB, "TopicIdList": [T1],
                                         "From_Account": "owner"})
    assert info["TopicAndSelfInfo"][0]["TopicInfo"]["NextMsgSeq"] == 4


def test_recall_modify_and_by_sender_in_a_topic(api: Any) -> None:
    send(api, T1, 1, "one")
    send(api, T1, 2, "two", sender="owner")
    send(api, T2, 1, "other")
    doc = api.ok(G + "group_msg_recall", {"GroupId": CLUB, "TopicId": T1,
                                          "MsgSeqList": [{"MsgSeq": 1}, {"MsgSeq": 9}]})
    assert doc["RecallRetList"] == [{"MsgSeq": 1, "RetCode": 0}, {"MsgSeq": 9, "RetCode": 10030}]
    assert texts(api, T1) == [(2, "two")]
    assert texts(api, T2) == [(1, "other")]  # same seq, another topic: untouched
    api.ok("openim/modify_group_msg", {"GroupId": CLUB, "TopicId": T1, "MsgSeq": 2,
                                       "MsgBody": msgbody.build(text=["edited"])})
    assert texts(api, T1) == [(2, "edited")]
    api.ok(G + "delete_group_msg_by_sender", {"GroupId": CLUB, "TopicId": T1,
                                              "Sender_Account": "owner"})
    assert texts(api, T1) == []
    assert texts(api, T2) == [(1, "other")]


def test_refusals(api: Any) -> None:
    assert send(api, CLUB + "@TOPIC#_nope", 1)["ErrorCode"] == 10010
    plain = api.ok(G + "create_group", {"Type": "Public", "Name": "p",
                                        "Owner_Account": "owner"})["GroupId"]
    doc = api.call(SEND, {"GroupId": plain, "Random": 1, "TopicId": T1,
                          "MsgBody": msgbody.build(text=["x"])})
    assert doc["ErrorCode"] == 11000
    api.ok(TOPICS + "modify_topic", {"GroupId": CLUB, "TopicId": T1, "MuteAllMember": "On"})
    assert send(api, T1, 5)["ErrorCode"] == 10017
    assert send(api, T1, 6, sender="owner")["ErrorCode"] == 0  # the owner may still speak
    assert send(api, T2, 5)["ErrorCode"] == 0


def test_cascades(api: Any) -> None:
    send(api, T1, 1)
    send(api, T2, 1)
    api.ok(TOPICS + "destroy_topic", {"GroupId": CLUB, "TopicIdList": [T1]})
    api.ok(TOPICS + "create_topic", {"GroupId": CLUB, "TopicId": T1, "TopicName": "again"})
    assert texts(api, T1) == []
    assert send(api, T1, 2)["MsgSeq"] == 1
    api.ok(G + "destroy_group", {"GroupId": CLUB})
    api.ok(G + "create_group", {"Type": "Community", "Name": "club", "GroupId": CLUB,
                                "Owner_Account": "owner", "SupportTopic": 1})
    api.ok(TOPICS + "create_topic", {"GroupId": CLUB, "TopicId": T2, "TopicName": "t"})
    assert texts(api, T2) == []
