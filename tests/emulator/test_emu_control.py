"""The control API's callers (loopback only, or anyone with the token) and the call stats.

Non-loopback peers are simulated by calling the WSGI app with another REMOTE_ADDR: no
traffic ever goes to a non-loopback address."""

from __future__ import annotations

import json

import pytest

from timctl import endpoints
from timctl.emulator import stats
from timctl.emulator.app import EmulatorApp

CHECK = "im_open_login_svc/account_check"
IMPORT = "im_open_login_svc/account_import"
BODY = {"CheckItem": [{"UserID": "a"}]}


class TestCallers:
    @pytest.mark.parametrize("remote", ["10.0.0.5", "192.168.1.20", "2001:db8::1", "junk"])
    def test_non_loopback_peers_are_refused(self, emu, call_wsgi, remote):
        for method, name in (("GET", "faults"), ("POST", "faults"), ("GET", "stats"),
                             ("POST", "reset"), ("POST", "online")):
            status, _, body = call_wsgi(emu, method, f"/_emulator/{name}", b"{}", remote=remote)
            assert status == 403, (method, name)
            assert "loopback" in json.loads(body)["error"]
        assert emu.faults.fail_next == 0

    @pytest.mark.parametrize("remote", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1",
                                        None])
    def test_loopback_and_in_process_callers_are_served(self, emu, call_wsgi, remote):
        status, _, _ = call_wsgi(emu, "POST", "/_emulator/faults", b'{"fail_next": 1}',
                            remote=remote)
        assert status == 200 and emu.faults.fail_next == 1

    def test_with_a_token_anyone_with_it_is_served_and_nobody_without(self, store, faults,
                                                                      clock, call_wsgi):
        emu = EmulatorApp(store, faults, clock, control_token="s3cret")
        good = {"Authorization": "Bearer s3cret"}
        status, _, _ = call_wsgi(emu, "POST", "/_emulator/faults", b'{"fail_next": 2}',
                            remote="10.0.0.5", headers=good)
        assert status == 200 and faults.fail_next == 2
        for remote in ("10.0.0.5", "127.0.0.1"):
            for headers in ({}, {"Authorization": "Bearer wrong"},
                            {"Authorization": "s3cret"}):
                status, hdrs, _ = call_wsgi(emu, "GET", "/_emulator/faults", remote=remote,
                                       headers=headers)
                assert status == 401 and hdrs["WWW-Authenticate"] == "Bearer"

    def test_the_rest_api_is_never_refused_for_the_peer(self, emu, call_wsgi):
        status, _, body = call_wsgi(emu, "POST", "/v4/" + CHECK, b"{}", remote="10.0.0.5")
        assert status == 200 and json.loads(body)["ErrorCode"] == 60012  # auth, not 403

    def test_over_http_with_the_token(self, store, info, faults, clock, serve_http,
                                      http_api_for):
        api = http_api_for(serve_http(EmulatorApp(store, faults, clock, control_token="tok")),
                           info)
        assert api.control("faults").status_code == 401
        assert api.control("faults", {"fail_next": 1}, token="tok").status_code == 200
        assert api.code(CHECK, BODY) == 70169


class TestStats:
    def test_counts_per_endpoint_and_error_code(self, api, faults):
        api.ok(IMPORT, {"UserID": "alice"})
        api.ok(IMPORT, {"UserID": "bob"})
        assert api.code(IMPORT, {}) == 70402
        api.ok(CHECK, BODY)
        faults.fail_next = 1
        assert api.code(CHECK, BODY) == 70169
        assert api.control("stats").json() == {"total": 5, "endpoints": {
            IMPORT: {"calls": 3, "codes": {"0": 2, "70402": 1}},
            CHECK: {"calls": 2, "codes": {"0": 1, "70169": 1}},
        }}

    def test_refusals_by_auth_routing_and_rate_limit_count_too(self, api, emu):
        assert api.code(CHECK, BODY, usersig="junk") == 70003
        assert api.code(CHECK, BODY, identifier="nobody") == 70403
        assert api.code("/v4/im_open_login_svc/nope", {}) == 60009
        assert api.code("/v4/x", {}) == 60002
        rate = int(endpoints.get(CHECK).rate)
        codes = [api.code(CHECK, BODY) for _ in range(rate + 1)]
        assert codes[-1] == 60007
        doc = api.control("stats").json()
        assert doc["endpoints"][CHECK]["codes"]["60007"] == 1
        assert doc["endpoints"][CHECK]["codes"]["70003"] == 1
        assert doc["endpoints"][CHECK]["codes"]["70403"] == 1
        assert doc["endpoints"]["im_open_login_svc/nope"] == {"calls": 1,
                                                              "codes": {"60009": 1}}
        assert doc["endpoints"]["/v4/x"] == {"calls": 1, "codes": {"60002": 1}}

    def test_legacy_paths_count_under_the_endpoint_name(self, api):
        api.import_users("a1")
        doc = api.ok("/v4/openim/querystate", {"To_Account": ["a1"]})
        assert doc["QueryResult"] == [{"To_Account": "a1", "Status": "Offline"}]
        counted = api.control("stats").json()["endpoints"]
        assert counted["openim/query_online_status"] == {"calls": 1, "codes": {"0": 1}}
        assert "openim/querystate" not in counted

    def test_transport_faults_are_not_calls(self, api, faults):
        faults.http_status_next = 1
        assert api.post(CHECK, BODY).status_code == 502
        assert api.control("stats").json()["total"] == 0

    def test_post_returns_the_counts_and_zeroes_them(self, api):
        api.ok(CHECK, BODY)
        assert api.control("stats", {}).json()["total"] == 1
        assert api.control("stats").json() == {"total": 0, "endpoints": {}}

    def test_rows_for_the_cli(self, api, store):
        api.ok(CHECK, BODY)
        api.ok(CHECK, BODY)
        with store.tx() as db:
            assert stats.rows(db) == [{"endpoint": CHECK, "ErrorCode": 0, "calls": 2}]
