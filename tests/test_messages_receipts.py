"""timctl messages read-receipt|receipts|receipt-detail and send --need-receipt against the
embedded emulator and a served one: counts move with receipts, the detail walks the cursor,
refusals happen before any call (exit 2, nothing sent) and --dry-run prints the plan."""

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
    assert run(*prof, "users", "import", "alice", "bob", "carol", "dave").code == 0
    assert run(*prof, "groups", "create", "--type", "Public", "--name", "Team", "--id",
               "team-1", "--owner", "alice", "--members", "bob,carol,dave").code == 0
    return prof


def ok(run: Run, *args: str) -> Any:
    r = run(*args)
    assert r.code == 0, r.err
    return r


def send(run: Run, prof: tuple[str, ...], *extra: str) -> int:
    r = ok(run, *prof, "-o", "json", "messages", "send", "--group", "team-1", "--from", "bob",
           "--text", "hi", *extra)
    return int(r.json()["MsgSeq"])


def calls(run: Run) -> int:
    r = run("-o", "json", "emulator", "stats")
    return 0 if r.code != 0 else sum(row["calls"] for row in r.json())


def test_group_receipts_round_trip(run: Run, profile: tuple[str, ...]) -> None:
    seq = send(run, profile, "--need-receipt")
    plain = send(run, profile)
    r = ok(run, *profile, "-o", "json", "messages", "read-receipt", "--user", "carol",
           "--group", "team-1", str(seq))
    assert r.json() == [{"GroupId": "team-1", "MsgSeq": seq, "User": "carol",
                         "Status": "read"}]
    r = ok(run, *profile, "-o", "json", "messages", "receipts", "--group", "team-1",
           str(seq), str(plain))
    rows = {row["MsgSeq"]: row for row in r.json()}
    assert rows[seq]["Read"] == 1 and rows[seq]["Unread"] == 2 and rows[seq]["Code"] == 0
    assert rows[plain]["Code"] == 10062
    r = ok(run, *profile, "-o", "json", "messages", "receipt-detail", "--group", "team-1",
           "--seq", str(seq))
    assert [(x["UserID"], x["Read"]) for x in r.json()] == [
        ("carol", True), ("alice", False), ("dave", False)]
    r = ok(run, *profile, "-o", "json", "messages", "receipt-detail", "--group", "team-1",
           "--seq", str(seq), "--unread", "--limit", "1")
    assert [x["UserID"] for x in r.json()] == ["alice"]


def test_receipt_for_a_message_without_receipts_fails(run: Run,
                                                      profile: tuple[str, ...]) -> None:
    plain = send(run, profile)
    r = run(*profile, "messages", "read-receipt", "--user", "carol", "--group", "team-1",
            str(plain))
    assert r.code == 5 and "10062" in r.err


def test_detail_pages_through_many_members(run: Run) -> None:
    users = [f"u{i:03}" for i in range(30)]
    ok(run, *LOCAL, "users", "import", *users)
    ok(run, *LOCAL, "groups", "create", "--type", "Public", "--name", "Big", "--id", "big",
       "--owner", "u000", "--members", ",".join(users[1:20]))
    ok(run, *LOCAL, "groups", "members", "add", "big", *users[20:])
    r = ok(run, *LOCAL, "-o", "json", "messages", "send", "--group", "big", "--from", "u000",
           "--text", "x", "--need-receipt")
    seq = str(r.json()["MsgSeq"])
    ok(run, *LOCAL, "messages", "read-receipt", "--user", "u005", "--group", "big", seq)
    r = ok(run, *LOCAL, "-o", "json", "messages", "receipt-detail", "--group", "big",
           "--seq", seq, "--unread")
    assert len(r.json()) == 28 and "u005" not in {x["UserID"] for x in r.json()}


def test_dry_run_prints_plans(run: Run) -> None:
    r = ok(run, *LOCAL, "--dry-run", "messages", "read-receipt", "--user", "bob", "--group",
           "team-1", *[str(i) for i in range(1, 61)])
    plans = [json.loads(line) for line in r.out.splitlines()]
    assert [len(p["body"]["MsgSeqList"]) for p in plans] == [50, 10]
    assert plans[0]["body"]["From_Account"] == "bob"
    r = ok(run, *LOCAL, "--dry-run", "messages", "receipt-detail", "--group", "team-1",
           "--seq", "3")
    bodies = [json.loads(line)["body"] for line in r.out.splitlines()]
    assert [b["Filter"] for b in bodies] == [0, 1] and bodies[0]["Cursor"] == ""
    r = ok(run, *LOCAL, "--dry-run", "messages", "send", "--group", "team-1", "--text", "x",
           "--need-receipt", "--extensible")
    body = json.loads(r.out)["body"]
    assert body["NeedReadReceipt"] == 1 and body["SupportMessageExtension"] == 1
    r = ok(run, *LOCAL, "--dry-run", "messages", "send", "--to", "bob", "--text", "x",
           "--need-receipt")
    assert json.loads(r.out)["body"]["IsNeedReadReceipt"] == 1
    assert calls(run) == 0


@pytest.mark.parametrize("args", [
    ("read-receipt", "--user", "bob", "--group", "team-1", "x1"),
    ("read-receipt", "--user", "bob", "--group", "team-1", "0"),
    ("read-receipt", "--user", "bob", "--peer", "alice", "not-a-key"),
    ("read-receipt", "--user", "bob", "--group", "team-1", "--peer", "alice", "1"),
    ("read-receipt", "--user", "bob", "1"),
    ("read-receipt", "--user", "b" * 40, "--group", "team-1", "1"),
    ("receipts", "--group", "team-1", "abc"),
    ("receipt-detail", "--group", "team-1", "--seq", "0"),
    ("send", "--group", "team-1", "--text", "x", "--need-receipt", "--lifetime", "0"),
])
def test_bad_input_sends_nothing(run: Run, args: tuple[str, ...]) -> None:
    r = run(*LOCAL, "messages", *args)
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err
    assert calls(run) == 0


def test_one_to_one_receipts(run: Run, profile: tuple[str, ...]) -> None:
    r = ok(run, *profile, "-o", "json", "messages", "send", "--from", "alice", "--to", "bob",
           "--text", "read me", "--need-receipt")
    key = r.json()["MsgKey"]
    r = ok(run, *profile, "-o", "json", "messages", "send", "--from", "alice", "--to", "bob",
           "--text", "plain")
    plain = r.json()["MsgKey"]
    r = ok(run, *profile, "-o", "json", "messages", "read-receipt", "--user", "bob", "--peer",
           "alice", key)
    assert r.json() == [{"Peer": "alice", "MsgKey": key, "User": "bob", "Status": "read"}]
    r = ok(run, *profile, "-o", "json", "messages", "history", "--user", "alice", "--peer",
           "bob")
    assert {m["MsgKey"]: m["IsPeerRead"] for m in r.json()} == {key: 1, plain: 0}
    r = run(*profile, "messages", "read-receipt", "--user", "bob", "--peer", "alice", plain)
    assert r.code == 5 and "20001" in r.err


def test_one_to_one_dry_run(run: Run) -> None:
    r = ok(run, *LOCAL, "--dry-run", "messages", "read-receipt", "--user", "bob", "--peer",
           "alice", "1_2_3", "4_5_6")
    plan = json.loads(r.out)
    assert plan["body"] == {"Operator_Account": "bob", "Peer_Account": "alice", "C2CMsgInfo": [
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": "1_2_3"},
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": "4_5_6"}]}
    assert calls(run) == 0
