"""The client's pace: AIMD on throttle answers, recovery, and the calls in flight that keep the
documented rate busy at any latency. Fake clocks, no sleeping; the runner's window is checked
against a client double that blocks like a slow server."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.test_client import OK, Script, client, fail
from timctl.cli.records import Record
from timctl.endpoints import Batch, Dedup, Endpoint
from timctl.errors import ApiError
from timctl.rest import ratelimit, retry
from timctl.rest.bulk import FIRST_IN_FLIGHT, BulkRunner
from timctl.rest.client import RATE_HEADROOM
from timctl.rest.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:  # a sleeping caller lets the time pass
        self.slept.append(seconds)
        self.now += seconds


def limiter() -> tuple[RateLimiter, Clock]:
    clock = Clock()
    return RateLimiter(clock=clock, sleep=clock.sleep), clock


def spacing(lim: RateLimiter, clock: Clock, key: str = "k", rate: float = 100) -> float:
    """Seconds between two calls in a row at the limiter's current pace."""
    lim.wait(key, rate)
    before = clock.now
    lim.wait(key, rate)
    return clock.now - before


# ------------------------------------------------------------------ AIMD


def test_a_throttle_answer_halves_the_pace_and_it_recovers_linearly() -> None:
    lim, clock = limiter()
    assert spacing(lim, clock) == pytest.approx(0.01)
    assert lim.throttled("k", sent=clock.now)
    cut = clock.now
    assert lim.share("k") == pytest.approx(0.5)
    assert spacing(lim, clock) == pytest.approx(0.02, rel=0.05)  # half the calls per second
    clock.now = cut + ratelimit.RECOVERY / 4  # a quarter of the way: +0.25
    assert lim.share("k") == pytest.approx(0.75)
    clock.now += ratelimit.RECOVERY
    assert lim.share("k") == 1.0  # never above the ceiling
    assert spacing(lim, clock) == pytest.approx(0.01)


def test_answers_to_calls_sent_before_the_cut_count_once() -> None:
    """Eight calls in flight all come back 60007: one halving, not 1/256."""
    lim, clock = limiter()
    sent = [clock.now + i * 0.01 for i in range(8)]
    clock.now = 0.1
    cuts = [lim.throttled("k", sent=s) for s in sent]
    assert cuts == [True] + [False] * 7
    assert lim.share("k") == pytest.approx(0.5)
    clock.now = 0.2  # a call sent after the cut is throttled too: the pace halves again
    assert lim.throttled("k", sent=0.15)
    assert lim.share("k") == pytest.approx((0.5 + 0.1 / ratelimit.RECOVERY) / 2)


def test_the_pace_never_drops_below_the_floor_and_keys_are_apart() -> None:
    lim, clock = limiter()
    for _ in range(20):
        clock.now += 0.001
        lim.throttled("k", sent=clock.now)
    assert lim.share("k") == pytest.approx(ratelimit.FLOOR, rel=0.05)
    assert lim.share("other") == 1.0
    assert spacing(lim, clock, "other") == pytest.approx(0.01)


def test_a_throttle_answer_pushes_the_next_slot_back() -> None:
    lim, clock = limiter()
    lim.wait("k", 100)
    lim.throttled("k", sent=clock.now)
    assert lim.wait("k", 100) == pytest.approx(1 / 50)  # one slot at the halved pace


def test_items_metered_pace_and_in_flight() -> None:
    lim, clock = limiter()
    lim.wait("send", 200, cost=500)  # 500 recipients at 200/s
    assert lim.wait("send", 200, cost=500) == pytest.approx(2.5)
    lim.observe("send", 0.2)
    assert lim.in_flight("send", 200, cost=500) == 3  # 0.4 calls/s x 0.2 s: one, plus two


# ------------------------------------------------------------------ calls in flight


def test_calls_in_flight_follow_rate_times_latency() -> None:
    lim, _ = limiter()
    assert lim.in_flight("k", 95) is None  # nothing observed yet
    lim.observe("k", 0.05)
    assert lim.in_flight("k", 95) == 10  # 95/s x 50 ms = 4.75, x 1.5 headroom, + 2
    for _ in range(40):  # latency rises to 200 ms: the average follows
        lim.observe("k", 0.2)
    assert lim.in_flight("k", 95) == 31
    lim.throttled("k")
    assert lim.in_flight("k", 95) == 17  # half the pace needs half the calls
    assert lim.in_flight("k", 0) is None  # no rate to fill


def test_client_measures_busy_time_without_the_waits_for_a_slot() -> None:
    from timctl.endpoints import get

    ep = get("im_open_login_svc/multiaccount_import")
    assert ep is not None
    c, _ = client(Script(OK), limiter=RateLimiter(sleep=lambda s: None))
    assert c.wanted_in_flight(ep, 100) is None
    c.call(ep, {"AccountList": [{"UserID": "a"}]})
    assert c.wanted_in_flight(ep, 100) == 3  # a call of ~ms at 95 calls/s: one, plus two
    assert ep.rate * RATE_HEADROOM == pytest.approx(95)


# ------------------------------------------------------------------ the client on throttling


def test_throttle_answers_slow_the_pace_without_spending_attempts() -> None:
    server = Script(*[fail(60007)] * 6, OK)
    lim, clock = limiter()
    c, slept = client(server, max_attempts=1, limiter=lim)
    assert c.call(Endpoint("svc", "create", "x"), {})["ErrorCode"] == 0  # unsafe, 1 attempt
    assert len(server.received) == 7 and len(slept) == 6
    assert lim.share("svc/create") < 1.0


def test_endless_throttling_ends_after_throttle_retries() -> None:
    server = Script(fail(60007))
    lim, _ = limiter()
    c, _ = client(server, max_attempts=2, limiter=lim)
    with pytest.raises(ApiError) as exc:
        c.call(Endpoint("svc", "read", "x", retry="safe"), {})
    assert exc.value.code == 60007
    assert len(server.received) == retry.THROTTLE_RETRIES + 1


def test_http_429_is_throttling_for_the_limiter_too() -> None:
    server = Script((429, {}), (429, {}), OK)
    lim, _ = limiter()
    c, _ = client(server, max_attempts=1, limiter=lim)
    assert c.call(Endpoint("svc", "create", "x"), {})["ErrorCode"] == 0
    assert lim.share("svc/create") < 1.0


# ------------------------------------------------------------------ the runner's window


BATCH = Endpoint("svc", "add", "x", retry="safe", batch=Batch("Items", 10))


class SlowClient:
    """A server that answers once `full` calls are in flight (or after 1 s): counts calls in
    flight; says how many it wants."""

    def __init__(self, wanted: int | None, full: int) -> None:
        self.wanted = wanted
        self.full = full
        self.lock = threading.Condition()
        self.now = self.most = self.calls = 0
        self.opened = False

    def wanted_in_flight(self, ep: Any, items: int) -> int | None:
        return self.wanted

    def prepare(self, ep: Any, body: dict[str, Any]) -> dict[str, Any]:
        return body

    def call(self, ep: Any, body: dict[str, Any], **hooks: Any) -> dict[str, Any]:
        with self.lock:
            self.now += 1
            self.calls += 1
            self.most = max(self.most, self.now)
            self.opened = self.opened or self.now >= self.full
            self.lock.notify_all()
            self.lock.wait_for(lambda: self.opened, timeout=1)
        time.sleep(0.001)
        with self.lock:
            self.now -= 1
        return {"ErrorCode": 0}


def items(n: int) -> list[Record]:
    return [Record("-", i, f"u{i}") for i in range(1, n + 1)]


@pytest.mark.parametrize(("wanted", "cap", "most"), [
    (None, None, FIRST_IN_FLIGHT),  # before any answer: a few
    (12, None, 12),  # what the pace needs
    (12, 5, 5),  # never beyond --concurrency
    (200, None, 64),  # nor beyond the HTTP pool
])
def test_runner_keeps_the_wanted_calls_in_flight(wanted: int | None, cap: int | None,
                                                 most: int) -> None:
    fake = SlowClient(wanted, most)
    runner = BulkRunner(fake, BATCH, lambda chunk: {"Items": [i.key for i in chunk]},
                        concurrency=cap)
    summary = runner.run(items(10 * most), lambda o: None)
    assert summary.done == 10 * most and fake.calls == most
    assert fake.most == most and runner.max_in_flight == most


def test_a_later_round_resends_the_very_same_body() -> None:
    """A dedup chunk whose attempts all lost their answers goes again in a later round with
    the MsgRandom it first had: the server drops it if an earlier pass landed."""
    from tests.test_client import LOST

    ep = Endpoint("svc", "fanout", "x", retry="dedup", dedup=Dedup("MsgRandom", 120),
                  batch=Batch("To_Account", 10))
    server = Script(LOST, LOST, OK)
    c, _ = client(server, max_attempts=1)
    summary = BulkRunner(c, ep, lambda chunk: {"To_Account": [i.key for i in chunk]}).run(
        items(3), lambda o: None)
    assert summary.done == 3
    assert len(server.received) == 3
    assert len({body["MsgRandom"] for body in server.received}) == 1


def test_at_most_later_max_chunks_wait_for_a_later_round(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An outage does not pile the whole input up for later rounds: beyond LATER_MAX chunks,
    a chunk that met only transient failures fails at once."""
    from timctl.errors import NetworkError

    monkeypatch.setattr("timctl.rest.bulk.LATER_MAX", 2)
    monkeypatch.setattr("timctl.rest.bulk.ROUND_PAUSE", 0)

    class Down(SlowClient):
        def call(self, ep: Any, body: dict[str, Any], **hooks: Any) -> dict[str, Any]:
            with self.lock:
                self.calls += 1
            raise NetworkError("svc/add: cannot reach the server")

    down = Down(3, 0)
    summary = BulkRunner(down, BATCH, lambda chunk: {"Items": [i.key for i in chunk]}).run(
        items(50), lambda o: None)
    assert summary.failed == 50
    assert down.calls == 5 + 2 + 2  # rounds 2 and 3 send only the 2 deferred chunks


def test_a_chunk_killed_while_waiting_for_its_slot_was_never_started(tmp_path: Any) -> None:
    """The checkpoint records a chunk started when it leaves, not while it waits for the
    pace: after a kill, an unsafe endpoint's chunks that never left are sent by the next run
    instead of being reported unknown."""
    from timctl.rest.bulk import Checkpoint

    unsafe = Endpoint("svc", "create", "x", batch=Batch("Items", 10))
    assert unsafe.retry == "unsafe"

    class KilledInLine(RateLimiter):
        def __init__(self) -> None:
            super().__init__(sleep=lambda s: None)
            self.waits = 0

        def wait(self, key: str, rate: float, cost: float = 1.0) -> float:
            self.waits += 1
            if self.waits == 3:
                raise SystemExit("killed while waiting for a slot")
            return super().wait(key, rate, cost)

    def build(chunk: list[Any]) -> dict[str, Any]:
        return {"Items": [i.key for i in chunk]}

    path = str(tmp_path / "c.ckpt")
    server = Script(OK)
    c, _ = client(server, limiter=KilledInLine())
    with pytest.raises(SystemExit):
        BulkRunner(c, unsafe, build, concurrency=1, checkpoint=Checkpoint(path, unsafe.name)
                   ).run(items(40), lambda o: None)
    assert len(server.received) == 2
    cp = Checkpoint(path, unsafe.name)
    assert cp.started == {0, 1} and set(cp.done) == {0, 1}
    c, _ = client(server, limiter=RateLimiter(sleep=lambda s: None))
    summary = BulkRunner(c, unsafe, build, concurrency=1, checkpoint=cp).run(
        items(40), lambda o: None)
    assert (summary.resumed, summary.done, summary.unknown) == (20, 20, 0)
    assert [b["Items"][0] for b in server.received] == ["u1", "u11", "u21", "u31"]


def test_ctrl_c_cuts_a_throttled_chunk_short_and_leaves_it_for_the_next_run(
        tmp_path: Any) -> None:
    """A stop does not wait out minutes of throttle retries: the chunk in flight is reported
    failed (60007) at once and is not recorded done, so a resumed run sends it."""
    from timctl.rest.bulk import Checkpoint

    ep = Endpoint("svc", "add", "x", retry="safe", batch=Batch("Items", 10))
    runner: list[BulkRunner] = []

    class StopOnSecondTry(RateLimiter):
        waits = 0

        def wait(self, key: str, rate: float, cost: float = 1.0) -> float:
            self.waits += 1
            if self.waits == 2:
                runner[0].stop()  # Ctrl-C while the chunk backs off
            return 0.0

    path = str(tmp_path / "t.ckpt")
    server = Script(fail(60007))
    c, _ = client(server, limiter=StopOnSecondTry())
    runner.append(BulkRunner(c, ep, lambda chunk: {"Items": [i.key for i in chunk]},
                             checkpoint=Checkpoint(path, ep.name)))
    summary = runner[0].run(items(10), lambda o: None)
    assert len(server.received) == 2  # not 1 + THROTTLE_RETRIES
    assert summary.interrupted and summary.failed == 10 and summary.codes == {60007: 10}
    cp = Checkpoint(path, ep.name)
    assert cp.started == {0} and not cp.done


def test_a_client_wrapper_without_the_hooks_still_works_and_records_starts(
        tmp_path: Any) -> None:
    """Commands may wrap the client (push batch notes TaskIds) with call(name, body) only: the
    runner then records a chunk started before calling, as it must for unsafe endpoints."""
    from timctl.rest.bulk import Checkpoint

    class Wrapper:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def call(self, name: Any, body: dict[str, Any] | None = None) -> Any:
            return self.inner.call(name, body)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    unsafe = Endpoint("svc", "create", "x", batch=Batch("Items", 10))
    path = str(tmp_path / "w.ckpt")
    c, _ = client(Script(OK), limiter=RateLimiter(sleep=lambda s: None))
    summary = BulkRunner(Wrapper(c), unsafe, lambda chunk: {"Items": [i.key for i in chunk]},
                         checkpoint=Checkpoint(path, unsafe.name)).run(items(20), lambda o: None)
    assert summary.done == 20
    cp = Checkpoint(path, unsafe.name)
    assert cp.started == {0, 1} and set(cp.done) == {0, 1}
