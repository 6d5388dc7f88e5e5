"""The signed client: retries by class, dedup, gone codes, backoff, rate limit, envelope.

Retry decisions are tested against `Script`, a WSGI server that answers from a script and
records every request it received (what a server would have applied), so each test states
exactly what reached the server. Integration with the emulator is at the end.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import pytest

from timctl.endpoints import Batch, Dedup, Endpoint
from timctl.errors import ApiError, ConfigError, NetworkError, OutcomeUnknown, UsageError
from timctl.rest import retry
from timctl.rest.client import RATE_HEADROOM, Client, Credentials
from timctl.rest.ratelimit import RateLimiter
from timctl.rest.results import item_results
from timctl.rest.transport import HttpTransport, WsgiTransport

KEY = "k" * 64
SAFE = Endpoint("svc", "read", "a read", retry="safe")
UNSAFE = Endpoint("svc", "create", "a non-idempotent write", retry="unsafe")
DEDUP = Endpoint("svc", "send", "a send", retry="dedup", dedup=Dedup("MsgRandom", 120))
GONE = Endpoint("svc", "destroy", "an idempotent delete", retry="safe",
                gone_codes=frozenset({10010}), destructive=True)

# Script steps: what the server does with the Nth request.
OK = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
LOST = "lost"  # processed (recorded), then the connection drops: the answer is lost
REFUSED = "refused"  # never reached the server: not recorded


def fail(code: int) -> dict[str, Any]:
    return {"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": f"error {code}"}


class Script:
    """A WSGI server double: answers the Nth request with steps[N] (the last step repeats)."""

    def __init__(self, *steps: Any) -> None:
        self.steps = list(steps)
        self.received: list[dict[str, Any]] = []  # bodies that reached the server
        self.queries: list[dict[str, list[str]]] = []
        self.lock = threading.Lock()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        with self.lock:
            step = self.steps[min(self.calls, len(self.steps) - 1)]
            self.calls += 1
            if step == REFUSED:
                raise ConnectionRefusedError("connection refused")
            body = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
            self.received.append(body)
            self.queries.append(parse_qs(environ["QUERY_STRING"]))
        if step == LOST:
            raise ConnectionAbortedError("connection lost after processing")
        if isinstance(step, tuple):  # (HTTP status, headers)
            start_response(f"{step[0]} X", list(step[1].items()))
            return [b"<html>busy</html>"]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(step).encode()]


def client(server: Any, **kw: Any) -> tuple[Client, list[float]]:
    slept: list[float] = []
    kw.setdefault("max_attempts", 5)
    c = Client(WsgiTransport(server), Credentials(1400000001, "administrator", KEY),
               base_url="http://test.invalid", sleep=slept.append, **kw)
    return c, slept


# ------------------------------------------------------------------ retry classes


def test_lost_answer_on_a_safe_endpoint_is_retried() -> None:
    server = Script(LOST, OK)
    c, _ = client(server)
    resp = c.call(SAFE, {"a": 1})
    assert resp["ErrorCode"] == 0 and resp.attempts == 2 and resp.maybe_repeated
    assert server.received == [{"a": 1}, {"a": 1}]


def test_lost_answer_on_an_unsafe_endpoint_is_never_resent() -> None:
    server = Script(LOST, OK)
    c, _ = client(server)
    with pytest.raises(OutcomeUnknown) as exc:
        c.call(UNSAFE, {"a": 1})
    assert len(server.received) == 1  # applied once, never twice
    assert exc.value.exit_code == 8
    assert "may have been applied" in str(exc.value)


def test_connect_failure_is_retried_even_for_unsafe_endpoints() -> None:
    server = Script(REFUSED, OK)
    c, _ = client(server)
    resp = c.call(UNSAFE, {"a": 1})
    assert resp["ErrorCode"] == 0 and not resp.maybe_repeated
    assert server.received == [{"a": 1}]


def test_throttling_is_retried_even_for_unsafe_endpoints() -> None:
    server = Script(fail(60007), fail(60011), OK)
    c, slept = client(server)
    assert c.call(UNSAFE, {})["ErrorCode"] == 0
    assert len(server.received) == 3 and len(slept) == 2


def test_transient_code_is_retried_only_when_safe() -> None:
    server = Script(fail(70169), OK)
    c, _ = client(server)
    assert c.call(SAFE, {})["ErrorCode"] == 0

    server = Script(fail(70169), OK)
    c, _ = client(server)
    with pytest.raises(ApiError) as exc:
        c.call(UNSAFE, {})
    assert exc.value.code == 70169 and len(server.received) == 1
    assert "may have been applied" in str(exc.value)


def test_internal_error_70500_is_never_retried() -> None:
    server = Script(fail(70500), OK)
    c, _ = client(server)
    with pytest.raises(ApiError) as exc:
        c.call(SAFE, {})
    assert exc.value.code == 70500 and len(server.received) == 1


def test_expired_admin_usersig_is_signed_anew_once() -> None:
    server = Script(fail(70001), OK)
    c, slept = client(server)
    assert c.call(UNSAFE, {})["ErrorCode"] == 0 and slept == [0]

    server = Script(fail(70001))
    c, _ = client(server)
    with pytest.raises(ApiError) as exc:
        c.call(SAFE, {})
    assert exc.value.code == 70001 and exc.value.exit_code == 4
    assert len(server.received) == 2  # one fresh signature, not five attempts


def test_http_5xx_is_ambiguous_and_429_is_throttling() -> None:
    server = Script((502, {}), OK)
    c, _ = client(server)
    assert c.call(SAFE, {})["ErrorCode"] == 0
    server = Script((502, {}), OK)
    c, _ = client(server)
    with pytest.raises(OutcomeUnknown):
        c.call(UNSAFE, {})
    server = Script((429, {"Retry-After": "2"}), OK)
    c, slept = client(server)
    assert c.call(UNSAFE, {})["ErrorCode"] == 0 and slept == [2.0]


def test_retry_after_is_capped() -> None:
    assert retry.backoff(1, 3600) == retry.RETRY_AFTER_CAP
    assert retry.parse_retry_after("nan") is None and retry.parse_retry_after("-1") is None


def test_gives_up_after_max_attempts_with_a_network_error() -> None:
    server = Script(LOST)
    c, slept = client(server, max_attempts=3)
    with pytest.raises(NetworkError) as exc:
        c.call(SAFE, {})
    assert len(server.received) == 3 and len(slept) == 2
    assert "no answer" in str(exc.value) and "after 3 attempts" in str(exc.value)


def test_backoff_grows_and_is_capped() -> None:
    assert all(0 <= retry.backoff(1) <= retry.BACKOFF_BASE for _ in range(50))
    assert all(retry.backoff(30) <= retry.BACKOFF_CAP for _ in range(50))


# ------------------------------------------------------------------ dedup and gone codes


class DedupServer(Script):
    """Stores a send once per MsgRandom, as the server does within its dedup window."""

    def __init__(self, *steps: Any) -> None:
        super().__init__(*steps)
        self.stored: dict[int, dict[str, Any]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        def record(status: str, headers: list[tuple[str, str]]) -> None:
            start_response(status, headers)

        try:
            return super().__call__(environ, record)
        finally:
            body = self.received[-1]
            self.stored.setdefault(body["MsgRandom"], body)


def test_dedup_field_is_filled_once_and_kept_across_retries() -> None:
    server = DedupServer(LOST, LOST, OK)
    c, _ = client(server)
    resp = c.call(DEDUP, {"To_Account": "bob", "Text": "hi"})
    assert resp["ErrorCode"] == 0
    randoms = {b["MsgRandom"] for b in server.received}
    assert len(server.received) == 3 and len(randoms) == 1  # one value, three attempts
    assert len(server.stored) == 1  # the server kept the message once
    assert 0 < randoms.pop() < 2**32


def test_dedup_field_given_by_the_caller_is_kept() -> None:
    server = DedupServer(LOST, OK)
    c, _ = client(server)
    c.call(DEDUP, {"MsgRandom": 42})
    assert [b["MsgRandom"] for b in server.received] == [42, 42]


def test_gone_code_after_a_lost_answer_counts_as_done() -> None:
    server = Script(LOST, fail(10010))
    c, _ = client(server)
    resp = c.call(GONE, {"GroupId": "g1"})
    assert resp.already_done and resp["ErrorCode"] == 10010


def test_gone_code_on_a_first_attempt_is_an_error() -> None:
    server = Script(fail(10010))
    c, _ = client(server)
    with pytest.raises(ApiError) as exc:
        c.call(GONE, {"GroupId": "g1"})
    assert exc.value.code == 10010


def test_per_item_gone_code_counts_as_done_only_on_a_retry() -> None:
    ep = Endpoint("svc", "del", "delete many", retry="safe", gone_codes=frozenset({70107}),
                  batch=Batch("DeleteItem", 100, item_key="UserID", result="ResultItem",
                              result_key="UserID"))
    answer = {**OK, "ResultItem": [{"UserID": "a", "ResultCode": 70107, "ResultInfo": "gone"},
                                   {"UserID": "b", "ResultCode": 0}]}
    c, _ = client(Script(LOST, answer))
    resp = c.call(ep, {"DeleteItem": [{"UserID": "a"}, {"UserID": "b"}]})
    assert [r.ok for r in item_results(ep, resp, ["a", "b"])] == [True, True]
    c, _ = client(Script(answer))
    resp = c.call(ep, {"DeleteItem": [{"UserID": "a"}, {"UserID": "b"}]})
    assert [(r.code, r.info) for r in item_results(ep, resp, ["a", "b"])] == [
        (70107, "gone"), (0, "")]


# ------------------------------------------------------------------ the request itself


def test_request_is_signed_for_the_admin() -> None:
    from timctl import usersig

    server = Script(OK)
    c, _ = client(server)
    c.call(SAFE, {})
    q = server.queries[0]
    assert q["sdkappid"] == ["1400000001"] and q["identifier"] == ["administrator"]
    assert q["contenttype"] == ["json"] and 0 <= int(q["random"][0]) < 2**32
    _, problem = usersig.verify(q["usersig"][0], secret_key=KEY, sdkappid=1400000001,
                                user_id="administrator")
    assert problem is None


def test_nan_in_a_body_is_refused_before_sending() -> None:
    server = Script(OK)
    c, _ = client(server)
    with pytest.raises(UsageError):
        c.call(SAFE, {"x": float("nan")})
    assert server.received == []


def test_unknown_endpoint_is_a_usage_error_unless_allowed() -> None:
    c, _ = client(Script(OK))
    with pytest.raises(UsageError):
        c.call("nosuch/thing", {})
    ep = c.resolve("nosuch/thing", allow_unknown=True)
    assert ep.adhoc and ep.retry == "unsafe"


def test_dry_run_preview_needs_neither_key_nor_transport() -> None:
    def no_key() -> str:
        raise ConfigError("no key")

    def no_transport() -> Any:
        raise AssertionError("transport opened")

    c = Client(no_transport, Credentials(1, "admin", no_key), base_url="https://x.invalid")
    p = c.preview("im_open_login_svc/kick", {"UserID": "x"})
    assert p["url"].startswith("https://x.invalid/v4/im_open_login_svc/kick?")
    assert "usersig=REDACTED" in p["url"] and p["body"] == {"UserID": "x"}


def test_secrets_never_in_reprs() -> None:
    creds = Credentials(1400000001, "administrator", KEY)
    c, _ = client(Script(OK))
    sig = c.admin_usersig()
    for text in (repr(creds), repr(c), repr(c.credentials), repr(HttpTransport("http://h"))):
        assert KEY not in text and sig not in text


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ConfigError):
        _ = Credentials(1, "admin", lambda: "").secret_key


def test_transport_is_created_once_under_concurrency() -> None:
    made: list[int] = []
    server = Script(OK)

    def factory() -> WsgiTransport:
        made.append(1)
        return WsgiTransport(server)

    c = Client(factory, Credentials(1400000001, "administrator", KEY), sleep=lambda s: None)
    threads = [threading.Thread(target=c.call, args=(SAFE, {})) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len(server.received) == 8


# ------------------------------------------------------------------ rate limiting


def test_rate_limiter_spaces_calls_per_key() -> None:
    now = [0.0]
    slept: list[float] = []
    limiter = RateLimiter(clock=lambda: now[0], sleep=slept.append)
    for _ in range(5):
        limiter.wait("a", 100)
    assert slept == pytest.approx([0.01, 0.02, 0.03, 0.04])
    assert limiter.wait("b", 100) == 0  # other endpoints have their own budget


def test_rate_limiter_meters_items_when_the_docs_count_items() -> None:
    limiter = RateLimiter(clock=lambda: 0.0, sleep=lambda s: None)
    limiter.wait("send", 200, cost=500)  # 500 recipients at 200/s
    assert limiter.wait("send", 200) == pytest.approx(2.5)


def test_items_metered_endpoint_costs_its_batch() -> None:
    ep = Endpoint("svc", "fanout", "x", rate=12000, rate_period=60, rate_unit="items",
                  retry="dedup", dedup=Dedup("MsgRandom", 120), batch=Batch("To_Account", 500))
    c, _ = client(Script(OK))
    assert c._rate(ep, {"To_Account": ["a"] * 500}) == (200.0 * RATE_HEADROOM, 500.0)


def test_rate_limiter_is_thread_safe() -> None:
    limiter = RateLimiter(clock=lambda: 0.0, sleep=lambda s: None)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            w = limiter.wait("x", 1000)
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 400 calls at 1000/s: every slot distinct, the last one 0.399 s out.
    assert sorted(round(w, 6) for w in waits) == [round(i / 1000, 6) for i in range(400)]


# ------------------------------------------------------------------ against the emulator


@pytest.fixture
def emulated(tmp_path):  # type: ignore[no-untyped-def]
    from timctl.emulator import open_app

    app, info = open_app(tmp_path / "c.db", sdkappid=1400000077)
    c = Client(WsgiTransport(app), Credentials(info.sdkappid, "administrator", info.secret_key),
               sleep=lambda s: None)
    yield app, c
    app.store.close()


def test_emulator_transient_fault_is_retried(emulated) -> None:  # type: ignore[no-untyped-def]
    app, c = emulated
    app.faults.fail_next = 2
    resp = c.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})
    assert resp["ErrorCode"] == 0 and resp.attempts == 3


def test_emulator_dropped_connection_is_retried(emulated) -> None:  # type: ignore[no-untyped-def]
    app, c = emulated
    app.faults.drop_next = 1
    assert c.call("im_open_login_svc/account_import", {"UserID": "u1"})["ErrorCode"] == 0


def test_emulator_non_transient_error_is_not_retried(emulated) -> None:  # type: ignore[no-untyped-def]
    _, c = emulated
    with pytest.raises(ApiError) as exc:
        c.call("im_open_login_svc/kick", {"UserID": "nobody"})
    assert exc.value.code == 70107 and exc.value.exit_code == 5


def test_unreachable_endpoint_is_a_network_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    c = Client(HttpTransport(url), Credentials(1400000001, "admin", KEY), base_url=url,
               max_attempts=2, sleep=lambda s: None)
    with pytest.raises(NetworkError) as exc:
        c.call("im_open_login_svc/account_check", {})
    assert f"cannot reach 127.0.0.1:{port}" in str(exc.value)
    assert "usersig" not in str(exc.value).lower() and "after 2 attempts" in str(exc.value)


def test_http_5xx_is_retried_over_http(served) -> None:  # type: ignore[no-untyped-def]
    served.app.faults.http_status_next = 1
    c = Client(HttpTransport(served.url), Credentials(served.sdkappid, served.admin,
                                                      served.secret_key),
               base_url=served.url, sleep=lambda s: None)
    resp = c.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})
    assert resp["ResultItem"][0]["AccountStatus"] == "NotImported" and resp.attempts == 2


def test_dedup_also_fields_are_filled_once() -> None:
    ep = Endpoint("svc", "send", "x", retry="dedup", dedup=Dedup("MsgRandom", 120,
                                                                 also=("MsgSeq",)))
    server = Script(LOST, OK)
    c, _ = client(server)
    c.call(ep, {"To_Account": "bob"})
    first, second = server.received
    assert first == second and first["MsgSeq"] > 0 and first["MsgRandom"] > 0


def test_per_item_ok_codes_other_than_zero() -> None:
    ep = Endpoint("svc", "add", "x", retry="safe",
                  batch=Batch("MemberList", 20, item_key="Member_Account", result="MemberList",
                              result_key="Member_Account", result_code="Result",
                              ok_codes=(1, 2, 3)))
    resp = {"MemberList": [{"Member_Account": "a", "Result": 1},
                           {"Member_Account": "b", "Result": 2},
                           {"Member_Account": "c", "Result": 0}]}
    assert [(r.ok, r.code, r.info) for r in item_results(ep, resp, ["a", "b", "c"])] == [
        (True, 0, ""), (True, 0, ""), (False, -1, "Result 0")]


def test_item_rows_come_from_the_data_field_or_the_whole_answer() -> None:
    ep = Endpoint("svc", "status", "x", retry="safe",
                  batch=Batch("To_Account", 500, result="ErrorList", result_key="To_Account",
                              result_code="ErrorCode", rows="QueryResult"))
    resp = {"QueryResult": [{"To_Account": "a", "Status": "Online"}],
            "ErrorList": [{"To_Account": "b", "ErrorCode": 70107}]}
    a, b = item_results(ep, resp, ["a", "b"])
    assert (a.ok, a.row) == (True, {"To_Account": "a", "Status": "Online"})
    assert (b.ok, b.code) == (False, 70107)
    one = Endpoint("svc", "get", "x", retry="safe")
    (only,) = item_results(one, {"ErrorCode": 0, "C2CmsgNospeakingTime": 5}, ["u"])
    assert only.ok and only.row == {"ErrorCode": 0, "C2CmsgNospeakingTime": 5}


def test_group_refusal_10007_is_an_api_error_and_10049_is_throttling() -> None:
    # 10007 answers any group refusal (type, role, non-member): exit 5, never "auth" (4)
    assert ApiError(10007, "no permission", "group_open_http_svc/add_group_member").exit_code == 5
    server = Script(fail(10049), OK)  # attribute writes over 5/s: refused, so retried
    c, _ = client(server)
    assert c.call(UNSAFE, {})["ErrorCode"] == 0 and len(server.received) == 2
