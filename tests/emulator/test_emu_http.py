"""The emulator served over real HTTP on 127.0.0.1 (threaded wsgiref server, port 0)."""

from __future__ import annotations

import socket
import time

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
                                                 http_api_for):
        server = serve_http(emu, log_requests=True)
        api = http_api_for(server, info)
        api.ok(CHECK, BODY)
        err = capfd.readouterr().err
        assert "POST /v4/im_open_login_svc/account_check 200" in err
        assert api.sig() not in err and "usersig" not in err

    def test_quiet_by_default(self, http_api, capfd):
        http_api.ok(CHECK, BODY)
        http_api.post(CHECK, BODY, method="GET")
        assert capfd.readouterr().err == ""


def _raw(port: int, request: bytes) -> bytes:
    """Send raw bytes on one fresh connection to 127.0.0.1 and read until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class TestKeepAlive:
    def test_many_requests_reuse_one_connection(self, http_api, http_emu, faults):
        faults.rate_limit = False
        for i in range(200):
            assert http_api.code(CHECK, BODY) == 0, i
        http_api.control("faults")
        assert http_emu.server.connections_accepted == 1

    def test_every_answer_has_a_content_length(self, http_emu, http_api, faults):
        faults.http_status_next = 1
        for resp in (http_api.post(CHECK, BODY), http_api.post(CHECK, BODY),
                     http_api.control("nope"), http_api.control("faults")):
            assert int(resp.headers["Content-Length"]) == len(resp.content)
        assert http_emu.server.connections_accepted == 1

    def test_connection_close_is_honoured(self, http_emu, http_api):
        port = http_emu.server.server_port
        request = (b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n"
                   b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = _raw(port, request)  # returns: the server closed after the second
        assert answer.count(b"HTTP/1.1 200 OK") == 2
        assert answer.count(b"Connection: close") == 1

    def test_http_1_0_closes_after_one_answer(self, http_emu):
        answer = _raw(http_emu.server.server_port, b"GET /_emulator/health HTTP/1.0\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in answer

    def test_chunked_bodies_are_refused_and_closed(self, http_emu):
        answer = _raw(http_emu.server.server_port,
                      b"POST /v4/a/b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 411 ") and b"Content-Length: " in answer

    def test_a_lost_response_closes_only_that_connection(self, http_api, http_emu, faults):
        http_api.ok(CHECK, BODY)
        faults.lose_response_next = 1
        with pytest.raises(requests.exceptions.ConnectionError):
            http_api.post("im_open_login_svc/multiaccount_import", {"Accounts": ["l1", "l2"]})
        assert http_api.imported("l1", "l2") == {"l1": True, "l2": True}  # committed
        assert http_emu.server.connections_accepted == 2  # a new one after the loss

    def test_stop_is_fast_with_idle_keep_alive_connections(self, emu, info, serve_http,
                                                            http_api_for):
        server = serve_http(emu)
        sessions = [server.session() for _ in range(3)]
        for session in sessions:
            api = http_api_for(server, info)
            api.session = session
            api.ok(CHECK, BODY)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        assert not server.thread.is_alive()


def test_request_log_is_written_before_the_answer(emu, info, serve_http, capfd,
                                                  http_api_for):
    server = serve_http(emu, log_requests=True)
    api = http_api_for(server, info)
    emu.faults.rate_limit = False
    for i in range(30):  # the race showed about 1 run in 12
        api.ok(CHECK, BODY)
        err = capfd.readouterr().err
        assert err.endswith("POST /v4/im_open_login_svc/account_check 200\n"), (i, err)
