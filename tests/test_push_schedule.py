"""timctl push schedule add|list|get|modify|delete and push report stats|trace|loss (timpush):
the requests they build (UTC times, task types, chunks of 5 task IDs) and the checks made
before sending."""

from __future__ import annotations

import json
from typing import Any

LOCAL = ("-p", "local")


def requests_of(out: str) -> list[dict[str, Any]]:
    return [json.loads(line)["body"] for line in out.splitlines() if line.strip()]


def dry(run: Any, *args: str) -> list[dict[str, Any]]:
    r = run(*LOCAL, "push", *args, "--dry-run")
    assert r.code == 0, r.err
    return requests_of(r.out)


def test_schedule_add_builds_each_task_type(run: Any) -> None:
    (body,) = dry(run, "schedule", "add", "--at", "2026-11-23T09:00+08:00", "--title", "v2",
                  "--desc", "Out now")
    assert body == {"Sdkappid": 1400000000, "Type": "All", "SchedAt": "2026-11-23 01:00:00",
                    "Content": {"From_Account": "administrator",
                                "OfflinePushInfo": {"PushFlag": 0, "Title": "v2",
                                                    "Desc": "Out now"}}}
    (body,) = dry(run, "schedule", "add", "--at", "1795338000", "--tags-and", "beta",
                  "--title", "T", "--from", "ann")
    assert (body["Type"], body["SchedAt"]) == ("Tag", "2026-11-22 09:00:00")
    assert body["Content"]["Condition"] == {"TagsAnd": ["beta"]}
    assert body["Content"]["From_Account"] == "ann"
    (body,) = dry(run, "schedule", "add", "--at", "2026-11-23 09:00", "--to", "ann", "--to",
                  "bob", "--desc", "D")
    assert body["Type"] == "User" and body["Content"]["To_Account"] == ["ann", "bob"]


def test_schedule_checks_before_sending(run: Any) -> None:
    for args, words in (
            (["add", "--at", "next monday", "--title", "T"], "is not a time"),
            (["add", "--at", "2026-11-23", "--to", "a", "--tags-or", "b", "--title", "T"],
             "cannot be combined"),
            (["add", "--at", "2026-11-23", "--title", "T",
              *[f"--to=u{i}" for i in range(501)]], "at most 500 users"),
            (["add", "--at", "2026-11-23"], "--title and/or --desc"),
            (["add", "--at", "2026-11-23", "--title", "T", "--tags-and", "a", "--attr", "b=c"],
             "(90039)"),
            (["modify", "7"], "nothing to change"),
            (["modify", "x7", "--at", "2026-11-23"], "not a scheduled task ID"),
            (["delete", "7"], "--yes")):
        r = run(*LOCAL, "push", "schedule", *args)
        assert r.code == 2 and words in r.err, (args, r.err)


def test_schedule_list_modify_delete_requests(run: Any) -> None:
    (body,) = dry(run, "schedule", "list", "--since", "2026-11-01", "--until", "2026-12-01",
                  "--order-by", "schedAt", "--asc", "--keyword", "beta")
    assert body == {"Sdkappid": 1400000000, "Offset": 0, "Want": 100, "OrderBy": "schedAt",
                    "Asc": True, "BeginTime": "2026-11-01 00:00:00",
                    "EndTime": "2026-12-01 00:00:00", "Keyword": "beta"}
    (body,) = dry(run, "schedule", "modify", "42", "--at", "2026-11-24T10:00Z", "--tags-or",
                  "vip")
    assert body == {"Sdkappid": 1400000000, "TaskID": 42, "Type": "Tag",
                    "SchedAt": "2026-11-24 10:00:00",
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
