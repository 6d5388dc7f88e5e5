"""The emulator served over real HTTP on 127.0.0.1 (threaded wsgiref server, port 0)."""

from __future__ import annotations

import pytest
import requests

IMPORT = "im_open_login_svc/account_import"
CHECK = "im_open_login_svc/account_check"
BODY = {"CheckItem": [{"UserID": "a"}]}


class TestOverHttp:
    def test_calls_answer_http_200_json(self, http_api):
        resp = http_api.post(IMPORT, {"UserID": "alice", "Nick": "Älice"})
        assert resp.status_code == 200
        assert resp.json() == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
        doc = http_api.ok("profile/portrait_get",
                          {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]})
        assert doc["UserProfileItem"][0]["ProfileItem"][0]["Value"] == "Älice"

    def test_api_errors_are_still_http_200(self, http_api):
        http_api.import_users("alice")
        resp = http_api.post(IMPORT, {"UserID": "x"}, identifier="alice")
        assert resp.status_code == 200
        assert resp.json()["ErrorCode"] == 70403

    def test_drop_closes_the_connection_without_an_answer(self, http_api, faults):
        faults.drop_next = 1
        with pytest.raises(requests.exceptions.ConnectionError):
            http_api.post(IMPORT, {"UserID": "alice"})
        assert http_api.code(CHECK, BODY) == 0  # the server keeps serving

    def test_http_status_fault_is_a_non_json_answer(self, http_api, faults):
        faults.http_status_next = 2
        for _ in range(2):
            resp = http_api.post(CHECK, BODY)
            assert resp.status_code == 502
            assert not resp.headers["Content-Type"].startswith("application/json")
        assert http_api.code(CHECK, BODY) == 0

    def test_latency_beyond_the_client_timeout_is_a_timeout(self, http_api, faults):
        faults.latency = 0.3
        with pytest.raises(requests.exceptions.Timeout):
            http_api.post(CHECK, BODY, timeout=0.1)

    def test_faults_can_be_injected_at_runtime_over_http(self, http_api):
        assert http_api.control("faults", {"fail_next": 1}).status_code == 200
        assert http_api.code(CHECK, BODY) == 70169
        assert http_api.code(CHECK, BODY) == 0

    def test_request_log_never_shows_the_usersig(self, emu, info, serve_http, capfd,
                                                 api_for):
        server = serve_http(emu, log_requests=True)
        api = api_for(emu, info).__class__(server.session(), server.base, info)
        api.ok(CHECK, BODY)
        err = capfd.readouterr().err
        assert "POST /v4/im_open_login_svc/account_check 200" in err
        assert api.sig() not in err and "usersig" not in err

    def test_quiet_by_default(self, http_api, capfd):
        http_api.ok(CHECK, BODY)
        http_api.post(CHECK, BODY, method="GET")
        assert capfd.readouterr().err == ""
