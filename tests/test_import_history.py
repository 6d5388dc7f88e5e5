"""timctl import-history validate|run: every malformed-record case as file:line, an import
into the embedded emulator with history in original order, re-runs that change nothing,
dry runs, skipped records and the failures file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

LOCAL = ("-p", "local")
Run = Callable[..., Any]
CUSTOM = [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "order:1", "Desc": "order"}}]
# Shuffled on purpose: the importer orders what must be ordered.
BASE = [
    {"type": "group_msg", "group": "g1", "from": "carol", "time": 1700000300, "seq": 2,
     "text": "same second, second"},
    {"type": "c2c", "from": "alice", "to": "bob", "time": 1700000200, "text": "hi"},
    {"type": "user", "id": "alice", "nick": "Alice"},
    {"type": "group_msg", "group": "g1", "from": "alice", "time": 1700000400, "seq": 3,
     "text": "third"},
    {"type": "member", "group": "g1", "user": "bob", "joined": 1700000100, "unread": 1},
    {"type": "group", "id": "g1", "group_type": "Public", "name": "G1", "owner": "alice",
     "created": 1700000000},
    {"type": "c2c", "from": "bob", "to": "alice", "time": 1700000200, "text": "same second"},
    {"type": "user", "id": "bob"},
    {"type": "group_msg", "group": "g1", "from": "bob", "time": 1700000300, "seq": 1,
     "text": "hello"},
    {"type": "member", "group": "g1", "user": "carol", "role": "Admin", "joined": 1700000150},
    {"type": "user", "id": "carol", "nick": "Carol", "face_url": "https://x.test/c.png"},
    {"type": "c2c", "from": "alice", "to": "bob", "time": 1700000500, "body": CUSTOM},
    {"type": "group", "id": "g2", "group_type": "Private", "name": "G2", "owner": "bob",
     "created": 1700000000},
    {"SyncFromOldSystem": 2, "From_Account": "carol", "To_Account": "alice",
     "MsgTimeStamp": 1700000600, "MsgRandom": 77, "MsgSeq": 5,
     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "api shape"}}]},
]


def write(path: Path, records: list[Any], extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    lines = [json.dumps(r) for r in records] + list(extra)
    path.write_text("".join(line + "\n" for line in lines))
    return path


BAD = [
    ('{"type": "c2c", "from": "alice", "to": "bob", "text": "x"}', "c2c record without 'time'"),
    ('{"type": "user", "id": "' + "x" * 33 + '"}', "'id': UserID is 33 bytes (at most 32)"),
    ('{"type": "member", "group": "g\u00e9", "user": "bob", "joined": 1700000100}',
     "'group': a group ID is printable ASCII only"),
    ('{"type": "group_msg", "group": "g1", "from": "bob", "time": 4000000000, "text": "x"}',
     "'time' 4000000000 is in the future"),
    ('{"type": "c2c", "from": "alice", "to": "bob", "time": "2023-11-14", "text": "x"}',
     "'time' must be an integer (UNIX seconds)"),
    ('{"type": "c2c", "from": "alice", "to": "bob", "time": 1700000200, "body": '
     '[{"MsgType": "TIMTextElem", "MsgContent": {}}]}', "body: MsgBody[0] TIMTextElem: "
                                                        "missing Text"),
    ('{"type": "c2c", "from": "alice", "to": "bob", "time": 1700000200, "text": "x", '
     '"body": []}', "exactly one of 'text' and 'body'"),
    ('{"type": "group_msg", "group": "g1", "from": "bob", "time": 1700000300, "body": '
     '[{"MsgType": "TIMFileElem", "MsgContent": {"Url": "u", "UUID": "u", "FileSize": 1, '
     '"FileName": "f", "Download_Flag": 2}}]}', "import_group_msg takes only"),
    ("{not json", "not JSON"),
    ('{"type": "message", "from": "alice"}', "unknown type 'message'"),
    ('{"type": "user", "id": "dave", "nickname": "D"}', "unknown field 'nickname'"),
    ('{"type": "group", "id": "g3", "group_type": "AVChatRoom", "name": "L", "created": 1}',
     "AVChatRoom keeps no history"),
    # across records
    ('{"type": "user", "id": "bob"}', "user 'bob' already given at line 8"),
    ('{"type": "group", "id": "g1", "group_type": "Public", "name": "again", '
     '"created": 1700000000}', "group 'g1' already given at line 6"),
    ('{"type": "member", "group": "g1", "user": "bob", "joined": 1700000120}',
     "member 'bob' of 'g1' already given at line 5"),
    ('{"type": "member", "group": "g9", "user": "bob", "joined": 1700000100}',
     "no valid group record for 'g9'"),
    ('{"type": "group_msg", "group": "g9", "from": "bob", "time": 1700000300, "text": "x"}',
     "no valid group record for 'g9'"),
    ('{"type": "member", "group": "g1", "user": "dave", "joined": 1700000000}',
     "joined 1700000000 is not after the creation of 'g1' (1700000000, line 6)"),
    ('{"type": "group_msg", "group": "g1", "from": "alice", "time": 1699999999, "text": "x"}',
     "time 1699999999 is not after the creation of 'g1' (1700000000, line 6)"),
    ('{"type": "group_msg", "group": "g1", "from": "bob", "time": 1700000050, "text": "x"}',
     "time 1700000050 is before 'bob' joined 'g1' at 1700000100 (line 5)"),
    ('{"type": "group_msg", "group": "g1", "from": "bob", "time": 1700000450, "seq": 3, '
     '"text": "x"}', "seq 3 already given in 'g1' at line 4"),
    ('{"type": "group_msg", "group": "g1", "from": "bob", "time": 1700000250, "seq": 4, '
     '"text": "x"}', "seq 4 in 'g1' has time 1700000250, earlier than seq 3 (line 4, "
                     "time 1700000400)"),
    ('{"type": "member", "group": "g1", "user": "carol2", "role": "Owner", '
     '"joined": 1700000100}', "role Owner, but the owner of 'g1' is 'alice' (line 6)"),
    ('{"type": "member", "group": "g2", "user": "carol", "role": "Admin", '
     '"joined": 1700000100}', "role Admin: Private groups have no admins"),
    ('{"From_Account": "alice", "To_Account": "carol", "MsgTimeStamp": 1700000600, '
     '"MsgRandom": 77, "MsgSeq": 5, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": '
     '{"Text": "other"}}]}', "same seq, random and time as line 14 in this conversation"),
]


def test_validate_accepts_a_clean_shuffled_file(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", BASE)
    r = run("import-history", "validate", str(path))
    assert r.code == 0, r.out + r.err
    assert r.out == ""
    assert "0 problems" in r.err and "3 user, 2 group, 2 member, 4 c2c, 3 group_msg" in r.err


@pytest.mark.parametrize("line,reason", BAD, ids=[b[1][:40] for b in BAD])
def test_validate_names_file_line_and_reason(run: Run, tmp_path: Path, line: str,
                                             reason: str) -> None:
    path = write(tmp_path / "h.jsonl", BASE, [line])
    r = run("import-history", "validate", str(path))
    assert r.code == 2
    assert len(r.out.splitlines()) == 1, r.out  # that line only
    assert r.out.startswith(f"{path}:{len(BASE) + 1}: "), r.out
    assert reason in r.out, r.out


def test_validate_reads_stdin_and_skips_blank_and_comment_lines(run: Run) -> None:
    text = "# exported 2026-11-22\n\n" + json.dumps(BASE[2]) + "\n" + '{"type": "user"}\n'
    r = run("import-history", "validate", "-", input=text)
    assert r.code == 2
    assert r.out == "-:4: user record without 'id'\n"


def test_a_bad_group_takes_its_members_and_messages_with_it(run: Run, tmp_path: Path) -> None:
    records = [r for r in BASE if not (r.get("type") == "group" and r.get("id") == "g1")]
    bad_group = '{"type": "group", "id": "g1", "group_type": "Public", "created": 1700000000}'
    path = write(tmp_path / "h.jsonl", records, [bad_group])
    out = run("import-history", "validate", str(path)).out.splitlines()
    assert f"{path}:14: group record without 'name'" in out
    assert sum("no valid group record for 'g1'" in line for line in out) == 5  # 2 + 3


def group_history(run: Run, gid: str) -> list[tuple[Any, ...]]:
    r = run(*LOCAL, "messages", "history", "--group", gid, "-o", "json")
    assert r.code == 0, r.err
    return sorted((m["MsgSeq"], m["MsgTimeStamp"], m["From_Account"],
                   m["MsgBody"][0]["MsgContent"].get("Text")) for m in r.json())


def c2c_history(run: Run, a: str, b: str) -> list[tuple[Any, ...]]:
    r = run(*LOCAL, "messages", "history", "--user", a, "--peer", b, "-o", "json")
    assert r.code == 0, r.err
    return [(m["MsgTimeStamp"], m["From_Account"], m["MsgBody"]) for m in r.json()]


def store(run: Run) -> dict[str, Any]:
    members = run(*LOCAL, "groups", "members", "list", "g1", "-o", "json").json()
    return {"g1": group_history(run, "g1"), "ab": c2c_history(run, "alice", "bob"),
            "ac": c2c_history(run, "alice", "carol"),
            "members": sorted((m["Member_Account"], m["Role"], m["JoinTime"], m["MsgSeq"])
                              for m in members)}


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def test_run_imports_in_original_order_with_original_times(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", BASE)
    r = run(*LOCAL, "import-history", "run", str(path), "-o", "json")
    assert r.code == 0, r.err
    phases = {p["Phase"]: p for p in r.json()}
    assert [phases[p]["Done"] for p in ("users", "profiles", "groups", "members", "c2c",
                                        "group_msgs", "unread")] == [3, 2, 2, 2, 4, 3, 1]
    assert phases["group_msgs"]["Calls"] == 2  # one history read, one call of 3 messages
    got = store(run)
    assert got["g1"] == [(1, 1700000300, "bob", "hello"),
                         (2, 1700000300, "carol", "same second, second"),
                         (3, 1700000400, "alice", "third")]
    # same second: file order decides (MsgSeq 1, then 2)
    assert got["ab"] == [(1700000200, "alice", text("hi")),
                         (1700000200, "bob", text("same second")),
                         (1700000500, "alice", CUSTOM)]
    assert got["ac"] == [(1700000600, "carol", text("api shape"))]
    # joins as given; bob's unread 1 of 3 messages: read up to MsgSeq 2
    assert got["members"] == [("alice", "Owner", 1700000000, 3),
                              ("bob", "Member", 1700000100, 2),
                              ("carol", "Admin", 1700000150, 3)]
    profile = run(*LOCAL, "users", "profile", "get", "carol", "-o", "json").json()
    assert "Carol" in json.dumps(profile)


def test_running_a_finished_import_again_changes_nothing(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", BASE)
    assert run(*LOCAL, "import-history", "run", str(path)).code == 0
    before = store(run)
    r = run(*LOCAL, "import-history", "run", str(path), "-o", "json")
    assert r.code == 0, r.err
    phases = {p["Phase"]: p for p in r.json()}
    assert phases["groups"]["Existed"] == 2
    assert phases["members"]["Existed"] == 2
    assert (phases["group_msgs"]["Resumed"], phases["group_msgs"]["Done"]) == (3, 0)
    assert store(run) == before


def test_dry_run_plans_and_sends_nothing(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", BASE, ['{"type": "user"}'])
    r = run(*LOCAL, "--dry-run", "import-history", "run", str(path))
    assert r.code == 0, r.err
    plan = r.json()
    assert plan["records"] == {"user": 3, "group": 2, "member": 2, "c2c": 4, "group_msg": 3}
    assert plan["skipped"] == 1
    first = plan["first_requests"]
    assert first["c2c"]["body"]["SyncFromOldSystem"] == 2
    assert first["c2c"]["body"]["MsgTimeStamp"] == 1700000200
    assert first["group_msgs"]["body"]["MsgList"][0] == {
        "From_Account": "bob", "SendTime": 1700000300,
        "Random": first["group_msgs"]["body"]["MsgList"][0]["Random"], "MsgBody": text("hello")}
    assert first["members"]["body"]["MemberList"][0] == {"Member_Account": "bob",
                                                         "JoinTime": 1700000100}
    assert first["unread"]["body"] == {"GroupId": "g1", "Member_Account": "bob",
                                       "UnreadMsgNum": 1}
    stats = run("-o", "json", "emulator", "stats")
    assert stats.code != 0 or not any("import" in row["endpoint"] for row in stats.json())


def test_bad_and_failed_records_go_to_the_failures_file(run: Run, tmp_path: Path) -> None:
    ghost = '{"type": "c2c", "from": "alice", "to": "nobody", "time": 1700000700, "text": "x"}'
    bad = '{"type": "member", "group": "g9", "user": "bob", "joined": 1700000100}'
    path = write(tmp_path / "h.jsonl", BASE, [bad, ghost])
    failures = tmp_path / "failed.jsonl"
    r = run(*LOCAL, "import-history", "run", str(path), "--failures", str(failures))
    assert r.code == 6, r.err
    assert f"{path}:15: no valid group record for 'g9' (skipped)" in r.err
    assert f"{path}:16: openim/importmsg failed" in r.err
    assert failures.read_text() == bad + "\n" + ghost + "\n"


def test_unread_c2c_records_use_sync_mode_5_and_the_flag_forces_one(run: Run,
                                                                     tmp_path: Path) -> None:
    records = [*BASE[2:3], BASE[7], {"type": "c2c", "from": "alice", "to": "bob",
                                     "time": 1700000200, "text": "new", "unread": True}]
    path = write(tmp_path / "h.jsonl", records)
    plan = run(*LOCAL, "--dry-run", "import-history", "run", str(path)).json()
    assert plan["first_requests"]["c2c"]["body"]["SyncFromOldSystem"] == 5
    plan = run(*LOCAL, "--dry-run", "import-history", "run", str(path),
               "--sync-from-old-system", "2").json()
    assert plan["first_requests"]["c2c"]["body"]["SyncFromOldSystem"] == 2


def test_a_checkpoint_made_for_another_input_is_refused(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", BASE)
    ckpt = tmp_path / "ckpt.db"
    assert run(*LOCAL, "import-history", "run", str(path), "--checkpoint", str(ckpt)).code == 0
    r = run(*LOCAL, "import-history", "run", str(path), "--checkpoint", str(ckpt), "-o", "json")
    assert r.code == 0, r.err
    assert "resuming from checkpoint" in r.err
    assert sum(p["Calls"] for p in r.json()) == 0  # everything recorded done: nothing sent
    write(path, BASE[:-1])
    r = run(*LOCAL, "import-history", "run", str(path), "--checkpoint", str(ckpt))
    assert r.code == 2
    assert "made for another input" in r.err
    (tmp_path / "other.db").write_text("not sqlite at all, just text\n" * 10)
    r = run(*LOCAL, "import-history", "run", str(path), "--checkpoint",
            str(tmp_path / "other.db"))
    assert r.code == 2 and "not a timctl import-history checkpoint" in r.err
