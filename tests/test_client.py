"""The signed client: retries, backoff, rate limiting, envelope, network failures."""

from __future__ import annotations

import socket
import threading

import pytest

from timctl.errors import ApiError, NetworkError, UsageError
from timctl.rest.client import Client, Credentials
from timctl.rest.ratelimit import RateLimiter


@pytest.fixture
def client_for(tmp_path):  # type: ignore[no-untyped-def]
    """An in-process emulator app and a Client wired to it through the transport adapter."""
    from timctl.emulator import open_app

    app, info = open_app(tmp_path / "c.db", sdkappid=1400000077)
    logs: list[str] = []

    def make(**kw):  # type: ignore[no-untyped-def]
        kw.setdefault("sleep", lambda s: None)
        c = Client(f"emulator:{tmp_path / 'c.db'}",
                   Credentials(info.sdkappid, "administrator", info.secret_key),
                   log=logs.append, verbosity=2, **kw)
        return c

    return app, make, logs


def test_transient_error_is_retried_then_succeeds(client_for) -> None:  # type: ignore[no-untyped-def]
    app, make, logs = client_for
    client = make(max_attempts=3)
    # The client opens its own app on the same DB; inject faults into that one.
    client.session.get_adapter("emulator://").app.faults.fail_next = 2
    resp = client.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})
    assert resp["ErrorCode"] == 0
    assert sum("retrying" in line for line in logs) == 2


def test_transient_error_gives_up_after_max_attempts(client_for) -> None:  # type: ignore[no-untyped-def]
    _, make, _ = client_for
    client = make(max_attempts=2)
    client.session.get_adapter("emulator://").app.faults.fail_next = 5
    with pytest.raises(ApiError) as exc:
        client.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})
    assert exc.value.code == 70169 and exc.value.retryable


def test_non_transient_error_is_not_retried(client_for) -> None:  # type: ignore[no-untyped-def]
    _, make, logs = client_for
    client = make(max_attempts=5)
    with pytest.raises(ApiError) as exc:
        client.call("im_open_login_svc/kick", {"UserID": "nobody"})
    assert exc.value.code == 70107
    assert "does not exist" in str(exc.value) or "not imported" in str(exc.value)
    assert not any("retrying" in line for line in logs)


def test_dropped_connection_is_retried(client_for) -> None:  # type: ignore[no-untyped-def]
    _, make, _ = client_for
    client = make(max_attempts=3)
    client.session.get_adapter("emulator://").app.faults.drop_next = 1
    assert client.call("im_open_login_svc/account_import", {"UserID": "u1"})["ErrorCode"] == 0


def test_unknown_endpoint_is_a_usage_error(client_for) -> None:  # type: ignore[no-untyped-def]
    _, make, _ = client_for
    with pytest.raises(UsageError):
        make().call("nosuch/thing", {})


def test_unreachable_endpoint_is_a_network_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = Client(f"http://127.0.0.1:{port}", Credentials(1400000001, "admin", "k" * 64),
                    max_attempts=2, sleep=lambda s: None)
    with pytest.raises(NetworkError) as exc:
        client.call("im_open_login_svc/account_check", {})
    assert "cannot reach 127.0.0.1" in str(exc.value)
    assert "usersig" not in str(exc.value).lower()


def test_http_5xx_is_retried_over_http(served) -> None:  # type: ignore[no-untyped-def]
    served.app.faults.http_status_next = 1
    client = Client(served.url, Credentials(served.sdkappid, served.admin, served.secret_key),
                    sleep=lambda s: None)
    resp = client.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})
    assert resp["ResultItem"][0]["AccountStatus"] == "NotImported"


def test_admin_usersig_is_reused_within_the_process(client_for) -> None:  # type: ignore[no-untyped-def]
    _, make, _ = client_for
    client = make()
    assert client.admin_usersig() == client.admin_usersig()


def test_preview_redacts_the_usersig(client_for) -> None:  # type: ignore[no-untyped-def]
    _, make, _ = client_for
    p = make().preview("im_open_login_svc/kick", {"UserID": "x"})
    assert "usersig=REDACTED" in p["url"] and p["body"] == {"UserID": "x"}


def test_rate_limiter_spaces_calls_per_key() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)

    limiter = RateLimiter(clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.wait("a", 100)
    assert slept == pytest.approx([0.01, 0.02, 0.03, 0.04])
    assert limiter.wait("b", 100) == 0  # other endpoints have their own budget


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
