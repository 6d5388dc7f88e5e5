"""Account services: import (single and batch), check, delete, kick, online status, and the
edition rules (Trial cap, paid-edition delete gate and re-import block)."""

from __future__ import annotations

import pytest

from timctl import endpoints
from timctl.emulator import auth
from timctl.emulator.apps import set_edition
from timctl.emulator.services.accounts import queries as accounts

IMPORT = "im_open_login_svc/account_import"
MULTI = "im_open_login_svc/multiaccount_import"
DELETE = "im_open_login_svc/account_delete"
CHECK = "im_open_login_svc/account_check"
KICK = "im_open_login_svc/kick"
ONLINE = "openim/query_online_status"
GET = "profile/portrait_get"
DAY = 86400


def nick_and_image(api, user):
    doc = api.ok(GET, {"To_Account": [user],
                       "TagList": ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]})
    return {i["Tag"]: i["Value"] for i in doc["UserProfileItem"][0]["ProfileItem"]}


class TestAccountImport:
    def test_imports_and_is_idempotent(self, api, store, info):
        api.ok(IMPORT, {"UserID": "alice"})
        api.ok(IMPORT, {"UserID": "alice"})
        with store.tx() as db:
            assert accounts.list_ids(db, info.sdkappid).count("alice") == 1

    def test_nick_and_face_url_become_profile_fields(self, api):
        api.ok(IMPORT, {"UserID": "alice", "Nick": "Alice", "FaceUrl": "https://x/a.png"})
        assert nick_and_image(api, "alice") == {"Tag_Profile_IM_Nick": "Alice",
                                                "Tag_Profile_IM_Image": "https://x/a.png"}

    def test_reimport_overwrites_given_fields_only(self, api):
        api.ok(IMPORT, {"UserID": "alice", "Nick": "Alice", "FaceUrl": "u1"})
        api.ok(IMPORT, {"UserID": "alice", "Nick": "Ally"})
        assert nick_and_image(api, "alice") == {"Tag_Profile_IM_Nick": "Ally",
                                                "Tag_Profile_IM_Image": "u1"}

    @pytest.mark.parametrize("body", [
        {}, {"UserID": ""}, {"UserID": 7}, {"UserID": "x" * 33}, {"UserID": "é" * 17},
        {"Identifier": "alice"}, {"UserID": "alice", "Nick": 5},
    ])
    def test_bad_parameters_are_70402(self, api, body):
        assert api.code(IMPORT, body) == 70402
        assert api.imported("alice") == {"alice": False}

    def test_user_id_limit_is_32_bytes(self, api):
        api.ok(IMPORT, {"UserID": "é" * 16})  # 32 bytes in UTF-8
        assert api.imported("é" * 16) == {"é" * 16: True}

    def test_profile_value_over_500_bytes_is_40601_and_imports_nothing(self, api):
        assert api.code(IMPORT, {"UserID": "alice", "Nick": "n" * 501}) == 40601
        assert api.imported("alice") == {"alice": False}
        api.ok(IMPORT, {"UserID": "alice", "Nick": "n" * 500})


class TestMultiaccountImport:
    def test_old_format_with_duplicates_and_a_bad_id(self, api):
        long_id = "x" * 33
        doc = api.ok(MULTI, {"Accounts": ["a1", "a2", "a2", long_id, ""]})
        assert doc["FailAccounts"] == [long_id, ""]
        assert api.imported("a1", "a2", long_id) == {"a1": True, "a2": True, long_id: False}

    def test_new_format_sets_profiles(self, api):
        doc = api.ok(MULTI, {"AccountList": [
            {"UserID": "a1", "Nick": "One", "FaceUrl": "u1"}, {"UserID": "a2"},
            {"UserID": "a3", "Nick": "n" * 501},
        ]})
        assert doc["FailAccounts"] == ["a3"]
        assert nick_and_image(api, "a1") == {"Tag_Profile_IM_Nick": "One",
                                             "Tag_Profile_IM_Image": "u1"}
        assert api.imported("a2", "a3") == {"a2": True, "a3": False}

    def test_both_formats_in_one_request(self, api):
        api.ok(MULTI, {"Accounts": ["a1"], "AccountList": [{"UserID": "a2"}]})
        assert api.imported("a1", "a2") == {"a1": True, "a2": True}

    def test_batch_limit_comes_from_the_endpoint_table(self, api):
        limit = endpoints.get(MULTI).batch_max
        ids = [f"u{i}" for i in range(limit + 1)]
        assert api.code(MULTI, {"Accounts": ids}) == 70402
        assert not any(api.imported(*ids).values())
        assert api.ok(MULTI, {"Accounts": ids[:limit]})["FailAccounts"] == []

    @pytest.mark.parametrize("body", [
        {}, {"Accounts": "a1"}, {"Accounts": []}, {"Accounts": ["a1", 2]},
        {"AccountList": [{"Nick": "x"}]}, {"AccountList": ["a1"]},
        {"AccountList": [{"UserID": "a1", "FaceUrl": 1}]},
    ])
    def test_malformed_requests_are_70402(self, api, body):
        assert api.code(MULTI, body) == 70402
        assert api.imported("a1") == {"a1": False}


class TestAccountCheckAndDelete:
    def test_check_reports_imported_and_not_imported(self, api):
        api.import_users("a1")
        doc = api.ok(CHECK, {"CheckItem": [{"UserID": "a1"}, {"UserID": "zz"}]})
        assert doc["ResultItem"] == [
            {"UserID": "a1", "ResultCode": 0, "ResultInfo": "", "AccountStatus": "Imported"},
            {"UserID": "zz", "ResultCode": 0, "ResultInfo": "", "AccountStatus": "NotImported"},
        ]

    @pytest.mark.parametrize("name", [CHECK, DELETE])
    @pytest.mark.parametrize("field_value", [None, [], "a1", [{"UserID": 1}], ["a1"]])
    def test_malformed_items_are_70402(self, api, name, field_value):
        field = endpoints.get(name).batch_field
        body = {} if field_value is None else {field: field_value}
        assert api.code(name, body) == 70402

    @pytest.mark.parametrize("name", [CHECK, DELETE])
    def test_more_than_batch_max_is_70402(self, api, name):
        ep = endpoints.get(name)
        items = [{"UserID": f"u{i}"} for i in range(ep.batch_max + 1)]
        assert api.code(name, {ep.batch_field: items}) == 70402

    def test_delete_reports_per_item_and_removes_all_user_data(self, api):
        api.ok(IMPORT, {"UserID": "a1", "Nick": "One"})
        doc = api.ok(DELETE, {"DeleteItem": [{"UserID": "a1"}, {"UserID": "ghost"},
                                             {"UserID": "a1"}]})
        assert doc["ResultItem"] == [
            {"ResultCode": 0, "ResultInfo": "", "UserID": "a1"},
            {"ResultCode": 70107, "ResultInfo": "Err_TLS_PT_Open_Login_Account_Not_Exist",
             "UserID": "ghost"},
            {"ResultCode": 70107, "ResultInfo": "Err_TLS_PT_Open_Login_Account_Not_Exist",
             "UserID": "a1"},
        ]
        assert api.imported("a1") == {"a1": False}
        api.ok(IMPORT, {"UserID": "a1"})  # Developer edition: re-import allowed at once
        assert nick_and_image(api, "a1") == {}  # the old profile went with the account


class TestEditions:
    def test_trial_holds_100_accounts(self, api, store, info):
        set_edition(store, info.sdkappid, "trial")
        api.import_users(*[f"u{i}" for i in range(99)])
        api.ok(IMPORT, {"UserID": "u99"})
        assert api.code(IMPORT, {"UserID": "u100"}) == 70398
        api.ok(IMPORT, {"UserID": "u5"})  # re-importing an existing one is fine
        doc = api.call(MULTI, {"Accounts": ["u100", "u101"]})
        assert (doc["ErrorCode"], doc["FailAccounts"]) == (70398, ["u100", "u101"])
        api.ok(DELETE, {"DeleteItem": [{"UserID": "u0"}]})  # Trial may delete ...
        doc = api.ok(MULTI, {"Accounts": ["u100", "u101"]})  # ... which frees one place
        assert doc["FailAccounts"] == ["u101"]

    def test_paid_edition_refuses_delete_unless_enabled(self, api, store, info):
        api.import_users("a1")
        set_edition(store, info.sdkappid, "pro")
        assert api.code(DELETE, {"DeleteItem": [{"UserID": "a1"}]}) == 71000
        assert api.imported("a1") == {"a1": True}
        set_edition(store, info.sdkappid, "pro", allow_account_delete=True)
        api.ok(DELETE, {"DeleteItem": [{"UserID": "a1"}]})
        assert api.imported("a1") == {"a1": False}

    @pytest.mark.parametrize("edition", ["pro", "ultimate", "enterprise"])
    def test_paid_edition_blocks_reimport_for_90_days(self, api, store, info, clock, edition):
        set_edition(store, info.sdkappid, edition, allow_account_delete=True)
        api.import_users("a1")
        api.ok(DELETE, {"DeleteItem": [{"UserID": "a1"}]})
        assert api.code(IMPORT, {"UserID": "a1"}) == 70399
        assert api.ok(MULTI, {"Accounts": ["a1", "a2"]})["FailAccounts"] == ["a1"]
        clock.advance(91 * DAY)
        api.ok(IMPORT, {"UserID": "a1", "FaceUrl": "u"}, usersig=api.signed(expire=200 * DAY))


class TestKick:
    def test_documented_sample(self, api):
        api.import_users("test")
        doc = api.call(KICK, {"UserID": "test"})
        assert doc == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}

    def test_kick_invalidates_the_users_older_sigs_only(self, api, store, info, clock):
        api.import_users("a1", "a2")
        clock.advance(5)
        api.ok(KICK, {"UserID": "a1"})
        with store.tx() as db:
            assert auth.kicked_at(db, info.sdkappid, "a1") == int(clock.now)
            assert auth.kicked_at(db, info.sdkappid, "a2") is None
        clock.advance(5)
        api.ok(KICK, {"UserID": "a1"})  # again: the same state, later
        with store.tx() as db:
            assert auth.kicked_at(db, info.sdkappid, "a1") == int(clock.now)

    def test_kick_needs_an_existing_account(self, api):
        assert api.code(KICK, {"UserID": "ghost"}) == 70107
        assert api.code(KICK, {}) == 70402
        assert api.code(KICK, {"UserID": ["a", "b"]}) == 70402

    def test_kick_logs_the_user_out(self, api):
        api.import_users("a1")
        assert api.control("online", {"UserID": "a1", "Platform": "Android",
                                      "Status": "Online"}).status_code == 200
        assert api.ok(ONLINE, {"To_Account": ["a1"]})["QueryResult"][0]["Status"] == "Online"
        api.ok(KICK, {"UserID": "a1"})
        assert api.ok(ONLINE, {"To_Account": ["a1"]})["QueryResult"][0]["Status"] == "Offline"


class TestQueryOnlineStatus:
    def test_documented_samples(self, api, clock):
        api.import_users("id1", "id2", "id3")
        api.control("online", {"UserID": "id2", "Platform": "Android", "Status": "Online"})
        api.control("online", {"UserID": "id3", "Platform": "iPhone", "Status": "PushOnline"})
        doc = api.call(ONLINE, {"To_Account": ["id1", "id2", "id3", "id4"]})
        assert doc == {
            "ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
            "QueryResult": [{"To_Account": "id1", "Status": "Offline"},
                            {"To_Account": "id2", "Status": "Online"},
                            {"To_Account": "id3", "Status": "PushOnline"}],
            "ErrorList": [{"To_Account": "id4", "ErrorCode": 70107}],
        }
        for platform, status in (("Web", "Online"), ("iPhone", "PushOnline")):
            api.control("online", {"UserID": "id1", "Platform": platform, "Status": status})
        api.control("online", {"UserID": "id2", "Platform": "Android", "Status": "Offline"})
        doc = api.call(ONLINE, {"IsNeedDetail": 1, "To_Account": ["id1", "id2", "id4"]})
        assert doc == {
            "ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
            "QueryResult": [
                {"To_Account": "id1", "Status": "Online",
                 "Detail": [{"Platform": "iPhone", "Status": "PushOnline"},
                            {"Platform": "Web", "Status": "Online"}]},
                {"To_Account": "id2", "Status": "Offline"},
            ],
            "ErrorList": [{"To_Account": "id4", "ErrorCode": 70107}],
        }
        doc = api.call(ONLINE, "{not json")
        assert doc == {"ActionStatus": "FAIL", "ErrorCode": 90001,
                       "ErrorInfo": "Fail to Parse json data of body, Please check it"}

    def test_error_list_is_empty_when_all_succeed(self, api):
        api.import_users("a1")
        assert api.ok(ONLINE, {"To_Account": ["a1"]})["ErrorList"] == []

    def test_legacy_path_querystate_answers_the_same(self, api):
        api.import_users("a1")
        api.control("online", {"UserID": "a1", "Platform": "Mac", "Status": "Online"})
        doc = api.ok("/v4/openim/querystate", {"To_Account": ["a1", "ghost"]})
        assert doc["QueryResult"] == [{"To_Account": "a1", "Status": "Online"}]
        assert doc["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]

    def test_online_outlives_7_days_push_online_does_not(self, api, clock):
        api.import_users("a1")
        api.control("online", {"UserID": "a1", "Platform": "PC", "Status": "Online"})
        api.control("online", {"UserID": "a1", "Platform": "Android", "Status": "PushOnline"})
        sig = api.signed(expire=30 * DAY)
        clock.advance(7 * DAY)
        doc = api.ok(ONLINE, {"To_Account": ["a1"], "IsNeedDetail": 1}, usersig=sig)
        assert doc["QueryResult"] == [{"To_Account": "a1", "Status": "Online",
                                       "Detail": [{"Platform": "PC", "Status": "Online"}]}]

    def test_never_logged_in_is_offline_and_unknown_is_in_error_list(self, api):
        api.import_users("a1", "a2")
        doc = api.ok(ONLINE, {"To_Account": ["a1", "ghost", "a2"]})
        assert doc["QueryResult"] == [{"To_Account": "a1", "Status": "Offline"},
                                      {"To_Account": "a2", "Status": "Offline"}]
        assert doc["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]

    def test_all_unknown_fails(self, api):
        doc = api.call(ONLINE, {"To_Account": ["ghost"]})
        assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", 70107)
        assert doc["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]

    def test_detail_only_when_asked(self, api):
        api.import_users("a1", "a2")
        api.control("online", {"UserID": "a1", "Platform": "iPhone", "Status": "PushOnline"})
        api.control("online", {"UserID": "a1", "Platform": "Web", "Status": "Online"})
        plain = api.ok(ONLINE, {"To_Account": ["a1", "a2"]})["QueryResult"]
        assert plain == [{"To_Account": "a1", "Status": "Online"},
                         {"To_Account": "a2", "Status": "Offline"}]
        for flag in (0, True, "1"):
            doc = api.ok(ONLINE, {"To_Account": ["a1"], "IsNeedDetail": flag})
            assert "Detail" not in doc["QueryResult"][0]
        detail = api.ok(ONLINE, {"To_Account": ["a1", "a2"], "IsNeedDetail": 1})["QueryResult"]
        assert detail == [  # platforms in the documented order: iPhone, Android, Web, ...
            {"To_Account": "a1", "Status": "Online",
             "Detail": [{"Platform": "iPhone", "Status": "PushOnline"},
                        {"Platform": "Web", "Status": "Online"}]},
            {"To_Account": "a2", "Status": "Offline"},
        ]

    def test_push_online_lapses_after_7_days(self, api, clock):
        api.import_users("a1")
        api.control("online", {"UserID": "a1", "Platform": "iPhone", "Status": "PushOnline"})
        sig = api.signed(expire=30 * DAY)
        doc = api.ok(ONLINE, {"To_Account": ["a1"]}, usersig=sig)
        assert doc["QueryResult"][0]["Status"] == "PushOnline"
        clock.advance(8 * DAY)
        doc = api.ok(ONLINE, {"To_Account": ["a1"]}, usersig=sig)
        assert doc["QueryResult"][0]["Status"] == "Offline"

    @pytest.mark.parametrize(("body", "code"), [
        ({"To_Account": []}, 90001), ({}, 90003), ({"To_Account": "a1"}, 90003),
        ({"To_Account": ["a1", 5]}, 90003),
    ])
    def test_request_errors(self, api, body, code):
        assert api.code(ONLINE, body) == code

    def test_more_than_500_is_90011(self, api):
        limit = endpoints.get(ONLINE).batch_max
        assert api.code(ONLINE, {"To_Account": [f"u{i}" for i in range(limit + 1)]}) == 90011
