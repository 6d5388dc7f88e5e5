"""The bulk runner: many items through one batch endpoint, concurrently, resumably.

    summary = BulkRunner(client, spec, build_body, ...).run(items, on_outcome)

Items arrive as a stream (good items and lines already found bad); good ones are chunked to
the endpoint's batch maximum (`batch_size` may lower it), chunks run on worker threads sharing
the client's rate limiter, and every item's outcome is handed to `on_outcome` in the calling
thread as its chunk finishes. The calls in flight follow what keeps the documented rate busy:
rate x the time a call takes (the client measures both, and the rate drops on throttle
answers), at most `concurrency`; only those chunks are in memory.

A checkpoint file (JSON lines, appended and flushed per chunk) records each chunk as started
and as done; a run started again with the same file and input skips the chunks recorded done,
and reports an `unsafe` endpoint's chunk that started but never finished as unknown rather
than sending it twice. `stop()` (the CLI calls it on Ctrl-C) ends the run gracefully: no new
chunk is sent, the chunks in flight finish and their outcomes are reported, and the summary
says it was interrupted. A KeyboardInterrupt (a second Ctrl-C) still ends it at once.

A chunk that failed as a whole for a transient reason after all the client's attempts (no
answer, timeouts, throttling) is not failed at once on a `safe` or `dedup` endpoint: it goes
again after the other chunks, up to ROUNDS passes in all, with the very body it was sent with
(a dedup endpoint's MsgRandom included, so the server drops it if an earlier pass landed).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from timctl import exit_codes
from timctl.endpoints import Endpoint
from timctl.errors import ApiError, NetworkError, OutcomeUnknown
from timctl.rest.checkpoint import Checkpoint, fingerprint
from timctl.rest.results import item_results

if TYPE_CHECKING:
    from concurrent.futures import Future

Status = Literal["ok", "failed", "skipped", "unknown"]


@dataclass(frozen=True)
class Outcome:
    item: Any  # the Record (or BadLine, when skipped)
    status: Status
    code: int = 0
    info: str = ""
    row: dict[str, Any] | None = None  # the API's per-item result, when there is one


@dataclass
class Summary:
    done: int = 0
    failed: int = 0
    skipped: int = 0
    unknown: int = 0
    resumed: int = 0  # items in chunks a checkpoint recorded as done: not sent again
    calls: int = 0
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0
    interrupted: bool = False
    codes: dict[int, int] = field(default_factory=dict)  # failure ErrorCode -> items

    @property
    def total(self) -> int:
        return self.done + self.failed + self.skipped + self.unknown + self.resumed

    def count(self, outcome: Outcome) -> None:
        if outcome.status == "ok":
            self.done += 1
        elif outcome.status == "failed":
            self.failed += 1
            self.codes[outcome.code] = self.codes.get(outcome.code, 0) + 1
        elif outcome.status == "skipped":
            self.skipped += 1
        else:
            self.unknown += 1

    def line(self) -> str:
        rate = self.calls / self.elapsed if self.elapsed > 0 else 0.0
        parts = [f"{self.done} done", f"{self.failed} failed", f"{self.skipped} skipped"]
        if self.unknown:
            parts.append(f"{self.unknown} unknown")
        if self.resumed:
            parts.append(f"{self.resumed} already done (checkpoint)")
        text = (", ".join(parts) + f" in {self.elapsed:.1f} s ({self.calls} calls, "
                f"{rate:.1f} calls/s)")
        if self.codes:  # the most common reasons first
            top = sorted(self.codes.items(), key=lambda kv: -kv[1])[:3]
            text += "; failures by code: " + ", ".join(
                f"{code if code >= 0 else 'other'} x{n}" for code, n in top)
        return text

    def exit_code(self) -> int:
        if self.interrupted:
            return exit_codes.INTERRUPTED
        bad = self.failed + self.skipped + self.unknown
        if not bad:
            return exit_codes.OK
        if self.done + self.resumed == 0:
            return exit_codes.UNKNOWN if self.unknown == bad else exit_codes.API
        return exit_codes.PARTIAL


def _takes_hooks(client: Any) -> bool:
    """Whether client.call takes on_send= and cancelled= (Client does; a caller's wrapper of
    it may not)."""
    import inspect

    try:
        params = inspect.signature(client.call).parameters.values()
    except (AttributeError, TypeError, ValueError):
        return False
    return any(p.name == "cancelled" or p.kind is p.VAR_KEYWORD for p in params)


BodyBuilder = Callable[[list[Any]], dict[str, Any]]
Chunk = tuple[int, list[Any]]  # (index in the input, items)
# A chunk whose every attempt met a transient failure (no answer, timeouts, throttling) goes
# again after the others, up to this many passes in all, ROUND_PAUSE x pass seconds later.
ROUNDS = 3
ROUND_PAUSE = 1.0
# At most this many chunks wait for a later round (a long outage fails the rest instead of
# holding the whole input in memory).
LATER_MAX = 256
MAX_IN_FLIGHT = 64  # calls in flight when the caller sets no bound (the HTTP pool's size)
FIRST_IN_FLIGHT = 4  # calls in flight before the first answers say how long calls take


class BulkRunner:
    def __init__(self, client: Any, endpoint: Endpoint, build: BodyBuilder, *,
                 batch_size: int | None = None, concurrency: int | None = None,
                 checkpoint: Checkpoint | None = None) -> None:
        self.client = client
        self.endpoint = endpoint
        self.build = build
        limit = endpoint.batch_max or 1
        self.batch_size = max(1, min(batch_size or limit, limit))
        # chunks that must land in input order (import_group_msg) run one at a time
        ordered = endpoint.batch is not None and endpoint.batch.ordered
        self.concurrency = 1 if ordered else max(1, concurrency or MAX_IN_FLIGHT)
        self.checkpoint = checkpoint
        self.summary = Summary()
        self.max_in_flight = 0  # the most calls in flight at once (for reports and tests)
        # bodies of chunks waiting for a later round, by chunk index: sent again unchanged
        self._bodies: dict[int, dict[str, Any]] = {}
        self._deferred = 0  # chunks of this pass waiting for a later round
        self._hooks = _takes_hooks(client)
        # called once a chunk's outcomes were all handed over (the CLI flushes its rows then,
        # not after every row: a flush per row costs a syscall and a GIL handover each)
        self.on_settled: Callable[[], None] | None = None
        self._calls_lock = threading.Lock()
        self._stop = threading.Event()

    def in_flight(self) -> int:
        """Calls to keep in flight now: enough to keep the rate busy, within `concurrency`."""
        wanted = getattr(self.client, "wanted_in_flight", None)
        n = wanted(self.endpoint, self.batch_size) if wanted is not None else None
        return max(1, min(self.concurrency, n if n is not None else FIRST_IN_FLIGHT))

    def stop(self) -> None:
        """Send no further chunk; those in flight finish (safe to call from a signal)."""
        self._stop.set()

    # ------------------------------------------------------------------ the run

    def run(self, items: Iterable[Any], on_outcome: Callable[[Outcome], None]) -> Summary:
        summary = self.summary
        chunks: Iterator[Chunk] = self._chunks(items, summary, on_outcome)
        try:
            for round_ in range(ROUNDS):
                later = self._pass(chunks, on_outcome, final=round_ == ROUNDS - 1)
                if not later or self._stop.is_set():
                    break
                # chunks whose every attempt met a transient failure: once more, later
                time.sleep(ROUND_PAUSE * (round_ + 1))
                chunks = iter(later)
        except KeyboardInterrupt:
            summary.interrupted = True
            raise
        finally:
            summary.interrupted = summary.interrupted or self._stop.is_set()
            summary.elapsed = time.monotonic() - summary.started
            if self.checkpoint is not None:
                self.checkpoint.close()
        return summary

    def _pass(self, chunks: Iterator[Chunk], on_outcome: Callable[[Outcome], None], *,
              final: bool) -> list[Chunk]:
        """Run `chunks`; the ones to try again in a later round come back."""
        self._deferred = 0
        first = next(chunks, None)
        if first is None:
            return []
        second = next(chunks, None)
        if second is None:  # one call: no pool, no thread (the common one-ID command)
            return self._settle(first, self._run_chunk(*first, final=final), on_outcome)
        return self._run_pool(itertools.chain((first, second), chunks), on_outcome, final)

    def _settle(self, chunk: Chunk, outcomes: list[Outcome] | None,
                on_outcome: Callable[[Outcome], None]) -> list[Chunk]:
        if outcomes is None:
            return [chunk]
        for outcome in outcomes:
            self.summary.count(outcome)
            on_outcome(outcome)
        if self.on_settled is not None:
            self.on_settled()
        return []

    def _run_pool(self, chunks: Iterable[Chunk], on_outcome: Callable[[Outcome], None],
                  final: bool) -> list[Chunk]:
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        pending: dict[Future[list[Outcome] | None], Chunk] = {}
        later: list[Chunk] = []
        # threads start only as the window needs them
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="timctl-bulk")

        def drain(block: bool) -> None:
            if not pending:
                return
            finished, _ = wait(pending, timeout=None if block else 0,
                               return_when=FIRST_COMPLETED)
            for fut in finished:
                later.extend(self._settle(pending.pop(fut), fut.result(), on_outcome))

        try:
            for chunk in chunks:
                if self._stop.is_set():
                    break
                while len(pending) >= self.in_flight():
                    drain(block=True)
                pending[pool.submit(self._run_chunk, *chunk, final=final)] = chunk
                self.max_in_flight = max(self.max_in_flight, len(pending))
                drain(block=False)
            while pending:
                drain(block=True)
        except KeyboardInterrupt:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            for fut, chunk in pending.items():  # chunks already sent: their outcomes count
                if fut.done() and not fut.cancelled():
                    outcomes = fut.result()
                    self._settle(chunk, outcomes or self._all(
                        chunk[1], "failed", -1, "interrupted before it could be retried"),
                        on_outcome)
            raise
        finally:
            pool.shutdown(wait=True)
        return later

    def _chunks(self, items: Iterable[Any], summary: Summary,
                on_outcome: Callable[[Outcome], None]) -> Iterator[Chunk]:
        """Chunks of good items, numbered the same way on every run of the same input; bad
        lines are reported as skipped on the way."""
        chunk: list[Any] = []
        index = 0
        for item in items:
            if not hasattr(item, "key"):
                outcome = Outcome(item, "skipped", -1, item.reason)
                summary.count(outcome)
                on_outcome(outcome)
                continue
            chunk.append(item)
            if len(chunk) == self.batch_size:
                yield from self._unless_done(index, chunk, summary, on_outcome)
                chunk, index = [], index + 1
        if chunk:
            yield from self._unless_done(index, chunk, summary, on_outcome)

    def _unless_done(self, index: int, chunk: list[Any], summary: Summary,
                     on_outcome: Callable[[Outcome], None]) -> Iterator[Chunk]:
        """Skip a chunk the checkpoint recorded done (same items); its failures, as
        recorded, are reported again so the run's record stays whole."""
        cp = self.checkpoint
        if cp is None or index not in cp.done:
            yield index, chunk
            return
        event = cp.done[index]
        if event.get("fp") != fingerprint([i.key for i in chunk]):
            yield index, chunk  # the input changed under the checkpoint: send it
            return
        bad = {where: (status, code, info) for where, status, code, info in event.get("bad", [])}
        for item in chunk:
            if item.where in bad:
                status, code, info = bad[item.where]
                outcome = Outcome(item, status, code, info)
                summary.count(outcome)
                on_outcome(outcome)
            else:
                summary.resumed += 1

    # ------------------------------------------------------------------ one chunk

    def _run_chunk(self, index: int, chunk: list[Any], *, final: bool = True
                   ) -> list[Outcome] | None:
        """The chunk's outcomes, or None: it met only transient failures, and this is not
        the final round, so it goes again later (not recorded done)."""
        keys = [item.key for item in chunk]
        fp = fingerprint(keys)
        cp = self.checkpoint
        if (cp is not None and index in cp.started and index not in cp.done
                and self.endpoint.retry == "unsafe"):
            # sent by a run that was killed before it heard back: never twice
            return self._all(chunk, "unknown", -1, "sent by an interrupted run; its "
                             "outcome is unknown and it was not re-sent")
        outcomes, transient = self._call(index, chunk, keys, fp)
        stopping = self._stop.is_set()
        if transient and not final and not stopping and self.endpoint.retry in ("safe",
                                                                                "dedup"):
            with self._calls_lock:
                defer = self._deferred < LATER_MAX
                self._deferred += defer
            if defer:
                return None
        with self._calls_lock:
            self._bodies.pop(index, None)
        if cp is not None and not (transient and stopping):
            cp.finish(index, fp, outcomes)  # (cut short by a stop: the next run sends it)
        return outcomes

    def _call(self, index: int, chunk: list[Any], keys: list[str], fp: str
              ) -> tuple[list[Outcome], bool]:
        """(outcomes, whether the chunk failed as a whole for a transient reason)."""
        cp = self.checkpoint
        hooks: dict[str, Any] = {}
        if self._hooks:
            # recorded started when it leaves, not while it waits for a slot: a killed run's
            # chunks still waiting were never sent, and are sent by the next run
            hooks["cancelled"] = self._stop.is_set
            if cp is not None:
                hooks["on_send"] = lambda: cp.start(index, fp)
        elif cp is not None:  # a client wrapper without the hooks: started before the call
            cp.start(index, fp)
        with self._calls_lock:
            self.summary.calls += 1
            body = self._bodies.get(index)
        if body is None:
            body = self.client.prepare(self.endpoint, self.build(chunk))
            if self.endpoint.retry in ("safe", "dedup"):  # kept until the chunk settles
                with self._calls_lock:
                    self._bodies[index] = body
        try:
            resp = self.client.call(self.endpoint, body, **hooks)
        except ApiError as exc:
            if exc.exit_code == exit_codes.AUTH:
                raise  # the admin identity was refused: no item can succeed, stop the run
            if self.endpoint.batch and self.endpoint.batch.result in exc.response:
                # "every item failed" answers still carry the per-item results
                results = item_results(self.endpoint, exc.response, keys)
                if any(not r.ok for r in results):
                    return [Outcome(item, "ok" if r.ok else "failed",
                                    r.code if not r.ok or r.code else 0,
                                    r.info or (exc.info if not r.ok else ""), r.row)
                            for item, r in zip(chunk, results, strict=True)], False
            transient = exc.transient or exc.throttled
            return self._all(chunk, "failed", exc.code, exc.meaning or exc.info), transient
        except OutcomeUnknown as exc:
            return self._all(chunk, "unknown", -1, str(exc)), False
        except NetworkError as exc:
            return self._all(chunk, "failed", -1, str(exc)), True
        # ConfigError, UsageError: a problem of the whole run, not of these items: it stops
        results = item_results(self.endpoint, resp, keys)
        return [Outcome(item, "ok" if r.ok else "failed", r.code, r.info, r.row)
                for item, r in zip(chunk, results, strict=True)], False

    @staticmethod
    def _all(chunk: list[Any], status: Status, code: int, info: str) -> list[Outcome]:
        return [Outcome(item, status, code, info) for item in chunk]
