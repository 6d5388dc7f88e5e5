"""profile/portrait_set and portrait_get: typed standard fields, custom fields, per-tag upsert,
per-account results."""

from __future__ import annotations

import pytest

from timctl import endpoints

SET = "profile/portrait_set"
GET = "profile/portrait_get"


def set_profile(api, user, **tags):
    return api.call(SET, {"From_Account": user,
                          "ProfileItem": [{"Tag": t, "Value": v} for t, v in tags.items()]})


def get_profile(api, user, *tags):
    doc = api.ok(GET, {"To_Account": [user], "TagList": list(tags)})
    return doc["UserProfileItem"][0]["ProfileItem"]


@pytest.fixture
def alice(api):
    api.import_users("alice")
    return "alice"


def test_set_then_get_standard_and_custom_fields(api, alice):
    values = {
        "Tag_Profile_IM_Nick": "Alice", "Tag_Profile_IM_Gender": "Gender_Type_Female",
        "Tag_Profile_IM_BirthDay": 20190419, "Tag_Profile_IM_Location": "x" * 16,
        "Tag_Profile_IM_AllowType": "AllowType_Type_DenyAny", "Tag_Profile_IM_Level": 0,
        "Tag_Profile_Custom_Test": "Custom Data",
    }
    doc = set_profile(api, alice, **values)
    assert doc == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "ErrorDisplay": ""}
    tags = list(reversed(values))
    assert get_profile(api, alice, *tags) == [{"Tag": t, "Value": values[t]} for t in tags]


def test_set_is_a_per_tag_upsert(api, alice):
    set_profile(api, alice, Tag_Profile_IM_Nick="A", Tag_Profile_IM_Language=1)
    set_profile(api, alice, Tag_Profile_IM_Nick="B")
    assert get_profile(api, alice, "Tag_Profile_IM_Nick", "Tag_Profile_IM_Language") == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "B"},
        {"Tag": "Tag_Profile_IM_Language", "Value": 1},
    ]


def test_unset_fields_are_omitted(api, alice):
    assert get_profile(api, alice, "Tag_Profile_IM_Nick", "Tag_Profile_Custom_Test") == []


@pytest.mark.parametrize(("tag", "value", "code"), [
    ("Tag_Profile_IM_Gender", "Gender_Type_Other", 40605),
    ("Tag_Profile_IM_AllowType", "AllowType_Type_Maybe", 40605),
    ("Tag_Profile_IM_AdminForbidType", "x", 40605),
    ("Tag_Profile_IM_Gender", 1, 40610),
    ("Tag_Profile_IM_BirthDay", "20190419", 40610),
    ("Tag_Profile_IM_Level", True, 40610),
    ("Tag_Profile_IM_Role", 1.5, 40610),
    ("Tag_Profile_IM_Language", -1, 40605),
    ("Tag_Profile_IM_Language", 2**32, 40605),
    ("Tag_Profile_IM_Nick", "n" * 501, 40601),
    ("Tag_Profile_IM_SelfSignature", "é" * 251, 40601),
    ("Tag_Profile_IM_Location", "x" * 17, 40605),
    ("Tag_Profile_IM_Nick", None, 40610),
    ("Tag_Profile_Custom_Test", 5, 40610),
    ("Tag_Profile_Custom_Test", "v" * 501, 40601),
    ("Tag_Profile_Custom_TooLongXY", "v", 40009),
    ("Tag_Profile_Custom_Lv2", "v", 40009),
    ("Tag_Profile_Custom_", "v", 40009),
    ("Tag_Profile_IM_Unknown", "v", 40009),
    ("Nick", "v", 40009),
])
def test_field_checks(api, alice, tag, value, code):
    doc = set_profile(api, alice, **{tag: value})
    assert (doc["ActionStatus"], doc["ErrorCode"], doc["ErrorDisplay"]) == ("FAIL", code, "")


def test_a_failed_set_writes_nothing(api, alice):
    set_profile(api, alice, Tag_Profile_IM_Nick="before")
    doc = set_profile(api, alice, Tag_Profile_IM_Nick="after",
                      Tag_Profile_IM_Gender="Gender_Type_Other")
    assert doc["ErrorCode"] == 40605
    assert get_profile(api, alice, "Tag_Profile_IM_Nick") == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "before"}]


def test_set_on_unknown_account_is_40003(api):
    assert set_profile(api, "ghost", Tag_Profile_IM_Nick="x")["ErrorCode"] == 40003


@pytest.mark.parametrize("body", [
    {"ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}]},
    {"From_Account": "alice"}, {"From_Account": "alice", "ProfileItem": []},
    {"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick"}]},
    {"From_Account": "alice", "ProfileItem": ["Tag_Profile_IM_Nick"]},
])
def test_set_bad_parameters_are_40001(api, alice, body):
    assert api.code(SET, body) == 40001


def test_get_reports_unknown_accounts_per_item(api, alice):
    set_profile(api, alice, Tag_Profile_IM_Nick="Alice")
    doc = api.ok(GET, {"To_Account": ["alice", "ghost"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert doc["UserProfileItem"][0] == {
        "To_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}],
        "ResultCode": 0, "ResultInfo": ""}
    ghost = doc["UserProfileItem"][1]
    assert (ghost["To_Account"], ghost["ResultCode"]) == ("ghost", 40003)
    assert "ProfileItem" not in ghost
    assert doc["Fail_Account"] == ["ghost"]


def test_get_has_no_fail_account_when_all_succeed(api, alice):
    doc = api.ok(GET, {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert "Fail_Account" not in doc


def test_get_fails_when_no_account_exists(api):
    doc = api.call(GET, {"To_Account": ["ghost"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", 40003)
    assert doc["Fail_Account"] == ["ghost"]


@pytest.mark.parametrize(("body", "code"), [
    ({"TagList": ["Tag_Profile_IM_Nick"]}, 40002),
    ({"To_Account": [], "TagList": ["Tag_Profile_IM_Nick"]}, 40002),
    ({"To_Account": "alice", "TagList": ["Tag_Profile_IM_Nick"]}, 40001),
    ({"To_Account": ["alice"]}, 40001),
    ({"To_Account": ["alice"], "TagList": []}, 40001),
    ({"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Bogus"]}, 40009),
    ({"To_Account": ["alice"], "TagList": [5]}, 40009),
])
def test_get_request_errors(api, alice, body, code):
    assert api.code(GET, body) == code


def test_get_batch_limit_comes_from_the_endpoint_table(api, alice):
    limit = endpoints.get(GET).batch_max
    body = {"To_Account": ["alice"] * (limit + 1), "TagList": ["Tag_Profile_IM_Nick"]}
    assert api.code(GET, body) == 40001
    body["To_Account"] = ["alice"] * limit
    assert len(api.ok(GET, body)["UserProfileItem"]) == limit
