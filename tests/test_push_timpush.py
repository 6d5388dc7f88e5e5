"""timctl push batch | revoke (the push service, timpush) against an emulator served on
127.0.0.1: a push to listed users 500 a call with a row and TaskId per user, a lost answer
reported unknown and never re-sent, recalling a task (asks, 90050 on a second recall)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

P = ("-p", "tp")



@pytest.fixture
def emu(serve_app: Any, run: Any, tmp_path: Any) -> Any:
    from timctl.emulator.faults import Faults

    faults = Faults(rate_limit=False)
    served = serve_app("tp", 1400000093, faults=faults, frozen_clock=True)
    served.faults = faults
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"u{i:04d}\n" for i in range(1200)))
    assert run(*P, "--rate", "1000", "users", "import", "-f", str(ids)).code == 0
    return served


def pushes(emu: Any) -> list[dict[str, Any]]:
    resp = requests.post(emu.url + "/_emulator/pushes", json={}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()["Tasks"]


def test_batch_plan(run: Any, tmp_path: Any) -> None:
    src = tmp_path / "to.txt"
    src.write_text("".join(f"u{i:04d}\n" for i in range(1200)))
    r = run("-p", "local", "push", "batch", "-f", str(src), "--title", "T", "--desc", "D",
            "--data-id", "order-7", "--dry-run")
    assert r.code == 0, r.err
    plan = json.loads(r.out)
    assert (plan["endpoint"], plan["items"], plan["calls"], plan["batch_size"]) == (
        "timpush/batch", 1200, 3, 500)
    body = plan["first_requests"][0]["body"]
    assert body["From_Account"] == "administrator" and body["DataId"] == "order-7"
    assert body["OfflinePushInfo"] == {"PushFlag": 0, "Title": "T", "Desc": "D"}
    assert len(body["To_Account"]) == 500 and 0 < body["MsgRandom"] < 2**32
    for args, words in ((["--ext", "x"], "--title and/or --desc"),
                        (["--title", "T", "--data-id", "d" * 65], "at most 64 bytes"),
                        (["--title", "T", "--from", ""], "empty UserID")):
        r = run("-p", "local", "push", "batch", "u1", *args)
        assert r.code == 2 and words in r.err, (args, r.err)


def test_batch_pushes_to_listed_users_with_a_task_per_call(run: Any, emu: Any,
                                                           tmp_path: Any) -> None:
    src = tmp_path / "to.txt"
    src.write_text("".join(f"u{i:04d}\n" for i in range(1000)) + "ghost\n")
    r = run(*P, "--rate", "100000", "-o", "jsonl", "push", "batch", "-f", str(src),
            "--title", "Shipped", "--concurrency", "1")
    assert r.code == 6, r.err  # ghost, alone in the third call, is not an account: 70107
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert len(rows) == 1001
    assert [(r["To_Account"], r["Status"], r["ErrorCode"]) for r in rows
            if r["Status"] != "pushed"] == [("ghost", "failed", 70107)]
    tasks = pushes(emu)
    assert len(tasks) == 2
    by_task: dict[str, set[str]] = {}
    for row in rows:
        if row["Status"] == "pushed":
            by_task.setdefault(row["TaskId"], set()).add(row["To_Account"])
    assert {t["TaskId"]: set(t["Recipients"]) for t in tasks} == by_task
    assert sorted(len(users) for users in by_task.values()) == [500, 500]


def test_a_batch_whose_answer_is_lost_is_reported_unknown_not_resent(run: Any,
                                                                     emu: Any) -> None:
    emu.faults.lose_response_next = 1
    r = run(*P, "-o", "json", "push", "batch", "u0001", "u0002", "--title", "T")
    assert r.code == 8, (r.out, r.err)
    rows = json.loads(r.out)
    assert {row["Status"] for row in rows} == {"unknown"}
    assert len(pushes(emu)) == 1  # pushed once, by the only attempt


def test_revoke_asks_recalls_once_and_names_the_codes(run: Any, emu: Any) -> None:
    emu.clock.advance(2)
    r = run(*P, "-o", "json", "push", "send", "--service", "timpush", "--push-title", "Oops")
    assert r.code == 0, r.err
    task = json.loads(r.out)["TaskId"]
    r = run(*P, "push", "revoke", task, "--title", "Sorry")
    assert r.code == 2 and "--yes" in r.err
    r = run(*P, "push", "revoke", task)
    assert r.code == 2 and "--title and/or --desc" in r.err
    r = run(*P, "-o", "json", "push", "revoke", task, "--title", "Sorry", "--yes")
    assert r.code == 0, r.err
    assert json.loads(r.out) == {"TaskId": task, "Status": "recalled"}
    assert [t["Revoked"] for t in pushes(emu)] == [True]
    emu.clock.advance(2)
    r = run(*P, "push", "revoke", task, "--title", "Sorry", "--yes")
    assert r.code == 5 and "90050" in r.err
    emu.clock.advance(2)
    r = run(*P, "push", "revoke", "no-such-task", "--title", "Sorry", "--yes")
    assert r.code == 5 and "90049" in r.err
