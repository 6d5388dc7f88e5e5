"""Live groups (group_open_avchatroom_http_svc): online members put in and out through the
/_emulator/live control route, get_members paging and marks (1047/50293, 50294), live admins
and check_members (trtc.io 60523-60525), refusals for other types, and the cascades."""

from __future__ import annotations

import pytest

L = "group_open_avchatroom_http_svc"
MEMBERS, MARK, ADMIN, ADMINS, CHECK = (f"{L}/get_members", f"{L}/modify_user_info",
                                       f"{L}/modify_admin", f"{L}/get_admin_list",
                                       f"{L}/check_members")
ROOM = "live-a6I4ZUUGO"  # the pages' @TGS#a6I4ZUUGO, as a custom ID (@TGS# is reserved)


def online(api, group_id: str, user: str, is_online: bool = True):
    return api.control("live", {"GroupId": group_id, "UserID": user, "Online": is_online})


@pytest.fixture
def room(api, clock) -> str:
    api.import_users("teacher2", "teacher10", "student9", "idle")
    api.ok("profile/portrait_set", {"From_Account": "teacher2", "ProfileItem": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Teacher t02"},
        {"Tag": "Tag_Profile_IM_Image", "Value": "http://www.example.com/teacher2.jpg"}]})
    api.ok("group_open_http_svc/create_group", {"Type": "AVChatRoom", "Name": "live",
                                               "GroupId": ROOM})
    for user in ("teacher2", "teacher10", "student9"):
        assert online(api, ROOM, user).status_code == 200
        clock.advance(1)
    return ROOM


def accounts(doc) -> list[str]:
    return [m["Member_Account"] for m in doc["MemberList"]]


def test_documented_get_members_sample(any_api, clock):
    any_api.import_users("teacher2")
    any_api.ok("profile/portrait_set", {"From_Account": "teacher2", "ProfileItem": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Teacher t02"},
        {"Tag": "Tag_Profile_IM_Image", "Value": "http://www.example.com/teacher2.jpg"}]})
    any_api.ok("group_open_http_svc/create_group", {"Type": "AVChatRoom", "Name": "l",
                                                   "GroupId": ROOM})
    online(any_api, ROOM, "teacher2")
    doc = any_api.call(MEMBERS, {"GroupId": ROOM, "Timestamp": 0})
    assert doc == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "MemberList": [{
        "JoinTime": int(clock.now), "Member_Account": "teacher2", "NickName": "Teacher t02",
        "Avatar": "http://www.example.com/teacher2.jpg"}], "NextTimestamp": 0}


def test_members_newest_first_and_leaving(api, room):
    assert accounts(api.ok(MEMBERS, {"GroupId": room, "Timestamp": 0})) == [
        "student9", "teacher10", "teacher2"]
    online(api, room, "teacher10", False)
    assert accounts(api.ok(MEMBERS, {"GroupId": room, "Timestamp": 0})) == [
        "student9", "teacher2"]
    assert api.ok(CHECK, {"GroupId": room, "Member_Account": [
        "teacher2", "teacher10", "idle"]})["Member_Account"] == ["teacher2"]


def test_members_page_with_next_timestamp(api, clock):
    users = [f"u{i:03}" for i in range(260)]
    api.import_users(*users)
    api.ok("group_open_http_svc/create_group", {"Type": "AVChatRoom", "Name": "big",
                                               "GroupId": "big"})
    for user in users:
        online(api, "big", user)
        clock.advance(0.01)
    first = api.ok(MEMBERS, {"GroupId": "big", "Timestamp": 0})
    assert len(first["MemberList"]) == 250 and first["NextTimestamp"] != 0
    second = api.ok(MEMBERS, {"GroupId": "big", "Timestamp": first["NextTimestamp"]})
    assert second["NextTimestamp"] == 0
    assert sorted(accounts(first) + accounts(second)) == users


def test_documented_mark_samples(any_api):
    any_api.import_users("teacher10", "student9")
    any_api.ok("group_open_http_svc/create_group", {"Type": "AVChatRoom", "Name": "l",
                                                   "GroupId": ROOM})
    online(any_api, ROOM, "teacher10")
    online(any_api, ROOM, "student9")
    body = {"GroupId": ROOM, "CommandType": 1, "MemberList": [
        {"Member_Account": "teacher10", "Marks": [1000]},
        {"Member_Account": "student9", "Marks": [1001]}]}
    doc = any_api.call(MARK, body)
    assert doc == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "CommandType": 1,
                   "MemberList": body["MemberList"]}
    marked = any_api.ok(MEMBERS, {"GroupId": ROOM, "Mark": 1000, "Timestamp": 0})
    assert accounts(marked) == ["teacher10"]
    doc = any_api.ok(MARK, {**body, "CommandType": 2})
    assert doc["CommandType"] == 2
    assert accounts(any_api.ok(MEMBERS, {"GroupId": ROOM, "Mark": 1000, "Timestamp": 0})) == []


def test_marks_skip_offline_members_and_vanish_on_leaving(api, room):
    doc = api.ok(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
        {"Member_Account": "teacher2", "Marks": [1000]},
        {"Member_Account": "idle", "Marks": [1000]}]})
    assert doc["MemberList"] == [{"Member_Account": "teacher2", "Marks": [1000]}]
    assert api.code(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
        {"Member_Account": "idle", "Marks": [1000]}]}) == 10004  # nobody online
    online(api, room, "teacher2", False)
    online(api, room, "teacher2")
    assert accounts(api.ok(MEMBERS, {"GroupId": room, "Mark": 1000, "Timestamp": 0})) == []


def test_mark_600_hides_unless_asked_for(api, room):
    api.ok(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
        {"Member_Account": "teacher10", "Marks": [600]}]})
    assert "teacher10" not in accounts(api.ok(MEMBERS, {"GroupId": room, "Timestamp": 0}))
    assert accounts(api.ok(MEMBERS, {"GroupId": room, "Mark": 600, "Timestamp": 0})) == [
        "teacher10"]


@pytest.mark.parametrize("marks", [[999], [0], ["1000"], []])
def test_marks_are_1000_and_up_or_special(api, room, marks):
    assert api.code(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
        {"Member_Account": "teacher2", "Marks": marks}]}) == 10004


def test_at_most_ten_distinct_marks(api, room):
    for mark in range(1000, 1010):
        assert api.code(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
            {"Member_Account": "teacher2", "Marks": [mark]}]}) == 0
    assert api.code(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
        {"Member_Account": "student9", "Marks": [1010]}]}) == 10004
    assert api.code(MARK, {"GroupId": room, "CommandType": 1, "MemberList": [
        {"Member_Account": "student9", "Marks": [1009, 500]}]}) == 0


def test_live_admins_at_most_five_and_persist(api, room):
    api.import_users("a1", "a2", "a3", "a4", "a5", "a6")
    assert api.code(ADMIN, {"GroupId": room, "CommandType": 1,
                            "Admin_Account": ["a1", "a2", "a3"]}) == 0
    assert api.code(ADMIN, {"GroupId": room, "CommandType": 1,
                            "Admin_Account": ["a4", "a5", "a6"]}) == 10004
    assert api.code(ADMIN, {"GroupId": room, "CommandType": 1,
                            "Admin_Account": ["a4", "a5", "a1"]}) == 0
    admins = api.ok(ADMINS, {"GroupId": room})["Admin_List"]
    assert [a["Admin_Account"] for a in admins] == ["a1", "a2", "a3", "a4", "a5"]
    assert admins[0] == {"Admin_Account": "a1", "NickName": "", "Avatar": ""}
    assert api.code(ADMIN, {"GroupId": room, "CommandType": 2,
                            "Admin_Account": ["a2", "nobody"]}) == 0
    assert [a["Admin_Account"] for a in api.ok(ADMINS, {"GroupId": room})["Admin_List"]] == [
        "a1", "a3", "a4", "a5"]
    assert api.code(ADMIN, {"GroupId": room, "CommandType": 3, "Admin_Account": ["a2"]}) == 10004


@pytest.mark.parametrize(("target", "body"), [
    (MEMBERS, {"Timestamp": 0}), (ADMINS, {}), (CHECK, {"Member_Account": ["a"]}),
    (ADMIN, {"CommandType": 1, "Admin_Account": ["a"]}),
    (MARK, {"CommandType": 1, "MemberList": [{"Member_Account": "a", "Marks": [1000]}]}),
])
def test_other_group_types_are_refused(api, target, body):
    api.ok("group_open_http_svc/create_group", {"Type": "Public", "Name": "p", "GroupId": "p"})
    assert api.code(target, {"GroupId": "p", **body}) == 10007
    assert api.code(target, {"GroupId": "missing", **body}) == 10010


def test_control_route_refuses_what_cannot_join(api, room):
    assert online(api, "missing", "teacher2").status_code == 400
    assert online(api, room, "ghost").status_code == 400
    assert api.control("live", {"GroupId": room, "UserID": "idle"}).status_code == 400


def test_cascades(api, room):
    api.ok(ADMIN, {"GroupId": room, "CommandType": 1, "Admin_Account": ["teacher2"]})
    api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "teacher2"}]})
    assert accounts(api.ok(MEMBERS, {"GroupId": room, "Timestamp": 0})) == [
        "student9", "teacher10"]
    assert api.ok(ADMINS, {"GroupId": room})["Admin_List"] == []
    api.ok("group_open_http_svc/destroy_group", {"GroupId": room})
    api.ok("group_open_http_svc/create_group", {"Type": "AVChatRoom", "Name": "again",
                                               "GroupId": room})
    assert accounts(api.ok(MEMBERS, {"GroupId": room, "Timestamp": 0})) == []


def test_the_live_control_route_refuses_a_banned_user(api):
    """Over HTTP too, not only through `timctl emulator live-join`."""
    api.import_users("boss", "troll")
    gid = api.ok("group_open_http_svc/create_group",
                 {"Type": "AVChatRoom", "Name": "L", "Owner_Account": "boss"})["GroupId"]
    api.ok("group_open_http_svc/ban_group_member",
           {"GroupId": gid, "Members_Account": ["troll"], "Duration": 3600})
    r = api.control("live", {"GroupId": gid, "UserID": "troll", "Online": True})
    assert r.status_code == 400 and "banned" in r.json()["error"]
