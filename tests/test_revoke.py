"""timctl revoke c2c|group|by-sender: inputs (arguments, files, stdin; plain, CSV, JSONL with
MsgKey/MsgSeq), chunking, confirmation and dry runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

LOCAL = ("-p", "local")
Run = Callable[..., Any]


def recall_calls(run: Run) -> int:
    r = run("-o", "json", "emulator", "stats")
    if r.code != 0:
        return 0
    return sum(row["calls"] for row in r.json() if "recall" in row["endpoint"]
               or "withdraw" in row["endpoint"] or "by_sender" in row["endpoint"])


def test_group_plan_chunks_by_ten_from_jsonl_csv_and_args(run: Run, tmp_path: Any) -> None:
    lines = "".join(json.dumps({"MsgSeq": n, "From_Account": "spam"}) + "\n"
                    for n in range(1, 13))
    (tmp_path / "seqs.csv").write_text("MsgSeq,Note\n13,x\n014,y\n")
    r = run(*LOCAL, "--dry-run", "revoke", "group", "--group", "team-1", "-",
            "-f", str(tmp_path / "seqs.csv"), "15", input=lines)
    assert r.code == 0, r.err
    plan = r.json()
    assert (plan["endpoint"], plan["items"], plan["calls"], plan["batch_size"]) == (
        "group_open_http_svc/group_msg_recall", 15, 2, 10)
    first, second = (p["body"] for p in plan["first_requests"])
    assert first == {"GroupId": "team-1", "MsgSeqList": [{"MsgSeq": n} for n in
                                                         [13, 14, *range(1, 9)]]}
    assert second["MsgSeqList"] == [{"MsgSeq": n} for n in (9, 10, 11, 12, 15)]
    assert recall_calls(run) == 0


def test_bad_lines_are_skipped_and_named(run: Run) -> None:
    r = run(*LOCAL, "--dry-run", "revoke", "group", "--group", "g", "-",
            input='{"MsgSeq": 1}\n{"MsgSeq": 0}\n{"MsgSeq": "x"}\n{"Other": 2}\n'
                  '{"MsgSeq": 4294967296}\n')
    assert r.code == 0, r.err
    assert r.json()["items"] == 1 and r.json()["skipped"] == 4
    assert "-:2: not a MsgSeq" in r.err and "-:4: no MsgSeq" in r.err


def test_rows_of_another_group_or_conversation_are_skipped(run: Run) -> None:
    r = run(*LOCAL, "--dry-run", "revoke", "group", "--group", "g", "-",
            input='{"MsgSeq": 1, "GroupId": "g"}\n{"MsgSeq": 2, "GroupId": "other"}\n')
    assert r.code == 0, r.err
    assert (r.json()["items"], r.json()["skipped"]) == (1, 1)
    assert "-:2: a message of group 'other', not of 'g'" in r.err
    r = run(*LOCAL, "--dry-run", "revoke", "c2c", "--from", "a", "--to", "b", "-",
            input='{"MsgKey": "1_2_3", "From_Account": "b", "To_Account": "a"}\n'
                  '{"MsgKey": "4_5_6", "From_Account": "a", "To_Account": "c"}\n')
    assert r.code == 0, r.err
    assert (r.json()["items"], r.json()["skipped"]) == (1, 1)
    assert "-:2: a message between 'a' and 'c'" in r.err


def test_c2c_plan_one_key_per_call(run: Run) -> None:
    keys = "".join(json.dumps({"MsgKey": f"{n}_7_1700000000"}) + "\n" for n in range(3))
    r = run(*LOCAL, "--dry-run", "revoke", "c2c", "--from", "alice", "--to", "bob", "-",
            input=keys)
    assert r.code == 0, r.err
    plan = r.json()
    assert (plan["endpoint"], plan["calls"]) == ("openim/admin_msgwithdraw", 3)
    assert plan["first_requests"][0]["body"] == {"From_Account": "alice", "To_Account": "bob",
                                                 "MsgKey": "0_7_1700000000"}


@pytest.mark.parametrize(("args", "why"), [
    (["group", "--group", "g", "0"], "argument 1: not a MsgSeq"),
    (["group", "--group", "g", "abc"], "not a MsgSeq"),
    (["group", "--group", "g"], "no items given"),
    (["group", "--group", "g", "1", "--reason", "r" * 101], "100 bytes"),
    (["c2c", "--from", "a", "--to", "b", "k" * 51], "at most 50"),
    (["c2c", "--from", "a", "--to", "b", "1 2"], "no spaces"),
    (["c2c", "--to", "b", "1_2_3"], "--from"),
    (["by-sender", "--group", "g"], "--user"),
])
def test_bad_input_is_a_usage_error(run: Run, args: list[str], why: str) -> None:
    r = run(*LOCAL, "revoke", *args, "--yes")
    assert r.code == 2 and why in r.err, r.err
    assert recall_calls(run) == 0


@pytest.mark.parametrize("args", [
    ["group", "--group", "g", "1"], ["c2c", "--from", "a", "--to", "b", "1_2_3"],
    ["by-sender", "--group", "g", "--user", "u"],
])
def test_asks_or_needs_yes(run: Run, args: list[str]) -> None:
    r = run(*LOCAL, "revoke", *args)
    assert r.code == 2 and "refusing without --yes" in r.err, r.err
    assert recall_calls(run) == 0


# --- against the emulator -------------------------------------------------------------------------

@pytest.fixture
def profile(either_profile: tuple[str, ...]) -> tuple[str, ...]:
    return either_profile


def history(run: Run, profile: tuple[str, ...], *args: str) -> list[dict[str, Any]]:
    r = run(*profile, "-o", "json", "messages", "history", *args)
    assert r.code == 0, r.err
    return list(r.json())


def send(run: Run, profile: tuple[str, ...], *args: str) -> dict[str, Any]:
    r = run(*profile, "-o", "json", "messages", "send", *args)
    assert r.code == 0, r.err
    return dict(r.json())


def test_c2c_revoked_messages_stay_flagged(run: Run, profile: tuple[str, ...]) -> None:
    assert run(*profile, "users", "import", "alice", "bob").code == 0
    keys = [send(run, profile, "--from", "alice", "--to", "bob", "--text", f"m{i}")["MsgKey"]
            for i in range(3)]
    r = run(*profile, "-o", "json", "revoke", "c2c", "--from", "alice", "--to", "bob",
            keys[0], keys[2], "--yes")
    assert r.code == 0, r.err
    assert [(row["MsgKey"], row["Status"]) for row in r.json()] == [
        (keys[0], "revoked"), (keys[2], "revoked")]
    rows = {row["MsgKey"]: row for row in history(run, profile, "--user", "bob",
                                                   "--peer", "alice")}
    assert set(rows) == set(keys)  # flagged, not gone
    assert {k: rows[k]["Revoked"] for k in keys} == {keys[0]: True, keys[1]: False,
                                                     keys[2]: True}
    assert rows[keys[0]]["MsgFlagBits"] & 8
    # a second recall answers 20023: a failure row, exit 5
    r = run(*profile, "-o", "json", "revoke", "c2c", "--from", "alice", "--to", "bob",
            keys[0], "--yes")
    assert r.code == 5 and r.json()[0]["ResultCode"] == 20023


def test_history_to_revoke_pipeline(run: Run, profile: tuple[str, ...]) -> None:
    assert run(*profile, "users", "import", "alice", "spam").code == 0
    r = run(*profile, "groups", "create", "--type", "Public", "--name", "T", "--id", "team-1",
            "--owner", "alice", "--members", "spam")
    assert r.code == 0, r.err
    for i in range(12):  # more than one recall call (10 per call)
        send(run, profile, "--group", "team-1", "--from", "spam", "--text", f"buy {i}")
        send(run, profile, "--group", "team-1", "--from", "alice", "--text", f"hi {i}")
    r = run(*profile, "-o", "jsonl", "messages", "history", "--group", "team-1",
            "--query", "[?From_Account=='spam']")
    assert r.code == 0, r.err
    assert len(r.out.splitlines()) == 12
    r = run(*profile, "-o", "json", "revoke", "group", "--group", "team-1", "-f", "-",
            "--yes", input=r.out)
    assert r.code == 0, r.err
    assert len(r.json()) == 12 and {row["Status"] for row in r.json()} == {"revoked"}
    rows = history(run, profile, "--group", "team-1", "--with-recalled")
    by_sender = {(row["From_Account"], row["Revoked"]) for row in rows
                 if row["From_Account"] in ("alice", "spam")}
    assert by_sender == {("spam", True), ("alice", False)}
    assert sum(row["From_Account"] == "spam" for row in rows) == 12
    # without --with-recalled they are left out
    assert {row["From_Account"] for row in history(run, profile, "--group", "team-1")
            } & {"spam"} == set()


def test_group_recall_results_per_message(run: Run) -> None:
    assert run(*LOCAL, "users", "import", "alice").code == 0
    assert run(*LOCAL, "groups", "create", "--type", "Public", "--name", "T", "--id", "g",
               "--owner", "alice").code == 0
    seq = send(run, LOCAL, "--group", "g", "--from", "alice", "--text", "x")["MsgSeq"]
    r = run(*LOCAL, "-o", "json", "revoke", "group", "--group", "g", str(seq), "999", "--yes")
    assert r.code == 6, r.err  # one done, one failed
    rows = {row["MsgSeq"]: row for row in r.json()}
    assert rows[seq]["Status"] == "revoked" and rows[999]["Status"] == "failed"
    assert rows[999]["ResultCode"] != 0


def test_by_sender(run: Run, profile: tuple[str, ...]) -> None:
    assert run(*profile, "users", "import", "alice", "spam").code == 0
    assert run(*profile, "groups", "create", "--type", "Public", "--name", "T", "--id", "g3",
               "--owner", "alice", "--members", "spam").code == 0
    for i in range(3):
        send(run, profile, "--group", "g3", "--from", "spam", "--text", f"s{i}")
    send(run, profile, "--group", "g3", "--from", "alice", "--text", "keep")
    r = run(*profile, "-o", "json", "revoke", "by-sender", "--group", "g3", "--user", "spam",
            "--yes")
    assert r.code == 0, r.err
    assert r.json()["Status"] == "revoked"
    rows = [row for row in history(run, profile, "--group", "g3", "--with-recalled")
            if row["From_Account"] in ("alice", "spam")]
    assert {(row["From_Account"], row["Revoked"]) for row in rows} == {
        ("spam", True), ("alice", False)}


def test_c2c_history_to_revoke_pipeline(run: Run, profile: tuple[str, ...]) -> None:
    assert run(*profile, "users", "import", "alice", "bob").code == 0
    for i in range(4):
        send(run, profile, "--from", "alice", "--to", "bob", "--text", f"a{i}")
        send(run, profile, "--from", "bob", "--to", "alice", "--text", f"b{i}")
    r = run(*profile, "-o", "jsonl", "messages", "history", "--user", "bob", "--peer", "alice",
            "--query", "[?From_Account=='alice']")
    assert r.code == 0, r.err
    assert len(r.out.splitlines()) == 4
    r = run(*profile, "-o", "json", "revoke", "c2c", "--from", "alice", "--to", "bob", "-f",
            "-", "--yes", input=r.out)
    assert r.code == 0, r.err
    assert [row["Status"] for row in r.json()] == ["revoked"] * 4
    rows = history(run, profile, "--user", "alice", "--peer", "bob")
    assert sorted((row["From_Account"], row["Revoked"]) for row in rows) == sorted(
        [("alice", True)] * 4 + [("bob", False)] * 4)


def test_a_long_msgkey_argument_is_judged_as_a_key_not_a_userid(run: Any) -> None:
    key = "4294967295_4294967295_1795000000"  # 32 bytes: fine; a 40-byte key: still a key
    long_key = "12345678901_4294967295_1795000000123"
    r = run("-p", "local", "--dry-run", "revoke", "c2c", "--from", "a", "--to", "b", key)
    assert r.code == 0, r.err
    r = run("-p", "local", "--dry-run", "revoke", "c2c", "--from", "a", "--to", "b", long_key)
    assert "UserID" not in r.err
