"""openconfigsvr/setnospeaking and getnospeaking: the documented samples, remaining seconds on
the app clock, expiry, forever, the error codes, and the account-deletion cascade."""

from __future__ import annotations

import pytest

from timctl.emulator import services
from timctl.emulator.services.mute import queries

SET = "openconfigsvr/setnospeaking"
GET = "openconfigsvr/getnospeaking"
FOREVER = 4294967295


def mute_left(api, user, **query):
    doc = api.ok(GET, {"Get_Account": user}, **query)
    return doc["C2CmsgNospeakingTime"], doc["GroupmsgNospeakingTime"]


def mute(api, user, **times):
    return api.call(SET, {"Set_Account": user, **times})


@pytest.fixture
def lumotuwe(api):
    api.import_users("lumotuwe")
    return "lumotuwe"


def test_documented_samples_read_back_the_remaining_seconds(any_api, clock):
    any_api.import_users("lumotuwe")
    # request and response bodies of the set and get pages (1047/34923, 1047/34924)
    doc = any_api.call(SET, {"Set_Account": "lumotuwe", "C2CmsgNospeakingTime": 4294967295,
                             "GroupmsgNospeakingTime": 7200})
    assert (doc["ErrorCode"], doc["ErrorInfo"]) == (0, "")
    clock.advance(4)
    doc = any_api.call(GET, {"Get_Account": "lumotuwe"})
    assert {k: doc[k] for k in ("ErrorCode", "ErrorInfo", "C2CmsgNospeakingTime",
                                "GroupmsgNospeakingTime")} == {
        "ErrorCode": 0, "ErrorInfo": "", "C2CmsgNospeakingTime": 4294967295,
        "GroupmsgNospeakingTime": 7196}


def test_accounts_are_not_muted_by_default(api, lumotuwe):
    assert mute_left(api, lumotuwe) == (0, 0)


def test_a_mute_counts_down_and_expires(api, lumotuwe, clock):
    clock.advance(0.25)  # a clock between seconds: a fresh mute still reads its full length
    assert mute(api, lumotuwe, C2CmsgNospeakingTime=3600)["ErrorCode"] == 0
    assert mute_left(api, lumotuwe) == (3600, 0)
    clock.advance(0.5)
    assert mute_left(api, lumotuwe) == (3600, 0)  # rounded up: never 0 while running
    clock.advance(3598.25)
    assert mute_left(api, lumotuwe) == (2, 0)
    clock.advance(1)
    assert mute_left(api, lumotuwe) == (1, 0)
    clock.advance(0.25)  # exactly 3600 s after the set
    assert mute_left(api, lumotuwe) == (0, 0)


def test_forever_never_expires(api, lumotuwe, clock):
    mute(api, lumotuwe, GroupmsgNospeakingTime=FOREVER)
    clock.advance(20 * 365 * 86400)
    fresh = api.signed(issued_at=clock.now)  # the first sig expired long ago
    assert mute_left(api, lumotuwe, usersig=fresh) == (0, FOREVER)


def test_zero_unmutes_and_an_omitted_field_is_left_as_it_is(api, lumotuwe, clock):
    mute(api, lumotuwe, C2CmsgNospeakingTime=600, GroupmsgNospeakingTime=FOREVER)
    clock.advance(100)
    mute(api, lumotuwe, C2CmsgNospeakingTime=0)
    assert mute_left(api, lumotuwe) == (0, FOREVER)
    mute(api, lumotuwe, C2CmsgNospeakingTime=60)
    assert mute_left(api, lumotuwe) == (60, FOREVER)
    mute(api, lumotuwe, GroupmsgNospeakingTime=0)
    assert mute_left(api, lumotuwe) == (60, 0)


def test_setting_again_restarts_the_countdown_and_repeats_are_the_same_state(api, lumotuwe,
                                                                             clock):
    mute(api, lumotuwe, C2CmsgNospeakingTime=100)
    clock.advance(40)
    assert mute_left(api, lumotuwe) == (60, 0)
    mute(api, lumotuwe, C2CmsgNospeakingTime=100)
    mute(api, lumotuwe, C2CmsgNospeakingTime=100)
    assert mute_left(api, lumotuwe) == (100, 0)
    mute(api, lumotuwe, C2CmsgNospeakingTime=0)
    mute(api, lumotuwe, C2CmsgNospeakingTime=0)  # unmuting an unmuted account is fine
    assert mute_left(api, lumotuwe) == (0, 0)


def test_mutes_are_per_account_and_per_app(api, lumotuwe, store, api_for, clock):
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.apps import ensure_app

    api.import_users("other")
    mute(api, lumotuwe, C2CmsgNospeakingTime=10)
    assert mute_left(api, "other") == (0, 0)
    info2 = ensure_app(store, 1400000999)
    api2 = api_for(EmulatorApp(store, clock=clock, debug=True), info2)
    api2.import_users("lumotuwe")
    assert mute_left(api2, "lumotuwe") == (0, 0)


@pytest.mark.parametrize(("body", "code"), [
    ({"C2CmsgNospeakingTime": 10}, 130004),
    ({"Set_Account": 123, "C2CmsgNospeakingTime": 10}, 130005),
    ({"Set_Account": "", "C2CmsgNospeakingTime": 10}, 130005),
    ({"Set_Account": None, "C2CmsgNospeakingTime": 10}, 130005),
    ({"Set_Account": "x" * 33, "C2CmsgNospeakingTime": 10}, 130005),
    ({"Set_Account": ["lumotuwe"], "C2CmsgNospeakingTime": 10}, 130005),
    ({"Set_Account": "lumotuwe"}, 130008),
    ({"Set_Account": "lumotuwe", "C2CmsgNospeakingTime": -1}, 130001),
    ({"Set_Account": "lumotuwe", "C2CmsgNospeakingTime": FOREVER + 1}, 130001),
    ({"Set_Account": "lumotuwe", "GroupmsgNospeakingTime": "3600"}, 130001),
    ({"Set_Account": "lumotuwe", "GroupmsgNospeakingTime": 1.5}, 130001),
    ({"Set_Account": "lumotuwe", "GroupmsgNospeakingTime": True}, 130001),
    ({"Set_Account": "lumotuwe", "GroupmsgNospeakingTime": None}, 130001),
    ({"Set_Account": "ghost", "C2CmsgNospeakingTime": 10}, 70107),
])
def test_set_errors(api, lumotuwe, body, code):
    doc = api.call(SET, body)
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", code), doc
    assert mute_left(api, lumotuwe) == (0, 0)


def test_a_refused_set_writes_neither_field(api, lumotuwe):
    doc = mute(api, lumotuwe, C2CmsgNospeakingTime=60, GroupmsgNospeakingTime=-5)
    assert doc["ErrorCode"] == 130001
    assert mute_left(api, lumotuwe) == (0, 0)


@pytest.mark.parametrize(("body", "code"), [
    ({}, 130002),
    ({"Set_Account": "lumotuwe"}, 130002),
    ({"Get_Account": 5}, 130003),
    ({"Get_Account": ""}, 130003),
    ({"Get_Account": "y" * 33}, 130003),
    ({"Get_Account": "ghost"}, 70107),
])
def test_get_errors(api, lumotuwe, body, code):
    doc = api.call(GET, body)
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", code), doc
    assert "C2CmsgNospeakingTime" not in doc


@pytest.mark.parametrize("target", [SET, GET])
def test_bad_json_is_130001(any_api, target):
    assert any_api.code(target, b"{not json") == 130001
    assert any_api.code(target, b"[1]") == 130001


@pytest.mark.parametrize("target", [SET, GET])
def test_a_non_admin_identifier_is_refused(any_api, target):
    any_api.import_users("lumotuwe")
    body = {"Set_Account": "lumotuwe", "Get_Account": "lumotuwe", "C2CmsgNospeakingTime": 9}
    doc = any_api.call(target, body, identifier="lumotuwe")
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", 60010)
    assert mute_left(any_api, "lumotuwe") == (0, 0)


def test_service_spec():
    spec = services.spec("openconfigsvr")
    assert (spec.admin_code, spec.param_code, spec.bad_json_code, spec.error_display) == (
        60010, 130001, 130001, False)
    assert {SET, GET} <= set(services.implemented())


def test_deleting_the_account_removes_its_mutes(api, lumotuwe, store):
    mute(api, lumotuwe, C2CmsgNospeakingTime=FOREVER, GroupmsgNospeakingTime=60)
    api.import_users("keeper")
    mute(api, "keeper", C2CmsgNospeakingTime=FOREVER)
    doc = api.ok("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": lumotuwe}]})
    assert doc["ResultItem"][0]["ResultCode"] == 0
    with store.tx() as db:
        rows = db.execute("SELECT user_id, kind FROM nospeaking ORDER BY user_id").fetchall()
    assert [tuple(r) for r in rows] == [("keeper", "c2c")]
    api.import_users(lumotuwe)  # the developer edition may import a deleted UserID again
    assert mute_left(api, lumotuwe) == (0, 0)


def test_is_muted_follows_the_app_clock(api, lumotuwe, store, info, clock):
    mute(api, lumotuwe, GroupmsgNospeakingTime=30)
    with store.tx() as db:
        assert queries.is_muted(db, info.sdkappid, lumotuwe, "group", clock.now + 29.9)
        assert not queries.is_muted(db, info.sdkappid, lumotuwe, "group", clock.now + 30)
        assert not queries.is_muted(db, info.sdkappid, lumotuwe, "c2c", clock.now)


def test_the_table_is_a_numbered_migration(store):
    assert store.versions()["mute"] == 1
