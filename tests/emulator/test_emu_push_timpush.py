"""timpush batch, revoke, the reports computed from stored tasks (trtc.io 67553, 67824,
71893-71895) and scheduled tasks run against the app clock (trtc.io 78839-78843)."""

from __future__ import annotations

import calendar
import time

import pytest

T = "timpush"
NOTE = {"Title": "Release", "Desc": "v2 is out"}


def tasks(api):
    resp = api.control("pushes")
    assert resp.status_code == 200, resp.text
    return resp.json()


def utc(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


@pytest.fixture
def people(api, faults):
    faults.rate_limit = False  # many calls in one frozen second
    api._sigs[api.identifier] = api.signed(expire=30 * 86400)  # some tests span days
    api.import_users("ann", "bob", "cat")
    api.ok(f"{T}/add_tag", {"UserTags": [{"To_Account": "ann", "Tags": ["beta"]},
                                         {"To_Account": "bob", "Tags": ["beta"]}]})
    return ("ann", "bob", "cat")


def test_batch_pushes_to_imported_users_only(api, people, clock):
    body = {"From_Account": "ann", "To_Account": ["bob", "cat", "ghost"], "MsgRandom": 9,
            "OfflinePushInfo": NOTE, "DataId": "d1"}
    task_id = api.ok(f"{T}/batch", body)["TaskId"]
    assert task_id.startswith("batch_")
    assert api.ok(f"{T}/batch", body)["TaskId"] == task_id  # same second: the same task
    clock.advance(1.5)
    assert api.ok(f"{T}/batch", body)["TaskId"] != task_id  # dedup is only within a second
    (first, _) = tasks(api)["Tasks"]
    assert (first["Audience"], first["Recipients"]) == ("users", ["bob", "cat"])
    assert api.code(f"{T}/batch", {**body, "To_Account": ["ghost"], "MsgRandom": 1}) == 70107
    assert api.code(f"{T}/batch", {**body, "To_Account": [f"u{i}" for i in range(501)]}) \
        == 90018
    assert api.code(f"{T}/batch", {**body, "OfflinePushInfo": None, "MsgRandom": 2}) == 90001
    assert api.code(f"{T}/batch", {**body, "DataId": "d" * 65, "MsgRandom": 3}) == 90001


def test_batch_is_outside_the_daily_quota_and_interval(api, people):
    api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 1, "OfflinePushInfo": NOTE})
    api.ok(f"{T}/batch", {"From_Account": "ann", "To_Account": ["bob"], "MsgRandom": 2,
                          "OfflinePushInfo": NOTE})


def test_revoke(api, people, clock):
    stored = api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 1,
                                  "OfflinePushInfo": NOTE})["TaskId"]
    assert api.code(f"{T}/revoke", {"TaskId": stored}) == 90053  # roaming stored: needs info
    api.ok(f"{T}/revoke", {"TaskId": stored, "OfflinePushInfo": NOTE})
    assert api.code(f"{T}/revoke", {"TaskId": stored, "OfflinePushInfo": NOTE}) == 90050
    clock.advance(2)
    online = api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 2, "OnlineOnlyFlag": 1,
                                  "OfflinePushInfo": NOTE})["TaskId"]
    clock.advance(2)
    old = api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 3, "OnlineOnlyFlag": 1,
                               "OfflinePushInfo": NOTE})["TaskId"]
    api.ok(f"{T}/revoke", {"TaskId": online})
    clock.advance(0.5)
    assert api.code(f"{T}/revoke", {"TaskId": old}) == 90051  # one recall a second
    clock.advance(86400)
    assert api.code(f"{T}/revoke", {"TaskId": old}) == 90052
    assert api.code(f"{T}/revoke", {"TaskId": "nope"}) == 90049
    revoked = {t["TaskId"]: t["Revoked"] for t in tasks(api)["Tasks"]}
    assert revoked == {stored: True, online: True, old: False}


def test_legacy_tasks_cannot_be_recalled(api, people):
    task_id = api.ok("all_member_push/im_push", {"MsgRandom": 1, "MsgBody": [
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]})["TaskId"]
    assert api.code(f"{T}/revoke", {"TaskId": task_id, "OfflinePushInfo": NOTE}) == 90049


def test_reports_are_computed_from_the_task_audience(api, people, clock):
    api.control("online", {"UserID": "ann", "Platform": "iPhone", "Status": "Online"})
    api.control("online", {"UserID": "bob", "Platform": "Android", "Status": "PushOnline"})
    start = int(clock.now)
    beta = api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 1, "OfflinePushInfo": NOTE,
                                "Condition": {"TagsOr": ["beta"]}})["TaskId"]
    clock.advance(2)
    everyone = api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 2,
                                    "OfflinePushInfo": NOTE})["TaskId"]
    window = {"StartTime": start, "EndTime": start + 10}
    doc = api.ok(f"{T}/all_member_push_statistics", {**window, "TaskID": [beta, everyone]})
    counts = {r["TaskID"]: (r["TotalCount"], r["SentCount"], r["DeliveredCount"],
                            r["ClickCount"]) for r in doc["Results"]}
    # everyone: administrator, ann, bob, cat; ann Online, bob PushOnline
    assert counts == {beta: (2, 2, 1, 0), everyone: (4, 2, 1, 0)}
    overall = api.ok(f"{T}/all_member_push_statistics", {**window, "TaskID": []})["Results"]
    assert [(r["TaskID"], r["TotalCount"]) for r in overall] == [("", 6)]
    assert api.ok(f"{T}/all_member_push_statistics", {"StartTime": start - 100,
                                                      "EndTime": start - 1,
                                                      "TaskID": [beta]})["Results"] == []
    assert api.code(f"{T}/all_member_push_statistics", {**window, "TaskID": ["a"] * 6}) == 90001

    loss = api.ok(f"{T}/all_member_push_loss", {**window, "TaskID": [everyone]})["Results"]
    assert loss[0]["ReadyToSendLoss"][0]["ErrCount"] == 2  # administrator, cat: no device
    assert loss[0]["PostSendDeliveredLoss"][0]["ErrCount"] == 1  # bob: offline push only

    trace = api.ok(f"{T}/all_member_push_trace", {"TaskID": beta, "UserID": "bob"})
    assert [(i["System"], "OfflinePushStat" in i) for i in trace["InstanceTrace"]] == [
        ("Android", True)]
    assert api.ok(f"{T}/all_member_push_trace", {"TaskID": beta,
                                                 "UserID": "cat"})["InstanceTrace"] == []
    assert api.code(f"{T}/all_member_push_trace", {"TaskID": "x", "UserID": "cat"}) == 90049


def _sched(api, kind, at, content, sdkappid=None):
    return api.call(f"{T}/add_sched_task", {"Sdkappid": sdkappid or api.info.sdkappid,
                                            "Type": kind, "SchedAt": at, "Content": content})


def test_scheduled_task_runs_when_its_time_has_come(api, people, clock):
    at = utc(clock.now + 3600)
    doc = _sched(api, "Tag", at, {"From_Account": "administrator", "OfflinePushInfo": NOTE,
                                  "Condition": {"TagsAnd": ["beta"]}})
    task_id = doc["TaskID"]
    info = api.ok(f"{T}/get_sched_task", {"Sdkappid": api.info.sdkappid,
                                          "TaskID": task_id})["TaskInfo"]
    assert (info["Type"], info["SchedAt"], info["Status"], info["Title"], info["Desc"],
            info["DispatchSuccess"], info["PushTaskID"]) == (
        "Tag", at, "pending", "Release", "v2 is out", 0, "")
    assert tasks(api)["Tasks"] == []
    assert tasks(api)["Scheduled"][0]["Recipients"] == ["ann", "bob"]  # if it ran now
    clock.advance(1800)
    api.ok(f"{T}/add_tag", {"UserTags": [{"To_Account": "cat", "Tags": ["beta"]}]})
    assert tasks(api)["Scheduled"][0]["Recipients"] == ["ann", "bob", "cat"]
    clock.advance(1800)  # SchedAt reached: the next call runs it
    info = api.ok(f"{T}/get_sched_task", {"Sdkappid": api.info.sdkappid,
                                          "TaskID": task_id})["TaskInfo"]
    assert (info["Status"], info["DispatchSuccess"]) == ("success", 1)
    doc = tasks(api)
    (push,) = doc["Tasks"]
    assert doc["Scheduled"][0]["Recipients"] == ["ann", "bob", "cat"]  # whom it reached
    assert push["TaskId"] == info["PushTaskID"]
    assert (push["SchedTaskID"], push["Recipients"]) == (task_id, ["ann", "bob", "cat"])
    assert push["CreatedAt"] == calendar.timegm(time.strptime(at, "%Y-%m-%d %H:%M:%S"))
    assert "MsgRandom" in info["Content"]
    # done: no longer modifiable or deletable
    assert api.code(f"{T}/delete_sched_task", {"Sdkappid": api.info.sdkappid,
                                               "TaskID": task_id, "Type": "Tag"}) == 90001


def test_control_route_runs_due_tasks_and_user_tasks_push_to_a_list(api, people, clock):
    task_id = _sched(api, "User", utc(clock.now + 60), {
        "From_Account": "administrator", "To_Account": ["cat", "ghost"],
        "OfflinePushInfo": NOTE})["TaskID"]
    (pending,) = tasks(api)["Scheduled"]
    assert (pending["Status"], pending["Recipients"]) == ("pending", ["cat"])
    clock.advance(61)
    doc = tasks(api)
    assert doc["Scheduled"][0]["Status"] == "success"
    assert [(t["API"], t["Recipients"], t["SchedTaskID"]) for t in doc["Tasks"]] == [
        ("timpush/batch", ["cat"], task_id)]


def test_a_due_task_over_the_quota_fails_with_the_reason(api, people, clock):
    task_id = _sched(api, "All", utc(clock.now + 60), {"From_Account": "administrator",
                                                       "OfflinePushInfo": NOTE})["TaskID"]
    for i in range(10):  # the developer edition's 10 pushes a day
        clock.advance(2)
        api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": i, "OfflinePushInfo": NOTE})
    clock.advance(60)
    (sched,) = tasks(api)["Scheduled"]
    assert sched["TaskID"] == task_id
    assert (sched["Status"], sched["DispatchErr"][:5]) == ("failed", "90047")


def test_modify_delete_and_list(api, people, clock):
    app = api.info.sdkappid
    base = clock.now
    ids = [_sched(api, "All", utc(base + 3600 * (3 - i)), {
        "From_Account": "administrator", "OfflinePushInfo": {"Title": f"t{i}", "Desc": "d"}})
        ["TaskID"] for i in range(3)]
    api.ok(f"{T}/modify_sched_task", {"Sdkappid": app, "TaskID": ids[0], "Type": "All",
                                      "Content": {"From_Account": "administrator",
                                                  "OfflinePushInfo": {"Title": "new"}}})
    assert api.code(f"{T}/modify_sched_task", {"Sdkappid": app, "TaskID": ids[0],
                                               "Type": "Tag"}) == 90001
    assert api.code(f"{T}/modify_sched_task", {"Sdkappid": app, "TaskID": ids[0], "Type": "All",
                                               "SchedAt": utc(base - 1)}) == 90001
    listing = {"Sdkappid": app, "Offset": 0, "Want": 2, "OrderBy": "schedat", "Asc": True,
               "BeginTime": utc(base), "EndTime": utc(base + 86400)}
    page = api.ok(f"{T}/list_sched_task", listing)["Tasks"]
    assert [t["TaskID"] for t in page] == [ids[2], ids[1]]
    page = api.ok(f"{T}/list_sched_task", {**listing, "Offset": 2})["Tasks"]
    assert [(t["TaskID"], t["Title"]) for t in page] == [(ids[0], "new")]
    assert api.ok(f"{T}/list_sched_task", {**listing, "Offset": 3})["Tasks"] == []
    assert [t["TaskID"] for t in api.ok(f"{T}/list_sched_task", {
        **listing, "OrderBy": "createAt", "Asc": False, "Want": 5})["Tasks"]] == ids[::-1]
    assert [t["TaskID"] for t in api.ok(f"{T}/list_sched_task", {
        **listing, "Keyword": "t1"})["Tasks"]] == [ids[1]]
    api.ok(f"{T}/delete_sched_task", {"Sdkappid": app, "TaskID": ids[1], "Type": "All"})
    assert api.code(f"{T}/delete_sched_task", {"Sdkappid": app, "TaskID": ids[1],
                                               "Type": "All"}) == 90049
    assert api.code(f"{T}/get_sched_task", {"Sdkappid": app, "TaskID": ids[1]}) == 90049


@pytest.mark.parametrize(("kind", "at", "content", "code"), [
    ("All", "+", {"From_Account": "administrator", "OfflinePushInfo": NOTE,
                  "Condition": {"TagsOr": ["beta"]}}, 90001),
    ("Tag", "+", {"From_Account": "administrator", "OfflinePushInfo": NOTE}, 90001),
    ("Tag", "+", {"From_Account": "administrator", "OfflinePushInfo": NOTE,
                  "Condition": {"TagsOr": ["beta"], "AttrsOr": {"x": "y"}}}, 90039),
    ("User", "+", {"From_Account": "administrator", "OfflinePushInfo": NOTE}, 90001),
    ("Cron", "+", {"From_Account": "administrator", "OfflinePushInfo": NOTE}, 90001),
    ("All", "-", {"From_Account": "administrator", "OfflinePushInfo": NOTE}, 90001),
    ("All", "2025-06-01T10:00:00", {"From_Account": "administrator"}, 90001),
])
def test_add_sched_task_refusals(api, people, clock, kind, at, content, code):
    when = {"+": utc(clock.now + 60), "-": utc(clock.now - 60)}.get(at, at)
    doc = _sched(api, kind, when, content)
    assert doc["ErrorCode"] == code, doc
    assert tasks(api)["Scheduled"] == []


def test_sdkappid_must_match_the_url(api, people, clock):
    doc = _sched(api, "All", utc(clock.now + 60), {"From_Account": "administrator",
                                                   "OfflinePushInfo": NOTE}, sdkappid=1)
    assert doc["ErrorCode"] == 90001
