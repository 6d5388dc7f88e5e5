"""Migration imports in the emulator: import_group_msg (1047/34968), import_group /
import_group_member (34967, 34969) and openim/importmsg (35014): original times kept, seqs
consecutive, no unread counts raised unless asked, nothing fired, duplicates and the
documented refusals."""

from __future__ import annotations

from typing import Any

import pytest

from timctl import msgbody

G = "group_open_http_svc/"
IMPORT, GET = G + "import_group_msg", G + "group_msg_get_simple"
DAY = 86400


def _msg(sender: str, at: int, text: str, **extra: Any) -> dict[str, Any]:
    return {"From_Account": sender, "SendTime": at, "MsgBody": msgbody.build(text=[text]),
            **extra}


@pytest.fixture
def old(api: Any, clock: Any) -> tuple[str, int]:
    """An imported Public group created ten days ago, alice owning it, bob a member."""
    api.import_users("alice", "bob", "carol")
    created = int(clock.now) - 10 * DAY
    gid = api.ok(G + "import_group", {"Type": "Public", "Name": "old", "Owner_Account": "alice",
                                      "CreateTime": created})["GroupId"]
    api.ok(G + "import_group_member", {"GroupId": gid, "MemberList": [
        {"Member_Account": "bob", "JoinTime": created + 60}]})
    return gid, created


def _history(api: Any, gid: str) -> list[dict[str, Any]]:
    doc = api.ok(GET, {"GroupId": gid, "ReqMsgNumber": 20})
    return sorted(doc["RspMsgList"], key=lambda m: m["MsgSeq"])


def _read_seq(api: Any, gid: str) -> dict[str, int]:
    doc = api.ok(G + "get_group_member_info", {"GroupId": gid})
    return {m["Member_Account"]: m["MsgSeq"] for m in doc["MemberList"]}


def test_imported_messages_keep_their_times_in_consecutive_seqs(api, old, store, info):
    gid, created = old
    doc = api.ok(IMPORT, {"GroupId": gid, "MsgList": [
        _msg("alice", created + 100, "first", Random=7), _msg("bob", created + 100, "same s"),
        _msg("carol", created + 200, "a non-member sender")]})
    assert doc["ImportMsgResult"] == [
        {"MsgSeq": 1, "MsgTime": created + 100, "Result": 0},
        {"MsgSeq": 2, "MsgTime": created + 100, "Result": 0},
        {"MsgSeq": 3, "MsgTime": created + 200, "Result": 0}]
    got = _history(api, gid)
    assert [(m["MsgSeq"], m["From_Account"], m["MsgTimeStamp"],
             m["MsgBody"][0]["MsgContent"]["Text"], m["IsSystemMsg"]) for m in got] == [
        (1, "alice", created + 100, "first", 0), (2, "bob", created + 100, "same s", 0),
        (3, "carol", created + 200, "a non-member sender", 0)]
    assert got[0]["MsgRandom"] == 7
    # documented: after an import every member's unread count is 0 (read up to the newest)
    assert _read_seq(api, gid) == {"alice": 3, "bob": 3}
    with store.tx() as db:  # no tips, nothing but the three messages
        assert db.execute("SELECT COUNT(*) FROM group_history").fetchone()[0] == 0


def test_times_out_of_range_fail_per_message(api, old, clock):
    gid, created = old
    now = int(clock.now)
    doc = api.ok(IMPORT, {"GroupId": gid, "MsgList": [
        _msg("alice", created, "at creation"), _msg("alice", created + 500, "ok"),
        _msg("bob", created + 400, "older than the latest"), _msg("bob", now + 60, "future"),
        _msg("bob", created + 600, "ok too")]})
    assert [(r["Result"], r["MsgSeq"], r["MsgTime"]) for r in doc["ImportMsgResult"]] == [
        (10004, 0, created), (0, 1, created + 500), (10004, 0, created + 400),
        (10004, 0, now + 60), (0, 2, created + 600)]
    # a later call must not go back before the group's latest message either
    again = api.ok(IMPORT, {"GroupId": gid, "MsgList": [_msg("bob", created + 550, "late")]})
    assert again["ImportMsgResult"][0]["Result"] == 10004
    assert [m["MsgSeq"] for m in _history(api, gid)] == [1, 2]


def test_duplicate_random_within_five_minutes_keeps_the_first(api, old, clock):
    gid, created = old
    first = api.ok(IMPORT, {"GroupId": gid, "MsgList": [
        _msg("alice", created + 100, "one", Random=42)]})["ImportMsgResult"]
    # the same call again (a lost answer re-sent): the first copy answers, nothing is added
    clock.advance(299)
    repeat = api.ok(IMPORT, {"GroupId": gid, "MsgList": [
        _msg("alice", created + 100, "one", Random=42)]})["ImportMsgResult"]
    assert repeat == first == [{"MsgSeq": 1, "MsgTime": created + 100, "Result": 0}]
    assert len(_history(api, gid)) == 1
    clock.advance(2)  # past the 5 minutes: the same Random is a new message
    later = api.ok(IMPORT, {"GroupId": gid, "MsgList": [
        _msg("alice", created + 101, "two", Random=42)]})["ImportMsgResult"]
    assert later == [{"MsgSeq": 2, "MsgTime": created + 101, "Result": 0}]


def test_oversized_message_fails_alone(api, old):
    gid, created = old
    big = {"From_Account": "bob", "SendTime": created + 10,
           "MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "x" * 13000}}]}
    doc = api.ok(IMPORT, {"GroupId": gid, "MsgList": [big, _msg("bob", created + 20, "ok")]})
    assert [r["Result"] for r in doc["ImportMsgResult"]] == [80002, 0]


@pytest.mark.parametrize("change,code", [
    ({"MsgList": []}, 10004),
    ({"MsgList": [_msg("bob", 1, "x")] * 8}, 10004),  # at most 7 a call
    ({"MsgList": [{"SendTime": 1, "MsgBody": msgbody.build(text=["x"])}]}, 10004),
    ({"MsgList": [{"From_Account": "bob", "MsgBody": msgbody.build(text=["x"])}]}, 10004),
    ({"MsgList": [{"From_Account": "bob", "SendTime": 1, "MsgBody": "hi"}]}, 10004),
    ({"MsgList": [_msg("bob", 1, "x", Random=-1)]}, 10004),
    ({"MsgList": [{"From_Account": "bob", "SendTime": 1, "MsgBody": [
        {"MsgType": "TIMSoundElem", "MsgContent": {"Url": "https://x/s.mp3", "UUID": "u",
                                                   "Second": 1, "Download_Flag": 2}}]}]},
     10004),
    ({"MsgList": [_msg("ghost", 1, "x")]}, 10019),  # senders must be accounts
    ({"RecentContactFlag": 2}, 10004),
    ({"GroupId": "nope"}, 10010),
])
def test_malformed_calls_fail_whole(api, old, change, code):
    gid, created = old
    body = {"GroupId": gid, "MsgList": [_msg("bob", created + 1, "x")], **change}
    assert api.code(IMPORT, body) == code
    assert _history(api, gid) == []


def test_live_groups_refuse_imports(api, clock):
    api.import_users("alice", "bob")
    live = api.ok(G + "create_group", {"Type": "AVChatRoom", "Name": "live",
                                       "Owner_Account": "alice"})["GroupId"]
    assert api.code(IMPORT, {"GroupId": live, "MsgList": [
        _msg("bob", int(clock.now) - 1, "x")]}) == 10007
    assert api.code(G + "import_group_member", {"GroupId": live, "MemberList": [
        {"Member_Account": "bob"}]}) == 10007
    assert api.code(G + "import_group", {"Type": "AVChatRoom", "Name": "x"}) == 10007


def test_imported_members_unread_counts_and_join_times(api, old, clock):
    gid, created = old
    api.ok(IMPORT, {"GroupId": gid, "MsgList": [
        _msg("alice", created + 100 + i, f"m{i}") for i in range(5)]})
    now = int(clock.now)
    doc = api.ok(G + "import_group_member", {"GroupId": gid, "MemberList": [
        {"Member_Account": "carol", "JoinTime": created + 1, "UnreadMsgNum": 2}]})
    assert doc["MemberList"] == [{"Member_Account": "carol", "Result": 1}]
    assert _read_seq(api, gid)["carol"] == 3  # 5 messages, 2 unread
    api.import_users("dave", "erin", "fred")
    doc = api.ok(G + "import_group_member", {"GroupId": gid, "MemberList": [
        {"Member_Account": "dave", "JoinTime": created},  # not after the group's creation
        {"Member_Account": "erin", "JoinTime": now + 60},  # in the future
        {"Member_Account": "fred", "UnreadMsgNum": 99}]})  # clamped to the 5 messages
    assert [r["Result"] for r in doc["MemberList"]] == [0, 0, 1]
    seqs = _read_seq(api, gid)
    assert "dave" not in seqs and "erin" not in seqs and seqs["fred"] == 0
    # another message import puts everyone back at 0 unread
    api.ok(IMPORT, {"GroupId": gid, "MsgList": [_msg("bob", created + 200, "more")]})
    assert set(_read_seq(api, gid).values()) == {6}


def test_import_group_refusals(api, clock):
    api.import_users("alice")
    assert api.code(G + "import_group", {"Type": "Public", "Name": "x",
                                         "CreateTime": int(clock.now) + 60}) == 10004
    gid = api.ok(G + "import_group", {"Type": "Public", "Name": "x"})["GroupId"]
    too_many = [{"Member_Account": f"u{i}"} for i in range(301)]
    assert api.code(G + "import_group_member", {"GroupId": gid, "MemberList": too_many}) == 10005


def test_group_imports_fire_nothing(api, old, store, info):
    """No tips (the group's notices) and no member notices: the group's sequence holds only
    the imported messages."""
    gid, created = old
    api.ok(IMPORT, {"GroupId": gid, "MsgList": [_msg("alice", created + 100, "x")]})
    doc = api.ok(G + "get_group_info", {"GroupIdList": [gid]})["GroupInfo"][0]
    assert doc["NextMsgSeq"] == 2


# --- one-to-one importmsg ---------------------------------------------------------------------

def _c2c(clock: Any, **extra: Any) -> dict[str, Any]:
    return {"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob",
            "MsgSeq": 5, "MsgRandom": 6, "MsgTimeStamp": int(clock.now) - DAY,
            "MsgBody": msgbody.build(text=["hi"]), **extra}


def _roam(api: Any, clock: Any) -> list[dict[str, Any]]:
    return api.ok("openim/admin_getroammsg", {
        "Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 100, "MinTime": 0,
        "MaxTime": int(clock.now)})["MsgList"]


def test_importmsg_keeps_time_seq_and_first_copy(api, clock):
    api.import_users("alice", "bob")
    api.ok("openim/importmsg", _c2c(clock))
    api.ok("openim/importmsg", _c2c(clock, MsgBody=msgbody.build(text=["changed"])))
    # swapped sides with the same three numbers: the same message
    api.ok("openim/importmsg", _c2c(clock, From_Account="bob", To_Account="alice"))
    # another MsgTimeStamp: another message
    api.ok("openim/importmsg", _c2c(clock, MsgTimeStamp=int(clock.now) - DAY + 1))
    got = _roam(api, clock)
    assert sorted((m["MsgSeq"], m["MsgTimeStamp"], m["MsgBody"][0]["MsgContent"]["Text"])
                  for m in got) == [(5, int(clock.now) - DAY, "hi"),
                                    (5, int(clock.now) - DAY + 1, "hi")]
    unread = api.ok("openim/get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert unread["AllC2CUnreadMsgNum"] == 0  # 2: history, not unread
    api.ok("openim/importmsg", _c2c(clock, SyncFromOldSystem=5, MsgSeq=99))
    unread = api.ok("openim/get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert unread["AllC2CUnreadMsgNum"] == 1  # 5: real time, counted


@pytest.mark.parametrize("change,code", [
    ({"SyncFromOldSystem": 1}, 90030), ({"SyncFromOldSystem": None}, 90030),
    ({"From_Account": "ghost"}, 90048), ({"From_Account": 7}, 90008),
    ({"To_Account": "ghost"}, 90012), ({"To_Account": None}, 90003),
    ({"MsgRandom": None}, 90005), ({"MsgTimeStamp": "x"}, 90006),
    ({"MsgBody": {}}, 90007), ({"MsgBody": [{"MsgType": "Nope"}]}, 90002),
])
def test_importmsg_refusals(api, clock, change, code):
    api.import_users("alice", "bob")
    body = {k: v for k, v in {**_c2c(clock), **change}.items() if v is not None}
    assert api.code("openim/importmsg", body) == code
    assert _roam(api, clock) == []


def test_group_import_over_http(http_api, clock):
    http_api.import_users("alice", "bob")
    created = int(clock.now) - DAY
    gid = http_api.ok(G + "import_group", {"Type": "ChatRoom", "Name": "m", "GroupId": "m-1",
                                           "Owner_Account": "alice",
                                           "CreateTime": created})["GroupId"]
    doc = http_api.ok(IMPORT, {"GroupId": gid, "RecentContactFlag": 1, "MsgList": [
        _msg("bob", created + 1, "x"), _msg("alice", created + 2, "y")]})
    assert [r["MsgSeq"] for r in doc["ImportMsgResult"]] == [1, 2]
    assert [(m["From_Account"], m["MsgTimeStamp"]) for m in _history(http_api, gid)] == [
        ("bob", created + 1), ("alice", created + 2)]


def test_topic_import_has_its_own_seqs(api, clock):
    api.import_users("alice", "bob")
    created = int(clock.now) - DAY
    club = api.ok(G + "import_group", {"Type": "Community", "Name": "c", "GroupId": "@TGS#_c",
                                       "Owner_Account": "alice", "SupportTopic": 1,
                                       "CreateTime": created})["GroupId"]
    topic = api.ok("million_group_open_http_svc/create_topic",
                   {"GroupId": club, "TopicName": "t"})["TopicId"]
    # the community's creation is the floor, not the topic's (created just now)
    doc = api.ok(IMPORT, {"GroupId": club, "TopicId": topic, "MsgList": [
        _msg("bob", created + 5, "in topic"), _msg("bob", created, "too early")]})
    assert [(r["MsgSeq"], r["Result"]) for r in doc["ImportMsgResult"]] == [(1, 0), (0, 10004)]
    got = api.ok(GET, {"GroupId": club, "TopicId": topic, "ReqMsgNumber": 20})["RspMsgList"]
    assert [(m["MsgSeq"], m["MsgTimeStamp"]) for m in got] == [(1, created + 5)]
    assert _history(api, club) == []  # the community's own history is untouched
    assert api.code(IMPORT, {"GroupId": club, "TopicId": club + "@TOPIC#_nope",
                             "MsgList": [_msg("bob", created + 6, "x")]}) == 10010
