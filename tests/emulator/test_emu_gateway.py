"""The gateway: routing, query parameters, UserSig checks, App Admin rights, body parsing.
Each check runs in-process and over HTTP (any_api)."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from timctl import endpoints
from timctl.emulator import services
from timctl.emulator.app import EmulatorApp
from timctl.emulator.apps import ensure_app
from timctl.emulator.services.accounts import queries as accounts

IMPORT = "im_open_login_svc/account_import"
CHECK = "im_open_login_svc/account_check"
DAY = 86400


def test_success_is_http_200_json_envelope(any_api):
    resp = any_api.post(IMPORT, {"UserID": "alice"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
    assert any_api.imported("alice") == {"alice": True}


def test_only_post(any_api):
    resp = any_api.post(IMPORT, {"UserID": "alice"}, method="GET")
    assert resp.status_code == 200
    assert resp.json()["ErrorCode"] == 60002
    assert any_api.imported("alice") == {"alice": False}


@pytest.mark.parametrize("path", [
    "/", "/v4", "/v4/im_open_login_svc", "/v3/im_open_login_svc/account_import",
    "/v4/im_open_login_svc/account_import/extra", "/v4//account_import",
])
def test_malformed_path_is_60002(any_api, path):
    assert any_api.code(path, {"UserID": "alice"}) == 60002


@pytest.mark.parametrize("path", ["/v4/im_open_login_svc/no_such_command",
                                  "/v4/no_such_service/account_import"])
def test_unknown_api_is_60009(any_api, path):
    assert any_api.code(path, {}) == 60009


def test_known_but_not_emulated_api_is_an_error_not_a_fake_success(any_api, monkeypatch):
    missing = [e for e in endpoints.ENDPOINTS if services.lookup(e.name) is None]
    if missing:
        name = missing[0].name
    else:  # every row is emulated: take one away for this test
        name = CHECK
        monkeypatch.delitem(services._REGISTRY, name)
    doc = any_api.call(name, {})
    assert doc["ActionStatus"] == "FAIL"
    assert doc["ErrorCode"] == 60009
    assert "not implemented by the timctl emulator" in doc["ErrorInfo"]


@pytest.mark.parametrize(("sdkappid", "code"), [
    (None, 60012), ("", 60012), ("abc", 60006), ("-1", 60006), ("1400000999", 70020),
])
def test_sdkappid_checks(any_api, sdkappid, code):
    assert any_api.code(IMPORT, {"UserID": "alice"}, sdkappid=sdkappid) == code


def test_unknown_app_is_reported_before_the_signature(any_api):
    assert any_api.code(IMPORT, {"UserID": "a"}, sdkappid=1400000999, usersig="junk") == 70020


@pytest.mark.parametrize("query", [
    {"random": None}, {"random": "abc"}, {"random": "-1"}, {"random": "4294967296"},
    {"contenttype": None}, {"contenttype": "xml"}, {"contenttype": "JSON"},
    {"identifier": None}, {"usersig": None},
])
def test_bad_common_parameters_are_60002(any_api, query):
    assert any_api.code(IMPORT, {"UserID": "alice"}, **query) == 60002


def test_random_accepts_the_whole_uint32_range(any_api):
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}, random=0) == 0
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}, random=4294967295) == 0


def test_empty_usersig_is_70002(any_api):
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig="") == 70002


def test_garbage_usersig_is_70003(any_api):
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig="not-a-sig") == 70003


def test_flipped_character_in_a_real_sig_is_refused(any_api):
    sig = any_api.sig()
    i = len(sig) // 2
    flipped = sig[:i] + ("A" if sig[i] != "A" else "B") + sig[i + 1:]
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig=flipped) in (70003, 70009)
    assert any_api.imported("alice") == {"alice": False}


def _tamper(sig: str, **changes: object) -> str:
    """Re-encode a sig with changed fields but the old HMAC."""
    std = sig.replace("*", "+").replace("-", "/").replace("_", "=")
    doc = json.loads(zlib.decompress(base64.b64decode(std)))
    doc.update(changes)
    raw = base64.b64encode(zlib.compress(json.dumps(doc).encode())).decode()
    return raw.replace("+", "*").replace("/", "-").replace("=", "_")


def test_edited_sig_fails_the_hmac_70009(any_api):
    sig = _tamper(any_api.sig(), **{"TLS.expire": 10 * 365 * DAY})
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig=sig) == 70009


def test_sig_made_with_another_key_is_70009(any_api):
    sig = any_api.signed(key="0" * 64)
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig=sig) == 70009


def test_sig_made_for_another_sdkappid_is_70014(any_api, store):
    other = ensure_app(store, 1400000002)
    sig = any_api.signed(sdkappid=other.sdkappid, key=other.secret_key)
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig=sig) == 70014


def test_sig_made_for_another_user_is_70013(any_api):
    sig = any_api.signed("alice")
    assert any_api.code(IMPORT, {"UserID": "bob"}, usersig=sig) == 70013


def test_sig_issued_200_days_ago_has_expired(any_api, clock):
    sig = any_api.signed(issued_at=clock.now - 200 * DAY, expire=180 * DAY)
    assert any_api.code(IMPORT, {"UserID": "alice"}, usersig=sig) == 70001


def test_sig_expires_on_the_app_clock(any_api, clock):
    sig = any_api.signed(expire=3600)
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}, usersig=sig) == 0
    clock.advance(3601)
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}, usersig=sig) == 70001


def test_kick_invalidates_sigs_issued_before_it(any_api, clock):
    old = any_api.signed(issued_at=clock.now)
    clock.advance(10)
    assert any_api.code("im_open_login_svc/kick", {"UserID": "administrator"},
                        usersig=old) == 0
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}, usersig=old) == 70001
    fresh = any_api.signed(issued_at=clock.now + 1)
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}, usersig=fresh) == 0


@pytest.mark.parametrize(("name", "body", "code"), [
    (IMPORT, {"UserID": "x"}, 70403),
    ("openim/query_online_status", {"To_Account": ["alice"]}, 90009),
    ("profile/portrait_get", {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]},
     40004),
])
def test_non_admin_identifier_gets_the_service_admin_code(any_api, name, body, code):
    any_api.import_users("alice")
    doc = any_api.call(name, body, identifier="alice")  # a valid sig, but not an App Admin
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", code)
    assert any_api.imported("x") == {"x": False}


@pytest.mark.parametrize(("service", "admin", "param", "bad_json", "display"), [
    ("im_open_login_svc", 70403, 70402, 60003, False),
    ("openim", 90009, 90003, 90001, False),
    ("profile", 40004, 40001, 40001, True),
    ("im_msg_audit_mgr", 60010, 60002, 60003, False),  # no package answers it: the gateway's
])
def test_each_service_package_declares_its_spec(service, admin, param, bad_json, display):
    spec = services.spec(service)
    assert (spec.admin_code, spec.param_code, spec.bad_json_code, spec.error_display) == (
        admin, param, bad_json, display)


def test_added_admin_may_call(any_api, store):
    ensure_app(store, any_api.info.sdkappid, admin="ops")
    assert any_api.code(IMPORT, {"UserID": "alice"}, identifier="ops") == 0


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_body_must_be_a_json_object(any_api, body):
    assert any_api.code(IMPORT, body) == 60003


def test_openim_reports_bad_json_as_90001(any_api):
    doc = any_api.call("openim/query_online_status", b"{oops")
    assert doc["ErrorCode"] == 90001
    assert doc["ErrorInfo"] == "Fail to Parse json data of body, Please check it"


def test_auth_is_checked_before_the_body(any_api):
    any_api.import_users("alice")
    assert any_api.code(IMPORT, b"{oops", identifier="alice") == 70403


def test_error_display_only_where_documented(any_api):
    any_api.import_users("alice")
    profile = any_api.call("profile/portrait_get",
                           {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert profile["ErrorDisplay"] == ""
    assert "ErrorDisplay" not in any_api.call(CHECK, {"CheckItem": [{"UserID": "alice"}]})


def test_legacy_paths_answer_as_their_endpoint(any_api):
    any_api.import_users("alice")
    legacy = any_api.ok("/v4/openim/querystate", {"To_Account": ["alice", "ghost"]})
    current = any_api.ok("openim/query_online_status", {"To_Account": ["alice", "ghost"]})
    assert legacy == current
    assert any_api.code("/v4/openim/querystate", b"{oops") == 90001  # openim's own codes


class TestHandlerBugs:
    """A bug in a handler answers 70500 in one line; tracebacks only where asked for."""

    BUG = "internal server error (timctl emulator bug: KeyError: 'x')"

    @pytest.fixture
    def buggy(self, monkeypatch):
        def handler(ctx, body):  # writes, then fails: the write must not survive
            accounts.import_account(ctx.db, ctx.sdkappid, "half-done", ctx.now)
            raise KeyError("x")

        services.lookup(CHECK)  # load the registry before patching it
        monkeypatch.setitem(services._REGISTRY, CHECK, handler)

    def test_answers_70500_naming_the_exception_without_a_traceback(
            self, buggy, store, faults, clock, api_for, info, capfd, caplog):
        api = api_for(EmulatorApp(store, faults, clock), info)
        doc = api.call(CHECK, {"CheckItem": [{"UserID": "a"}]})
        assert doc == {"ActionStatus": "FAIL", "ErrorCode": 70500, "ErrorInfo": self.BUG}
        with store.tx() as db:
            assert not accounts.exists(db, info.sdkappid, "half-done")
        assert capfd.readouterr().err == "" and caplog.records == []

    @pytest.mark.parametrize("how", ["log_errors", "TIMCTL_DEBUG"])
    def test_logs_the_traceback_when_asked(self, buggy, store, faults, clock, api_for, info,
                                           caplog, monkeypatch, how):
        if how == "TIMCTL_DEBUG":
            monkeypatch.setenv("TIMCTL_DEBUG", "1")
        emu = EmulatorApp(store, faults, clock, log_errors=how == "log_errors")
        assert api_for(emu, info).code(CHECK, {"CheckItem": [{"UserID": "a"}]}) == 70500
        [record] = caplog.records
        assert record.exc_info is not None and record.exc_info[0] is KeyError

    def test_debug_re_raises(self, buggy, api):
        with pytest.raises(KeyError):
            api.call(CHECK, {"CheckItem": [{"UserID": "a"}]})
