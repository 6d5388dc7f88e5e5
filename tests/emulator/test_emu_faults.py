"""Injected faults and the documented per-endpoint rate limit, in-process; the control API."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from timctl import endpoints
from timctl.emulator.apps import ensure_app
from timctl.emulator.faults import Faults

CHECK = "im_open_login_svc/account_check"
IMPORT = "im_open_login_svc/account_import"
BODY = {"CheckItem": [{"UserID": "a"}]}


def test_fail_next_fails_exactly_n_then_recovers(api, faults):
    faults.fail_next = 2
    assert [api.code(CHECK, BODY) for _ in range(3)] == [70169, 70169, 0]
    assert faults.fail_next == 0


def test_injected_error_is_a_documented_envelope_and_changes_nothing(api, faults):
    faults.fail_next, faults.fail_code = 1, 70500
    doc = api.call(IMPORT, {"UserID": "alice"})
    assert (doc["ActionStatus"], doc["ErrorCode"]) == ("FAIL", 70500)
    assert api.imported("alice") == {"alice": False}


def test_auth_failures_do_not_consume_fail_next(api, faults):
    faults.fail_next = 1
    assert api.code(CHECK, BODY, usersig="junk") == 70003
    assert api.code(CHECK, BODY) == 70169


def test_fail_rate(api, faults):
    faults.fail_rate = 1.0
    assert api.code(CHECK, BODY) == 70169
    faults.fail_rate = 0.0
    assert api.code(CHECK, BODY) == 0


def test_drop_raises_connection_error_in_process(api, faults):
    faults.drop_next = 1
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post(IMPORT, {"UserID": "alice"})
    assert api.code(CHECK, BODY) == 0
    faults.drop_rate = 1.0
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post(CHECK, BODY)


def test_http_status_next_answers_non_json(api, faults):
    faults.http_status_next, faults.http_status = 1, 503
    resp = api.post(CHECK, BODY)
    assert resp.status_code == 503
    with pytest.raises(ValueError):
        resp.json()
    assert api.code(CHECK, BODY) == 0


def test_latency_delays_and_times_out(api, faults):
    faults.latency = 0.15
    started = time.monotonic()
    assert api.code(CHECK, BODY) == 0
    assert time.monotonic() - started >= 0.15
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post(CHECK, BODY, timeout=0.05)


def test_rate_limit_per_endpoint_per_app_in_a_sliding_second(api, clock, store, emu):
    rate = int(endpoints.get(CHECK).rate)
    assert [api.code(CHECK, BODY) for _ in range(rate)] == [0] * rate
    assert api.code(CHECK, BODY) == 60007
    assert api.code(IMPORT, {"UserID": "alice"}) == 0  # other endpoints have their own
    other = ensure_app(store, 1400000002)
    other_api = api.__class__(api.session, api.base, other)
    assert other_api.code(CHECK, BODY) == 0  # and so do other apps
    clock.advance(1.01)
    assert api.code(CHECK, BODY) == 0


def test_rate_limit_can_be_switched_off(api, faults):
    faults.rate_limit = False
    rate = int(endpoints.get(CHECK).rate)
    assert {api.code(CHECK, BODY) for _ in range(rate + 5)} == {0}


def test_fail_next_is_exact_under_concurrency(api, faults):
    faults.rate_limit = False
    faults.fail_next = 10
    codes: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            code = api.code(CHECK, BODY)
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [0] * 70 + [70169] * 10


def test_faults_update_checks_names_types_and_ranges():
    f = Faults()
    f.update({"fail_next": 2, "latency": 0.5, "rate_limit": False})
    assert (f.fail_next, f.latency, f.rate_limit) == (2, 0.5, False)
    for bad in ({"nope": 1}, {"fail_next": "2"}, {"fail_next": 1.5}, {"fail_rate": 2},
                {"drop_rate": -0.1}, {"rate_limit": 1}, {"http_status": 42}):
        with pytest.raises(ValueError):
            f.update(bad)
    f.clear()
    assert f == Faults()


class TestControlApi:
    def test_get_and_post_faults(self, api, faults):
        assert api.control("faults").json() == Faults().to_dict()
        resp = api.control("faults", {"fail_next": 1, "fail_code": 70202})
        assert resp.status_code == 200
        assert resp.json()["fail_next"] == 1
        assert api.code(CHECK, BODY) == 70202
        api.control("faults", {"rate_limit": False, "fail_rate": 1.0})
        assert api.control("faults", {"clear": True}).json() == Faults().to_dict()
        assert api.code(CHECK, BODY) == 0

    def test_control_errors(self, api):
        assert api.control("faults", {"bogus": 1}).status_code == 400
        assert api.control("nope").status_code == 404
        assert api.control("online").status_code == 405
        assert api.control("online", {"UserID": "ghost", "Platform": "Web",
                                      "Status": "Online"}).status_code == 400

    def test_health_lists_apps_and_implemented_endpoints(self, api, info):
        doc = api.control("health").json()
        assert doc["ok"] is True
        assert info.sdkappid in doc["apps"]
        assert "secret" not in str(doc).lower()
        assert set(doc["implemented"]) >= {IMPORT, CHECK, "profile/portrait_get"}

    def test_reset_deletes_data_but_keeps_the_app(self, api):
        api.import_users("alice")
        assert api.control("reset", {}).status_code == 200
        assert api.imported("alice", "administrator") == {"alice": False,
                                                          "administrator": True}

    def test_control_is_never_under_v4_and_can_be_disabled(self, api, emu):
        assert api.code("/v4/_emulator/faults", {}) == 60009
        emu.control = False
        assert api.control("faults").json()["ErrorCode"] == 60002


def test_transport_faults_are_builtin_exceptions():
    from timctl.emulator.faults import Dropped, ResponseLost, TimedOut

    assert issubclass(Dropped, ConnectionResetError)
    assert issubclass(ResponseLost, ConnectionAbortedError)
    assert issubclass(TimedOut, TimeoutError)


class TestLostResponse:
    def test_the_write_is_committed_but_no_answer_comes(self, api, faults):
        faults.lose_response_next = 1
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post("im_open_login_svc/multiaccount_import", {"Accounts": ["lost1", "lost2"]})
        assert faults.lose_response_next == 0
        assert api.imported("lost1", "lost2") == {"lost1": True, "lost2": True}

    def test_a_lost_call_is_counted(self, api, faults):
        faults.lose_response_next = 1
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post(CHECK, BODY)
        assert api.control("stats").json()["endpoints"][CHECK] == {"calls": 1,
                                                                   "codes": {"0": 1}}

    def test_a_dropped_call_is_not_processed(self, api, faults):
        faults.drop_next = 1
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post(IMPORT, {"UserID": "never"})
        assert api.imported("never") == {"never": False}

    def test_rate(self, api, faults):
        faults.lose_response_rate = 1.0
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post(IMPORT, {"UserID": "x"})
        faults.lose_response_rate = 0.0
        assert api.imported("x") == {"x": True}


class TestSeed:
    def _run(self, faults: Faults) -> list[tuple[bool, bool, int | None, float]]:
        return [(faults.take_drop(), faults.take_lose_response(), faults.take_error(),
                 faults.delay()) for _ in range(200)]

    def test_the_same_seed_makes_the_same_decisions(self):
        settings = {"fail_rate": 0.3, "drop_rate": 0.2, "lose_response_rate": 0.1,
                    "latency": 0.01, "jitter": 0.005, "seed": 42}
        first = self._run(Faults(**settings))
        assert first == self._run(Faults(**settings))
        assert first != self._run(Faults(**{**settings, "seed": 43}))
        assert any(d for d, _, _, _ in first) and any(c for _, _, c, _ in first)

    def test_setting_the_seed_restarts_the_sequence(self):
        f = Faults(fail_rate=0.5, seed=7)
        first = [f.take_error() for _ in range(50)]
        f.update({"seed": 7})
        assert [f.take_error() for _ in range(50)] == first
        f.seed = 7  # as tests set fields directly
        assert [f.take_error() for _ in range(50)] == first

    def test_over_the_api_runs_are_reproducible(self, api, faults):
        faults.rate_limit = False
        api.control("faults", {"fail_rate": 0.5, "seed": 1234})
        first = [api.code(CHECK, BODY) for _ in range(30)]
        api.control("faults", {"seed": 1234})
        assert [api.code(CHECK, BODY) for _ in range(30)] == first
        assert set(first) == {0, 70169}


def test_jitter_spreads_latency_around_its_value():
    f = Faults(latency=0.1, jitter=0.05, seed=1)
    delays = [f.delay() for _ in range(500)]
    assert min(delays) >= 0.05 and max(delays) <= 0.15
    assert max(delays) - min(delays) > 0.08
    assert Faults(jitter=0.2, seed=1).delay() >= 0  # never negative
    assert Faults().delay() == 0


def test_fault_keys_are_the_serve_flags():
    from timctl.cli.emulator_cmd import serve

    flags = {o.name for o in serve.params} & set(Faults().to_dict())
    assert flags == set(Faults().to_dict()) == {
        "fail_rate", "fail_code", "fail_next", "latency", "jitter", "drop_rate", "drop_next",
        "lose_response_rate", "lose_response_next", "http_status_next", "http_status",
        "rate_limit", "seed"}
    for name in flags:
        option = next(o for o in serve.params if o.name == name)
        assert f"--{name.replace('_', '-')}" in option.opts


@pytest.mark.parametrize(("values", "message"), [
    ({"fail_rate": 1.5}, "fail_rate must be between 0 and 1, got 1.5"),
    ({"latency": float("nan")}, "latency must be a finite number, got nan"),
    ({"jitter": float("inf")}, "jitter must be a finite number, got inf"),
    ({"latency": -1}, "latency must be 0 or more, got -1"),
    ({"seed": 1.5}, "seed must be an integer, got 1.5"),
    ({"fail_code": 0}, "fail_code must be a non-zero ErrorCode, got 0"),
])
def test_fault_values_are_checked(values, message):
    with pytest.raises(ValueError) as caught:
        Faults().update(values)
    assert str(caught.value) == message


def test_rate_limiter_meters_items_where_the_docs_count_items():
    from timctl.emulator.ratelimit import RateLimiter

    limiter = RateLimiter()
    key = (1, "openim/batchsendmsg")
    assert limiter.allow(key, 12000, 60, 0.0, cost=500)
    assert [limiter.allow(key, 12000, 60, 1.0, cost=500) for _ in range(24)].count(True) == 23
    assert not limiter.allow(key, 12000, 60, 59.9, cost=1)
    assert limiter.allow(key, 12000, 60, 60.0, cost=500)  # the first call left the window
    assert limiter.allow((1, "other"), 1, 1, 0.0, cost=1000)  # one call always fits
