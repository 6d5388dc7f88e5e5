"""messages broadcast (batchsendmsg on the bulk runner), notify and broadcast-live, against an
emulator served on 127.0.0.1: calls counted by `timctl emulator stats`, per-recipient
failures, a checkpoint surviving SIGKILL, an idempotency key that makes a rerun send nothing.

The served emulator's rate limit is off and the client runs with --rate: the documented
12,000 recipients a minute would make a few thousand recipients take 15 s and more.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAST = ("--rate", "500")  # calls/s: the client's limiter, not the documented pace


@pytest.fixture
def emu(serve_app: Any, tmp_path: Path) -> Any:
    from timctl.emulator.faults import Faults

    served = serve_app("bc", 1400000077, faults=Faults(rate_limit=False))
    served.tmp = tmp_path  # type: ignore[attr-defined]
    return served


def users(run: Any, emu: Any, n: int, prefix: str = "u") -> list[str]:
    ids = [f"{prefix}{i:05d}" for i in range(n)]
    src = emu.tmp / f"{prefix}-import.txt"
    src.write_text("\n".join(ids) + "\n")
    r = run(*FAST, "users", "import", "-f", str(src))
    assert r.code == 0, r.err
    return ids


def calls(run: Any, emu: Any, endpoint: str = "openim/batchsendmsg") -> int:
    r = run("-o", "json", "emulator", "stats", "--db", str(emu.db))
    assert r.code == 0, r.err
    return sum(row["calls"] for row in json.loads(r.out) if row["endpoint"] == endpoint)


def received(emu: Any) -> dict[str, int]:
    """Messages stored per recipient (the emulator's own table)."""
    with sqlite3.connect(emu.db) as db:
        return dict(db.execute("SELECT to_id, COUNT(*) FROM c2c_msgs GROUP BY to_id"))


def timctl(tmp: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TIMCTL_CONFIG_DIR": str(tmp / "config"),
           "TIMCTL_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    env.pop("TIMCTL_FORCE_TTY", None)
    return subprocess.Popen([sys.executable, "-m", "timctl", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_thousands_from_a_file_in_500s_with_per_recipient_failures(
        emu: Any, run: Any, tmp_path: Path) -> None:
    ids = users(run, emu, 2900)
    unknown = ["ghost1", "ghost2", "ghost3"]
    src = tmp_path / "to.csv"  # CSV with a header, ghosts scattered
    lines = ["UserID,Note"] + [f"{u},x" for u in ids[:1000]] + [f"{unknown[0]},g"] + [
        f"{u},x" for u in ids[1000:]] + [f"{g},g" for g in unknown[1:]]
    src.write_text("\n".join(lines) + "\n")
    fails = tmp_path / "failed.csv"
    r = run(*FAST, "-o", "jsonl", "messages", "broadcast", "-f", str(src), "--text", "hello",
            "--failures", str(fails))
    assert r.code == 6, r.err  # partial: some recipients failed
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert len(rows) == 2903
    bad = {row["To_Account"]: row for row in rows if row["Status"] != "sent"}
    assert set(bad) == set(unknown)
    assert all(row["ErrorCode"] == 70107 for row in bad.values())
    header, *failed = fails.read_text().splitlines()  # chunks finish in any order
    assert header == "UserID,Note" and sorted(failed) == ["ghost1,g", "ghost2,g", "ghost3,g"]
    assert calls(run, emu) == 6  # ceil(2903 / 500)
    got = received(emu)
    assert len(got) == 2900 and set(got.values()) == {1}


def test_sigkill_then_resume_never_resends_a_finished_chunk(emu: Any, run: Any,
                                                            tmp_path: Path) -> None:
    ids = users(run, emu, 4000)  # 8 chunks
    src = tmp_path / "to.txt"
    src.write_text("\n".join(ids) + "\n")
    ckpt = tmp_path / "bc.ckpt"
    proc = timctl(emu.tmp, "--rate", "4", "-o", "jsonl", "messages", "broadcast", "-f",
                  str(src), "--text", "resumable", "--checkpoint", str(ckpt),
                  "--concurrency", "1")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        if ckpt.exists() and ckpt.read_text().count('"done"') >= 2:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    done = [json.loads(line)["done"] for line in ckpt.read_text().splitlines()[1:]
            if '"done"' in line]
    assert 2 <= len(done) < 8
    before = calls(run, emu)
    r = run(*FAST, "-o", "jsonl", "messages", "broadcast", "-f", str(src), "--text",
            "resumable", "--checkpoint", str(ckpt))
    assert r.code == 0, r.err
    assert f"{len(done) * 500} already done (checkpoint)" in r.err
    # a chunk started but not recorded done may have been delivered: the 120 s dedup (same
    # sender, content, MsgSeq, MsgRandom, keyed to the checkpoint) keeps it single
    assert calls(run, emu) - before == 8 - len(done)
    got = received(emu)
    assert len(got) == 4000 and set(got.values()) == {1}


def test_same_idempotency_key_twice_delivers_once(emu: Any, run: Any, tmp_path: Path) -> None:
    ids = users(run, emu, 1200)
    assert run("users", "import", "boss").code == 0
    src = tmp_path / "to.txt"
    src.write_text("\n".join(ids) + "\n")
    args = (*FAST, "messages", "broadcast", "-f", str(src), "--from", "boss", "--text",
            "digest", "--idempotency-key", "digest-0601")
    for _ in range(2):
        r = run(*args)
        assert r.code == 0, r.err
    assert calls(run, emu) == 6  # both runs sent their 3 chunks
    got = received(emu)
    assert len(got) == 1200 and set(got.values()) == {1}  # the second run delivered nothing
    # read back as a user would: one message in the conversation with the sender
    r = run("-o", "json", "messages", "history", "--user", ids[7], "--peer", "boss")
    assert r.code == 0, r.err
    assert len(json.loads(r.out)) == 1
    # without the key each run draws its own values: a rerun sends again
    r = run(*FAST, "messages", "broadcast", ids[0], ids[1], "--from", "boss", "--text",
            "digest")
    assert r.code == 0, r.err
    assert received(emu)[ids[0]] == 2


def test_after_the_dedup_window_the_same_key_sends_again(emu: Any, run: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = users(run, emu, 3)
    start = time.time()
    offset = [0.0]
    monkeypatch.setattr(emu.app, "clock", lambda: start + offset[0])
    args = ("messages", "broadcast", *ids, "--text", "t", "--idempotency-key", "k")
    assert run(*args).code == 0
    offset[0] = 60.0  # inside the window: dropped
    assert run(*args).code == 0
    assert set(received(emu).values()) == {1}
    offset[0] = 121.0  # past the documented 120 s
    assert run(*args).code == 0
    assert set(received(emu).values()) == {2}


def test_dry_run_plan(emu: Any, run: Any, tmp_path: Path) -> None:
    src = tmp_path / "to.txt"
    src.write_text("\n".join(f"p{i}" for i in range(1201)) + "\n" + "bad user\x01\n")
    r = run("--dry-run", "messages", "broadcast", "-f", str(src), "--text", "hi",
            "--from", "alice", "--no-unread", "--idempotency-key", "K")
    assert r.code == 0, r.err
    plan = json.loads(r.out)
    assert (plan["items"], plan["calls"], plan["batch_size"], plan["skipped"]) == (
        1201, 3, 500, 1)
    first = plan["first_requests"][0]["body"]
    assert first["From_Account"] == "alice" and len(first["To_Account"]) == 500
    assert first["MsgBody"] == [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
    assert first["SendMsgControl"] == ["NoUnread"]
    again = json.loads(run("--dry-run", "messages", "broadcast", "-f", str(src), "--text",
                           "hi", "--from", "alice", "--no-unread", "--idempotency-key",
                           "K").out)["first_requests"]
    assert [q["body"]["MsgRandom"] for q in again] == [
        q["body"]["MsgRandom"] for q in plan["first_requests"]]
    assert again[0]["body"]["MsgRandom"] != again[1]["body"]["MsgRandom"]
    assert calls(run, emu) == 0


@pytest.mark.parametrize("flags", [
    ["--location", "north"],
    ["--face", "smile"],
    ["--text", "a", "--image", "https://x/y.png"],  # a media element may only come first
    ["--custom-data", "a", "--body", '[{"MsgType":"TIMCustomElem","MsgContent":{}}]'],
    ["--text", "x" * 13000],
    ["--body", "[]"],
    [],
])
def test_bad_bodies_are_refused_before_anything_is_sent(emu: Any, run: Any,
                                                        flags: list[str]) -> None:
    users(run, emu, 2)
    r = run("messages", "broadcast", "u00000", "u00001", *flags)
    assert r.code == 2, (r.out, r.err)
    assert calls(run, emu) == 0 and received(emu) == {}


def test_file_url_flag_and_input_file_live_side_by_side(emu: Any, run: Any,
                                                         tmp_path: Path) -> None:
    ids = users(run, emu, 2)
    src = tmp_path / "to.jsonl"
    src.write_text("".join(json.dumps({"UserID": u}) + "\n" for u in ids))
    r = run("messages", "broadcast", "-f", str(src), "--file-url", "https://cdn.x/a.pdf")
    assert r.code == 0, r.err
    with sqlite3.connect(emu.db) as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM c2c_msgs")]
    assert len(bodies) == 2 and bodies[0][0]["MsgType"] == "TIMFileElem"


def test_notify_whole_group_or_members(emu: Any, run: Any) -> None:
    users(run, emu, 3)
    r = run("groups", "create", "--type", "Public", "--id", "g1", "--name", "G",
            "--owner", "u00000")
    assert r.code == 0, r.err
    r = run("-o", "json", "messages", "notify", "--group", "g1", "--content", '{"t":1}')
    assert r.code == 0, r.err
    assert json.loads(r.out)["Members"] == "all"
    r = run("-o", "json", "messages", "notify", "--group", "g1", "--to", "u00000",
            "--content", "ping")
    assert r.code == 0, r.err
    assert calls(run, emu, "group_open_http_svc/send_group_system_notification") == 2
    r = run("messages", "notify", "--group", "nope", "--content", "x")
    assert r.code != 0 and "10010" in r.err
    assert run("messages", "notify", "--group", "g1", "--content", "").code == 2


def test_broadcast_live(emu: Any, run: Any) -> None:
    r = run("-o", "json", "messages", "broadcast-live", "--text", "show at 9")
    assert r.code == 0, r.err
    assert json.loads(r.out)["MsgSeq"] == 1
    assert run("messages", "broadcast-live").code == 2  # no body
    assert calls(run, emu, "group_open_http_svc/send_broadcast_msg") == 1


def test_notify_members_go_500_a_call_and_live_groups_take_no_member_list(
        emu: Any, run: Any) -> None:
    members = [f"--to=m{i:04d}" for i in range(501)]
    r = run("--dry-run", "messages", "notify", "--group", "g1", *members, "--content", "x")
    assert r.code == 0, r.err
    sent = [json.loads(line)["body"] for line in r.out.splitlines()]
    assert [len(b["ToMembers_Account"]) for b in sent] == [500, 1]
    assert calls(run, emu, "group_open_http_svc/send_group_system_notification") == 0
    users(run, emu, 2)
    assert run("groups", "create", "--type", "AVChatRoom", "--id", "live1", "--name", "L",
               "--owner", "u00000").code == 0
    r = run("messages", "notify", "--group", "live1", "--to", "u00001", "--content", "x")
    assert r.code != 0 and "10004" in r.err
    assert run("messages", "notify", "--group", "live1", "--content", "x").code == 0
