"""Push audience APIs: attribute names, user attributes and tags through all_member_push im_*
(1047/37167-37175) and timpush (trtc.io 60563-60569, 67820-67823), one store for both."""

from __future__ import annotations

import pytest

A, T = "all_member_push", "timpush"


@pytest.fixture
def users(api):
    api.import_users("xiaojun012", "xiaojun013", "u3")
    return ("xiaojun012", "xiaojun013", "u3")


def test_attr_names_documented_sample_and_slot_rules(any_api):
    any_api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"0": "sex", "1": "city"}})
    assert any_api.ok(f"{A}/im_get_attr_name")["AttrNames"] == {"0": "sex", "1": "city"}
    any_api.ok(f"{T}/set_attr_name", {"AttrNames": {"1": "town", "2": "tier"}})  # replaces 1
    assert any_api.ok(f"{T}/get_attr_name")["AttrNames"] == {"0": "sex", "1": "town",
                                                             "2": "tier"}
    assert any_api.code(f"{A}/im_set_attr_name", {"AttrNames": {"10": "x"}}) == 90033
    assert any_api.code(f"{A}/im_set_attr_name", {"AttrNames": {"3": "n" * 51}}) == 90033
    assert any_api.code(f"{A}/im_set_attr_name", {"AttrNames": {"3": "sex"}}) == 90033
    assert any_api.code(f"{A}/im_set_attr_name", {}) == 90001


def test_attr_types_cannot_change_once_set(api):
    api.ok(f"{T}/set_attr_name", {"AttrNames": {"0": "rid"}, "AttrTypes": {"0": 1}})
    assert api.code(f"{T}/set_attr_name", {"AttrNames": {"0": "rid"},
                                           "AttrTypes": {"0": 0}}) == 90033
    assert api.code(f"{T}/set_attr_name", {"AttrNames": {"1": "x"},
                                           "AttrTypes": {"2": 0}}) == 90033
    api.ok(f"{T}/set_attr_name", {"AttrNames": {"0": "rid2"}})  # renaming keeps the type


def test_user_attrs_set_get_remove(api, users):
    api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"0": "sex", "1": "city"}})
    api.ok(f"{A}/im_set_attr", {"UserAttrs": [
        {"To_Account": "xiaojun012", "Attrs": {"sex": "attr1", "city": "attr2"}},
        {"To_Account": "xiaojun013", "Attrs": {"city": "attr3"}}]})
    doc = api.ok(f"{T}/get_attr", {"To_Account": ["xiaojun012", "xiaojun013", "u3"]})
    assert doc["UserAttrs"] == [
        {"To_Account": "xiaojun012", "Attrs": {"sex": "attr1", "city": "attr2"}},
        {"To_Account": "xiaojun013", "Attrs": {"city": "attr3"}},
        {"To_Account": "u3", "Attrs": {}}]
    api.ok(f"{T}/remove_attr", {"UserAttrs": [{"To_Account": "xiaojun012", "Attrs": ["sex"]}]})
    assert api.ok(f"{A}/im_get_attr", {"To_Account": ["xiaojun012"]})["UserAttrs"] == [
        {"To_Account": "xiaojun012", "Attrs": {"city": "attr2"}}]
    # renaming a slot keeps its values (they live in the slot)
    api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"1": "town"}})
    assert api.ok(f"{A}/im_get_attr", {"To_Account": ["xiaojun012"]})["UserAttrs"] == [
        {"To_Account": "xiaojun012", "Attrs": {"town": "attr2"}}]


def test_user_attr_refusals_change_nothing(api, users):
    api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"0": "sex"}})
    assert api.code(f"{A}/im_set_attr", {"UserAttrs": [
        {"To_Account": "u3", "Attrs": {"sex": "m"}},
        {"To_Account": "u3", "Attrs": {"nope": "x"}}]}) == 90033
    assert api.code(f"{A}/im_set_attr", {"UserAttrs": [
        {"To_Account": "u3", "Attrs": {"sex": "v" * 51}}]}) == 90033
    assert api.code(f"{A}/im_remove_attr", {"UserAttrs": [
        {"To_Account": "u3", "Attrs": ["nope"]}]}) == 90033
    assert api.ok(f"{A}/im_get_attr", {"To_Account": ["u3"]})["UserAttrs"][0]["Attrs"] == {}
    many = [f"user{i}" for i in range(101)]
    assert api.code(f"{A}/im_get_attr", {"To_Account": many}) == 90018
    assert api.code(f"{A}/im_set_attr", {"UserAttrs": [
        {"To_Account": u, "Attrs": {"sex": "m"}} for u in many]}) == 90018


def test_tags_documented_sample_and_removal(any_api):
    any_api.import_users("xiaojun012", "xiaojun013")
    any_api.ok(f"{A}/im_add_tag", {"UserTags": [
        {"To_Account": "xiaojun012", "Tags": ["a", "b"]},
        {"To_Account": "xiaojun013", "Tags": ["a", "b"]}]})
    any_api.ok(f"{T}/add_tag", {"UserTags": [{"To_Account": "xiaojun012",
                                              "Tags": ["b", "c"]}]})  # b kept once
    doc = any_api.ok(f"{T}/get_tag", {"To_Account": ["xiaojun012", "xiaojun013"]})
    assert doc["UserTags"] == [{"To_Account": "xiaojun012", "Tags": ["a", "b", "c"]},
                               {"To_Account": "xiaojun013", "Tags": ["a", "b"]}]
    any_api.ok(f"{A}/im_remove_tag", {"UserTags": [{"To_Account": "xiaojun012",
                                                    "Tags": ["a", "zzz"]}]})
    any_api.ok(f"{A}/im_remove_all_tags", {"To_Account": ["xiaojun013"]})
    doc = any_api.ok(f"{A}/im_get_tag", {"To_Account": ["xiaojun012", "xiaojun013"]})
    assert doc["UserTags"] == [{"To_Account": "xiaojun012", "Tags": ["b", "c"]},
                               {"To_Account": "xiaojun013", "Tags": []}]


def test_tag_limits(api, users):
    add = f"{A}/im_add_tag"
    assert api.code(add, {"UserTags": [{"To_Account": "u3",
                                        "Tags": [f"t{i}" for i in range(11)]}]}) == 90032
    assert api.code(add, {"UserTags": [{"To_Account": "u3", "Tags": ["x" * 51]}]}) == 90020
    assert api.code(add, {"UserTags": [{"To_Account": "u3", "Tags": [""]}]}) == 90040
    assert api.code(add, {"UserTags": [{"To_Account": f"u{i}", "Tags": ["a"]}
                                       for i in range(101)]}) == 90018
    for start in range(0, 100, 10):
        api.ok(add, {"UserTags": [{"To_Account": "u3",
                                   "Tags": [f"t{i}" for i in range(start, start + 10)]}]})
    assert api.code(add, {"UserTags": [{"To_Account": "u3", "Tags": ["t101"]}]}) == 90032
    api.ok(add, {"UserTags": [{"To_Account": "u3", "Tags": ["t5"]}]})  # present: no change
    assert len(api.ok(f"{A}/im_get_tag", {"To_Account": ["u3"]})["UserTags"][0]["Tags"]) == 100


def test_clear_all_tags_lists_users_not_imported(api, users):
    api.ok(f"{T}/add_tag", {"UserTags": [{"To_Account": "u3", "Tags": ["a"]}]})
    doc = api.ok(f"{T}/clear_all_tags", {"To_Account": ["u3", "ghost"]})
    assert doc["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107,
                                 "ErrorInfo": "UserID is not imported"}]
    assert api.ok(f"{T}/get_tag", {"To_Account": ["u3"]})["UserTags"][0]["Tags"] == []
    assert api.code(f"{T}/clear_all_tags", {"To_Account": ["ghost"]}) == 70107
    assert "ErrorList" not in api.ok(f"{T}/clear_all_tags", {"To_Account": ["u3"]})


def test_deleting_an_account_removes_its_tags_and_attrs(api, emu, info, users):
    from timctl.emulator import apps

    apps.set_edition(emu.store, info.sdkappid, "pro", allow_account_delete=True)
    api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"0": "sex"}})
    api.ok(f"{A}/im_set_attr", {"UserAttrs": [{"To_Account": "u3", "Attrs": {"sex": "f"}}]})
    api.ok(f"{A}/im_add_tag", {"UserTags": [{"To_Account": "u3", "Tags": ["a"]}]})
    api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "u3"}]})
    assert api.ok(f"{A}/im_get_tag", {"To_Account": ["u3"]})["UserTags"][0]["Tags"] == []
    assert api.ok(f"{A}/im_get_attr", {"To_Account": ["u3"]})["UserAttrs"][0]["Attrs"] == {}


def test_non_admin_and_bad_json(api, users):
    assert api.code(f"{A}/im_get_tag", {"To_Account": ["u3"]}, identifier="u3") == 90009
    assert api.code(f"{T}/get_tag", "{nope", ) == 90001


def test_an_app_holds_at_most_1000_distinct_tags(api, faults):
    faults.rate_limit = False
    many = [{"To_Account": f"u{i}", "Tags": [f"t{i}-{j}" for j in range(10)]}
            for i in range(100)]
    api.ok(f"{T}/add_tag", {"UserTags": many})  # 1000 distinct tags
    assert api.code(f"{T}/add_tag", {"UserTags": [{"To_Account": "u0",
                                                   "Tags": ["one-more"]}]}) == 90032
    api.ok(f"{T}/add_tag", {"UserTags": [{"To_Account": "u1", "Tags": ["t0-0"]}]})  # known tag
    api.ok(f"{A}/im_remove_all_tags", {"To_Account": ["u0"]})
    api.ok(f"{T}/add_tag", {"UserTags": [{"To_Account": "u0", "Tags": ["one-more"]}]})
