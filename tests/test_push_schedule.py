"""timctl push schedule add|list|get|modify|delete and push report stats|trace|loss (timpush):
the requests they build (UTC times, task types, chunks of 5 task IDs), the checks made
before sending, and the commands against an emulator served on 127.0.0.1."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

LOCAL = ("-p", "local")
P = ("-p", "sc")


def requests_of(out: str) -> list[dict[str, Any]]:
    return [json.loads(line)["body"] for line in out.splitlines() if line.strip()]


def dry(run: Any, *args: str) -> list[dict[str, Any]]:
    r = run(*LOCAL, "push", *args, "--dry-run")
    assert r.code == 0, r.err
    return requests_of(r.out)


def test_schedule_add_builds_each_task_type(run: Any) -> None:
    (body,) = dry(run, "schedule", "add", "--at", "2099-01-01T09:00+08:00", "--title", "v2",
                  "--desc", "Out now")
    assert body == {"Sdkappid": 1400000000, "Type": "All", "SchedAt": "2099-01-01 01:00:00",
                    "Content": {"From_Account": "administrator",
                                "OfflinePushInfo": {"PushFlag": 0, "Title": "v2",
                                                    "Desc": "Out now"}}}
    (body,) = dry(run, "schedule", "add", "--at", "4070941200", "--tags-and", "beta",
                  "--title", "T", "--from", "ann")
    assert (body["Type"], body["SchedAt"]) == ("Tag", "2099-01-01 09:00:00")
    assert body["Content"]["Condition"] == {"TagsAnd": ["beta"]}
    assert body["Content"]["From_Account"] == "ann"
    (body,) = dry(run, "schedule", "add", "--at", "2099-01-01 09:00", "--to", "ann", "--to",
                  "bob", "--desc", "D")
    assert body["Type"] == "User" and body["Content"]["To_Account"] == ["ann", "bob"]


def test_schedule_checks_before_sending(run: Any) -> None:
    for args, words in (
            (["add", "--at", "next monday", "--title", "T"], "is not a time"),
            (["add", "--at", "2099-01-01", "--to", "a", "--tags-or", "b", "--title", "T"],
             "cannot be combined"),
            (["add", "--at", "2099-01-01", "--title", "T",
              *[f"--to=u{i}" for i in range(501)]], "at most 500 users"),
            (["add", "--at", "2099-01-01"], "--title and/or --desc"),
            (["add", "--at", "2099-01-01", "--title", "T", "--attr", "b=c"],
             "are for `push send`"),
            (["add", "--at", "2020-01-01", "--title", "T"], "in the past"),
            (["modify", "7"], "nothing to change"),
            (["modify", "x7", "--at", "2099-01-01"], "not a scheduled task ID"),
            (["delete", "7"], "--yes")):
        r = run(*LOCAL, "push", "schedule", *args)
        assert r.code == 2 and words in r.err, (args, r.err)


def test_schedule_list_modify_delete_requests(run: Any) -> None:
    (body,) = dry(run, "schedule", "list", "--since", "2026-11-01", "--until", "2026-12-01",
                  "--order-by", "schedAt", "--asc", "--keyword", "beta")
    assert body == {"Sdkappid": 1400000000, "Offset": 0, "Want": 100, "OrderBy": "schedAt",
                    "Asc": True, "BeginTime": "2026-11-01 00:00:00",
                    "EndTime": "2026-12-01 00:00:00", "Keyword": "beta"}
    (body,) = dry(run, "schedule", "modify", "42", "--at", "2099-01-02T10:00Z", "--tags-or",
                  "vip")
    assert body == {"Sdkappid": 1400000000, "TaskID": 42, "Type": "Tag",
                    "SchedAt": "2099-01-02 10:00:00",
                    "Content": {"Condition": {"TagsOr": ["vip"]}}}
    bodies = dry(run, "schedule", "delete", "42", "43", "--yes")
    assert [(b["TaskID"], b["Sdkappid"]) for b in bodies] == [(42, 1400000000),
                                                              (43, 1400000000)]


def test_reports_requests(run: Any) -> None:
    (body,) = dry(run, "report", "stats", "T1", "T2", "--since", "1795000000", "--until",
                  "1795086400")
    assert body == {"StartTime": 1795000000, "EndTime": 1795086400, "TaskID": ["T1", "T2"]}
    (body,) = dry(run, "report", "stats")
    assert body["TaskID"] == [] and body["EndTime"] - body["StartTime"] == 7 * 86400
    bodies = dry(run, "report", "loss", *[f"T{i}" for i in range(7)], "--since", "24h")
    assert [len(b["TaskID"]) for b in bodies] == [5, 2]  # 5 task IDs a call
    assert bodies[0]["EndTime"] - bodies[0]["StartTime"] == 86400
    (body,) = dry(run, "report", "trace", "T1", "ann")
    assert body == {"TaskID": "T1", "UserID": "ann"}
    r = run(*LOCAL, "push", "report", "stats", "--since", "2026-11-02", "--until", "2026-11-01")
    assert r.code == 2 and "--since is after --until" in r.err


# ---------------------------------------------------------------------------- the emulator



@pytest.fixture
def emu(serve_app: Any, run: Any) -> Any:
    from timctl.emulator.faults import Faults

    served = serve_app("sc", 1400000094, faults=Faults(rate_limit=False), frozen_clock=True)
    assert run(*P, "users", "import", "ann", "bob", "cat").code == 0
    assert run(*P, "push", "tags", "add", "ann", "bob", "--tag", "beta").code == 0
    return served


def ok(run: Any, *args: str) -> Any:
    r = run(*P, "-o", "json", *args)
    assert r.code == 0, (r.out, r.err)
    return json.loads(r.out) if r.out.strip() else None


def pushes(emu: Any) -> list[dict[str, Any]]:
    resp = requests.post(emu.url + "/_emulator/pushes", json={}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()["Tasks"]


def test_schedule_lifecycle(run: Any, emu: Any) -> None:
    added = ok(run, "push", "schedule", "add", "--at", "2h", "--tags-or", "beta", "--title",
               "v2", "--desc", "Out now")
    task = added["TaskID"]
    assert isinstance(task, int) and added["Type"] == "Tag"
    info = ok(run, "push", "schedule", "get", str(task))
    assert (info["Type"], info["Status"], info["SchedAt"]) == ("Tag", "pending",
                                                                added["SchedAt"])
    assert info["Content"]["Condition"] == {"TagsOr": ["beta"]}
    user_task = ok(run, "push", "schedule", "add", "--at", "3h", "--to", "cat", "--desc",
                   "Hi cat")["TaskID"]
    listed = ok(run, "push", "schedule", "list")
    assert sorted(row["TaskID"] for row in listed) == sorted([task, user_task])
    assert [row["TaskID"] for row in ok(run, "push", "schedule", "list", "--limit", "1")] == [
        user_task]  # newest first
    ok(run, "push", "schedule", "modify", str(task), "--at", "4h", "--desc", "Out today")
    info = ok(run, "push", "schedule", "get", str(task))
    assert info["SchedAt"] != added["SchedAt"]
    assert info["Content"]["OfflinePushInfo"]["Desc"] == "Out today"
    assert info["Content"]["Condition"] == {"TagsOr": ["beta"]}  # the rest is kept
    r = run(*P, "push", "schedule", "modify", str(task), "--to", "cat")
    assert r.code == 2 and "type cannot change" in r.err
    ok(run, "push", "schedule", "delete", str(user_task), "--yes")
    assert [row["TaskID"] for row in ok(run, "push", "schedule", "list")] == [task]
    r = run(*P, "push", "schedule", "get", str(user_task))
    assert r.code == 5 and "90049" in r.err
    emu.clock.advance(5 * 3600)  # past SchedAt: the next push-service call runs it
    ok(run, "push", "tags", "get", "ann", "--service", "timpush")
    info = ok(run, "push", "schedule", "get", str(task))
    assert info["Status"] != "pending" and info["PushTaskID"]
    (sent,) = [t for t in pushes(emu) if t["TaskId"] == info["PushTaskID"]]
    assert sorted(sent["Recipients"]) == ["ann", "bob"]


def test_reports_of_a_push(run: Any, emu: Any) -> None:
    emu.clock.advance(2)
    task = ok(run, "push", "send", "--service", "timpush", "--tags-or", "beta",
              "--push-title", "T")["TaskId"]
    # the emulator's clock ran 2 s ahead of the client's: end the window a minute later
    span = ("--since", "1h", "--until", str(int(time.time()) + 60))
    (stats,) = ok(run, "push", "report", "stats", task, *span)
    assert stats["TaskID"] == task and stats["TotalCount"] == 2
    (overall,) = ok(run, "push", "report", "stats", *span)
    assert overall["TaskID"] == "" and overall["TotalCount"] == 2
    (loss,) = ok(run, "push", "report", "loss", task, *span)
    assert loss["TaskID"] == task
    assert isinstance(ok(run, "push", "report", "trace", task, "ann"), list)
    r = run(*P, "push", "report", "trace", "no-such-task", "ann")
    assert r.code == 5 and "90049" in r.err
