"""`timctl emulator pushes`: the push tasks the emulator created, with the audience each
resolved, read from the emulator's database (embedded or served)."""

from __future__ import annotations

import json
import time

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "v2 is out"}}]


def _api(run, name: str, body: dict, profile: str = "local"):  # type: ignore[no-untyped-def]
    r = run("-p", profile, "-o", "json", "api", name, "-d", json.dumps(body))
    assert r.code == 0, r.err
    return r.json()


def _tagged(run, profile: str = "local") -> None:  # type: ignore[no-untyped-def]
    assert run("-p", profile, "users", "import", "ann", "bob", "cat").code == 0
    _api(run, "all_member_push/im_add_tag", {"UserTags": [
        {"To_Account": "ann", "Tags": ["beta"]}, {"To_Account": "bob", "Tags": ["beta"]},
        {"To_Account": "ghost", "Tags": ["beta"]}]}, profile)


def test_pushes_lists_tasks_and_one_tasks_recipients(run) -> None:  # type: ignore[no-untyped-def]
    _tagged(run)
    assert run("emulator", "login", "bob", "--platform", "iOS").code == 0
    task_id = _api(run, "all_member_push/im_push", {
        "MsgRandom": 7, "MsgBody": TEXT, "Condition": {"TagsOr": ["beta"]}})["TaskId"]

    r = run("emulator", "pushes", "-o", "json")
    assert r.code == 0, r.err
    (task,) = r.json()
    assert (task["TaskId"], task["Audience"], task["Recipients"], task["Online"],
            task["Count"]) == (task_id, "tags", ["ann", "bob"], ["bob"], 2)

    r = run("emulator", "pushes", "--task", task_id, "-o", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["UserID,Reached", "ann,not reached", "bob,online"]

    r = run("emulator", "pushes", "--task", "nope")
    assert r.code == 2 and "no push task 'nope'" in r.err and "Traceback" not in r.err


def test_scheduled_tasks_are_listed_with_their_status(run) -> None:  # type: ignore[no-untyped-def]
    _tagged(run)
    r = run("emulator", "info", "-o", "json")
    sdkappid = r.json()[0]["SDKAppID"]
    at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 3600))
    doc = _api(run, "timpush/add_sched_task", {
        "Sdkappid": sdkappid, "Type": "Tag", "SchedAt": at,
        "Content": {"From_Account": "administrator", "Condition": {"TagsAnd": ["beta"]},
                    "OfflinePushInfo": {"Title": "Monday", "Desc": "release"}}})
    r = run("emulator", "pushes", "--scheduled", "-o", "json")
    assert r.code == 0, r.err
    assert [(s["TaskID"], s["SchedAt"], s["Status"], s["Title"], s["Recipients"])
            for s in r.json()] == [(doc["TaskID"], at, "pending", "Monday", ["ann", "bob"])]
    assert run("emulator", "pushes", "-o", "json").json() == []
    assert run("emulator", "pushes", "--scheduled", "--task", "x").code == 2


def test_pushes_reads_a_served_emulator_through_its_db(run, served_profile) -> None:  # type: ignore[no-untyped-def]
    _tagged(run, "emu")
    served_profile.app.faults.rate_limit = False  # type: ignore[attr-defined]  # no 1 s wait
    body = {"From_Account": "ann", "MsgRandom": 11, "MsgBody": TEXT,
            "Condition": {"TagsAnd": ["beta"]}}
    first = _api(run, "timpush/push", body, "emu")["TaskId"]
    assert _api(run, "timpush/push", body, "emu")["TaskId"] == first  # MsgRandom: same task
    r = run("emulator", "pushes", "--db", str(served_profile.db), "-o", "json")
    assert r.code == 0, r.err
    assert [(t["TaskId"], t["Recipients"]) for t in r.json()] == [(first, ["ann", "bob"])]
