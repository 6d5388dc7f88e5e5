"""The groups file and the planner, without any server: file -> checks; desired + live -> calls."""

from __future__ import annotations

import json
from typing import Any

import pytest

from timctl.errors import UsageError
from timctl.groups_plan import Group, diff, dump, exported, live_group, load, plan
from timctl.groups_plan.plan import (
    ADD,
    CREATE,
    DELETE_ATTRS,
    MODIFY,
    OWNER,
    REMOVE,
    ROLE,
    SET_ATTRS,
)

FILE = """\
groups:
  - id: eng
    type: Public
    name: Engineering
    owner: alice
    introduction: Where engineers talk
    members:
      - bob
      - {user: carol, role: Admin}
    attributes: {topic: builds}
    app_data: {Level: "3"}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(UsageError) as info:
        load(text, "g.yaml")
    return str(info.value).splitlines()


def info(gid: str = "eng", **over: Any) -> dict[str, Any]:
    """A get_group_info item as the API answers it."""
    base = {"GroupId": gid, "ErrorCode": 0, "Type": "Public", "Name": "Engineering",
            "Introduction": "Where engineers talk", "Notification": "", "FaceUrl": "",
            "Owner_Account": "alice", "MaxMemberNum": 2000, "ApplyJoinOption": "NeedPermission",
            "MuteAllMember": "Off", "AppDefinedData": [{"Key": "Level", "Value": "3"}]}
    return {**base, **over}


def members(**roles: str) -> list[dict[str, Any]]:
    return [{"Member_Account": u, "Role": r} for u, r in roles.items()]


LIVE_MEMBERS = members(alice="Owner", bob="Member", carol="Admin")
LIVE_ATTRS = [{"key": "topic", "value": "builds"}]


def live(**over: Any) -> Group:
    return live_group(info(**over), LIVE_MEMBERS, LIVE_ATTRS)


def endpoints(p: Any) -> list[str]:
    return [c.endpoint for c in p.calls]


# --- the file -----------------------------------------------------------------------------------

def test_the_documented_form_reads_into_desired_state() -> None:
    [g] = load(FILE, "g.yaml")
    assert (g.id, g.type, g.owner) == ("eng", "Public", "alice")
    assert g.profile == {"name": "Engineering", "introduction": "Where engineers talk"}
    assert g.members == {"bob": "Member", "carol": "Admin"}
    assert g.attributes == {"topic": "builds"} and g.app_data == {"Level": "3"}


def test_json_reads_the_same_and_sdk_type_names_are_accepted() -> None:
    doc = {"groups": [{"id": "w", "type": "work", "name": "W", "members": ["x"]},
                      {"id": "m", "type": "Meeting", "name": "M", "mute_all": True}]}
    w, m = load(json.dumps(doc, indent=1), "g.json")
    assert (w.type, m.type, m.profile["mute_all"]) == ("Private", "ChatRoom", True)


@pytest.mark.parametrize(("text", "expected"), [
    ("groups:\n  - id: a\n    type: Public\n    colour: red\n", "g.yaml:4: unknown key 'colour'"),
    ("groups:\n  - id: a\n    type: Squad\n", "g.yaml:3: 'type' must be one of"),
    ("groups:\n  - id: a\n    type: Public\n    max_members: ten\n", "g.yaml:4: max_members"),
    ("groups:\n  - id: a\n    type: Public\n    name: " + "n" * 101 + "\n",
     "g.yaml:4: name is 101 bytes (at most 100)"),
    ("groups:\n  - id: \"a\\tb\"\n    type: Public\n", "g.yaml:2: group ID 'a\\tb' must be "
                                                      "printable ASCII"),
    ("groups:\n  - id: " + "x" * 49 + "\n    type: Public\n", "g.yaml:2: group ID"),
    ("groups:\n  - id: a\n    type: Public\n  - id: a\n    type: Public\n",
     "g.yaml:4: group 'a' is already given on line 2"),
    ("groups:\n  - id: a\n    type: Public\n    members:\n      - bob\n      - {user: bob}\n",
     "g.yaml:6: member 'bob' is already listed on line 5"),
    ("groups:\n  - id: a\n    type: Public\n    owner: al\n    members:\n"
     "      - {user: al, role: Admin}\n", "g.yaml:6: 'al' is the owner; listed here as Admin"),
    ("groups:\n  - id: a\n    type: Public\n    members: [{user: b, role: boss}]\n",
     "g.yaml:4: role must be Admin or Member"),
    ("groups:\n  - id: a\n    type: Work\n    members: [{user: b, role: Admin}]\n",
     "g.yaml:4: Work (Private) groups have no Admin role"),
    ("groups:\n  - id: a\n    type: AVChatRoom\n    members: [b]\n",
     "g.yaml:4: AVChatRoom members cannot be added"),
    ("groups:\n  - id: a\n    type: Public\n    attributes: {n: 3}\n",
     "g.yaml:4: attributes 'n': keys and values must be strings"),
    ("groups:\n  - id: a\n    type: Public\n    app_data:\n      bad-key: v\n",
     "g.yaml:5: app_data key 'bad-key'"),
    ("groups:\n  - id: a\n    type: Community\n", "g.yaml:2: a Community's ID starts with @TGS#_"),
    ("groups:\n  - id: a\n    type: Public\n    type: Private\n", "g.yaml:4: 'type' given twice"),
    ("groups:\n  - id: a\n   type: [\n", "g.yaml:3: not valid YAML/JSON"),
    ("{\"groups\": [{\"id\": \"a\",\n \"type\": \"Public\",\n \"owner\": 7}]}",
     "g.yaml:3: a UserID must be a string"),
    ("people: []\n", "g.yaml:1: expected a mapping with a 'groups' list"),
    ("groups: []\nextra: 1\n", "g.yaml:2: unknown key 'extra'"),
])
def test_bad_files_name_the_line_and_reason(text: str, expected: str) -> None:
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    found = problems("groups:\n  - id: a\n    type: Public\n    nme: x\n  - id: b\n"
                     "    type: Public\n    owner: ''\n")
    assert [p.split(":")[1] for p in found] == ["4", "7"]


def test_export_format_is_stable_and_reads_back() -> None:
    [g] = load(FILE, "g.yaml")
    text = dump([g])
    assert text.splitlines()[:5] == ["groups:", "- id: eng", "  type: Public",
                                     "  name: Engineering", "  introduction: Where engineers talk"]
    assert load(text, "again") == [Group(g.id, g.type, g.profile, g.owner, g.members,
                                         g.attributes, g.app_data, line=2)]
    assert json.loads(dump([g], "json"))["groups"][0]["members"] == [
        "bob", {"user": "carol", "role": "Admin"}]


# --- the plan -----------------------------------------------------------------------------------

def test_a_missing_group_is_created_with_members_roles_and_attributes() -> None:
    [g] = load(FILE, "g.yaml")
    p = plan(g, None)
    assert p.action == "created"
    assert endpoints(p) == [CREATE, SET_ATTRS]
    body = p.calls[0].body
    assert body["Owner_Account"] == "alice" and body["Type"] == "Public"
    assert body["MemberList"] == [{"Member_Account": "bob"},
                                  {"Member_Account": "carol", "Role": "Admin"}]
    assert body["AppDefinedData"] == [{"Key": "Level", "Value": "3"}]
    assert p.calls[1].body == {"GroupId": "eng", "GroupAttr": [{"key": "topic",
                                                                 "value": "builds"}]}


def test_more_members_than_create_takes_go_in_chunks_with_their_roles() -> None:
    users = [f"u{i:03}" for i in range(145)]
    g = Group("big", "Public", {"name": "Big", "mute_all": True},
              members={u: ("Admin" if u == "u120" else "Member") for u in users})
    p = plan(g, None)
    assert endpoints(p) == [CREATE, MODIFY, ADD, ADD, ADD, ROLE]
    assert len(p.calls[0].body["MemberList"]) == 100
    assert [len(c.body["MemberList"]) for c in p.calls[2:5]] == [20, 20, 5]
    assert p.calls[1].body == {"GroupId": "big", "MuteAllMember": "On"}
    assert p.calls[5].body == {"GroupId": "big", "Member_Account": "u120", "Role": "Admin"}
    assert "+ member u120 (Admin)" in p.changes


def test_creating_needs_a_name_and_a_custom_id() -> None:
    assert plan(Group("x", "Public"), None).action == "failed"
    p = plan(Group("@TGS#2J4SZEAEL", "Public", {"name": "n"}), None)
    assert p.action == "failed" and "assigned by the server" in p.reason


def test_live_state_matching_the_file_needs_no_call() -> None:
    [g] = load(FILE, "g.yaml")
    p = plan(g, live(), prune=True)
    assert (p.action, p.calls, p.changes) == ("unchanged", [], [])


def test_one_role_change_is_one_call() -> None:
    [g] = load(FILE.replace("{user: carol, role: Admin}", "carol"), "g.yaml")
    p = plan(g, live())
    assert p.action == "updated"
    assert [(c.endpoint, c.body) for c in p.calls] == [
        (ROLE, {"GroupId": "eng", "Member_Account": "carol", "Role": "Member"})]
    assert p.changes == ["role carol: Admin -> Member"]


def test_only_changed_profile_fields_are_sent() -> None:
    [g] = load(FILE.replace("name: Engineering", "name: Eng\n    mute_all: true"), "g.yaml")
    p = plan(g, live())
    assert [(c.endpoint, c.body) for c in p.calls] == [
        (MODIFY, {"GroupId": "eng", "Name": "Eng", "MuteAllMember": "On"})]


def test_extra_members_attributes_and_app_data_stay_unless_pruned() -> None:
    [g] = load(FILE, "g.yaml")
    extra = live_group(info(AppDefinedData=[{"Key": "Level", "Value": "3"},
                                            {"Key": "Old", "Value": "x"}]),
                       members(alice="Owner", bob="Member", carol="Admin", dave="Member",
                               erin="Admin"),
                       [*LIVE_ATTRS, {"key": "stale", "value": "1"}])
    assert plan(g, extra).action == "unchanged"
    p = plan(g, extra, prune=True)
    assert [(c.endpoint, c.body) for c in p.calls] == [
        (MODIFY, {"GroupId": "eng", "AppDefinedData": [{"Key": "Old", "Value": ""}]}),
        (REMOVE, {"GroupId": "eng", "MemberToDel_Account": ["dave", "erin"]}),
        (DELETE_ATTRS, {"GroupId": "eng", "GroupAttr": [{"key": "stale"}]})]


def test_new_members_are_added_then_promoted() -> None:
    [g] = load(FILE.replace("      - bob\n", "      - bob\n      - {user: dan, role: Admin}\n"),
               "g.yaml")
    p = plan(g, live())
    assert [(c.endpoint, c.body) for c in p.calls] == [
        (ADD, {"GroupId": "eng", "MemberList": [{"Member_Account": "dan"}]}),
        (ROLE, {"GroupId": "eng", "Member_Account": "dan", "Role": "Admin"})]
    assert p.changes == ["+ member dan (Admin)"]


def test_a_new_owner_is_added_first_and_the_old_one_stays_a_member() -> None:
    [g] = load(FILE.replace("owner: alice", "owner: zoe"), "g.yaml")
    p = plan(g, live())
    assert [(c.endpoint, c.body) for c in p.calls] == [
        (ADD, {"GroupId": "eng", "MemberList": [{"Member_Account": "zoe"}]}),
        (OWNER, {"GroupId": "eng", "NewOwner_Account": "zoe"})]
    assert "owner alice -> zoe (alice stays, as a Member)" in p.changes
    pruned = plan(g, live(), prune=True)
    assert pruned.calls[-1] == type(pruned.calls[0])(
        REMOVE, {"GroupId": "eng", "MemberToDel_Account": ["alice"]})


def test_transfer_to_an_existing_admin_then_demote_the_old_owner() -> None:
    [g] = load(FILE.replace("owner: alice", "owner: carol").replace(
        "      - {user: carol, role: Admin}\n", "      - {user: alice, role: Admin}\n"), "g.yaml")
    p = plan(g, live())
    assert [(c.endpoint, c.body) for c in p.calls] == [
        (OWNER, {"GroupId": "eng", "NewOwner_Account": "carol"}),
        (ROLE, {"GroupId": "eng", "Member_Account": "alice", "Role": "Admin"})]


def test_a_type_change_is_refused_for_that_group() -> None:
    [g] = load(FILE.replace("type: Public", "type: ChatRoom"), "g.yaml")
    p = plan(g, live())
    assert p.action == "failed" and "type cannot change" in p.reason and not p.calls


def test_unmanaged_sections_are_left_alone() -> None:
    g = Group("eng", "Public", {"name": "Engineering"})
    assert plan(g, live_group(info(), None, None), prune=True).calls == []


def test_diff_shows_the_changes_only() -> None:
    [g] = load(FILE.replace("{user: carol, role: Admin}", "carol"), "g.yaml")
    text = diff(g, live(), prune=False)
    assert "--- live/eng" in text and "+++ file/eng" in text
    changed = [line for line in text.splitlines() if line[:1] in "+-" and line[:3] not in
               ("---", "+++")]
    assert changed == ["-- user: carol", "-  role: Admin", "+- carol"]
    assert diff(g, None, prune=False).startswith("--- /dev/null")
    [same] = load(FILE, "g.yaml")
    assert diff(same, live(), prune=False) == ""


def test_export_of_live_state_drops_empty_texts() -> None:
    doc = exported(live()).document()
    assert "notification" not in doc and "mute_all" not in doc
    assert doc["members"] == ["bob", {"user": "carol", "role": "Admin"}]
    assert list(doc) == ["id", "type", "name", "introduction", "max_members", "apply_join",
                         "owner", "app_data", "attributes", "members"]


def test_export_leaves_out_keys_the_type_does_not_take() -> None:
    community = live_group(info("@TGS#_c", Type="Community", InviteJoinOption="FreeAccess"))
    doc = exported(community).document()
    assert "apply_join" not in doc and doc["invite_join"] == "FreeAccess"
    assert load(dump([exported(community)]), "x")[0].profile == exported(community).profile


def test_an_avchatroom_owner_cannot_change() -> None:
    g = Group("live", "AVChatRoom", {"name": "Live"}, owner="zoe")
    p = plan(g, live_group(info("live", Type="AVChatRoom", Name="Live")))
    assert p.action == "failed" and "cannot be transferred" in p.reason and not p.calls
