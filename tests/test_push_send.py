"""timctl push send: the audience flags and their documented rules (checked before sending),
the body from the shared builder, MsgRandom from --idempotency-key, and against an emulator
served on 127.0.0.1 the exact users each audience form resolved (its /_emulator/pushes
route), one task for a repeated cron run, 90024 for a second push within 1 s, and one push
when half the answers are lost."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from timctl.cli.push_send import idempotent_random

LOCAL = ("-p", "local")
USERS = ("ann", "bob", "cat", "dan", "eve")



def dry(run: Any, *args: str) -> dict[str, Any]:
    r = run(*LOCAL, "push", "send", *args, "--dry-run")
    assert r.code == 0, r.err
    return json.loads(r.out)["body"]


# ---------------------------------------------------------------------------- local checks


def test_audience_forms_build_the_documented_condition(run: Any) -> None:
    assert "Condition" not in dry(run, "--text", "hi")
    assert "Condition" not in dry(run, "--all", "--text", "hi")
    body = dry(run, "--tags-and", "beta", "--tags-and", "vip", "--tags-or", "ios", "--text", "x")
    assert body["Condition"] == {"TagsAnd": ["beta", "vip"], "TagsOr": ["ios"]}
    body = dry(run, "--attr", "city=Shenzhen", "--attr", "tier=gold", "--attr-or", "x=1",
               "--text", "x")
    assert body["Condition"] == {"AttrsAnd": {"city": "Shenzhen", "tier": "gold"},
                                 "AttrsOr": {"x": "1"}}
    assert body["MsgBody"] == [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]
    assert isinstance(body["MsgRandom"], int) and 0 < body["MsgRandom"] < 2**32


@pytest.mark.parametrize("args, words", [
    (["--tags-and", "a", "--attr", "c=1"], "cannot be combined (90039)"),
    (["--tags-or", "a", "--attr-or", "c=1"], "cannot be combined (90039)"),
    ([f"--tags-and={t}" for t in "abcdefghijk"], "at most 10 tags"),
    ([f"--tags-or={t}" for t in "abcdefghijk"], "at most 10 tags"),
    (["--tags-and", "x" * 51], "51 bytes (at most 50)"),
    (["--tags-or", ""], "empty tag"),
    (["--tags-and", "a", "--tags-or", "a"], "in both --tags-and and --tags-or"),
    (["--all", "--tags-and", "a"], "--all cannot be combined"),
    (["--attr", "city"], "expected NAME=VALUE"),
    (["--attr", "city=a", "--attr", "city=b"], "given twice"),
    (["--attr", "c=" + "v" * 51], "51 bytes"),
    (["--lifetime", "604801"], "604801"),
    (["--cloud-data", "x"], "not a field of a push"),
    (["--idempotency-key", ""], "non-empty key"),
    (["--from", "x" * 33], "33 bytes"),
])
def test_broken_audience_rules_exit_2_before_sending(run: Any, args: list[str],
                                                     words: str) -> None:
    r = run(*LOCAL, "push", "send", "--text", "hi", *args)
    assert r.code == 2, (r.out, r.err)
    assert words in r.err
    assert r.out == ""
    stats = run(*LOCAL, "-o", "json", "emulator", "stats")
    assert not [s for s in json.loads(stats.out or "[]") if "push" in s["endpoint"]]


def test_body_comes_from_the_shared_builder_and_is_checked(run: Any) -> None:
    body = dry(run, "--image", "https://x/y.png", "--text", "caption", "--push-title", "T",
               "--push-desc", "D", "--push-ext", "E", "--from", "ann", "--lifetime", "3600")
    assert [e["MsgType"] for e in body["MsgBody"]] == ["TIMImageElem", "TIMTextElem"]
    assert body["OfflinePushInfo"] == {"Title": "T", "Desc": "D", "Ext": "E"}
    assert body["From_Account"] == "ann" and body["MsgLifeTime"] == 3600
    assert dry(run, "--online-only", "--text", "x")["MsgLifeTime"] == 0
    r = run(*LOCAL, "push", "send", "--push-title", "T")
    assert r.code == 2 and "no message body" in r.err
    r = run(*LOCAL, "push", "send", "--text", "a", "--image", "https://x/y.png")
    assert r.code == 2 and "message body" in r.err  # an image after text breaks a rule


def test_timpush_fields(run: Any) -> None:
    body = dry(run, "--service", "timpush", "--push-title", "News", "--online-only",
               "--tags-or", "ios")
    assert body["From_Account"] == "administrator"  # required there: the admin
    assert body["OfflinePushInfo"] == {"Title": "News"} and "MsgBody" not in body
    assert body["OnlineOnlyFlag"] == 1 and body["Condition"] == {"TagsOr": ["ios"]}
    r = run(*LOCAL, "push", "send", "--service", "timpush", "--text", "x", "--lifetime", "60")
    assert r.code == 2 and "--lifetime is an all_member_push field" in r.err


def test_idempotency_key_derives_a_stable_msgrandom(run: Any) -> None:
    first = dry(run, "--text", "a", "--idempotency-key", "release-1")["MsgRandom"]
    again = dry(run, "--text", "a", "--idempotency-key", "release-1")["MsgRandom"]
    other = dry(run, "--text", "a", "--idempotency-key", "release-2")["MsgRandom"]
    assert first == again == idempotent_random("all_member_push", "release-1") != other
    assert dry(run, "--text", "a")["MsgRandom"] != dry(run, "--text", "a")["MsgRandom"]
    assert all(0 < idempotent_random("timpush", str(i)) < 2**32 for i in range(200))


# ---------------------------------------------------------------------------- the emulator


@pytest.fixture
def emu(serve_app: Any, run: Any) -> Any:
    """A served emulator (profile `pu`, its clock by hand) with users ann..eve: ann beta+vip,
    Shenzhen gold; bob beta, Shenzhen; cat vip, Beijing gold; dan nothing; eve beta."""
    from timctl.emulator.faults import Faults

    faults = Faults(seed=11)  # the gateway's rate limits on, as `emulator serve` runs
    served = serve_app("pu", 1400000091, faults=faults, frozen_clock=True)
    served.faults = faults
    p = ("-p", "pu")
    assert run(*p, "users", "import", *USERS).code == 0
    assert run(*p, "push", "attr-names", "set", "0=city", "1=tier").code == 0
    for user, attrs in (("ann", ["city=Shenzhen", "tier=gold"]), ("bob", ["city=Shenzhen"]),
                        ("cat", ["city=Beijing", "tier=gold"])):
        args = [a for attr in attrs for a in ("--attr", attr)]
        r = run(*p, "push", "attrs", "set", user, *args)
        assert r.code == 0, r.err
    for tag, users in (("beta", ["ann", "bob", "eve"]), ("vip", ["ann", "cat"])):
        r = run(*p, "push", "tags", "add", *users, "--tag", tag)
        assert r.code == 0, r.err
    return served


def pushes(emu: Any, task_id: str | None = None) -> list[dict[str, Any]]:
    resp = requests.post(emu.url + "/_emulator/pushes",
                         json={} if task_id is None else {"TaskId": task_id}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()["Tasks"]


def send(run: Any, emu: Any, *args: str) -> Any:
    emu.clock.advance(2)  # pushes must be more than 1 s apart
    return run("-p", "pu", "-o", "json", "push", "send", "--text", "hi", *args)


def task_of(r: Any) -> str:
    assert r.code == 0, r.err
    task = json.loads(r.out)["TaskId"]
    assert isinstance(task, str) and task
    return task


@pytest.mark.parametrize("service", ["all_member_push", "timpush"])
def test_each_audience_form_reaches_the_exact_users(run: Any, emu: Any, service: str) -> None:
    s = ("--service", service)

    def users(*args: str) -> list[str]:
        (task,) = pushes(emu, task_of(send(run, emu, *s, *args)))
        return sorted(task["Recipients"])

    assert users() == sorted(["administrator", *USERS])  # --all: every imported account
    assert users("--all") == sorted(["administrator", *USERS])
    assert users("--tags-and", "beta", "--tags-and", "vip") == ["ann"]
    assert users("--tags-or", "beta", "--tags-or", "vip") == ["ann", "bob", "cat", "eve"]
    assert users("--attr", "city=Shenzhen", "--attr", "tier=gold") == ["ann"]
    assert users("--attr-or", "city=Shenzhen", "--attr-or", "tier=gold") == [
        "ann", "bob", "cat"]


def test_the_same_idempotency_key_twice_is_one_push(run: Any, emu: Any) -> None:
    key = ("--tags-and", "beta", "--idempotency-key", "release-2026-11-23")
    first = task_of(send(run, emu, *key))
    emu.clock.advance(3600)  # cron retries an hour later
    again = task_of(send(run, emu, *key))
    assert again == first
    assert [t["TaskId"] for t in pushes(emu)] == [first]
    r = run("-o", "json", "emulator", "pushes", "--db", str(emu.db))  # the same, by the CLI
    assert r.code == 0, r.err
    assert [(t["TaskId"], sorted(t["Recipients"])) for t in json.loads(r.out)] == [
        (first, ["ann", "bob", "eve"])]


def test_a_second_push_within_one_second_is_refused_clearly(run: Any, emu: Any) -> None:
    task_of(send(run, emu, "--tags-or", "vip"))
    r = run("-p", "pu", "push", "send", "--text", "another")  # no clock move: < 1 s later
    assert r.code == 5, (r.out, r.err)  # the API refused it
    assert "90024" in r.err and "more than 1 second apart" in r.err
    assert len(pushes(emu)) == 1


def test_lost_answers_still_make_exactly_one_push(run: Any, emu: Any) -> None:
    emu.faults.lose_response_rate = 0.5
    tasks = []
    for n in range(3):
        tasks.append(task_of(send(run, emu, "--max-attempts", "20", "--tags-or", "vip",
                                  "--text", f"n{n}")))
    emu.faults.lose_response_rate = 0.0
    assert [t["TaskId"] for t in pushes(emu)] == tasks  # one task per command
    stats = run("-o", "json", "emulator", "stats", "--db", str(emu.db))
    calls = sum(s["calls"] for s in json.loads(stats.out)
                if s["endpoint"] == "all_member_push/im_push")
    assert calls > 3  # answers were lost and retried with the same MsgRandom
