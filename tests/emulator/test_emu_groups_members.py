"""Group members in the emulator: member paging (Offset/Limit; a Community's Next), add
results and limits, removal, member profiles and roles, mutes (current and legacy names, an
end time surviving leave and re-join, topics), live-group bans, group tips with their MsgSeq,
and the cascades (account deleted, group dismissed)."""

from __future__ import annotations

import pytest

from timctl.emulator import apps
from timctl.emulator.services.groups import queries

G = "group_open_http_svc/"
CREATE, MEMBERS, ADD = G + "create_group", G + "get_group_member_info", G + "add_group_member"
REMOVE, MODIFY_MEMBER, ROLE = (G + "delete_group_member", G + "modify_group_member_info",
                               G + "get_role_in_group")
MUTE, MUTED = G + "forbid_send_msg", G + "get_group_muted_account"
BAN, UNBAN, BANNED = G + "ban_group_member", G + "unban_group_member", G + "get_group_ban_member"
FOREVER = 4294967295


@pytest.fixture(autouse=True)
def people(api) -> None:
    api.import_users("alice", "bob", "carol", "dave", *(f"u{i:03}" for i in range(30)))


def create(api, group_type: str, **extra) -> str:
    return api.ok(CREATE, {"Type": group_type, "Name": "g", "Owner_Account": "alice",
                           **extra})["GroupId"]


def add(api, gid: str, *users: str, **extra) -> list[dict]:
    return api.ok(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": u} for u in users],
                        **extra})["MemberList"]


def tips(store, info, gid: str) -> list[tuple[int, str, list[str]]]:
    with store.tx() as db:
        return [(t["MsgSeq"], t["kind"], t["users"])
                for t in queries.history(db, info.sdkappid, gid)]


# --- listing ------------------------------------------------------------------------------------

def test_member_list_pages_with_offset_and_filters(api):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob", "Role": "Admin"}])
    add(api, gid, *(f"u{i:03}" for i in range(10)))
    page = api.ok(MEMBERS, {"GroupId": gid, "Limit": 4, "Offset": 0})
    assert page["MemberNum"] == 12
    assert [m["Member_Account"] for m in page["MemberList"]] == ["alice", "bob", "u000", "u001"]
    seen, offset = [], 0
    while True:
        page = api.ok(MEMBERS, {"GroupId": gid, "Limit": 5, "Offset": offset})
        seen += [m["Member_Account"] for m in page["MemberList"]]
        offset += 5
        if len(page["MemberList"]) < 5:
            break
    assert len(seen) == 12 == len(set(seen))
    admins = api.ok(MEMBERS, {"GroupId": gid, "MemberRoleFilter": ["Owner", "Admin"],
                              "MemberInfoFilter": ["Role"]})
    assert admins["MemberList"] == [{"Member_Account": "alice", "Role": "Owner"},
                                    {"Member_Account": "bob", "Role": "Admin"}]
    assert api.code(MEMBERS, {"GroupId": gid, "Limit": 201}) == 10004  # 2025 maximum
    assert api.code(MEMBERS, {"GroupId": gid, "MemberRoleFilter": ["Boss"]}) == 10004
    assert api.code(MEMBERS, {"GroupId": "nope"}) == 10010


def test_community_members_page_with_next(api):
    gid = create(api, "Community")
    for i in range(0, 30, 10):
        add(api, gid, *(f"u{j:03}" for j in range(i, i + 10)))
    page = api.ok(MEMBERS, {"GroupId": gid, "Limit": 7, "Next": ""})
    assert page["MemberNum"] == 31 and len(page["MemberList"]) == 7 and page["Next"]
    seen = [m["Member_Account"] for m in page["MemberList"]]
    while page["Next"]:
        page = api.ok(MEMBERS, {"GroupId": gid, "Limit": 7, "Next": page["Next"]})
        seen += [m["Member_Account"] for m in page["MemberList"]]
    assert seen[0] == "alice" and len(seen) == 31 == len(set(seen))
    assert api.code(MEMBERS, {"GroupId": gid, "Offset": 5}) == 10004
    assert api.code(MEMBERS, {"GroupId": gid, "Limit": 101}) == 10004


# --- add / remove -------------------------------------------------------------------------------

def test_add_results_and_silence(api, store, info):
    gid = create(api, "Public")
    assert add(api, gid, "bob", "alice", "ghost") == [
        {"Member_Account": "bob", "Result": 1}, {"Member_Account": "alice", "Result": 2},
        {"Member_Account": "ghost", "Result": 0}]
    assert api.code(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": "ghost"}]}) == 10019
    add(api, gid, "carol", Silence=1)
    assert [(k, u) for _, k, u in tips(store, info, gid)] == [("join", ["bob"])]


def test_add_limits(api):
    gid = create(api, "Public", MaxMemberCount=3)
    users = [f"u{i:03}" for i in range(21)]
    assert api.code(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": u}
                                                         for u in users]}) == 10005
    assert api.code(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": u}
                                                         for u in users[:3]]}) == 10014
    add(api, gid, *users[:2])
    assert api.control("groups", {"CallLimits": "2023"}).json()["CallLimits"] == {
        "AddMembersPerCall": 300, "MemberPageLimit": 6000}
    big = create(api, "Community")
    assert len(add(api, big, *users)) == 21


def test_remove_non_members_succeeds_owner_cannot_be_removed(api, store, info):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob"}])
    api.ok(REMOVE, {"GroupId": gid, "MemberToDel_Account": ["bob", "carol"],
                    "Reason": "spam"})
    api.ok(REMOVE, {"GroupId": gid, "MemberToDel_Account": ["bob"]})  # again: still fine
    assert api.code(REMOVE, {"GroupId": gid, "MemberToDel_Account": ["alice"]}) == 10004
    assert api.code(REMOVE, {"GroupId": gid,
                             "MemberToDel_Account": [f"u{i}" for i in range(101)]}) == 10005
    assert [(k, u) for _, k, u in tips(store, info, gid)] == [("kick", ["bob"])]


# --- member profile and roles -----------------------------------------------------------------

def test_modify_member_profile_and_roles(api, store, info):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob"}])
    api.ok(MODIFY_MEMBER, {"GroupId": gid, "Member_Account": "bob", "Role": "Admin",
                           "NameCard": "Bobby", "MsgFlag": "AcceptNotNotify",
                           "AppMemberDefinedData": [{"Key": "Team", "Value": "red"}]})
    bob = api.ok(MEMBERS, {"GroupId": gid})["MemberList"][1]
    assert (bob["Role"], bob["NameCard"], bob["MsgFlag"]) == ("Admin", "Bobby", "AcceptNotNotify")
    assert bob["AppMemberDefinedData"] == [{"Key": "Team", "Value": "red"}]
    api.ok(MODIFY_MEMBER, {"GroupId": gid, "Member_Account": "bob", "Role": "Member"})
    assert [k for _, k, _ in tips(store, info, gid)] == ["set_admin", "cancel_admin"]
    for body, code in [({"Member_Account": "alice", "Role": "Member"}, 10004),
                       ({"Member_Account": "bob", "Role": "Owner"}, 10004),
                       ({"Member_Account": "carol", "NameCard": "x"}, 10004),
                       ({"Member_Account": "bob", "NameCard": "x" * 51}, 10004),
                       ({"Member_Account": "bob", "MsgFlag": "Loud"}, 10004),
                       ({"Member_Account": "bob", "AppMemberDefinedData": [
                           {"Key": f"k{i}", "Value": "v"} for i in range(6)]}, 10004)]:
        assert api.code(MODIFY_MEMBER, {"GroupId": gid, **body}) == code, body


@pytest.mark.parametrize(("group_type", "code"), [("Private", 10007), ("ChatRoom", 0),
                                                  ("Community", 0)])
def test_admin_roles_only_where_documented(api, group_type, code):
    gid = create(api, group_type, MemberList=[{"Member_Account": "bob"}])
    assert api.code(MODIFY_MEMBER, {"GroupId": gid, "Member_Account": "bob",
                                    "Role": "Admin"}) == code


def test_role_in_group_batch(api):
    gid = create(api, "Public")
    assert api.code(ROLE, {"GroupId": gid, "User_Account": [f"u{i}" for i in range(501)]}) \
        == 10005
    doc = api.ok(ROLE, {"GroupId": gid, "User_Account": ["alice", "zed"]})
    assert doc["UserIdList"] == [{"Member_Account": "alice", "Role": "Owner"},
                                 {"Member_Account": "zed", "Role": "NotMember"}]


# --- mutes --------------------------------------------------------------------------------------

def test_mute_end_time_survives_leave_and_rejoin(api, clock):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob"},
                                            {"Member_Account": "carol"}])
    api.ok(MUTE, {"GroupId": gid, "Members_Account": ["bob", "zed"], "MuteTime": 600})
    end = int(clock.now) + 600
    doc = api.ok(MUTED, {"GroupId": gid})
    assert doc["GroupId"] == gid
    assert doc["MutedAccountList"] == [{"Member_Account": "bob", "MutedUntil": end}]
    api.ok(REMOVE, {"GroupId": gid, "MemberToDel_Account": ["bob"]})
    add(api, gid, "bob")
    bob = api.ok(MEMBERS, {"GroupId": gid, "MemberInfoFilter": ["MuteUntil"]})["MemberList"]
    assert {"Member_Account": "bob", "MuteUntil": end} in bob
    clock.advance(601)
    assert api.ok(MUTED, {"GroupId": gid})["MutedAccountList"] == []


def test_mute_legacy_names_zero_unmutes_forever(api, clock):
    gid = create(api, "ChatRoom", MemberList=[{"Member_Account": "bob"},
                                              {"Member_Account": "carol"}])
    api.ok(MUTE, {"GroupId": gid, "Members_Account": ["bob"], "ShutUpTime": 60})
    api.ok(MODIFY_MEMBER, {"GroupId": gid, "Member_Account": "carol", "ShutUpTime": FOREVER})
    doc = api.ok(G + "get_group_shutted_uin", {"GroupId": gid})
    assert doc["ShuttedUinList"] == [
        {"Member_Account": "bob", "ShuttedUntil": int(clock.now) + 60},
        {"Member_Account": "carol", "ShuttedUntil": int(clock.now) + FOREVER}]
    api.ok(MUTE, {"GroupId": gid, "Members_Account": ["bob", "carol"], "MuteTime": 0})
    assert api.ok(MUTED, {"GroupId": gid})["MutedAccountList"] == []
    assert api.code(MUTE, {"GroupId": gid, "Members_Account": ["bob"]}) == 10004
    assert api.code(MUTE, {"GroupId": gid, "Members_Account": ["bob"],
                           "MuteTime": FOREVER + 1}) == 10004


def test_work_groups_cannot_mute(api):
    gid = create(api, "Private", MemberList=[{"Member_Account": "bob"}])
    assert api.code(MUTE, {"GroupId": gid, "Members_Account": ["bob"], "MuteTime": 5}) == 10007
    assert api.code(MODIFY_MEMBER, {"GroupId": gid, "Member_Account": "bob",
                                    "MuteTime": 5}) == 10007


def test_topic_mutes_are_their_own(api, clock):
    gid = create(api, "Community", SupportTopic=1, MemberList=[{"Member_Account": "bob"}])
    topic = api.ok("million_group_open_http_svc/create_topic",
                   {"GroupId": gid, "TopicName": "news"})["TopicId"]
    api.ok(MUTE, {"GroupId": gid, "TopicId": topic, "Members_Account": ["bob"],
                  "MuteTime": 30})
    assert api.ok(MUTED, {"GroupId": gid})["MutedAccountList"] == []
    assert api.ok(MUTED, {"GroupId": gid, "TopicId": topic})["MutedAccountList"] == [
        {"Member_Account": "bob", "MutedUntil": int(clock.now) + 30}]
    assert api.code(MUTED, {"GroupId": gid, "TopicId": gid + "@TOPIC#_nope"}) == 10004


# --- live-group bans ----------------------------------------------------------------------------

def test_bans_in_live_groups(api, clock):
    room = create(api, "AVChatRoom")
    api.control("live", {"GroupId": room, "UserID": "bob", "Online": True})
    api.ok(BAN, {"GroupId": room, "Members_Account": ["bob", "carol", "dave"],
                 "Duration": 100, "Description": "flooding"})
    assert api.ok(G + "get_online_member_num", {"GroupId": room})["OnlineMemberNum"] == 0
    page = api.ok(BANNED, {"GroupId": room, "Offset": 0, "Limit": 2})
    assert page["BannedAccountList"] == [
        {"Member_Account": "bob", "BannedUntil": int(clock.now) + 100},
        {"Member_Account": "carol", "BannedUntil": int(clock.now) + 100}]
    assert page["NextOffset"] == 2
    last = api.ok(BANNED, {"GroupId": room, "Offset": 2, "Limit": 2})
    assert [b["Member_Account"] for b in last["BannedAccountList"]] == ["dave"]
    assert last["NextOffset"] == 0
    api.ok(UNBAN, {"GroupId": room, "Members_Account": ["bob"]})
    clock.advance(101)
    assert api.ok(BANNED, {"GroupId": room, "Offset": 0})["BannedAccountList"] == []
    assert api.code(BAN, {"GroupId": room, "Members_Account": [f"u{i}" for i in range(21)],
                          "Duration": 5}) == 10005
    assert api.code(BAN, {"GroupId": create(api, "Public"), "Members_Account": ["bob"],
                          "Duration": 5}) == 10007


def test_bans_need_the_ultimate_edition(api, store, info):
    room = create(api, "AVChatRoom")
    apps.set_edition(store, info.sdkappid, "pro")
    assert api.code(BAN, {"GroupId": room, "Members_Account": ["bob"], "Duration": 5}) == 10007


# --- tips, MsgSeq and cascades --------------------------------------------------------------------

def test_tips_take_the_next_msg_seq_by_type(api, store, info):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob"}])
    add(api, gid, "carol")
    api.ok(G + "modify_group_base_info", {"GroupId": gid, "Name": "renamed"})
    api.ok(G + "change_group_owner", {"GroupId": gid, "NewOwner_Account": "bob"})
    api.ok(MUTE, {"GroupId": gid, "Members_Account": ["carol"], "MuteTime": 60})
    assert tips(store, info, gid) == [(1, "join", ["carol"]), (2, "group_info", []),
                                      (3, "group_info", ["bob"]),
                                      (4, "member_info", ["carol"])]
    next_seq = api.ok(G + "get_group_info", {"GroupIdList": [gid]})["GroupInfo"][0]
    assert next_seq["NextMsgSeq"] == 5
    meeting = create(api, "ChatRoom")  # member tips are off by default in Meeting groups
    add(api, meeting, "bob")
    api.ok(G + "modify_group_base_info", {"GroupId": meeting, "Notification": "hi"})
    assert [k for _, k, _ in tips(store, info, meeting)] == ["group_info"]


def test_contract_queries(api, store, info):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob"}])
    with store.tx() as db:
        group = queries.find_group(db, info.sdkappid, gid)
        assert group is not None and (group.type, group.owner, group.name) == (
            "Public", "alice", "g")
        assert queries.member_role(db, info.sdkappid, gid, "bob") == "Member"
        assert queries.member_role(db, info.sdkappid, gid, "zed") is None
        assert queries.next_msg_seq(db, info.sdkappid, gid) == 1
        assert queries.add_tip(db, info.sdkappid, gid, "custom", "alice", ["bob"], 1.0) == 2
        assert queries.find_group(db, info.sdkappid, "nope") is None


def test_account_deleted_leaves_every_group(api, store, info, clock):
    apps.set_edition(store, info.sdkappid, "developer", allow_account_delete=True)
    owned = create(api, "Public", MemberList=[{"Member_Account": "bob"}])
    other = create(api, "Community", Owner_Account="bob", MemberList=[
        {"Member_Account": "alice"}])
    api.ok(MUTE, {"GroupId": owned, "Members_Account": ["alice", "bob"], "MuteTime": 60})
    api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "alice"}]})
    assert api.ok(ROLE, {"GroupId": other, "User_Account": ["alice"]})["UserIdList"] == [
        {"Member_Account": "alice", "Role": "NotMember"}]
    info_doc = api.ok(G + "get_group_info", {"GroupIdList": [owned]})["GroupInfo"][0]
    assert info_doc["Owner_Account"] == "" and info_doc["MemberNum"] == 1
    assert [m["Member_Account"] for m in api.ok(MUTED, {"GroupId": owned})[
        "MutedAccountList"]] == ["bob"]
    assert tips(store, info, other)[-1] == (1, "quit", ["alice"])
    with store.tx() as db:
        assert queries.history(db, info.sdkappid, other)[-1]["time"] == clock.now


def test_dismissal_calls_every_services_hook(api, store, info):
    gid = create(api, "Community", SupportTopic=1, MemberList=[{"Member_Account": "bob"}])
    topic = api.ok("million_group_open_http_svc/create_topic",
                   {"GroupId": gid, "TopicName": "news"})["TopicId"]
    api.ok(MUTE, {"GroupId": gid, "TopicId": topic, "Members_Account": ["bob"],
                  "MuteTime": 30})
    api.ok(G + "destroy_group", {"GroupId": gid})
    with store.tx() as db:
        for table in ("group_members", "group_mutes", "group_history", "topics"):
            (n,) = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
            assert n == 0, table


# --- migration imports and given members --------------------------------------------------------

def test_import_group_back_dated_without_tips(api, store, info, clock):
    past = int(clock.now) - 86400
    gid = api.ok(G + "import_group", {"Type": "Public", "Name": "old", "Owner_Account": "alice",
                                      "CreateTime": past})["GroupId"]
    doc = api.ok(G + "get_group_info", {"GroupIdList": [gid]})["GroupInfo"][0]
    assert (doc["CreateTime"], doc["MaxMemberNum"]) == (past, 2000)
    assert doc["MemberList"][0]["JoinTime"] == past
    assert api.code(G + "import_group", {"Type": "AVChatRoom", "Name": "x"}) == 10007
    assert api.code(G + "import_group", {"Type": "Public", "Name": "x",
                                         "CreateTime": int(clock.now) + 60}) == 10004
    result = api.ok(G + "import_group_member", {"GroupId": gid, "MemberList": [
        {"Member_Account": "bob", "Role": "Admin", "JoinTime": past + 10},
        {"Member_Account": "carol", "JoinTime": past - 10},  # before the group: fails
        {"Member_Account": "alice"}, {"Member_Account": "ghost"}, {"Member_Account": "dave"}]})
    assert result["MemberList"] == [
        {"Member_Account": "bob", "Result": 1}, {"Member_Account": "carol", "Result": 0},
        {"Member_Account": "alice", "Result": 2}, {"Member_Account": "ghost", "Result": 0},
        {"Member_Account": "dave", "Result": 1}]
    bob = api.ok(G + "get_specified_group_member_info",
                 {"GroupId": gid, "Member_List_Account": ["bob", "carol"]})
    assert bob["GroupId"] == gid
    assert [(m["Member_Account"], m["Role"], m["JoinTime"]) for m in bob["MemberList"]] == [
        ("bob", "Admin", past + 10)]
    assert tips(store, info, gid) == []  # documented: no notices for imports
    assert api.code(G + "import_group_member", {"GroupId": gid, "MemberList": [
        {"Member_Account": f"u{i}"} for i in range(301)]}) == 10005


def test_specified_members_filters_and_refusals(api):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob", "Role": "Admin"},
                                            {"Member_Account": "carol"}])
    doc = api.ok(G + "get_specified_group_member_info", {
        "GroupId": gid, "Member_List_Account": ["alice", "bob", "carol"],
        "MemberRoleFilter": ["Admin", "Member"], "MemberInfoFilter": ["Role"]})
    assert doc["MemberList"] == [{"Member_Account": "bob", "Role": "Admin"},
                                 {"Member_Account": "carol", "Role": "Member"}]
    assert api.code(G + "get_specified_group_member_info", {
        "GroupId": gid, "Member_List_Account": [f"u{i}" for i in range(51)]}) == 10005
    room = create(api, "AVChatRoom")
    assert api.code(G + "get_specified_group_member_info",
                    {"GroupId": room, "Member_List_Account": ["bob"]}) == 10007


def test_served_over_http(http_api, clock):
    http_api.import_users("alice", "bob")
    gid = http_api.ok(CREATE, {"Type": "Public", "Name": "g", "Owner_Account": "alice"})["GroupId"]
    assert add(http_api, gid, "bob") == [{"Member_Account": "bob", "Result": 1}]
    http_api.ok(MUTE, {"GroupId": gid, "Members_Account": ["bob"], "MuteTime": 9})
    assert http_api.ok(MUTED, {"GroupId": gid})["MutedAccountList"] == [
        {"Member_Account": "bob", "MutedUntil": int(clock.now) + 9}]
    assert http_api.code(MEMBERS, {"GroupId": "missing"}) == 10010


def test_muted_until_query(api, store, info, clock):
    gid = create(api, "Public", MemberList=[{"Member_Account": "bob"}])
    api.ok(MUTE, {"GroupId": gid, "Members_Account": ["bob"], "MuteTime": 5})
    with store.tx() as db:
        assert queries.muted_until(db, info.sdkappid, gid, "bob", clock.now) == clock.now + 5
        assert queries.muted_until(db, info.sdkappid, gid, "bob", clock.now + 5) == 0
        assert queries.muted_until(db, info.sdkappid, gid, "alice", clock.now) == 0
