"""Permission groups of communities (trtc.io/document/61232-61242): the documented create and
get samples, custom and generated IDs, modify, per-ID destroy results, members added (per
member Result), removed (a non-member is fine) and paged, refusals, and the cascades; topic
permissions (61236-61239): the documented samples, per-topic codes, refusals, cascades."""

from __future__ import annotations

import pytest

G = "group_open_http_svc"
CREATE, MODIFY, DESTROY, GET = (f"{G}/create_permission_group", f"{G}/modify_permission_group",
                                f"{G}/destroy_permission_group", f"{G}/get_permission_group")
ADD, REMOVE, LIST = (f"{G}/add_permission_group_member", f"{G}/delete_permission_group_member",
                     f"{G}/get_permission_group_member_list")
CLUB = "@TGS#_@TGS#cV6IHIIM62C4"  # the pages' community ID


@pytest.fixture
def club(api) -> str:
    api.import_users("owner", "m1", "m2", "m3", "stranger")
    api.ok(f"{G}/create_group", {
        "Type": "Community", "Name": "club", "GroupId": CLUB, "Owner_Account": "owner",
        "MemberList": [{"Member_Account": u} for u in ("m1", "m2", "m3")]})
    return CLUB


def test_documented_create_sample_and_get(any_api):
    any_api.ok(f"{G}/create_group", {"Type": "Community", "Name": "c", "GroupId": CLUB})
    doc = any_api.call(CREATE, {"GroupId": CLUB, "PermissionGroupId": "@PMG#_test_permission_group",
                                "PermissionGroupName": "test_permission_group",
                                "Permission": 123, "CustomString": "test_custom_string"})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
                   "PermissionGroupId": "@PMG#_test_permission_group"}
    generated = any_api.ok(CREATE, {"GroupId": CLUB, "PermissionGroupName": "g",
                                    "Permission": 1})["PermissionGroupId"]
    assert generated.startswith("@PMG#_@PMG#")
    doc = any_api.ok(GET, {"GroupId": CLUB, "Limit": 20, "Next": ""})
    assert doc["PermissionGroupInfoList"] == [
        {"PermissionGroupId": "@PMG#_test_permission_group",
         "PermissionGroupName": "test_permission_group", "Permission": 123,
         "CustomString": "test_custom_string"},
        {"PermissionGroupId": generated, "PermissionGroupName": "g", "Permission": 1,
         "CustomString": ""}]
    assert doc["Next"] == ""
    doc = any_api.ok(GET, {"GroupId": CLUB, "PermissionGroupIdList": [generated, "@PMG#_no"]})
    assert [p["PermissionGroupId"] for p in doc["PermissionGroupInfoList"]] == [generated]


def test_get_pages_with_next(api, club):
    ids = [api.ok(CREATE, {"GroupId": club, "PermissionGroupName": f"p{i}",
                           "Permission": i})["PermissionGroupId"] for i in range(25)]
    first = api.ok(GET, {"GroupId": club, "Limit": 20, "Next": ""})
    assert len(first["PermissionGroupInfoList"]) == 20 and first["Next"] != ""
    second = api.ok(GET, {"GroupId": club, "Limit": 20, "Next": first["Next"]})
    assert second["Next"] == ""
    assert [p["PermissionGroupId"] for p in first["PermissionGroupInfoList"]
            + second["PermissionGroupInfoList"]] == ids
    assert api.code(GET, {"GroupId": club, "Limit": 21}) == 10004


@pytest.mark.parametrize("body", [
    {"PermissionGroupName": "n"}, {"Permission": 1},
    {"PermissionGroupName": "x" * 151, "Permission": 1},
    {"PermissionGroupName": "n", "Permission": -1},
    {"PermissionGroupName": "n", "Permission": 1, "CustomString": "c" * 3001},
    {"PermissionGroupName": "n", "Permission": 1, "PermissionGroupId": "no-prefix"},
    {"PermissionGroupName": "n", "Permission": 1, "PermissionGroupId": "@PMG#_@PMG#x"},
    {"PermissionGroupName": "n", "Permission": 1, "PermissionGroupId": "@PMG#_"},
])
def test_bad_create_requests_are_10004(api, club, body):
    assert api.code(CREATE, {"GroupId": club, **body}) == 10004


def test_taken_ids_and_other_types(api, club):
    body = {"GroupId": club, "PermissionGroupId": "@PMG#_x", "PermissionGroupName": "n",
            "Permission": 1}
    assert api.code(CREATE, body) == 0
    assert api.code(CREATE, body) == 10021
    api.ok(f"{G}/create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    assert api.code(CREATE, {**body, "GroupId": "pub"}) == 10007
    assert api.code(CREATE, {**body, "GroupId": "@TGS#_none"}) == 10010


def test_modify_and_destroy(api, club):
    pid = api.ok(CREATE, {"GroupId": club, "PermissionGroupName": "mods",
                          "Permission": 3})["PermissionGroupId"]
    assert api.code(MODIFY, {"GroupId": club, "PermissionGroupId": pid,
                             "Permission": 7}) == 0
    [info] = api.ok(GET, {"GroupId": club})["PermissionGroupInfoList"]
    assert (info["PermissionGroupName"], info["Permission"]) == ("mods", 7)
    assert api.code(MODIFY, {"GroupId": club, "PermissionGroupId": "@PMG#_no",
                             "Permission": 7}) == 10010
    doc = api.ok(DESTROY, {"GroupId": club, "PermissionGroupIdList": [pid, "@PMG#_no"]})
    assert [(r["PermissionGroupId"], r["ErrorCode"]) for r in
            doc["PermissionGroupResultList"]] == [(pid, 0), ("@PMG#_no", 10010)]
    assert api.ok(GET, {"GroupId": club})["PermissionGroupInfoList"] == []
    assert api.code(DESTROY, {"GroupId": club, "PermissionGroupIdList": [
        f"@PMG#_{i}" for i in range(21)]}) == 10005


def members(api, club, pid, limit=50) -> list[str]:
    out, next_ = [], ""
    while True:
        doc = api.ok(LIST, {"GroupId": club, "PermissionGroupId": pid, "Limit": limit,
                            "Next": next_})
        out += [m["Member_Account"] for m in doc["MemberList"]]
        next_ = doc["Next"]
        if not next_:
            return out


def test_members_added_removed_listed(api, club):
    pid = api.ok(CREATE, {"GroupId": club, "PermissionGroupName": "mods",
                          "Permission": 3})["PermissionGroupId"]
    doc = api.ok(ADD, {"GroupId": club, "PermissionGroupId": pid, "MemberList": [
        {"Member_Account": "m1"}, {"Member_Account": "m2"}, {"Member_Account": "stranger"}]})
    assert doc["MemberList"] == [{"Member_Account": "m1", "Result": 1},
                                 {"Member_Account": "m2", "Result": 1},
                                 {"Member_Account": "stranger", "Result": 0}]
    again = api.ok(ADD, {"GroupId": club, "PermissionGroupId": pid, "MemberList": [
        {"Member_Account": "m1"}, {"Member_Account": "m3"}]})
    assert [m["Result"] for m in again["MemberList"]] == [2, 1]
    assert members(api, club, pid) == ["m1", "m2", "m3"]
    assert members(api, club, pid, limit=1) == ["m1", "m2", "m3"]
    assert api.code(REMOVE, {"GroupId": club, "PermissionGroupId": pid, "MemberList": [
        {"Member_Account": "m2"}, {"Member_Account": "stranger"}]}) == 0  # non-member: fine
    assert members(api, club, pid) == ["m1", "m3"]
    assert api.code(LIST, {"GroupId": club, "PermissionGroupId": pid, "Limit": 51}) == 10004
    assert api.code(ADD, {"GroupId": club, "PermissionGroupId": pid, "MemberList": [
        {"Member_Account": f"u{i}"} for i in range(101)]}) == 10005


def test_cascades(api, club):
    pid = api.ok(CREATE, {"GroupId": club, "PermissionGroupName": "mods",
                          "Permission": 3})["PermissionGroupId"]
    api.ok(ADD, {"GroupId": club, "PermissionGroupId": pid,
                 "MemberList": [{"Member_Account": "m1"}, {"Member_Account": "m2"}]})
    api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "m1"}]})
    assert members(api, club, pid) == ["m2"]
    api.ok(f"{G}/destroy_group", {"GroupId": club})
    api.ok(f"{G}/create_group", {"Type": "Community", "Name": "again", "GroupId": club})
    assert api.ok(GET, {"GroupId": club})["PermissionGroupInfoList"] == []


# --- topic permissions (trtc.io/document/61236-61239) ----------------------------------------

T_ADD, T_SET, T_DELETE, T_GET = (f"{G}/{c}_topic_permission_group"
                                 for c in ("add", "set", "delete", "get"))
TOPIC = "million_group_open_http_svc"
PMG = "@PMG#_test_permission_group_with_topic"  # the pages' permission group ID


@pytest.fixture
def topic_club(api) -> tuple[str, str]:
    """The pages' community with topics enabled, two topics and their permission group."""
    api.import_users("owner")
    api.ok(f"{G}/create_group", {"Type": "Community", "Name": "club", "GroupId": CLUB,
                                 "Owner_Account": "owner", "SupportTopic": 1})
    for part in ("general", "news"):
        api.ok(f"{TOPIC}/create_topic", {"GroupId": CLUB, "TopicName": part,
                                         "TopicId": f"{CLUB}@TOPIC#_{part}"})
    api.ok(CREATE, {"GroupId": CLUB, "PermissionGroupId": PMG, "PermissionGroupName": "t",
                    "Permission": 0})
    return f"{CLUB}@TOPIC#_general", f"{CLUB}@TOPIC#_news"


def tp(api, topics=None) -> list[tuple[str, int, int | None]]:
    body = {"GroupId": CLUB, "PermissionGroupId": PMG}
    if topics is not None:
        body["TopicIdList"] = topics
    doc = api.ok(T_GET, body)
    return [(r["TopicId"], r["ErrorCode"], r.get("Permission"))
            for r in doc["TopicPermissionResultList"]]


def test_documented_topic_permission_samples(api, topic_club):
    general, news = topic_club
    doc = api.call(T_ADD, {"GroupId": CLUB, "PermissionGroupId": PMG,
                           "TopicPermissionList": [{"Permission": 1234, "TopicId": general}]})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
                   "TopicPermissionResultList": [
                       {"ErrorCode": 0, "ErrorInfo": "", "TopicId": general}]}
    api.ok(T_ADD, {"GroupId": CLUB, "PermissionGroupId": PMG,
                   "TopicPermissionList": [{"Permission": 1, "TopicId": news}]})
    doc = api.call(T_SET, {"GroupId": CLUB, "PermissionGroupId": PMG,
                           "TopicPermissionList": [{"Permission": 123456, "TopicId": news}]})
    assert doc["TopicPermissionResultList"] == [{"ErrorCode": 0, "ErrorInfo": "",
                                                 "TopicId": news}]
    doc = api.call(T_GET, {"GroupId": CLUB, "PermissionGroupId": PMG})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
                   "TopicPermissionResultList": [
                       {"ErrorCode": 0, "ErrorInfo": "", "TopicId": general, "Permission": 1234},
                       {"ErrorCode": 0, "ErrorInfo": "", "TopicId": news,
                        "Permission": 123456}]}
    assert tp(api, [news]) == [(news, 0, 123456)]
    doc = api.ok(T_DELETE, {"GroupId": CLUB, "PermissionGroupId": PMG, "TopicIdList": [news]})
    assert doc["TopicPermissionResultList"] == [{"ErrorCode": 0, "ErrorInfo": "",
                                                 "TopicId": news}]
    assert tp(api) == [(general, 0, 1234)]


def test_topic_permission_per_item_codes(api, topic_club):
    general, news = topic_club
    missing = f"{CLUB}@TOPIC#_missing"
    doc = api.ok(T_ADD, {"GroupId": CLUB, "PermissionGroupId": PMG, "TopicPermissionList": [
        {"TopicId": general, "Permission": 1}, {"TopicId": missing, "Permission": 1},
        {"TopicId": general, "Permission": 2}]})
    assert [r["ErrorCode"] for r in doc["TopicPermissionResultList"]] == [0, 10010, 10021]
    doc = api.ok(T_SET, {"GroupId": CLUB, "PermissionGroupId": PMG, "TopicPermissionList": [
        {"TopicId": news, "Permission": 5}, {"TopicId": general, "Permission": 9}]})
    assert [r["ErrorCode"] for r in doc["TopicPermissionResultList"]] == [10010, 0]
    assert tp(api, [general, news]) == [(general, 0, 9), (news, 10010, None)]
    doc = api.ok(T_DELETE, {"GroupId": CLUB, "PermissionGroupId": PMG,
                            "TopicIdList": [news, missing]})  # not bound: fine; no topic: not
    assert [r["ErrorCode"] for r in doc["TopicPermissionResultList"]] == [0, 10010]


@pytest.mark.parametrize("command, extra", [
    (T_ADD, {}), (T_ADD, {"TopicPermissionList": []}),
    (T_ADD, {"TopicPermissionList": [{"TopicId": "x"}]}),
    (T_ADD, {"TopicPermissionList": [{"TopicId": "x", "Permission": -1}]}),
    (T_SET, {"TopicPermissionList": [{"Permission": 1}]}),
    (T_DELETE, {}), (T_DELETE, {"TopicIdList": [1]}), (T_GET, {"TopicIdList": "x"}),
])
def test_bad_topic_permission_requests_are_10004(api, topic_club, command, extra):
    assert api.code(command, {"GroupId": CLUB, "PermissionGroupId": PMG, **extra}) == 10004


def test_topic_permission_refusals(api, topic_club):
    general, _ = topic_club
    item = {"TopicPermissionList": [{"TopicId": general, "Permission": 1}]}
    assert api.code(T_ADD, {"GroupId": CLUB, "PermissionGroupId": "@PMG#_no", **item}) == 10010
    assert api.code(T_ADD, {"GroupId": "@TGS#_none", "PermissionGroupId": PMG, **item}) == 10010
    api.ok(f"{G}/create_group", {"Type": "Public", "Name": "p", "GroupId": "pub"})
    assert api.code(T_GET, {"GroupId": "pub", "PermissionGroupId": PMG}) == 10007
    many = [{"TopicId": f"{CLUB}@TOPIC#_{i}", "Permission": 1} for i in range(51)]
    assert api.code(T_ADD, {"GroupId": CLUB, "PermissionGroupId": PMG,
                            "TopicPermissionList": many}) == 10005
    assert api.code(T_DELETE, {"GroupId": CLUB, "PermissionGroupId": PMG,
                               "TopicIdList": [m["TopicId"] for m in many]}) == 10005


def test_topic_permissions_go_with_topics_groups_and_permission_groups(api, clock, store,
                                                                       topic_club):
    general, news = topic_club
    api.ok(T_ADD, {"GroupId": CLUB, "PermissionGroupId": PMG, "TopicPermissionList": [
        {"TopicId": general, "Permission": 1}, {"TopicId": news, "Permission": 2}]})
    api.ok(f"{TOPIC}/destroy_topic", {"GroupId": CLUB, "TopicIdList": [news]})
    assert tp(api) == [(general, 0, 1)]
    with store.tx() as db:  # the on_topic_destroyed hook removed the binding itself
        assert db.execute("SELECT COUNT(*) FROM permission_group_topics WHERE topic_id = ?",
                          (news,)).fetchone()[0] == 0
    # created again at the very same second: still starts bare
    api.ok(f"{TOPIC}/create_topic", {"GroupId": CLUB, "TopicName": "news", "TopicId": news})
    assert tp(api) == [(general, 0, 1)]
    api.ok(DESTROY, {"GroupId": CLUB, "PermissionGroupIdList": [PMG]})
    api.ok(CREATE, {"GroupId": CLUB, "PermissionGroupId": PMG, "PermissionGroupName": "t",
                    "Permission": 0})
    assert tp(api) == []
    api.ok(T_ADD, {"GroupId": CLUB, "PermissionGroupId": PMG,
                   "TopicPermissionList": [{"TopicId": general, "Permission": 1}]})
    with store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM permission_group_topics").fetchone()[0] == 1
    api.ok(f"{G}/destroy_group", {"GroupId": CLUB})
    with store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM permission_group_topics").fetchone()[0] == 0
