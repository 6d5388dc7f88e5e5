"""The import plan and its run: what order.Index holds, sent phase by phase (docs/history.md).

    Importer(client, index, source, options, report).run() -> list[Phase]

1 users (multiaccount_import, then portrait_set), 2 groups (import_group), 3 members
(import_group_member, per group), 4 one-to-one messages (importmsg, time order), 5 group
messages (import_group_msg, 7 a call, in time order within each group, groups in parallel),
6 unread counts (set_unread_msg_num). Whole-list phases go through rest.bulk.BulkRunner;
group messages are sent here, one call at a time per group, because their per-message results
are positional and a group must stop at the first call whose outcome is unknown (a later call
would make the earlier messages impossible to import).

Pure of Click and of the emulator: `report(kind, text)` receives progress ("log") and failed
record lines ("failed", the raw line) for the caller to print or write.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from timctl import exit_codes
from timctl.errors import ApiError, NetworkError, OutcomeUnknown
from timctl.history.bodies import (
    C2C,
    GROUP,
    GROUP_MSG_MAX,
    GROUP_MSGS,
    GROUP_TAKEN,
    HISTORY,
    MEMBERS,
    PORTRAIT,
    UNREAD,
    USERS,
    Item,
    Options,
    Phase,
    c2c_body,
    group_body,
    group_msgs_body,
    members_body,
    portrait_body,
    unread_body,
    users_body,
)
from timctl.history.order import Index
from timctl.history.records import parse_line

Report = Callable[[str, str], None]


class Importer:
    def __init__(self, client: Any, index: Index, source: str, options: Options,
                 report: Report, now: int | None = None) -> None:
        self.client = client
        self.index = index
        self.source = source
        self.options = options
        self.report = report
        self.now = now if now is not None else int(time.time())
        self.lock = index.lock
        self.stopped = threading.Event()
        self._runners: set[Any] = set()
        self._last_tick = 0.0

    def stop(self) -> None:
        """No further call is started; calls in flight finish (safe from a signal handler)."""
        self.stopped.set()
        for runner in list(self._runners):
            runner.stop()

    # ------------------------------------------------------------------ the plan

    def plan(self) -> list[tuple[str, str, Iterator[Item], Callable[[list[Item]], Any]]]:
        """(phase, endpoint, pending items, body builder) of the whole-list phases."""
        out: list[tuple[str, str, Iterator[Item], Callable[[list[Item]], Any]]] = [
            ("users", USERS, self._items("users", self.index.users(), "id"),
             users_body)]
        if self.options.portrait_set:
            out.append(("profiles", PORTRAIT, self._items(
                "users", self.index.profiles(), "id"), portrait_body))
        out += [("groups", GROUP, self._items("groups", self.index.groups(), "id"),
                 group_body),
                ("c2c", C2C, self._items("c2c", self.index.c2c(), "from"),
                 lambda c: c2c_body(c, self.options.sync))]
        return out

    def _items(self, table: str, rows: Iterable[Any], key: str) -> Iterator[Item]:
        for line, raw, *extra in rows:
            rec = parse_line(raw, 2**62)  # checked when indexed; times were not in the future
            yield Item(table, line, raw, rec, self.source, str(rec.get(key, line)),
                       tuple(extra))

    # ------------------------------------------------------------------ bodies

    def first_requests(self) -> dict[str, Any]:
        """The first request of every phase, for --dry-run."""
        self.index.fold_marks()
        out: dict[str, Any] = {}
        for phase, endpoint, items, build in self.plan():
            first = next(items, None)
            if first is not None:
                out[phase] = self.client.preview(endpoint, build([first]))
        member = next(self._items("members", self.index.members(), "user"), None)
        if member is not None:
            out["members"] = self.client.preview(MEMBERS, members_body([member]))
        gid = next(iter(self.index.group_ids()), None)
        if gid is not None:
            msgs = list(itertools.islice(self._group_items(gid, 0), GROUP_MSG_MAX))
            out["group_msgs"] = self.client.preview(GROUP_MSGS, group_msgs_body(
                gid, msgs, self.options.recent_contact))
        unread = next(self._items("members", self.index.unread(), "user"), None)
        if unread is not None:
            out["unread"] = self.client.preview(UNREAD, unread_body(unread))
        return out

    # ------------------------------------------------------------------ the run

    def run(self) -> list[Phase]:
        self.index.fold_marks()
        phases: list[Phase] = []
        plan = self.plan()
        for name, endpoint, items, build in plan[:-1]:  # users, profiles, groups
            phases.append(self._bulk(name, endpoint, items, build,
                                     "groups" if endpoint == GROUP else "users",
                                     "done" if endpoint != PORTRAIT else "profile_done"))
        phases.append(self._per_group("members", MEMBERS, self.index.member_groups(),
                                      self._members_of))
        phases.append(self._bulk(*plan[-1], "c2c"))
        phases.append(self._per_group("group_msgs", GROUP_MSGS, self.index.group_ids(),
                                      self._messages_of))
        phases.append(self._bulk("unread", UNREAD, self._items(
            "members", self.index.unread(), "user"), lambda c: unread_body(c[0]),
            "members", "unread_done"))
        return phases

    def _bulk(self, name: str, endpoint: str, items: Iterator[Item],
              build: Callable[[list[Item]], Any], table: str, column: str = "done") -> Phase:
        from timctl import endpoints
        from timctl.rest.bulk import BulkRunner

        phase = Phase(name, endpoint)
        if self.stopped.is_set():
            return phase
        ep = endpoints.get(endpoint)
        assert ep is not None, endpoint
        runner = BulkRunner(self.client, ep, build, concurrency=self.options.concurrency)
        phase.resumed = self.index.done_count(table, column)
        self._runners.add(runner)
        marks: list[int] = []

        def on_outcome(outcome: Any) -> None:
            item = outcome.item
            ok = outcome.status == "ok" or (endpoint == GROUP and outcome.code in GROUP_TAKEN)
            if ok:
                phase.records += 1
                if outcome.status == "ok":
                    phase.done += 1
                else:
                    phase.existed += 1
                self._tick(phase)
                marks.append(item.line)
                if len(marks) >= 1000:
                    self._mark(table, marks, column)
            else:
                self._failed(phase, outcome.status, outcome.code, outcome.info, item)

        try:
            summary = runner.run(items, on_outcome)
        finally:
            self._runners.discard(runner)
            self._mark(table, marks, column)
        phase.calls, phase.seconds = summary.calls, summary.elapsed
        if summary.interrupted:
            self.stopped.set()
        self.report("log", phase.line())
        return phase

    def _mark(self, table: str, lines: list[int], column: str = "done") -> None:
        if lines:
            with self.lock:
                self.index.mark(table, lines, column)
            lines.clear()

    def _tick(self, phase: Phase) -> None:
        """Progress, at most 5 times a second."""
        now = time.monotonic()
        if now - self._last_tick >= 0.2:
            self._last_tick = now
            self.report("progress", f"{phase.phase}: {phase.done + phase.existed} done, "
                                    f"{phase.failed} failed")

    def _failed(self, phase: Phase, status: str, code: int, info: str, item: Item) -> None:
        with self.lock:
            phase.records += 1
            if status == "unknown":
                phase.unknown += 1
            else:
                phase.failed += 1
                phase.codes[code] = phase.codes.get(code, 0) + 1
            self.report("failed", item.raw)
            self.report("log", f"{item.where}: {phase.endpoint} {status}"
                               f"{f' ({code})' if code > 0 else ''}: {info}")

    # ------------------------------------------------------------------ per group

    def _per_group(self, name: str, endpoint: str, groups: list[str],
                   work: Callable[[str, Phase], None]) -> Phase:
        from concurrent.futures import ThreadPoolExecutor

        phase = Phase(name, endpoint)
        phase.resumed = self.index.done_count("members" if endpoint == MEMBERS else "gmsg")
        started = time.monotonic()
        if not groups or self.stopped.is_set():
            return phase
        with ThreadPoolExecutor(max(1, self.options.group_workers),
                                thread_name_prefix="timctl-group") as pool:
            for future in [pool.submit(work, gid, phase) for gid in groups]:
                future.result()
        phase.seconds = time.monotonic() - started
        self.report("log", phase.line())
        return phase

    def _members_of(self, gid: str, phase: Phase) -> None:
        from timctl import endpoints
        from timctl.rest.bulk import BulkRunner

        if self.stopped.is_set():
            return
        ep = endpoints.get(MEMBERS)
        assert ep is not None
        runner = BulkRunner(self.client, ep, members_body, concurrency=1)
        self._runners.add(runner)
        done: list[int] = []

        def on_outcome(outcome: Any) -> None:
            with self.lock:
                phase.records += 1
                if outcome.status == "ok":
                    if (outcome.row or {}).get("Result") == 2:  # already a member
                        phase.existed += 1
                    else:
                        phase.done += 1
                    done.append(outcome.item.line)
            if outcome.status != "ok":
                self._failed(phase, outcome.status, outcome.code, outcome.info, outcome.item)

        try:
            summary = runner.run(self._items("members", self.index.members(gid), "user"),
                                 on_outcome)
        finally:
            self._runners.discard(runner)
            self._mark("members", done)
        with self.lock:
            phase.calls += summary.calls

    def _group_items(self, gid: str, start: int) -> Iterator[Item]:
        return self._items("gmsg", self.index.group_msgs(gid, start), "from")

    def _messages_of(self, gid: str, phase: Phase) -> None:
        """One group's messages, 7 a call, one call at a time, from where the group stands."""
        if self.stopped.is_set():
            return
        try:
            start = self._resume_point(gid)
        except (ApiError, NetworkError, OutcomeUnknown) as exc:
            self._defer(gid, 0, phase, f"cannot read the group's latest message: {exc}")
            return
        with self.lock:
            phase.calls += 1
            phase.resumed += start
        sent = start
        chunk: list[Item] = []
        items = self._group_items(gid, start)
        while True:
            item = next(items, None)
            if item is not None:
                chunk.append(item)
                if len(chunk) < GROUP_MSG_MAX:
                    continue
            if not chunk:
                break
            if self.stopped.is_set():
                return
            if not self._send_reconciled(gid, chunk, sent, phase):
                self._defer(gid, sent + len(chunk), phase, "")
                return
            sent += len(chunk)
            chunk = []
        with self.lock:
            self.index.group_finished(gid)

    def _resume_point(self, gid: str) -> int:
        """How many of the group's messages (in import order) the server already holds: its
        newest message matched on time, sender and Random (import_group_msg takes only
        messages newer than the newest one, so everything before it is done)."""
        resp = self.client.call(HISTORY, {"GroupId": gid, "ReqMsgNumber": 20})
        for msg in resp.get("RspMsgList") or []:
            if msg.get("IsSystemMsg") or not msg.get("From_Account"):
                continue
            with self.lock:
                pos = self.index.position_of(gid, int(msg.get("MsgTimeStamp", 0)),
                                             str(msg["From_Account"]),
                                             int(msg.get("MsgRandom", -1)))
            return 0 if pos is None else pos + 1
        return 0

    def _send_reconciled(self, gid: str, chunk: list[Item], sent: int, phase: Phase) -> bool:
        """Send a chunk; when its answer is lost, read the group's newest message to learn
        what landed and send the rest once more. False: the group stops here."""
        outcome = self._send_group_chunk(gid, chunk, phase, final=False)
        if outcome != "unknown":
            return outcome == "sent"
        try:
            now_at = self._resume_point(gid)
        except (ApiError, NetworkError, OutcomeUnknown):
            now_at = -1
        with self.lock:
            phase.calls += 1
        landed = now_at - sent
        if not 0 <= landed <= len(chunk):  # the group moved in a way this run cannot explain
            for item in chunk:
                self._failed(phase, "unknown", -1, "the answer was lost and the group's "
                             "newest message does not tell what landed", item)
            return False
        with self.lock:
            phase.records += landed
            phase.done += landed
        rest = chunk[landed:]
        return not rest or self._send_group_chunk(gid, rest, phase, final=True) == "sent"

    def _send_group_chunk(self, gid: str, chunk: list[Item], phase: Phase, *,
                          final: bool) -> str:
        """Send one chunk: "sent" (per-message outcomes reported), "stop" (the call failed as
        a whole: reported) or, unless `final`, "unknown" (no answer: nothing reported)."""
        with self.lock:
            phase.calls += 1
        body = group_msgs_body(gid, chunk, self.options.recent_contact)
        try:
            resp: Any = self.client.call(GROUP_MSGS, body)
        except ApiError as exc:
            if exc.exit_code == exit_codes.AUTH:
                raise
            if "ImportMsgResult" not in exc.response:
                for item in chunk:
                    self._failed(phase, "failed", exc.code, exc.meaning or exc.info, item)
                return "stop"  # the whole call failed: the group stops here
            resp = exc.response
        except (OutcomeUnknown, NetworkError) as exc:
            if not final:
                return "unknown"
            for item in chunk:
                self._failed(phase, "unknown", -1, str(exc), item)
            return "stop"
        results = resp.get("ImportMsgResult") or []
        for i, item in enumerate(chunk):  # results are positional (1047/34968)
            code = results[i].get("Result", 0) if i < len(results) else 0
            if code:
                self._failed(phase, "failed", int(code), "import_group_msg Result", item)
            else:
                with self.lock:
                    phase.records += 1
                    phase.done += 1
                    self._tick(phase)
        return "sent"

    def _defer(self, gid: str, sent: int, phase: Phase, why: str) -> None:
        with self.lock:
            left = self.index.group_count(gid) - sent
            phase.deferred += max(0, left)
        if left > 0:
            self.report("log", f"group {gid}: {left} messages not sent{': ' + why if why else ''}"
                               "; run the same command again to resume from the server's "
                               "newest message")
