"""Groups core in the emulator: a lifecycle per group type with its documented refusal,
create_group's ID rules and limits, profiles and filters, the app's group list paging, joined
lists, ownership transfer, dismissal, and the emulator setting for the text limits.
Facts: rest-api-groups.yaml and the pages cited in timctl/emulator/services/groups/."""

from __future__ import annotations

import re

import pytest

from timctl.emulator import apps

G = "group_open_http_svc/"
CREATE, INFO, MODIFY = G + "create_group", G + "get_group_info", G + "modify_group_base_info"
DESTROY, LIST, JOINED = G + "destroy_group", G + "get_appid_group_list", G + "get_joined_group_list"
OWNER, MEMBERS, ADD = G + "change_group_owner", G + "get_group_member_info", G + "add_group_member"
REMOVE, ROLE = G + "delete_group_member", G + "get_role_in_group"
USERS = ("alice", "bob", "carol", "dave", "erin")


@pytest.fixture(autouse=True)
def people(api) -> None:
    api.import_users(*USERS)


def create(api, group_type: str, **extra) -> str:
    return api.ok(CREATE, {"Type": group_type, "Name": f"{group_type} group", **extra})["GroupId"]


def member_ids(api, group_id: str) -> list[str]:
    return [m["Member_Account"] for m in api.ok(MEMBERS, {"GroupId": group_id})["MemberList"]]


# --- a lifecycle per type, each with a documented refusal -------------------------------------

@pytest.mark.parametrize(("group_type", "refusal"), [
    # Work groups cannot mute (10007)
    ("Private", (G + "forbid_send_msg", {"Members_Account": ["bob"], "MuteTime": 60}, 10007)),
    # Public: the owner's role cannot change (10004)
    ("Public", (G + "modify_group_member_info", {"Member_Account": "alice", "Role": "Member"},
                10004)),
    # Meeting: the online headcount is for live groups only (10007)
    ("ChatRoom", (G + "get_online_member_num", {}, 10007)),
    # Community: no ApplyJoinOption (10007)
    ("Community", (MODIFY, {"ApplyJoinOption": "FreeAccess"}, 10007)),
])
def test_each_type_creates_adds_lists_removes_and_refuses(api, group_type, refusal):
    gid = create(api, group_type, Owner_Account="alice")
    added = api.ok(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": "bob"},
                                                        {"Member_Account": "carol"}]})
    assert added["MemberList"] == [{"Member_Account": "bob", "Result": 1},
                                   {"Member_Account": "carol", "Result": 1}]
    assert member_ids(api, gid) == ["alice", "bob", "carol"]
    api.ok(REMOVE, {"GroupId": gid, "MemberToDel_Account": ["carol"]})
    assert member_ids(api, gid) == ["alice", "bob"]
    target, body, code = refusal
    assert api.code(target, {"GroupId": gid, **body}) == code
    api.ok(DESTROY, {"GroupId": gid})
    assert api.code(MEMBERS, {"GroupId": gid}) == 10010


def test_avchatroom_lifecycle_and_refusals(api):
    gid = create(api, "AVChatRoom", Owner_Account="alice")
    assert gid.startswith("@TGS#")
    # documented: REST cannot add (10007) nor remove (10004) live-group members
    assert api.code(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": "bob"}]}) == 10007
    assert api.code(REMOVE, {"GroupId": gid, "MemberToDel_Account": ["bob"]}) == 10004
    assert api.code(MEMBERS, {"GroupId": gid}) == 10007
    assert api.code(ROLE, {"GroupId": gid, "User_Account": ["alice"]}) == 10007
    assert api.code(CREATE, {"Type": "AVChatRoom", "Name": "x",
                             "MemberList": [{"Member_Account": "bob"}]}) == 10007
    api.control("live", {"GroupId": gid, "UserID": "bob", "Online": True})
    assert api.ok(G + "get_online_member_num", {"GroupId": gid})["OnlineMemberNum"] == 1
    info = api.ok(INFO, {"GroupIdList": [gid]})["GroupInfo"][0]
    assert "MemberList" not in info and "MemberNum" not in info  # base info only
    api.ok(DESTROY, {"GroupId": gid})
    assert api.code(G + "get_online_member_num", {"GroupId": gid}) == 10010


# --- create_group -----------------------------------------------------------------------------

def test_generated_ids_and_community_prefix(api):
    ids = {t: create(api, t) for t in ("Private", "Public", "ChatRoom", "AVChatRoom",
                                       "Community")}
    assert all(re.fullmatch(r"@TGS#[0-9a-zA-Z]{9}", ids[t]) for t in
               ("Private", "Public", "ChatRoom", "AVChatRoom"))
    assert ids["Community"].startswith("@TGS#_@TGS#")
    assert len(set(ids.values())) == 5


@pytest.mark.parametrize(("group_type", "group_id", "code"), [
    ("Public", "@TGS#mine", 10004),       # the prefix is reserved
    ("Public", "x" * 49, 10004),          # more than 48 bytes
    ("Public", "caf\u00e9", 10004),       # printable ASCII only
    ("Community", "club", 10004),         # a Community's custom ID starts with @TGS#_
    ("Community", "@TGS#_club", 0),
    ("Public", "x" * 48, 0),
    ("Private", "team space", 0),
])
def test_custom_id_rules(api, group_type, group_id, code):
    assert api.code(CREATE, {"Type": group_type, "Name": "n", "GroupId": group_id}) == code


def test_taken_ids_10025_same_owner_10021_other_owner_reusable_after_dismissal(api):
    create(api, "Public", GroupId="team", Owner_Account="alice")
    assert api.code(CREATE, {"Type": "Public", "Name": "n", "GroupId": "team",
                             "Owner_Account": "alice"}) == 10025
    assert api.code(CREATE, {"Type": "Public", "Name": "n", "GroupId": "team",
                             "Owner_Account": "bob"}) == 10021
    api.ok(DESTROY, {"GroupId": "team"})
    assert create(api, "Public", GroupId="team", Owner_Account="bob") == "team"


@pytest.mark.parametrize("alias", ["Work", "Meeting", "public", "BChatRoom", ""])
def test_only_rest_type_names_create(api, alias):
    assert api.code(CREATE, {"Type": alias, "Name": "n"}) == 10004


def test_owner_and_initial_members_with_roles_and_custom_data(api):
    gid = create(api, "Public", Owner_Account="alice", MemberList=[
        {"Member_Account": "bob", "Role": "Admin",
         "AppMemberDefinedData": [{"Key": "Team", "Value": "red"}]},
        {"Member_Account": "carol"}, {"Member_Account": "alice"}],
        AppDefinedData=[{"Key": "Level", "Value": "3"}], MuteAllMember="On")
    roles = api.ok(ROLE, {"GroupId": gid, "User_Account": ["alice", "bob", "carol", "dave"]})
    assert roles["UserIdList"] == [
        {"Member_Account": "alice", "Role": "Owner"}, {"Member_Account": "bob", "Role": "Admin"},
        {"Member_Account": "carol", "Role": "Member"},
        {"Member_Account": "dave", "Role": "NotMember"}]
    info = api.ok(INFO, {"GroupIdList": [gid]})["GroupInfo"][0]
    assert info["AppDefinedData"] == [{"Key": "Level", "Value": "3"}]
    assert info["MuteAllMember"] == "On" and info["MemberNum"] == 3
    bob = next(m for m in info["MemberList"] if m["Member_Account"] == "bob")
    assert bob["AppMemberDefinedData"] == [{"Key": "Team", "Value": "red"}]


@pytest.mark.parametrize(("body", "code"), [
    ({"MemberList": [{"Member_Account": f"u{i}"} for i in range(101)]}, 10005),
    ({"MemberList": [{"Member_Account": "bob", "Role": "Owner"}]}, 10004),
    ({"Owner_Account": "nobody"}, 10019),
    ({"MemberList": [{"Member_Account": "nobody"}]}, 10019),
    ({"Name": "x" * 101}, 10004),
    ({"Introduction": "x" * 401}, 10004),
    ({"Notification": "\u4e2d" * 134}, 10004),  # 402 bytes
    ({"FaceUrl": "x" * 501}, 10004),
    ({"MaxMemberCount": 6001}, 10004),
    ({"MaxMemberCount": 1, "Owner_Account": "alice",
      "MemberList": [{"Member_Account": "bob"}]}, 10038),
    ({"AppDefinedData": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}, 10004),
    ({"AppDefinedData": [{"Key": "bad-key", "Value": "v"}]}, 10004),
    ({"AppDefinedData": [{"Key": "k", "Value": "x" * 513}]}, 10004),
    ({"ShutUpAllMember": "Maybe"}, 10004),
])
def test_create_limits_and_codes(api, body, code):
    assert api.code(CREATE, {"Type": "Public", "Name": "n", **body}) == code


def test_work_groups_have_no_admins(api):
    assert api.code(CREATE, {"Type": "Private", "Name": "n",
                             "MemberList": [{"Member_Account": "bob", "Role": "Admin"}]}) == 10004


def test_legacy_shut_up_all_member_and_fixed_join_policies(api):
    gid = create(api, "ChatRoom", ShutUpAllMember="On", ApplyJoinOption="NeedPermission")
    info = api.ok(INFO, {"GroupIdList": [gid]})["GroupInfo"][0]
    assert info["MuteAllMember"] == "On"
    assert info["ApplyJoinOption"] == "FreeAccess"  # Meeting: free join, whatever is asked
    work = api.ok(INFO, {"GroupIdList": [create(api, "Private")]})["GroupInfo"][0]
    assert (work["ApplyJoinOption"], work["InviteJoinOption"]) == ("DisableApply", "FreeAccess")


def test_text_limits_are_an_emulator_setting(api):
    assert api.code(CREATE, {"Type": "Public", "Name": "x" * 31}) == 0
    resp = api.control("groups", {"TextLimits": "2023"})
    assert resp.status_code == 200 and resp.json()["TextLimits"]["Name"] == 30
    assert api.code(CREATE, {"Type": "Public", "Name": "x" * 31}) == 10004
    assert api.control("groups", {"TextLimits": {"Name": 0}}).status_code == 400
    api.control("groups", {"TextLimits": "2024"})
    assert api.control("groups").json()[str(api.info.sdkappid)]["TextLimits"]["Name"] == 100


def test_create_answers_the_documented_shapes(api):
    doc = api.ok(CREATE, {"Owner_Account": "alice", "Type": "Public", "Name": "TestGroup"})
    assert set(doc) == {"ActionStatus", "ErrorCode", "ErrorInfo", "GroupId"}
    doc = api.ok(CREATE, {"Type": "Community", "Name": "club", "SupportTopic": 1})
    assert doc["Type"] == "Community" and doc["HugeGroupFlag"] == 0


# --- get_group_info / modify_group_base_info ----------------------------------------------

def test_get_group_info_documented_sample_shape(api, clock):
    gid = create(api, "Public", Owner_Account="alice", Introduction="TestGroup",
                 Notification="TestGroup", FaceUrl="http://this.is.face.url",
                 ApplyJoinOption="FreeAccess", MaxMemberCount=50,
                 AppDefinedData=[{"Key": "GroupTestData1", "Value": "xxxx"}])
    api.ok(ADD, {"GroupId": gid, "MemberList": [{"Member_Account": "bob"}]})
    doc = api.ok(INFO, {"GroupIdList": [gid, "gone"]})
    item, gone = doc["GroupInfo"]
    assert list(item)[:6] == ["GroupId", "ErrorCode", "ErrorInfo", "Type", "Name", "Appid"]
    assert item["Appid"] == api.info.sdkappid and item["Owner_Account"] == "alice"
    assert item["CreateTime"] == int(clock.now) and item["MaxMemberNum"] == 50
    assert item["ApplyJoinOption"] == "FreeAccess" and item["MemberNum"] == 2
    for key in ("LastInfoTime", "LastMsgTime", "NextMsgSeq", "MuteAllMember", "FaceUrl"):
        assert key in item
    owner = item["MemberList"][0]
    assert set(owner) == {"Member_Account", "Role", "JoinTime", "MsgSeq", "MsgFlag",
                          "LastSendMsgTime", "MuteUntil", "NameCard", "AppMemberDefinedData"}
    assert (owner["Member_Account"], owner["Role"], owner["MuteUntil"]) == ("alice", "Owner", 0)
    assert gone == {"GroupId": "gone", "ErrorCode": 10010,
                    "ErrorInfo": "group does not exist or has been dismissed"}


def test_get_group_info_filters(api):
    gid = create(api, "Public", Owner_Account="alice",
                 AppDefinedData=[{"Key": "GroupTestData1", "Value": "x"},
                                 {"Key": "Other", "Value": "y"}],
                 MemberList=[{"Member_Account": "bob", "AppMemberDefinedData": [
                     {"Key": "MemberDefined1", "Value": "m1"}]}])
    item = api.ok(INFO, {"GroupIdList": [gid], "ResponseFilter": {
        "GroupBaseInfoFilter": ["Type", "Name", "Introduction", "Notification"],
        "MemberInfoFilter": ["Account", "Role"],
        "AppDefinedDataFilter_Group": ["GroupTestData1"],
        "AppDefinedDataFilter_GroupMember": ["MemberDefined1"]}})["GroupInfo"][0]
    assert list(item) == ["GroupId", "ErrorCode", "ErrorInfo", "Type", "Name", "Introduction",
                          "Notification", "AppDefinedData", "MemberList"]
    assert item["AppDefinedData"] == [{"Key": "GroupTestData1", "Value": "x"}]
    assert item["MemberList"] == [
        {"Member_Account": "alice", "Role": "Owner", "AppMemberDefinedData": []},
        {"Member_Account": "bob", "Role": "Member",
         "AppMemberDefinedData": [{"Key": "MemberDefined1", "Value": "m1"}]}]
    only = api.ok(INFO, {"GroupIdList": [gid], "ResponseFilter": {
        "GroupBaseInfoFilter": ["MemberNum"]}})["GroupInfo"][0]
    assert only == {"GroupId": gid, "ErrorCode": 0, "ErrorInfo": "", "MemberNum": 2}
    assert api.code(INFO, {"GroupIdList": [gid] * 51}) == 10005
    assert api.code(INFO, {"GroupIdList": []}) == 10004


def test_modify_changes_only_what_is_given_and_bumps_info_seq(api, clock):
    gid = create(api, "Public", Owner_Account="alice", Introduction="old",
                 AppDefinedData=[{"Key": "A", "Value": "1"}, {"Key": "B", "Value": "2"}])
    before = api.ok(INFO, {"GroupIdList": [gid]})["GroupInfo"][0]
    clock.advance(10)
    api.ok(MODIFY, {"GroupId": gid, "Name": "New", "ShutUpAllMember": "On",
                    "AppDefinedData": [{"Key": "A", "Value": ""}, {"Key": "C", "Value": "3"}],
                    "MaxMemberNum": 300, "InviteJoinOption": "NeedPermission"})
    after = api.ok(INFO, {"GroupIdList": [gid]})["GroupInfo"][0]
    assert (after["Name"], after["Introduction"], after["MuteAllMember"]) == ("New", "old", "On")
    assert after["AppDefinedData"] == [{"Key": "B", "Value": "2"}, {"Key": "C", "Value": "3"}]
    assert after["InfoSeq"] == before["InfoSeq"] + 1
    assert after["LastInfoTime"] == before["LastInfoTime"] + 10
    assert (after["MaxMemberNum"], after["InviteJoinOption"]) == (300, "NeedPermission")


@pytest.mark.parametrize(("group_type", "body", "code"), [
    ("Public", {"Name": ""}, 10004),
    ("Public", {"Name": "x" * 101}, 10004),
    ("Public", {"MaxMemberNum": 6001}, 10004),
    ("Public", {"MuteAllMember": "yes"}, 10004),
    ("Private", {"ApplyJoinOption": "FreeAccess"}, 10007),
    ("AVChatRoom", {"InviteJoinOption": "FreeAccess"}, 10007),
    ("AVChatRoom", {"MaxMemberNum": 10}, 0),  # documented: ignored for live groups
    ("Public", {"ApplyJoinOption": "DisableApply"}, 0),
])
def test_modify_codes(api, group_type, body, code):
    gid = create(api, group_type)
    assert api.code(MODIFY, {"GroupId": gid, **body}) == code


def test_modify_as_from_account_checks_the_members_rights(api):
    work = create(api, "Private", Owner_Account="alice", MemberList=[{"Member_Account": "bob"}])
    assert api.code(MODIFY, {"GroupId": work, "From_Account": "bob", "Name": "ok"}) == 0
    assert api.code(MODIFY, {"GroupId": work, "From_Account": "bob",
                             "MuteAllMember": "On"}) == 10007
    public = create(api, "Public", Owner_Account="alice", MemberList=[
        {"Member_Account": "bob"}, {"Member_Account": "carol", "Role": "Admin"}])
    assert api.code(MODIFY, {"GroupId": public, "From_Account": "bob", "Name": "no"}) == 10007
    assert api.code(MODIFY, {"GroupId": public, "From_Account": "carol", "Name": "ok"}) == 0
    assert api.code(MODIFY, {"GroupId": public, "From_Account": "dave", "Name": "no"}) == 10007


# --- destroy, list, joined, transfer -----------------------------------------------------------

def test_destroy_any_type_then_10010_and_the_hook_runs(api):
    gid = create(api, "Private", GroupId="work-1", Owner_Account="alice")  # Work too
    api.ok(G + "set_group_attr", {"GroupId": gid, "GroupAttr": [{"key": "k", "value": "v"}]})
    api.ok(DESTROY, {"GroupId": gid})
    assert api.code(DESTROY, {"GroupId": gid}) == 10010
    assert api.code(MODIFY, {"GroupId": gid, "Name": "x"}) == 10010
    gid2 = create(api, "Private", GroupId=gid)  # same ID, fresh group: no attributes left
    assert gid2 == gid
    doc = api.ok("group_open_attr_http_svc/get_group_attr", {"GroupId": gid})
    assert doc["GroupAttrAry"] == []


def test_app_group_list_pages_with_next_and_filters_by_type(api, clock):
    made = [create(api, "Public") for _ in range(5)] + [create(api, "Private")]

    def listing(body: dict) -> dict:
        clock.advance(1)  # documented: 1 call a second
        return api.ok(LIST, body)

    doc = listing({"Limit": 2})
    assert doc["TotalCount"] == 6 and len(doc["GroupIdList"]) == 2 and doc["Next"] != 0
    seen = [g["GroupId"] for g in doc["GroupIdList"]]
    while doc["Next"]:
        doc = listing({"Limit": 2, "Next": doc["Next"]})
        assert doc["TotalCount"] == 6
        seen += [g["GroupId"] for g in doc["GroupIdList"]]
    assert seen == made
    publics = listing({"GroupType": "Public"})
    assert publics["TotalCount"] == 5 and publics["Next"] == 0
    assert listing({"GroupType": ""})["TotalCount"] == 6  # the legacy empty filter
    assert listing({"GroupType": "BChatRoom"})["TotalCount"] == 0
    clock.advance(1)
    assert api.code(LIST, {"GroupType": "Work"}) == 10004
    clock.advance(1)
    assert api.code(LIST, {"Limit": 10001}) == 10004
    api.ok(DESTROY, {"GroupId": made[0]})
    assert listing({})["TotalCount"] == 5


def test_joined_group_list_roles_types_paging_and_hidden_groups(api):
    public = create(api, "Public", Owner_Account="bob", MemberList=[
        {"Member_Account": "alice", "Role": "Admin"}])
    work = create(api, "Private", Owner_Account="bob", MemberList=[{"Member_Account": "alice"}])
    community = create(api, "Community", MemberList=[{"Member_Account": "alice"}])
    doc = api.ok(JOINED, {"Member_Account": "alice"})
    # the Work group has no message yet: hidden from its non-owners
    assert doc == {**doc, "TotalCount": 2,
                   "GroupIdList": [{"GroupId": public}, {"GroupId": community}]}
    doc = api.ok(JOINED, {"Member_Account": "alice", "WithNoActiveGroups": 1, "Limit": 2,
                          "Offset": 1, "ResponseFilter": {
                              "GroupBaseInfoFilter": ["Type", "Name"],
                              "SelfInfoFilter": ["Role", "MsgFlag"]}})
    assert doc["TotalCount"] == 3
    assert doc["GroupIdList"] == [
        {"GroupId": work, "Type": "Private", "Name": "Private group",
         "SelfInfo": {"Role": "Member", "MsgFlag": "AcceptAndNotify"}},
        {"GroupId": community, "Type": "Community", "Name": "Community group",
         "SelfInfo": {"Role": "Member", "MsgFlag": "AcceptAndNotify"}}]
    assert api.ok(JOINED, {"Member_Account": "bob"})["TotalCount"] == 2  # owners see Work
    assert api.ok(JOINED, {"Member_Account": "alice", "GroupType": "Public"})["TotalCount"] == 1
    assert api.code(JOINED, {"Member_Account": "alice", "SupportTopic": 1}) == 10004
    assert api.code(JOINED, {"Member_Account": "alice", "Limit": 5001}) == 10004


def test_change_owner_needs_a_member_and_demotes_the_old_owner(api):
    gid = create(api, "Public", Owner_Account="alice", MemberList=[{"Member_Account": "bob"}])
    assert api.code(OWNER, {"GroupId": gid, "NewOwner_Account": "carol"}) == 10004
    api.ok(OWNER, {"GroupId": gid, "NewOwner_Account": "bob"})
    roles = api.ok(ROLE, {"GroupId": gid, "User_Account": ["alice", "bob"]})["UserIdList"]
    assert [r["Role"] for r in roles] == ["Member", "Owner"]
    info = api.ok(INFO, {"GroupIdList": [gid]})["GroupInfo"][0]
    assert info["Owner_Account"] == "bob"
    live = create(api, "AVChatRoom", Owner_Account="alice")
    assert api.code(OWNER, {"GroupId": live, "NewOwner_Account": "bob"}) == 10007
    ownerless = create(api, "Public", MemberList=[{"Member_Account": "carol"}])
    api.ok(OWNER, {"GroupId": ownerless, "NewOwner_Account": "carol"})
    assert api.ok(INFO, {"GroupIdList": [ownerless]})["GroupInfo"][0]["Owner_Account"] == "carol"


def test_group_services_answer_their_documented_codes(api):
    doc = api.call(CREATE, b"{not json")
    assert doc["ErrorCode"] == 10011
    assert api.code(CREATE, {"Type": "Public", "Name": "n"}, identifier="alice") == 10007


def test_edition_quotas(api, store, info):
    apps.set_edition(store, info.sdkappid, "trial")
    for _ in range(10):
        create(api, "AVChatRoom")
    assert api.code(CREATE, {"Type": "AVChatRoom", "Name": "n"}) == 10036
    for _ in range(90):
        create(api, "Public")
    assert api.code(CREATE, {"Type": "Public", "Name": "n"}) == 10058
    gid = api.ok(LIST, {"Limit": 1})["GroupIdList"][0]["GroupId"]
    api.ok(DESTROY, {"GroupId": gid})  # dismissed groups do not count
    create(api, "Public")
