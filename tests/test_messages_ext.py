"""timctl messages ext get|set|delete|clear against the embedded emulator and a served one:
pairs on group and one-to-one messages sent with --extensible, per-key results, exit codes,
refusals before any call (exit 2, nothing sent), --dry-run plans and the --yes rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

LOCAL = ("-p", "local")
Run = Callable[..., Any]


@pytest.fixture
def profile(either_profile: tuple[str, ...], run: Run) -> tuple[str, ...]:
    prof = either_profile
    assert run(*prof, "users", "import", "alice", "bob").code == 0
    assert run(*prof, "groups", "create", "--type", "Public", "--name", "Team", "--id",
               "team-1", "--owner", "alice", "--members", "bob").code == 0
    return prof


def ok(run: Run, *args: str) -> Any:
    r = run(*args)
    assert r.code == 0, r.err
    return r


def calls(run: Run) -> int:
    r = run("-o", "json", "emulator", "stats")
    return 0 if r.code != 0 else sum(row["calls"] for row in r.json())


def group_msg(run: Run, prof: tuple[str, ...], *extra: str) -> str:
    r = ok(run, *prof, "-o", "json", "messages", "send", "--group", "team-1", "--text", "poll",
           *extra)
    return str(r.json()["MsgSeq"])


def test_group_pairs_round_trip(run: Run, profile: tuple[str, ...]) -> None:
    seq = group_msg(run, profile, "--extensible")
    target = ("--group", "team-1", "--seq", seq)
    r = ok(run, *profile, "-o", "json", "messages", "ext", "set", *target, "yes=1", "no=0")
    assert r.json() == [{"Key": "yes", "Value": "1", "Seq": 1, "ErrorCode": 0},
                        {"Key": "no", "Value": "0", "Seq": 1, "ErrorCode": 0}]
    ok(run, *profile, "messages", "ext", "set", *target, "yes=2")
    ok(run, *profile, "messages", "ext", "delete", *target, "no")
    r = ok(run, *profile, "-o", "json", "messages", "ext", "get", *target)
    assert r.json() == [{"Key": "yes", "Value": "2", "Seq": 2}]
    r = ok(run, *profile, "-o", "json", "messages", "ext", "clear", *target, "--yes")
    assert r.json() == {"Status": "cleared"}
    assert ok(run, *profile, "-o", "json", "messages", "ext", "get", *target).json() == []


def test_one_to_one_pairs_and_paging(run: Run, profile: tuple[str, ...]) -> None:
    r = ok(run, *profile, "-o", "json", "messages", "send", "--from", "alice", "--to", "bob",
           "--text", "hi", "--extensible")
    target = ("--from", "alice", "--to", "bob", "--key", r.json()["MsgKey"])
    pairs = [f"k{i:03}=v{i}" for i in range(250)]  # 13 calls of at most 20
    r = ok(run, *profile, "-o", "json", "messages", "ext", "set", *target, *pairs)
    assert len(r.json()) == 250 and {row["ErrorCode"] for row in r.json()} == {0}
    r = ok(run, *profile, "-o", "json", "messages", "ext", "get", *target)
    assert sorted(row["Key"] for row in r.json()) == [f"k{i:03}" for i in range(250)]
    r = ok(run, *profile, "-o", "json", "messages", "ext", "get", *target, "--since-seq", "13")
    assert [row["Key"] for row in r.json()] == [f"k{i:03}" for i in range(240, 250)]


def test_message_without_extensions_fails(run: Run, profile: tuple[str, ...]) -> None:
    seq = group_msg(run, profile)
    r = run(*profile, "messages", "ext", "set", "--group", "team-1", "--seq", seq, "a=b")
    assert r.code == 5 and "23002" in r.err


def test_clear_needs_yes_off_a_terminal(run: Run) -> None:
    r = run(*LOCAL, "messages", "ext", "clear", "--group", "team-1", "--seq", "1")
    assert r.code == 2 and "--yes" in r.err
    assert calls(run) == 0


def test_dry_run_plans(run: Run) -> None:
    r = ok(run, *LOCAL, "--dry-run", "messages", "ext", "set", "--group", "team-1", "--seq",
           "7", *[f"k{i}=v" for i in range(25)])
    plans = [json.loads(line) for line in r.out.splitlines()]
    assert [len(p["body"]["ExtensionList"]) for p in plans] == [20, 5]
    assert plans[0]["body"]["OperateType"] == 1 and plans[0]["body"]["MsgSeq"] == 7
    assert "group_set_key_values" in json.dumps(plans[0])
    r = ok(run, *LOCAL, "--dry-run", "messages", "ext", "clear", "--to", "bob", "--key",
           "1_2_3")
    plan = json.loads(r.out)
    assert plan["body"] == {"To_Account": "bob", "MsgKey": "1_2_3", "OperateType": 3}
    r = ok(run, *LOCAL, "--dry-run", "messages", "ext", "get", "--to", "bob", "--key",
           "1_2_3", "--since-seq", "4")
    assert json.loads(r.out)["body"]["StartSeq"] == 4
    assert calls(run) == 0


@pytest.mark.parametrize("args", [
    ("set", "--group", "team-1", "--seq", "1", "novalue"),
    ("set", "--group", "team-1", "--seq", "1", "=v"),
    ("set", "--group", "team-1", "--seq", "1", "k" * 101 + "=v"),
    ("set", "--group", "team-1", "--seq", "1", "k=" + "v" * 1001),
    ("set", "--group", "team-1", "k=v"),
    ("set", "--to", "bob", "--key", "nokey", "k=v"),
    ("set", "--group", "team-1", "--seq", "1", "--to", "bob", "k=v"),
    ("get", "--seq", "1"),
    ("delete", "--group", "team-1", "--seq", "0", "k"),
])
def test_bad_input_sends_nothing(run: Run, args: tuple[str, ...]) -> None:
    r = run(*LOCAL, "messages", "ext", *args)
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err
    assert calls(run) == 0
