"""Community topics (million_group_open_http_svc): the documented samples of create_topic
(1047/49471), generated and custom topic IDs and their rules, get/modify/destroy per-topic
results, the refusal for groups without topics (11000), and the dismiss cascade."""

from __future__ import annotations

import pytest

S = "million_group_open_http_svc"
CREATE, GET, MODIFY, DESTROY = (f"{S}/create_topic", f"{S}/get_topic", f"{S}/modify_topic",
                                f"{S}/destroy_topic")
CLUB = "@TGS#_@TGS#cQVLVHIM62CJ"  # the pages' community ID


@pytest.fixture
def club(api) -> str:
    api.import_users("owner", "member1", "stranger")
    api.ok("group_open_http_svc/create_group", {
        "Type": "Community", "Name": "club", "GroupId": CLUB, "Owner_Account": "owner",
        "SupportTopic": 1, "MemberList": [{"Member_Account": "member1"}]})
    return CLUB


def topics(api, gid: str, user: str = "owner") -> list[dict]:
    return [i["TopicInfo"] for i in api.ok(GET, {"GroupId": gid, "From_Account": user})[
        "TopicAndSelfInfo"]]


def test_documented_samples(any_api):
    any_api.ok("group_open_http_svc/create_group", {"Type": "Community", "Name": "c",
                                                   "GroupId": CLUB, "SupportTopic": 1})
    doc = any_api.call(CREATE, {"GroupId": CLUB, "TopicName": "TestTopic"})
    assert (doc["ActionStatus"], doc["ErrorCode"], doc["ErrorInfo"]) == ("OK", 0, "")
    assert doc["TopicId"].startswith(CLUB + "@TOPIC#_@TOPIC#")
    assert len(doc["TopicId"]) > len(CLUB + "@TOPIC#_@TOPIC#")
    doc = any_api.call(CREATE, {
        "GroupId": CLUB, "TopicId": CLUB + "@TOPIC#_TestTopic", "TopicName": "TestTopic",
        "CustomString": "This is a custom string", "FaceUrl": "http://this.is.face.url",
        "Notification": "This is topic Notification",
        "Introduction": "This is topic Introduction"})
    assert doc == {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
                   "TopicId": CLUB + "@TOPIC#_TestTopic"}


def test_topics_read_back_with_their_profile(api, club, clock):
    tid = api.ok(CREATE, {"GroupId": club, "TopicName": "General", "Introduction": "hi",
                          "From_Account": "member1"})["TopicId"]
    custom = api.ok(CREATE, {"GroupId": club, "TopicId": club + "@TOPIC#_news",
                             "TopicName": "News"})["TopicId"]
    doc = api.ok(GET, {"GroupId": club, "From_Account": "member1"})
    first, second = doc["TopicAndSelfInfo"]
    assert (first["ErrorCode"], first["TopicInfo"]["TopicId"]) == (0, tid)
    assert first["TopicInfo"] == {
        "TopicId": tid, "TopicName": "General", "GroupID": club, "Introduction": "hi",
        "Notification": "", "FaceUrl": "", "CustomString": "", "CreateTime": int(clock.now),
        "LastMsgTime": 0, "NextMsgSeq": 1, "MuteAllMember": "Off"}
    assert first["SelfInfo"] == {"MsgFlag": "AcceptAndNotify", "MsgSeq": 0, "ShutUpTime": 0}
    assert second["TopicInfo"]["TopicId"] == custom
    assert "SelfInfo" not in api.ok(GET, {"GroupId": club, "From_Account": "stranger"})[
        "TopicAndSelfInfo"][0]


def test_get_given_topics_with_a_filter_and_per_topic_errors(api, club):
    tid = api.ok(CREATE, {"GroupId": club, "TopicName": "General"})["TopicId"]
    doc = api.ok(GET, {"GroupId": club, "From_Account": "owner",
                       "TopicIdList": [tid, club + "@TOPIC#_gone"],
                       "ResponseFilter": ["TopicName"]})
    ok, gone = doc["TopicAndSelfInfo"]
    assert ok["TopicInfo"] == {"TopicId": tid, "TopicName": "General"}
    assert (gone["ErrorCode"], gone["TopicInfo"]) == (110003, {"TopicId": club + "@TOPIC#_gone"})


@pytest.mark.parametrize("suffix", [
    "", "bad\u00e9", "has@TGS#_inside", "@TOPIC#x", "x" * 80,
])
def test_custom_topic_id_rules(api, club, suffix):
    body = {"GroupId": club, "TopicName": "t", "TopicId": club + "@TOPIC#_" + suffix}
    assert api.code(CREATE, body) == 10004
    assert topics(api, club) == []


def test_custom_id_must_carry_the_community_prefix_and_be_unique(api, club):
    assert api.code(CREATE, {"GroupId": club, "TopicName": "t", "TopicId": "news"}) == 10004
    longest = club + "@TOPIC#_" + "n" * (96 - len(club) - 8)
    assert api.code(CREATE, {"GroupId": club, "TopicName": "t", "TopicId": longest}) == 0
    assert api.code(CREATE, {"GroupId": club, "TopicName": "u", "TopicId": longest}) == 10021


@pytest.mark.parametrize(("field", "limit"), [("TopicName", 30), ("Introduction", 240),
                                              ("Notification", 300), ("FaceUrl", 100),
                                              ("CustomString", 3000)])
def test_text_limits_in_bytes(api, club, field, limit):
    body = {"GroupId": club, "TopicName": "t", field: "x" * limit}
    assert api.code(CREATE, body) == 0
    body = {"GroupId": club, "TopicName": "t", field: "界" * (limit // 3 + 1)}
    assert api.code(CREATE, body) == 10004


def test_only_topic_enabled_communities_have_topics(api):
    api.ok("group_open_http_svc/create_group", {"Type": "Community", "Name": "c",
                                               "GroupId": "@TGS#_plain"})
    api.ok("group_open_http_svc/create_group", {"Type": "Public", "Name": "p",
                                               "GroupId": "pub"})
    for gid in ("@TGS#_plain", "pub"):
        assert api.code(CREATE, {"GroupId": gid, "TopicName": "t"}) == 11000
        assert api.code(GET, {"GroupId": gid, "From_Account": "administrator"}) == 11000
    assert api.code(CREATE, {"GroupId": "@TGS#_nothing", "TopicName": "t"}) == 10010


def test_creator_must_be_a_member(api, club):
    assert api.code(CREATE, {"GroupId": club, "TopicName": "t",
                             "From_Account": "stranger"}) == 10007


def test_modify_changes_only_given_fields(api, club):
    tid = api.ok(CREATE, {"GroupId": club, "TopicName": "General",
                          "Notification": "n"})["TopicId"]
    assert api.code(MODIFY, {"GroupId": club, "TopicId": tid, "TopicName": "Lobby",
                             "MuteAllMember": "On"}) == 0
    info = topics(api, club)[0]
    assert (info["TopicName"], info["Notification"], info["MuteAllMember"]) == ("Lobby", "n",
                                                                               "On")
    assert api.code(MODIFY, {"GroupId": club, "TopicId": tid, "MuteAllMember": "Yes"}) == 10004
    assert api.code(MODIFY, {"GroupId": club, "TopicId": club + "@TOPIC#_x",
                             "TopicName": "y"}) == 10010


def test_destroy_answers_per_topic(api, club):
    tid = api.ok(CREATE, {"GroupId": club, "TopicName": "General"})["TopicId"]
    doc = api.ok(DESTROY, {"GroupId": club, "TopicIdList": [tid, club + "@TOPIC#_none"]})
    assert doc["DestroyResultItem"] == [
        {"ErrorCode": 0, "ErrorInfo": "", "TopicId": tid},
        {"ErrorCode": 110003, "ErrorInfo": "topic already dismissed or does not exist",
         "TopicId": club + "@TOPIC#_none"}]
    assert topics(api, club) == []
    again = api.ok(DESTROY, {"GroupId": club, "TopicIdList": [tid]})
    assert again["DestroyResultItem"][0]["ErrorCode"] == 110003
    assert api.code(DESTROY, {"GroupId": club, "TopicIdList": []}) == 10004


def test_dismissing_the_community_drops_its_topics(api, club):
    api.ok(CREATE, {"GroupId": club, "TopicName": "General", "TopicId": club + "@TOPIC#_g"})
    api.ok("group_open_http_svc/destroy_group", {"GroupId": club})
    assert api.code(GET, {"GroupId": club, "From_Account": "owner"}) == 10010
    api.ok("group_open_http_svc/create_group", {"Type": "Community", "Name": "c",
                                               "GroupId": club, "SupportTopic": 1})
    assert topics(api, club, "administrator") == []
    assert api.code(CREATE, {"GroupId": club, "TopicName": "again",
                             "TopicId": club + "@TOPIC#_g"}) == 0


def test_import_topic_keeps_its_creation_time(api, club, clock):
    imported = "group_open_http_svc/import_topic"
    past = int(clock.now) - 86400 * 30
    doc = api.ok(imported, {"Type": "Community", "GroupId": club, "TopicName": "Old",
                            "TopicId": club + "@TOPIC#_old", "CreateTime": past})
    assert doc["TopicId"] == club + "@TOPIC#_old"
    assert topics(api, club)[0]["CreateTime"] == past
    assert api.code(imported, {"GroupId": club, "TopicName": "x",
                               "TopicId": club + "@TOPIC#_old"}) == 10021
    assert api.code(imported, {"GroupId": club, "TopicName": "x",
                               "CreateTime": int(clock.now) + 60}) == 10004
    assert api.code(imported, {"Type": "Public", "GroupId": club, "TopicName": "x"}) == 10004
