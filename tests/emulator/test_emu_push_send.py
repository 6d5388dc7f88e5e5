"""Pushes (all_member_push/im_push 1047/37166, timpush/push trtc.io 60561): the audience each
form resolves (asserted through /_emulator/pushes), MsgRandom dedup, the 1 s interval, the
daily quota and the condition codes."""

from __future__ import annotations

import pytest
import requests

A, T = "all_member_push", "timpush"
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi, beauty"}}]
USERS = ("ann", "bob", "cat", "dan", "eve")


def tasks(api, task_id=None):
    resp = api.control("pushes", None if task_id is None else {"TaskId": task_id})
    assert resp.status_code == 200, resp.text
    return resp.json()["Tasks"]


def recipients(api, task_id):
    (task,) = tasks(api, task_id)
    return task["Recipients"]


@pytest.fixture
def people(api):
    """ann: beta+vip, Shenzhen gold; bob: beta, Shenzhen; cat: vip, Beijing gold; dan:
    nothing; eve: beta; ghost has tags and attributes but is never imported."""
    api.import_users(*USERS)
    api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"0": "city", "1": "tier"}})
    api.ok(f"{A}/im_add_tag", {"UserTags": [
        {"To_Account": "ann", "Tags": ["beta", "vip"]},
        {"To_Account": "bob", "Tags": ["beta"]},
        {"To_Account": "cat", "Tags": ["vip"]},
        {"To_Account": "eve", "Tags": ["beta"]},
        {"To_Account": "ghost", "Tags": ["beta", "vip"]}]})
    api.ok(f"{A}/im_set_attr", {"UserAttrs": [
        {"To_Account": "ann", "Attrs": {"city": "Shenzhen", "tier": "gold"}},
        {"To_Account": "bob", "Attrs": {"city": "Shenzhen"}},
        {"To_Account": "cat", "Attrs": {"city": "Beijing", "tier": "gold"}},
        {"To_Account": "ghost", "Attrs": {"city": "Shenzhen", "tier": "gold"}}]})
    return USERS


@pytest.fixture
def push(api, clock):
    """push(condition=None, api=A, **fields) -> TaskId; each push 2 s after the last."""
    seq = iter(range(1000, 100000))

    def run(condition=None, service=A, **fields):
        clock.advance(2)
        body = {"MsgRandom": next(seq), "MsgBody": TEXT, **fields}
        if service == T:
            body.setdefault("From_Account", "administrator")
        if condition is not None:
            body["Condition"] = condition
        cmd = "im_push" if service == A else "push"
        return api.ok(f"{service}/{cmd}", body)["TaskId"]

    return run


@pytest.mark.parametrize("service", [A, T])
def test_each_audience_form_resolves_the_exact_users(api, people, push, service):
    everyone = sorted(["administrator", *USERS])  # admins are imported accounts too
    assert recipients(api, push(None, service)) == everyone
    assert recipients(api, push({"TagsAnd": ["beta", "vip"]}, service)) == ["ann"]
    assert recipients(api, push({"TagsOr": ["beta", "vip"]}, service)) == [
        "ann", "bob", "cat", "eve"]
    assert recipients(api, push({"TagsAnd": ["beta"], "TagsOr": ["vip", "x"]},
                                service)) == ["ann"]
    assert recipients(api, push({"AttrsAnd": {"city": "Shenzhen", "tier": "gold"}},
                                service)) == ["ann"]
    assert recipients(api, push({"AttrsOr": {"city": "Shenzhen", "tier": "gold"}},
                                service)) == ["ann", "bob", "cat"]
    assert recipients(api, push({"TagsOr": ["nobody-has-it"]}, service)) == []
    forms = [t["Audience"] for t in tasks(api)]
    assert forms == ["all", "tags", "tags", "tags", "attrs", "attrs", "tags"]


def test_the_task_records_the_request_and_who_was_online(api, people, push):
    api.control("online", {"UserID": "bob", "Platform": "iPhone", "Status": "Online"})
    api.control("online", {"UserID": "ann", "Platform": "Android", "Status": "PushOnline"})
    task_id = push({"TagsOr": ["beta"]}, From_Account="dan")
    (task,) = tasks(api, task_id)
    assert task["API"] == "all_member_push/im_push"
    assert task["From_Account"] == "dan"
    assert task["Condition"] == {"TagsOr": ["beta"]}
    assert task["Recipients"] == ["ann", "bob", "eve"]
    assert task["Online"] == ["bob"]
    assert task["OfflinePush"] == ["ann"]  # PushOnline: reached by offline push
    assert task_id.startswith(f"{api.info.sdkappid}_")


def test_same_msg_random_is_the_same_task(api, people, clock, faults):
    api._sigs[api.identifier] = api.signed(expire=30 * 86400)  # the test spans 8 days
    body = {"MsgRandom": 56512, "MsgLifeTime": 120, "MsgBody": TEXT}
    first = api.ok(f"{A}/im_push", body)["TaskId"]
    clock.advance(0.5)  # a retry inside the second: the dedup answers, not a rate refusal
    assert api.ok(f"{A}/im_push", body)["TaskId"] == first
    clock.advance(6 * 86400)
    assert api.ok(f"{A}/im_push", body)["TaskId"] == first
    assert len(tasks(api)) == 1
    cond = {**body, "Condition": {"AttrsAnd": {"city": "Shenzhen"}}, "MsgRandom": 4242}
    clock.advance(2)
    attr_task = api.ok(f"{A}/im_push", cond)["TaskId"]
    api.ok(f"{A}/im_set_attr_name", {"AttrNames": {"0": "town"}})  # "city" is gone now
    assert api.ok(f"{A}/im_push", cond)["TaskId"] == attr_task  # a retry still answers it
    assert len(tasks(api)) == 2
    clock.advance(86400 + 1)  # past 7 days: a new task
    assert api.ok(f"{A}/im_push", body)["TaskId"] != first
    assert len(tasks(api)) == 3


def test_a_lost_answer_retried_with_its_msg_random_makes_one_push(http_api, people, clock,
                                                                  faults):
    http_api.import_users("x")
    body = {"From_Account": "administrator", "MsgRandom": 77, "MsgBody": TEXT}
    faults.lose_response_next = 1
    with pytest.raises(requests.exceptions.ConnectionError):
        http_api.post(f"{T}/push", body)
    clock.advance(1.5)
    task_id = http_api.ok(f"{T}/push", body)["TaskId"]
    assert [t["TaskId"] for t in tasks(http_api)] == [task_id]


def test_a_second_push_within_the_interval_gets_90024(api, people, clock, faults):
    api.ok(f"{A}/im_push", {"MsgRandom": 1, "MsgBody": TEXT})
    clock.advance(1.0)  # "more than 1 s apart": exactly 1 s is too soon
    assert api.code(f"{T}/push", {"From_Account": "ann", "MsgRandom": 2,
                                  "MsgBody": TEXT}) == 90024
    # the rows' 1 call/s is this very rule: never the gateway's 60007, which clients retry
    assert api.code(f"{A}/im_push", {"MsgRandom": 9, "MsgBody": TEXT}) == 90024
    clock.advance(0.5)  # a refused push does not count: 1.5 s after the first is fine
    api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": 2, "MsgBody": TEXT})
    clock.advance(0.5)
    assert api.code(f"{A}/im_push", {"MsgRandom": 3, "MsgBody": TEXT}) == 90024
    clock.advance(0.6)
    api.ok(f"{A}/im_push", {"MsgRandom": 3, "MsgBody": TEXT})
    assert len(tasks(api)) == 3


def test_daily_quota(api, people, clock, faults, emu, info):
    api._sigs[api.identifier] = api.signed(expire=30 * 86400)
    from timctl.emulator import apps
    from timctl.emulator.services.push.pushing import day_start

    clock.now = day_start(clock.now) + 3600  # 01:00 Beijing time
    for i in range(10):  # a developer (free) edition app: 10 timpush pushes a day
        clock.advance(2)
        api.ok(f"{T}/push", {"From_Account": "ann", "MsgRandom": i, "MsgBody": TEXT})
    clock.advance(2)
    assert api.code(f"{T}/push", {"From_Account": "ann", "MsgRandom": 99,
                                  "MsgBody": TEXT}) == 90047
    for i in range(90):  # im_push: 100 a day, the timpush ones included
        clock.advance(2)
        api.ok(f"{A}/im_push", {"MsgRandom": 1000 + i, "MsgBody": TEXT})
    clock.advance(2)
    assert api.code(f"{A}/im_push", {"MsgRandom": 5000, "MsgBody": TEXT}) == 90047
    apps.set_edition(emu.store, info.sdkappid, "ultimate")
    assert api.code(f"{T}/push", {"From_Account": "ann", "MsgRandom": 5001,
                                  "MsgBody": TEXT}) == 90047
    clock.now = day_start(clock.now) + 86400  # the next Beijing day
    api.ok(f"{A}/im_push", {"MsgRandom": 5002, "MsgBody": TEXT})


@pytest.mark.parametrize(("condition", "code"), [
    ({"TagsAnd": ["a"], "AttrsOr": {"city": "x"}}, 90039),
    ({"TagsAnd": ["a", "b"], "TagsOr": ["b"]}, 90022),
    ({"TagsOr": [f"t{i}" for i in range(11)]}, 90032),
    ({"TagsAnd": ["t" * 51]}, 90020),
    ({"TagsAnd": ["a", ""]}, 90040),
    ({"AttrsAnd": {"unnamed": "x"}}, 90033),
    ({"TagsAnd": []}, 90001),
    ({"TagOr": ["beta"]}, 90001),  # misspelt: refused, never "everyone"
    ("beta", 90001),
])
@pytest.mark.parametrize("service", [A, T])
def test_condition_codes(api, people, condition, code, service):
    body = {"MsgRandom": 1, "MsgBody": TEXT, "From_Account": "ann", "Condition": condition}
    assert api.code(f"{service}/{'im_push' if service == A else 'push'}", body) == code
    assert tasks(api) == []


def test_body_codes(api, people, faults):
    faults.rate_limit = False  # many refusals in one frozen second
    assert api.code(f"{A}/im_push", {"MsgBody": TEXT}) == 90005
    assert api.code(f"{A}/im_push", {"MsgRandom": "1", "MsgBody": TEXT}) == 90005
    assert api.code(f"{A}/im_push", {"MsgRandom": 1, "MsgBody": {"x": 1}}) == 90007
    assert api.code(f"{A}/im_push", {"MsgRandom": 1, "MsgBody": [{"MsgType": "Nope"}]}) == 90002
    assert api.code(f"{A}/im_push", {"MsgRandom": 1, "MsgBody": TEXT,
                                     "MsgLifeTime": 604801}) == 90026
    big = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x" * 10300}}]
    assert api.code(f"{T}/push", {"From_Account": "ann", "MsgRandom": 1, "MsgBody": big}) == 90056
    assert api.code(f"{T}/push", {"MsgRandom": 1, "MsgBody": TEXT}) == 90001
    assert api.code(f"{T}/push", {"From_Account": "ann", "MsgRandom": 1}) == 90002
    notification = {"From_Account": "ann", "MsgRandom": 1,
                    "OfflinePushInfo": {"Title": "t", "Desc": "d"}}
    assert api.ok(f"{T}/push", notification)["TaskId"]
    assert len(tasks(api)) == 1


def test_a_push_writes_no_message_history(api, people, push, store):
    push(None)
    with store.tx() as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%msg%'")]
        assert tables
        for table in tables:
            assert db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == 0, table
