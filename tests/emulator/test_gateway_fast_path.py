"""The gateway's fast paths (issue 11: speed) answer as the slow ones did: the server's own
request-head parser, the query parser, the cached app row and the lock-free fault checks."""

from __future__ import annotations

import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, quote

import pytest

from timctl.emulator import apps
from timctl.emulator.app import parse_query

CHECK = "im_open_login_svc/account_check"
BODY = json.dumps({"CheckItem": [{"UserID": "a"}]}).encode()


def _exchange(port: int, data: bytes, *, until_close: bool = True) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if not until_close and b"\r\n\r\n" in b"".join(chunks):
                break
    return b"".join(chunks)


def _post(api, *, version: str = "HTTP/1.1", extra: str = "") -> bytes:
    target = api.url(CHECK).split("127.0.0.1", 1)[1].split("/", 1)[1]
    return (f"POST /{target} {version}\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(BODY)}\r\n{extra}\r\n").encode() + BODY


@pytest.mark.parametrize("query", [
    "a=1&b=&c", "a=1&a=2", "x=%41+b&y=1", "", "&&a=1&", "sig=eJyr*f-a_b", "a%3D=b=c", "=v",
    "k=+", "k=%E4%BD%A0", "k=%zz",
])
def test_parse_query_is_parse_qs(query):
    assert parse_query(query) == parse_qs(query, keep_blank_values=True)


def test_a_percent_encoded_usersig_still_authenticates(any_api):
    sig = any_api.sig()
    assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]},
                        usersig=quote(sig, safe="")) == 0


class TestRequestHead:
    def test_header_names_in_any_case_and_folded_lines(self, http_emu, http_api):
        port = http_emu.server.server_port
        request = _post(http_api, extra="X-Long: one\r\n  two\r\n").replace(
            b"Content-Length", b"content-LENGTH")
        answer = _exchange(port, request + b"GET /_emulator/health HTTP/1.1\r\n"
                                           b"Connection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 OK") and b'"ErrorCode":0' in answer
        assert answer.count(b"HTTP/1.1 200 OK") == 2

    def test_http_1_0_keep_alive_is_honoured_as_the_stdlib_does(self, http_emu, http_api):
        port = http_emu.server.server_port
        answer = _exchange(port, _post(http_api, version="HTTP/1.0",
                                       extra="Connection: keep-alive\r\n") +
                           b"GET /_emulator/health HTTP/1.0\r\n\r\n")
        assert answer.count(b"HTTP/1.1 200 OK") == 2
        assert answer.count(b"Connection: close") == 1  # only the second closes

    def test_expect_100_continue_gets_a_continue_first(self, http_emu, http_api):
        answer = _exchange(http_emu.server.server_port,
                           _post(http_api, extra="Expect: 100-continue\r\nConnection: close\r\n"))
        assert answer.startswith(b"HTTP/1.1 100 Continue\r\n")
        assert b"HTTP/1.1 200 OK" in answer and b'"ErrorCode":0' in answer

    def test_too_many_headers_is_431(self, http_emu):
        many = "".join(f"X-H{i}: v\r\n" for i in range(101))
        answer = _exchange(http_emu.server.server_port,
                           f"GET /_emulator/health HTTP/1.1\r\n{many}\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 431 ")

    @pytest.mark.parametrize(("line", "code"), [
        (b"GARBAGE", b"400"), (b"GET / HTTP/9.9", b"505"), (b"GET / HTTP/1.1 extra", b"400"),
        (b"GET / HTTP/x.y", b"400")])
    def test_odd_request_lines_get_the_standard_answers(self, http_emu, line, code):
        # http.server's own error page (without a status line where it took the request
        # for HTTP/0.9)
        answer = _exchange(http_emu.server.server_port, line + b"\r\n\r\n")
        assert b"Error code: " + code in answer


class TestCachedAppRow:
    def test_a_new_secret_key_refuses_old_sigs_at_once(self, any_api, store, info):
        assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}) == 0
        apps.ensure_app(store, info.sdkappid, secret_key="f" * 64)
        assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}) == 70009

    def test_a_kick_between_calls_is_seen_by_the_next_call(self, any_api, clock):
        any_api.import_users("bob")
        clock.advance(5)
        assert any_api.code("im_open_login_svc/kick", {"UserID": "administrator"}) == 0
        clock.advance(5)  # the admin's sig was issued before the kick
        assert any_api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}) == 70001


def test_faults_set_while_requests_run_are_taken_exactly(api, faults):
    """The unlocked look at a counter never loses or doubles a fault."""
    faults.rate_limit = False
    go = threading.Event()

    def worker(_: int) -> list[int]:
        go.wait()
        return [api.code(CHECK, {"CheckItem": [{"UserID": "a"}]}) for _ in range(25)]

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(worker, n) for n in range(8)]
        faults.fail_next = 30
        go.set()
        codes = [c for f in futures for c in f.result()]
    assert codes.count(faults.fail_code) == 30 and codes.count(0) == 170
