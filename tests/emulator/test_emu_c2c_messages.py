"""One-to-one messages in the emulator: sendmsg and batchsendmsg (dedup, MsgKey, lifetime,
SyncOtherMachine, global mute, body codes), admin_getroammsg paging, admin_msgwithdraw, unread
counts, and the account-deletion cascade."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

SEND = "openim/sendmsg"
BATCH = "openim/batchsendmsg"
ROAM = "openim/admin_getroammsg"
WITHDRAW = "openim/admin_msgwithdraw"
READ = "openim/admin_set_msg_read"
UNREAD = "openim/get_c2c_unread_msg_num"

EVERY_KIND: list[list[dict[str, Any]]] = [
    msgbody.build(text=["hello"]),
    msgbody.build(custom={"Data": "d", "Desc": "push", "Ext": "e", "Sound": "s.aiff"}),
    msgbody.build(image=["https://cdn.example/a.png"]),
    msgbody.build(file=["https://cdn.example/a.pdf"]),
    msgbody.build(sound=["https://cdn.example/a.mp3"]),
    msgbody.build(video=["https://cdn.example/a.mp4"]),
    msgbody.build(location=["22.5,114.05,Shenzhen"]),
    msgbody.build(face=[7]),
    msgbody.build(image=["https://cdn.example/b.jpg"], text=["caption", "二"], face=[1],
                  location=["1,2"], custom={"Data": "x"}),
]


@pytest.fixture
def users(api: Any) -> tuple[str, str]:
    api.import_users("alice", "bob")
    return "alice", "bob"


def send(api: Any, frm: str, to: str, text: str = "hi", **extra: Any) -> dict[str, Any]:
    body = {"From_Account": frm, "To_Account": to, "MsgRandom": 1000 + len(text),
            "MsgBody": msgbody.build(text=[text]), **extra}
    return api.call(SEND, body)


def history(api: Any, viewer: str, peer: str, now: float, page: int = 100,
            **extra: Any) -> list[dict[str, Any]]:
    """Every message, paged through as documented (MaxTime = LastMsgTime, LastMsgKey)."""
    body: dict[str, Any] = {"Operator_Account": viewer, "Peer_Account": peer, "MaxCnt": page,
                            "MinTime": 0, "MaxTime": int(now) + 10, **extra}
    out: list[dict[str, Any]] = []
    for _ in range(1000):
        doc = api.ok(ROAM, body)
        assert doc["MsgCnt"] == len(doc["MsgList"])
        out = doc["MsgList"] + out
        if doc["Complete"] == 1:
            return out
        body = {**body, "MaxTime": doc["LastMsgTime"], "LastMsgKey": doc["LastMsgKey"]}
    raise AssertionError("paging never completed")


def test_sendmsg_answers_the_key_and_time(api, users, clock):
    doc = api.ok(SEND, {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 93847636,
                        "MsgRandom": 1287657, "MsgBody": msgbody.build(text=["hi"])})
    assert doc["MsgTime"] == int(clock.now)
    assert doc["MsgKey"] == f"93847636_1287657_{int(clock.now)}"


def test_every_element_type_reads_back_identical_and_revoked_stay_flagged(api, users, clock):
    keys = []
    for i, body in enumerate(EVERY_KIND):
        clock.advance(1)
        doc = api.ok(SEND, {"From_Account": "alice", "To_Account": "bob", "MsgRandom": i,
                            "MsgBody": body, "CloudCustomData": f"c{i}"})
        keys.append(doc["MsgKey"])
    api.ok(WITHDRAW, {"From_Account": "alice", "To_Account": "bob", "MsgKey": keys[2]})
    assert api.code(WITHDRAW, {"From_Account": "alice", "To_Account": "bob",
                               "MsgKey": keys[2]}) == 20023
    for viewer, peer in (("bob", "alice"), ("alice", "bob")):
        got = history(api, viewer, peer, clock.now, page=2)
        assert [m["MsgBody"] for m in got] == EVERY_KIND
        assert [m["MsgKey"] for m in got] == keys
        assert [m["MsgFlagBits"] for m in got] == [8 if i == 2 else 0
                                                   for i in range(len(keys))]
        assert [m["CloudCustomData"] for m in got] == [f"c{i}" for i in range(len(keys))]


def test_a_retry_within_120_s_is_the_same_message(api, users, clock):
    first = send(api, "alice", "bob", MsgSeq=5)
    clock.advance(119)
    again = send(api, "alice", "bob", MsgSeq=5)
    assert again["MsgKey"] == first["MsgKey"]
    assert len(history(api, "bob", "alice", clock.now)) == 1
    clock.advance(2)  # past the window: a new message
    assert send(api, "alice", "bob", MsgSeq=5)["MsgKey"] != first["MsgKey"]
    # other content with the same MsgSeq/MsgRandom is another message
    send(api, "alice", "bob", "hj", MsgSeq=5)
    assert len(history(api, "bob", "alice", clock.now)) == 3


def test_paging_walks_backwards_through_one_second(api, users, clock):
    keys = [send(api, "alice", "bob", "m", MsgSeq=s, MsgRandom=s)["MsgKey"]
            for s in range(1, 8)]
    doc = api.ok(ROAM, {"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 3,
                        "MinTime": 0, "MaxTime": int(clock.now)})
    assert (doc["Complete"], doc["MsgCnt"]) == (0, 3)
    assert [m["MsgKey"] for m in doc["MsgList"]] == keys[4:]
    assert doc["LastMsgKey"] == keys[4]
    assert [m["MsgKey"] for m in history(api, "bob", "alice", clock.now, page=3)] == keys


def test_legacy_field_names_and_time_range(api, users, clock):
    send(api, "alice", "bob", "old")
    clock.advance(100)
    send(api, "alice", "bob", "new")
    doc = api.ok(ROAM, {"From_Account": "alice", "To_Account": "bob", "MaxCnt": 10,
                        "MinTime": int(clock.now) - 10, "MaxTime": int(clock.now)})
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in doc["MsgList"]] == ["new"]
    assert doc["Complete"] == 1


def test_lifetime_zero_and_sync_other_machine(api, users, clock):
    assert send(api, "alice", "bob", "online", MsgLifeTime=0)["ErrorCode"] == 0
    send(api, "alice", "bob", "nosync", SyncOtherMachine=2, MsgSeq=1)
    send(api, "alice", "bob", "sync", SyncOtherMachine=1, MsgSeq=2)
    texts = lambda v, p: [m["MsgBody"][0]["MsgContent"]["Text"]  # noqa: E731
                          for m in history(api, v, p, clock.now)]
    assert texts("bob", "alice") == ["nosync", "sync"]
    assert texts("alice", "bob") == ["sync"]


@pytest.mark.parametrize(("change", "code"), [
    ({"To_Account": "nobody"}, 90012),
    ({"To_Account": 5}, 90003),
    ({"From_Account": "nobody"}, 90008),
    ({"MsgRandom": "1"}, 90005),
    ({"MsgSeq": -1}, 90004),
    ({"MsgBody": {"MsgType": "TIMTextElem"}}, 90007),
    ({"MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {}}]}, 90002),
    ({"MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent": {}}] * 2}, 90002),
    ({"MsgBody": msgbody.build(text=["x" * 13000])}, 93000),
    ({"MsgLifeTime": 604801}, 90026),
    ({"MsgLifeTime": "1"}, 90044),
    ({"SyncOtherMachine": "1"}, 90031),
    ({"OfflinePushInfo": "x"}, 90043),
])
def test_documented_codes(api, users, change, code):
    body = {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1,
            "MsgBody": msgbody.build(text=["hi"]), **change}
    assert api.code(SEND, body) == code


def test_global_mute_refuses_with_20012(api, users, clock):
    api.ok("openconfigsvr/setnospeaking", {"Set_Account": "alice", "C2CmsgNospeakingTime": 60})
    assert send(api, "alice", "bob")["ErrorCode"] == 20012
    clock.advance(61)
    assert send(api, "alice", "bob")["ErrorCode"] == 0


def test_withdraw_codes(api, users):
    key = send(api, "alice", "bob")["MsgKey"]
    assert api.code(WITHDRAW, {"From_Account": "bob", "To_Account": "alice",
                               "MsgKey": key}) == 20022
    assert api.code(WITHDRAW, {"From_Account": "alice", "To_Account": "bob"}) == 90054
    assert api.code(WITHDRAW, {"From_Account": "alice", "To_Account": "nobody",
                               "MsgKey": key}) == 90003


def test_batchsendmsg_reports_unknown_recipients(api, users, clock):
    api.import_users("carol")
    body = {"From_Account": "alice", "To_Account": ["bob", "ghost", "carol"], "MsgRandom": 9,
            "MsgSeq": 3,
            "MsgBody": msgbody.build(text=["all"])}
    doc = api.ok(BATCH, body)
    assert doc["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]
    assert api.ok(BATCH, body)["MsgKey"] == doc["MsgKey"]  # the retry is the same message
    assert len(history(api, "bob", "alice", clock.now)) == 1
    assert len(history(api, "carol", "alice", clock.now)) == 1
    doc = api.call(BATCH, {**body, "To_Account": ["ghost"]})
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", 90012)
    assert api.code(BATCH, {**body, "To_Account": [f"u{i}" for i in range(501)]}) == 90011


def test_unread_counts_honour_no_unread_and_read_marks(api, users, clock):
    api.import_users("carol")
    send(api, "alice", "bob", "a")
    send(api, "alice", "bob", "b", SendMsgControl=["NoUnread"])
    send(api, "carol", "bob", "c")
    assert api.ok(UNREAD, {"To_Account": "bob"})["AllC2CUnreadMsgNum"] == 2
    doc = api.ok(UNREAD, {"To_Account": "bob", "Peer_Account": ["alice", "ghost"]})
    assert doc["C2CUnreadMsgNumList"] == [{"Peer_Account": "alice", "C2CUnreadMsgNum": 1}]
    assert doc["ErrorList"] == [{"Peer_Account": "ghost", "ErrorCode": 70107}]
    api.ok(READ, {"Report_Account": "bob", "Peer_Account": "alice"})
    assert api.ok(UNREAD, {"To_Account": "bob"})["AllC2CUnreadMsgNum"] == 1
    clock.advance(5)
    send(api, "alice", "bob", "later")
    assert api.ok(UNREAD, {"To_Account": "bob"})["AllC2CUnreadMsgNum"] == 2


def test_account_deletion_removes_the_users_messages(api, users, store, clock):
    api.import_users("carol")
    send(api, "alice", "bob")
    send(api, "carol", "bob")
    doc = api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "alice"}]})
    assert doc["ResultItem"][0]["ResultCode"] == 0
    with store.tx() as db:
        rows = db.execute("SELECT from_id FROM c2c_msgs").fetchall()
    assert [r[0] for r in rows] == ["carol"]


def test_importmsg_keeps_the_first_copy_and_history_is_not_unread(api, users, clock):
    base = {"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob",
            "MsgSeq": 1, "MsgRandom": 2, "MsgTimeStamp": int(clock.now) - 3600,
            "MsgBody": msgbody.build(text=["old"])}
    api.ok("openim/importmsg", base)
    # the same three numbers, the other direction and other content: the first copy stays
    api.ok("openim/importmsg", {**base, "From_Account": "bob", "To_Account": "alice",
                                "MsgBody": msgbody.build(text=["other"])})
    got = history(api, "bob", "alice", clock.now)
    assert [(m["MsgBody"][0]["MsgContent"]["Text"], m["MsgKey"]) for m in got] == [
        ("old", f"1_2_{int(clock.now) - 3600}")]
    assert api.ok(UNREAD, {"To_Account": "bob"})["AllC2CUnreadMsgNum"] == 0
    api.ok("openim/importmsg", {**base, "SyncFromOldSystem": 5, "MsgSeq": 9})
    assert api.ok(UNREAD, {"To_Account": "bob"})["AllC2CUnreadMsgNum"] == 1
    assert api.code("openim/importmsg", {**base, "SyncFromOldSystem": 3}) == 90030
    assert api.code("openim/importmsg", {**base, "MsgTimeStamp": "x"}) == 90006


def test_modify_and_one_sided_delete(api, users, clock):
    key = send(api, "alice", "bob", "typo")["MsgKey"]
    api.ok("openim/modify_c2c_msg", {"From_Account": "alice", "To_Account": "bob",
                                     "MsgKey": key, "MsgBody": msgbody.build(text=["fixed"])})
    got = history(api, "bob", "alice", clock.now)
    assert got[0]["MsgBody"] == msgbody.build(text=["fixed"])
    assert api.code("openim/modify_c2c_msg", {"From_Account": "alice", "To_Account": "bob",
                                              "MsgKey": "1_2_3"}) == 20022
    api.ok("openim/delete_c2c_msg_ramble", {"Operator_Account": "bob", "Peer_Account": "alice",
                                            "MsgKeyList": [key]})
    assert history(api, "bob", "alice", clock.now) == []
    assert len(history(api, "alice", "bob", clock.now)) == 1  # the peer still sees it


def test_a_page_stops_at_the_13k_response_cap(api, users, clock):
    big = msgbody.build(text=["x" * 6000])
    keys = [api.ok(SEND, {"From_Account": "alice", "To_Account": "bob", "MsgRandom": i,
                          "MsgSeq": i, "MsgBody": big})["MsgKey"] for i in range(5)]
    doc = api.ok(ROAM, {"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 100,
                        "MinTime": 0, "MaxTime": int(clock.now)})
    assert (doc["Complete"], doc["MsgCnt"]) == (0, 2)  # two 6 KB messages fit in 13 KB
    assert [m["MsgKey"] for m in history(api, "bob", "alice", clock.now)] == keys
