"""timctl messages read|unread|set-unread|modify|delete|clear against the embedded emulator
and a served one over HTTP: the documented effects, API errors, refusals before any call
(exit 2, nothing sent, measured with `emulator stats`) and output formats."""

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
    assert run(*prof, "users", "import", "alice", "bob", "carol").code == 0
    return prof


def ok(run: Run, *args: str) -> Any:
    r = run(*args)
    assert r.code == 0, r.err
    return r


def send_c2c(run: Run, prof: tuple[str, ...], text: str) -> str:
    r = ok(run, *prof, "-o", "json", "messages", "send", "--from", "alice", "--to", "bob",
           "--text", text)
    return str(r.json()["MsgKey"])


def c2c_history(run: Run, prof: tuple[str, ...], user: str, peer: str) -> list[Any]:
    r = ok(run, *prof, "-o", "json", "messages", "history", "--user", user, "--peer", peer)
    return list(r.json())


def make_group(run: Run, prof: tuple[str, ...]) -> str:
    ok(run, *prof, "groups", "create", "--type", "Public", "--name", "Team", "--id", "team-1",
       "--owner", "alice", "--members", "bob")
    return "team-1"


def send_group(run: Run, prof: tuple[str, ...], gid: str, text: str) -> int:
    r = ok(run, *prof, "-o", "json", "messages", "send", "--group", gid, "--from", "bob",
           "--text", text)
    return int(r.json()["MsgSeq"])


def calls(run: Run) -> int:
    """Calls the embedded emulator answered, bar stats itself (0 when never opened)."""
    r = run("-o", "json", "emulator", "stats")
    return 0 if r.code != 0 else sum(row["calls"] for row in r.json())


def test_unread_then_read(run: Run, profile: tuple[str, ...]) -> None:
    send_c2c(run, profile, "one")
    send_c2c(run, profile, "two")
    r = ok(run, *profile, "-o", "json", "messages", "unread", "--user", "bob")
    assert r.json()["Unread"] == 2
    r = ok(run, *profile, "-o", "json", "messages", "unread", "--user", "bob", "--peer",
           "alice", "--peer", "nobody")
    rows = {row["Peer_Account"]: row for row in r.json()}
    assert rows["alice"]["Unread"] == 2
    assert rows["nobody"]["ErrorCode"] == 70107
    ok(run, *profile, "messages", "read", "--user", "bob", "--peer", "alice")
    r = ok(run, *profile, "-o", "jsonl", "messages", "unread", "--user", "bob", "--peer", "alice")
    assert json.loads(r.out.splitlines()[0])["Unread"] == 0


def test_unread_splits_peers_by_ten(run: Run) -> None:
    peers = [f"p{i}" for i in range(12)]
    r = ok(run, *LOCAL, "--dry-run", "messages", "unread", "--user", "bob",
           *[x for p in peers for x in ("--peer", p)])
    plans = [json.loads(line) for line in r.out.splitlines()]
    assert [len(p["body"]["Peer_Account"]) for p in plans] == [10, 2]


def test_set_unread(run: Run, profile: tuple[str, ...]) -> None:
    gid = make_group(run, profile)
    seqs = [send_group(run, profile, gid, f"m{i}") for i in range(3)]
    ok(run, *profile, "messages", "set-unread", "--group", gid, "--member", "bob", "--count", "2")
    r = ok(run, *profile, "-o", "json", "groups", "members", "list", gid)
    bob = next(m for m in r.json() if m["Member_Account"] == "bob")
    assert bob["MsgSeq"] == seqs[-1] - 2
    r = run(*profile, "messages", "set-unread", "--group", gid, "--member", "carol",
            "--count", "1")
    assert r.code != 0 and "10007" in r.err


def test_modify_c2c_and_group(run: Run, profile: tuple[str, ...]) -> None:
    key = send_c2c(run, profile, "typo")
    ok(run, *profile, "messages", "modify", "--from", "alice", "--to", "bob", "--key", key,
       "--text", "fixed", "--cloud-data", "cd")
    [msg] = c2c_history(run, profile, "alice", "bob")
    assert msg["MsgBody"] == [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fixed"}}]
    assert msg["CloudCustomData"] == "cd"
    gid = make_group(run, profile)
    seq = send_group(run, profile, gid, "typo")
    r = ok(run, *profile, "-o", "json", "messages", "modify", "--group", gid, "--seq", str(seq),
           "--custom-data", "d")
    assert r.json()["Status"] == "modified"
    r = ok(run, *profile, "-o", "json", "messages", "history", "--group", gid)
    [mine] = [m for m in r.json() if m["MsgSeq"] == seq]
    assert mine["MsgBody"][0]["MsgType"] == "TIMCustomElem"
    r = run(*profile, "messages", "modify", "--group", gid, "--seq", "999", "--text", "x")
    assert r.code != 0 and "20022" in r.err
    r = run(*profile, "messages", "modify", "--from", "alice", "--to", "bob", "--key",
            "1_2_3", "--text", "x")
    assert r.code != 0 and "20022" in r.err


def test_delete_one_side(run: Run, profile: tuple[str, ...]) -> None:
    keys = [send_c2c(run, profile, f"m{i}") for i in range(2)]
    r = run(*profile, "messages", "delete", "--user", "alice", "--peer", "bob", keys[0])
    assert r.code == 2 and "--yes" in r.err  # not on a terminal: refuses without --yes
    r = ok(run, *profile, "-o", "json", "messages", "delete", "--user", "alice", "--peer",
           "bob", keys[0], "--yes")
    assert r.json() == [{"MsgKey": keys[0], "Status": "deleted"}]
    assert [m["MsgKey"] for m in c2c_history(run, profile, "alice", "bob")] == [keys[1]]
    assert len(c2c_history(run, profile, "bob", "alice")) == 2  # the peer keeps them


def test_clear_keeps_the_admin_view(run: Run, profile: tuple[str, ...]) -> None:
    gid = make_group(run, profile)
    seq = send_group(run, profile, gid, "m")
    r = ok(run, *profile, "-o", "json", "messages", "clear", "--group", gid, "--yes")
    assert r.json()["Status"] == "cleared"
    r = ok(run, *profile, "-o", "json", "messages", "history", "--group", gid)
    assert seq in [m["MsgSeq"] for m in r.json()]  # documented: the admin still pulls it
    r = run(*profile, "messages", "clear", "--group", "nope", "--yes")
    assert r.code != 0 and "10010" in r.err


def test_delete_plan_chunks_by_thirty(run: Run) -> None:
    keys = [f"{i}_1_1700000000" for i in range(31)]
    r = ok(run, *LOCAL, "--dry-run", "messages", "delete", "--user", "a", "--peer", "b", *keys)
    plans = [json.loads(line) for line in r.out.splitlines()]
    assert [len(p["body"]["MsgKeyList"]) for p in plans] == [30, 1]


@pytest.mark.parametrize("args", [
    ["modify", "--from", "alice", "--to", "bob", "--key", "k"],  # nothing to change
    ["modify", "--from", "alice", "--to", "bob", "--text", "x"],  # no key
    ["modify", "--group", "team-1", "--text", "x"],  # no seq
    ["modify", "--group", "team-1", "--seq", "1", "--key", "k", "--text", "x"],  # both kinds
    ["modify", "--group", "team-1", "--seq", "1", "--body", json.dumps(
        [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": d}} for d in "ab"])],
    ["modify", "--group", "team-1", "--seq", "1", "--body", '[{"MsgType": "TIMNope"}]'],
    ["modify", "--group", "team-1", "--seq", "1", "--text", "x" * 13000],
    ["modify", "--group", "team-1", "--seq", "0", "--text", "x"],
    ["modify", "--from", "x" * 40, "--to", "bob", "--key", "k", "--text", "x"],
    ["read", "--user", "alice"],
    ["unread", "--user", "x" * 40],
    ["set-unread", "--group", "team-1", "--member", "bob", "--count", "-1"],
    ["delete", "--user", "alice", "--peer", "bob", "bad key", "--yes"],
    ["delete", "--user", "alice", "--peer", "bob", "--yes"],
    ["clear", "--group", "team-1", "--seq", "0", "--yes"],
])
def test_refused_before_any_call(run: Run, args: list[str]) -> None:
    before = calls(run)
    r = run(*LOCAL, "messages", *args)
    assert r.code == 2, (r.code, r.err)
    assert calls(run) == before


def test_pin_unpin_and_list(run: Run, profile: tuple[str, ...]) -> None:
    gid = make_group(run, profile)
    a, b = (send_group(run, profile, gid, f"m{i}") for i in range(2))
    ok(run, *profile, "messages", "pin", "--group", gid, "--seq", str(a), "--by", "bob")
    ok(run, *profile, "messages", "pin", "--group", gid, "--seq", str(b))
    r = ok(run, *profile, "-o", "json", "messages", "pins", "--group", gid)
    assert [(p["MsgSeq"], p["Pinner_Account"]) for p in r.json()][1] == (a, "bob")
    assert [p["MsgSeq"] for p in r.json()] == [b, a]
    r = run(*profile, "messages", "pin", "--group", gid, "--seq", str(a))
    assert r.code != 0 and "10071" in r.err
    ok(run, *profile, "messages", "unpin", "--group", gid, "--seq", str(b))
    r = ok(run, *profile, "-o", "jsonl", "messages", "pins", "--group", gid)
    assert [json.loads(line)["MsgSeq"] for line in r.out.splitlines()] == [a]


@pytest.mark.parametrize("args", [
    ["pin", "--group", "team-1", "--seq", "0"],
    ["pin", "--group", "team-1"],
    ["pin", "--group", "team-1", "--seq", "1", "--by", "x" * 40],
    ["unpin", "--group", "team-1", "--seq", "4294967296"],
    ["pins"],
])
def test_pins_refused_before_any_call(run: Run, args: list[str]) -> None:
    before = calls(run)
    r = run(*LOCAL, "messages", *args)
    assert r.code == 2, (r.code, r.err)
    assert calls(run) == before
